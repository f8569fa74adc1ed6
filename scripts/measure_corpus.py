"""Measure recognition on a folder of real documents: what builds, what each table gives, and two checks that
need no hand-typed values.

    python scripts/measure_corpus.py FOLDER [--json]

Every document is extracted in this process with the library (nothing is written but a temporary folder),
and the figures are printed per document, per city (the first folder level under FOLDER) and in total:

- status: built, or rejected with the one-line reason yusuan gives;
- tables read / partial / not_read (the `tables` resource), and facts;
- totals: of the tables that print a total row (合计/总计), the share whose total equals the sum of their rows
  for every amount column (the class-level rows when codes are printed, else every row that is neither a
  total nor a subtotal), or whose difference the audit reports as a table.* finding;
- numbers: of the numbers that look like amounts (a decimal point or thousands separators) in the text of
  every page holding a table (the reader's tables) of a built document, read independently with
  ``pdftotext -layout`` per page, the share that became facts (matched as a multiset per page against the
  facts' printed amounts); the numbers on table pages of rejected documents are counted apart;
- narrative: statements, projects (and of them those with a name and an amount), organisation functions,
  offices, performance goals and indicators, and a check that needs no hand-typed values: of the money amounts
  (digits followed by 元 / 千元 / 万元 / 亿元, not a threshold followed by 以上 / 以下) printed on the pages of a built PDF that hold no table (read
  independently with ``pdftotext -layout``), the share that is a statement's amount, prior amount or change
  (matched as a multiset per document on the digits as printed).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yusuan import check  # noqa: E402
from yusuan.build import extract  # noqa: E402
from yusuan.errors import YusuanError  # noqa: E402

# a number that looks like an amount: thousands separators or a decimal point, not part of a longer token
# a money amount in running text: digits (thousands separators, a decimal point) before a unit of money
# (not a threshold that is part of a name: 单价100万元（含）以上设备, 50万元以下)
MONEY = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?:千元|万元|亿元|元)"
                   r"(?!\s*(?:[（(]\s*[含不]*\s*[）)])?\s*(?:及\s*)?以\s*[上下])")
NARRATIVE = ("statements", "projects", "projects_named", "functions", "offices", "goals", "indicators")
AMOUNT = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d.,]*\d)")


def page_texts(path: Path) -> list[str]:
    """The text of each page as ``pdftotext -layout`` prints it (form feeds between pages)."""
    try:
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return out.stdout.decode("utf-8", "replace").split("\f")


def amounts_on(text: str) -> Counter:
    return Counter(m.group(0).replace(",", "") for m in AMOUNT.finditer(text))


def fact_page(fact: dict) -> int | None:
    return int(fact["page"]) if fact.get("page") else None


def table_page(table) -> int | None:
    return min(table_pages(table), default=None)


def table_pages(table) -> set[int]:
    return {c.page for row in table.rows for c in row} - {None}


def totals_check(facts: list[dict], findings: list[dict]) -> tuple[int, int, int]:
    """(tables with a total row, tables whose totals equal their rows, tables whose differences are findings)."""
    by_table: dict = defaultdict(list)
    for f in facts:
        by_table[(f["table_no"], f["table_kind"])].append(f)
    reported = {(f.get("table_no"), f.get("table_kind")) for f in findings if str(f.get("rule_id", "")).startswith("table.")}
    with_total = equal = explained = 0
    for key, rows in by_table.items():
        totals = [f for f in rows if str(f["is_total"]).lower() == "true"]
        if not totals:
            continue
        with_total += 1
        ok = True
        for column in {f["column_no"] for f in totals}:
            cells = [f for f in rows if f["column_no"] == column]
            total_rows = [f for f in cells if str(f["is_total"]).lower() == "true"]
            # the first total after the rows it sums (a later 总计 adds balances carried over)
            total_row = min(total_rows, key=lambda f: f["row_no"])
            before = [f for f in cells if f not in total_rows and str(f["is_subtotal"]).lower() != "true"
                      and (f["row_no"] > total_row["row_no"] or total_row["row_no"] > min(g["row_no"] for g in cells))]
            coded = [f for f in before if f.get("code")]
            if coded:
                shortest = min(len(f["code"]) for f in coded)
                parts = [f for f in coded if len(f["code"]) == shortest]
            else:
                parts = [f for f in before if f["row_no"] < total_row["row_no"]] or before
            target = Decimal(str(total_row["amount_yuan"]))
            if sum((Decimal(str(f["amount_yuan"])) for f in parts), Decimal(0)) != target:  # no rows: the total is 0
                ok = False
                break
        if ok:
            equal += 1
        elif key in reported:
            explained += 1
    return with_total, equal, explained


def measure(path: Path) -> dict:
    out: dict = {"file": str(path), "status": "built", "reason": "", "read": 0, "partial": 0, "not_read": 0,
                 "facts": 0, "with_total": 0, "total_equal": 0, "total_reported": 0, "numbers": 0, "numbers_as_facts": 0,
                 "numbers_rejected": 0, "narrative_amounts": 0, "narrative_as_statements": 0,
                 **{key: 0 for key in NARRATIVE}}
    import yusuan.build as pipeline

    seen: list = []
    reader = pipeline.read
    pipeline.read = lambda *a, **k: seen.append(reader(*a, **k)) or seen[-1]  # keep the document read
    try:
        item = extract(path)
    except YusuanError as exc:
        out["status"], out["reason"] = "rejected", str(exc).splitlines()[0]
        if seen and path.suffix.lower() == ".pdf":  # a document read but lost: its table numbers count as lost
            texts = page_texts(path)
            pages = set().union(*(table_pages(t) for t in seen[0].tables))
            out["numbers_rejected"] = sum(sum(amounts_on(texts[p - 1]).values()) for p in pages if 0 < p <= len(texts))
        return out
    finally:
        pipeline.read = reader
    facts = item.rows.get("facts", [])
    out["facts"] = len(facts)
    tables = item.rows.get("tables")
    # the pages holding a table, from the reader's tables (independent of recognition)
    pages: set[int] = set().union(*(table_pages(t) for t in seen[0].tables)) if seen else set()
    if tables is not None:
        for t in tables:
            out[t["status"]] = out.get(t["status"], 0) + 1
    else:  # before the tables resource: a table with facts is read; the warnings name the skipped ones
        out["read"] = len({(f["table_no"], f["table_kind"]) for f in facts})
        out["not_read"] = sum("not recognised" in w for w in item.warnings)
    narrative(out, item.rows)
    audited = check.audit(item.rows)
    findings = audited.findings + audited.rounding   # a difference within rounding is counted, not a finding
    out["with_total"], out["total_equal"], out["total_reported"] = totals_check(facts, findings)
    if path.suffix.lower() == ".pdf":
        texts = page_texts(path)
        printed = {p: amounts_on(texts[p - 1]) for p in pages if 0 < p <= len(texts)}
        became: dict[int, Counter] = defaultdict(Counter)
        for f in facts:
            p = fact_page(f)
            if p in printed:
                became[p][str(f["amount_as_printed"]).replace(",", "")] += 1
        if not became and facts:  # facts without a page (before page was published): match per document
            whole = sum(printed.values(), Counter())
            printed = {0: whole}
            became[0] = Counter(str(f["amount_as_printed"]).replace(",", "") for f in facts)
        out["numbers"] = sum(sum(c.values()) for c in printed.values())
        out["numbers_as_facts"] = sum(sum((c & became[p]).values()) for p, c in printed.items())
        text_pages = [t for i, t in enumerate(texts, 1) if i not in pages]
        stated = Counter()
        for s in item.rows.get("statements", []):
            for key in ("amount_as_printed", "prior_amount_as_printed", "change_amount_as_printed"):
                if s.get(key) not in (None, ""):
                    stated[str(s[key]).replace(",", "")] += 1
        money = Counter(m.group(1).replace(",", "") for t in text_pages for m in MONEY.finditer(t))
        out["narrative_amounts"] = sum(money.values())
        out["narrative_as_statements"] = sum((money & stated).values())
    return out


def narrative(out: dict, rows: dict) -> None:
    """The narrative's rows counted: statements, projects (named with an amount), functions, offices, goals,
    indicators."""
    projects = rows.get("projects", [])
    out["statements"] = len(rows.get("statements", []))
    out["projects"] = len(projects)
    out["projects_named"] = sum(1 for p in projects if p.get("name_zh") and any(
        p.get(k) not in (None, "") for k in ("table_amount", "stated_amount", "amount_yuan")))
    out["functions"] = len(rows.get("organisation_functions", []))
    out["offices"] = len(rows.get("offices", []))
    out["goals"] = len(rows.get("performance_goals", []))
    out["indicators"] = len(rows.get("performance_indicators", []))


def add(total: dict, one: dict) -> None:
    for key, value in one.items():
        if isinstance(value, int) and not isinstance(value, bool):
            total[key] = total.get(key, 0) + value
    total["documents"] = total.get("documents", 0) + 1
    total["built"] = total.get("built", 0) + (one["status"] == "built")
    total["rejected"] = total.get("rejected", 0) + (one["status"] != "built")
    total["internal"] = total.get("internal", 0) + bool(one.get("internal"))
    if one["status"] != "built":
        causes = total.setdefault("causes", {})
        causes[one["cause"]] = causes.get(one["cause"], 0) + 1


def cause(reason: str, path: str) -> str:
    """A failure's one-line reason without the file name (and for a defect, its kind only), to group by."""
    text = reason[len(path) + 2:] if reason.startswith(path + ": ") else reason
    text = re.sub(r"^whole document: ", "", text)
    found = re.search(r"internal error: (\w+)", text)
    if found:
        return f"internal error ({found[1]})"
    return re.sub(r"\d+(\.\d+)?", "N", text)


