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
  facts' printed amounts); the numbers on table pages of rejected documents are counted apart.
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
AMOUNT = re.compile(r"(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\d.,]*\d)")
_PAGE = 1000  # the pdfplumber reader's line = page × 1000 + line on the page


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
    if fact.get("page"):
        return int(fact["page"])
    line = fact.get("line")
    return int(line) // _PAGE if line and int(line) >= _PAGE else None


def table_page(table) -> int | None:
    pages = {c.page or (c.line // _PAGE if c.line >= _PAGE else None) for row in table.rows for c in row}
    return min(pages - {None}, default=None)


def table_pages(table) -> set[int]:
    return {c.page or (c.line // _PAGE if c.line >= _PAGE else None) for row in table.rows for c in row} - {None}


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
                 "numbers_rejected": 0}
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
    findings = check.run(item.rows)
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
    return out


def add(total: dict, one: dict) -> None:
    for key, value in one.items():
        if isinstance(value, int):
            total[key] = total.get(key, 0) + value
    total["documents"] = total.get("documents", 0) + 1
    total["built"] = total.get("built", 0) + (one["status"] == "built")
    total["rejected"] = total.get("rejected", 0) + (one["status"] == "rejected")


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def line(name: str, r: dict) -> str:
    status = r["status"] if "status" in r else f"{r['built']}/{r['documents']} built"
    reason = f"  {r['reason']}" if r.get("reason") else ""
    return (f"{name}: {status}; tables read {r['read']} partial {r['partial']} not_read {r['not_read']}; "
            f"facts {r['facts']}; totals {share(r['total_equal'] + r['total_reported'], r['with_total'])} "
            f"({r['total_equal']} equal + {r['total_reported']} reported / {r['with_total']}); numbers as facts "
            f"{share(r['numbers_as_facts'], r['numbers'])} ({r['numbers_as_facts']}/{r['numbers']})"
            + (f"; numbers on table pages of rejected documents {r['numbers_rejected']}" if r.get("numbers_rejected") else "")
            + reason)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--flat", action="store_true", help="only the files directly in FOLDER, not its subfolders")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    files = sorted(p for p in (args.folder.glob("*") if args.flat else args.folder.rglob("*")) if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".xlsx", ".txt")
                   and p.name.lower() != "readme.md")
    results, cities, total = [], {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        import os
        os.environ.setdefault("YUSUAN_CACHE", tmp)
        for path in files:
            r = measure(path)
            r["city"] = path.relative_to(args.folder).parts[0] if len(path.relative_to(args.folder).parts) > 1 else "."
            results.append(r)
            add(cities.setdefault(r["city"], {}), r)
            add(total, r)
            if not args.json:
                print(line(str(path.relative_to(args.folder)), r), flush=True)
    if args.json:
        print(json.dumps({"documents": results, "cities": cities, "total": total}, ensure_ascii=False, indent=1))
        return 0
    print()
    for city, r in sorted(cities.items()):
        print(line(city, r))
    print()
    print(line("TOTAL", total))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