def failed(path: Path, error: YusuanError) -> dict:
    """The row of a document whose measurement stopped: a YusuanError (a time or memory limit, an internal
    error met in a worker) is counted, never fatal."""
    reason = str(error).splitlines()[0]
    return {"file": str(path), "status": "rejected", "reason": reason, "cause": cause(reason, str(path)),
            "internal": "internal error" in reason}


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def line(name: str, r: dict) -> str:
    if "status" in r:
        status = r["status"]
    else:
        causes = "; ".join(f"{n} × {c}" for c, n in sorted(r.get("causes", {}).items(), key=lambda kv: (-kv[1], kv[0])))
        status = (f"{r['documents']} documents, {r['built']} built, {r['rejected']} failed"
                  + (f" [{causes}]" if causes else "") + f"; internal errors {r.get('internal', 0)}")
    tables = r.get("read", 0) + r.get("partial", 0) + r.get("not_read", 0)
    reason = f"  {r['reason']}" if r.get("reason") else ""
    return (f"{name}: {status}; tables read {r.get('read', 0)} partial {r.get('partial', 0)} not_read {r.get('not_read', 0)} "
            f"({share(r.get('read', 0), tables)} read); facts {r.get('facts', 0)}; totals "
            f"{share(r.get('total_equal', 0) + r.get('total_reported', 0), r.get('with_total', 0))} "
            f"({r.get('total_equal', 0)} equal + {r.get('total_reported', 0)} reported / {r.get('with_total', 0)}); numbers as facts "
            f"{share(r.get('numbers_as_facts', 0), r.get('numbers', 0))} ({r.get('numbers_as_facts', 0)}/{r.get('numbers', 0)})"
            + (f"; numbers on table pages of rejected documents {r['numbers_rejected']}" if r.get("numbers_rejected") else "")
            + f"; narrative: statements {r.get('statements', 0)}, projects {r.get('projects', 0)} "
            f"({r.get('projects_named', 0)} named with amount), functions {r.get('functions', 0)}, offices {r.get('offices', 0)}, "
            f"goals {r.get('goals', 0)}, indicators {r.get('indicators', 0)}; narrative amounts as statements "
            f"{share(r.get('narrative_as_statements', 0), r.get('narrative_amounts', 0))} "
            f"({r.get('narrative_as_statements', 0)}/{r.get('narrative_amounts', 0)})"
            + reason)


def city_of(path: Path, folder: Path) -> str:
    parts = path.relative_to(folder).parts
    return parts[0] if len(parts) > 1 else "."


def build_corpus(folder: Path, files: list[Path], workers: int) -> dict:
    """The whole folder built as one corpus (yusuan.build.build into a temporary folder): what was published
    and what failed, by name and stage, per city, so that the corpus-wide steps are measured too."""
    import time

    from yusuan.build import build

    started = time.monotonic()
    out: dict = {"published": [], "failed": [], "duplicates": [], "stopped": None}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result = build([str(folder)], package_dir=Path(tmp) / "datapackage", database=Path(tmp) / "build" / "yusuan.db",
                           workers=workers, progress=False, force=True)
            out["published"] = sorted(d["source_file"] for d in result.documents)
            out["failed"] = [str(f) for f in result.failures]
            out["duplicates"] = list(result.duplicates)
            out["counts"] = result.counts
        except YusuanError as exc:
            out["stopped"] = str(exc)
        except Exception as exc:  # noqa: BLE001 - a defect: counted and told, the measurement goes on
            out["stopped"] = f"internal error: {type(exc).__name__}: {exc}"
    out["seconds"] = round(time.monotonic() - started, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--flat", action="store_true", help="only the files directly in FOLDER, not its subfolders")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="documents measured at once")
    parser.add_argument("--build", action="store_true", help="also build the whole folder as one corpus and report "
                        "what was published and what failed, by name")
    args = parser.parse_args(argv)
    files = sorted(p for p in (args.folder.glob("*") if args.flat else args.folder.rglob("*")) if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".xlsx", ".txt")
                   and p.name.lower() != "readme.md")
    results, cities, total = [], {}, {}
    from yusuan.corpus import run_all

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("YUSUAN_CACHE", tmp)
        # each document in a worker process, with the build's time and memory limits: a document that stops
        # (a defect, too long, too big) is counted with its reason, never fatal
        outcomes = run_all([(path,) for path in files], measure, args.jobs, lambda r: None)
    for i, path in enumerate(files):
        r = outcomes[i]
        if isinstance(r, YusuanError):
            r = failed(path, r)
        elif r["status"] != "built":
            r["cause"] = cause(r["reason"], str(path))
            r["internal"] = "internal error" in r["reason"]
        r["city"] = city_of(path, args.folder)
        results.append(r)
        add(cities.setdefault(r["city"], {}), r)
        add(total, r)
        if not args.json:
            print(line(str(path.relative_to(args.folder)), r), flush=True)
    corpus = build_corpus(args.folder, files, args.jobs) if args.build else None
    if args.json:
        print(json.dumps({"documents": results, "cities": cities, "total": total, "corpus_build": corpus}, ensure_ascii=False, indent=1))
        return 0
    print()
    for city, r in sorted(cities.items()):
        print(line(city, r))
    print()
    print(line("TOTAL", total))
    if corpus is not None:
        print()
        print(f"corpus build of {args.folder} ({len(files)} files, {corpus['seconds']} s):")
        if corpus["stopped"]:
            print(f"  STOPPED, nothing published: {corpus['stopped']}")
        else:
            by_city: dict = defaultdict(lambda: [0, 0, 0])  # files, failed, the same document as another
            for path in files:
                city = city_of(path, args.folder)
                by_city[city][0] += 1
                by_city[city][1] += any(f.startswith(str(path) + ": ") for f in corpus["failed"])
                by_city[city][2] += any(d.startswith((str(path) + ": ", path.name + ": ")) for d in corpus["duplicates"])
            for city, (count, failures, same) in sorted(by_city.items()):
                print(f"  {city}: published {count - failures - same}, failed {failures}" + (f", the same document as another {same}" if same else ""))
            print(f"  published {len(corpus['published'])}, failed {len(corpus['failed'])}: {corpus.get('counts')}")
            for failure in corpus["failed"]:
                print(f"  failed: {failure}")
            for duplicate in corpus["duplicates"]:
                print(f"  skipped: {duplicate}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
