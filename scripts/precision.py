"""Precision of the audit per rule against the hand-labelled ledger tests/ledger/findings.csv.

    python scripts/precision.py [CORPUS_DIR ...] [--write-unlabelled FILE]
    python scripts/precision.py --findings DUMP.jsonl [--shown] [--held-out CITY ...]

Builds the four PDFs of tests/fixtures/real/ and every PDF under each CORPUS_DIR (for instance
/work/shared/real/corpus/001_上海; the script may read outside the project, tests never do), runs the audit,
and matches each finding with the ledger by document file name, rule, place and key. Prints, per rule, the
findings labelled true and false, precision, and findings not in the ledger (unlabelled); with
--write-unlabelled, writes those as ledger rows with an empty verdict for a reviewer to fill in.

--findings reads the findings written by `scripts/findings_by_rule.py --dump` (each with its file and city) instead
of building: the audit of the whole corpus is then measured in seconds. --shown counts only what `yusuan check`
shows (errors and warnings; info only with --all). Precision is also printed per city, and per rule on the cities
given with --held-out (the cities whose documents were not used to write the rules)."""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEDGER = ROOT / "tests" / "ledger" / "findings.csv"
COLUMNS = ("document", "sha256", "rule_id", "place", "key", "verdict", "reason")


def place(f: dict) -> str:
    """Where a finding is, stable across runs: page and line, or table, row, column and code."""
    parts = []
    if f.get("page") is not None:
        parts.append(f"p{f['page']}")
    if f.get("line") is not None:
        parts.append(f"l{f['line']}")
    if f.get("table_no") is not None:
        parts.append(f"t{f['table_no']}")
    if f.get("row_no") is not None:
        parts.append(f"r{f['row_no']}")
    if f.get("column_zh"):
        parts.append(str(f["column_zh"]))
    if f.get("code"):
        parts.append(str(f["code"]))
    return " ".join(parts)


def key(f: dict) -> str:
    """What a finding says, short: its actual value (and expected), as the message would name them."""
    return f"{f.get('expected') or ''}|{f.get('actual') or ''}"


def findings(folders: list[Path]) -> list[dict]:
    from yusuan.build import collect
    from yusuan.check import audit

    paths = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))
    for folder in folders:
        paths += sorted(folder.rglob("*.pdf"))
    out = []
    built = 0
    for path in paths:   # one document at a time: a document that cannot be read never hides the rest
        result = collect([path])
        if not result.documents:
            print(f"not built: {path.name}", file=sys.stderr)
            continue
        info = result.rows["documents"][0]
        built += 1
        for f in audit(result.rows).findings:
            out.append(f | {"document": path.name, "sha256": info.get("source_sha256")})
    print(f"{built} document(s) audited of {len(paths)} PDF(s)", file=sys.stderr)
    return out


def rate(c: Counter) -> str:
    """Precision of the labelled findings of a count (true / (true + false)), or - when none is labelled."""
    labelled = c["true"] + c["false"]
    return f"{100 * c['true'] / labelled:.1f}%" if labelled else "-"


def read_ledger() -> dict[tuple, dict]:
    if not LEDGER.is_file():
        return {}
    with open(LEDGER, encoding="utf-8", newline="") as handle:
        return {(r["document"], r["rule_id"], r["place"], r["key"]): r for r in csv.DictReader(handle)}


WRITTEN_FROM = ROOT / "tests" / "ledger" / "written_from.yaml"
SHOWN = ("error", "warning")


def written_from(rule: str) -> set[str]:
    """The cities a rule was written from (tests/ledger/written_from.yaml, first matching entry)."""
    import fnmatch

    import yaml

    for entry in yaml.safe_load(WRITTEN_FROM.read_text(encoding="utf-8")):
        if any(fnmatch.fnmatchcase(rule, p) for p in entry["rules"]):
            return set(entry["cities"])
    return set()


def _count(pairs) -> Counter:
    return Counter(v for _, v in pairs)


def by_city(found: list[dict], verdicts: list[str], dump: Path) -> None:
    """Per city: documents audited, documents whose every finding (info too) is labelled, and precision of errors
    and warnings, of what is shown, and of everything; the issue's thresholds checked on each."""
    import json

    audited: dict[str, set] = defaultdict(set)
    listing = Path(f"{dump}.documents")
    if listing.is_file():
        for line in listing.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            audited[d["city"]].add(d["file"])
    unlabelled_docs = {f["document"] for f, v in zip(found, verdicts) if v == "unlabelled"}
    with_findings: dict[str, set] = defaultdict(set)
    for f in found:
        with_findings[f.get("city") or "."].add(f["document"])
    print()
    print(f"{'city':10} {'docs':>4} {'full':>4} {'with':>4}  {'errors+warnings':>22}  {'all findings':>22}")
    failing = []
    for city in sorted(set(audited) | set(with_findings)):
        pairs = [(f, v) for f, v in zip(found, verdicts) if (f.get("city") or ".") == city]
        shown = _count((f, v) for f, v in pairs if f["severity"] in SHOWN)
        every = _count(pairs)
        docs = audited.get(city, with_findings[city])
        full = len([d for d in docs if d not in unlabelled_docs])
        print(f"{city:10} {len(docs):4} {full:4} {len(with_findings[city]):4}  "
              f"{shown['true']:4}/{shown['true'] + shown['false']:<4} {rate(shown):>7} u{shown['unlabelled']:<4}  "
              f"{every['true']:4}/{every['true'] + every['false']:<4} {rate(every):>7} u{every['unlabelled']:<4}")
        labelled = shown["true"] + shown["false"]
        if labelled and shown["true"] < 0.9 * labelled:
            failing.append(f"{city}: errors and warnings {rate(shown)} < 90%")
    print("documents: audited; full = every finding labelled (info too); with = giving a finding")
    for line in failing:
        print(f"MUST HOLD FAILS: {line}")


def held_out_by_rule(found: list[dict], verdicts: list[str], named: list[str]) -> None:
    """Per rule, precision on the cities it was not written from (tests/ledger/written_from.yaml), or on the cities
    named with --held-out; a rule shown by default (error or warning) below 90% there is flagged."""
    counts: dict[str, Counter] = defaultdict(Counter)
    origin: dict[str, set] = {}
    for f, v in zip(found, verdicts):
        rule = f["rule_id"]
        origin.setdefault(rule, written_from(rule))
        city = f.get("city") or "."
        if (city in named) if named else (city not in origin[rule]):
            counts[(rule, f["severity"])][v] += 1
    print()
    print("per rule and severity on held-out cities (" + (", ".join(named) if named else
          "cities not in tests/ledger/written_from.yaml for the rule") + "):")
    print(f"{'rule':34} {'severity':8} {'true':>5} {'false':>5} {'unlab':>5} {'precision':>9}  written from")
    for (rule, severity), c in sorted(counts.items()):
        flag = ""
        labelled = c["true"] + c["false"]
        if severity in SHOWN and labelled and c["true"] < 0.9 * labelled:
            flag = "  BELOW 90%: make it info or turn it off"
        print(f"{rule:34} {severity:8} {c['true']:5} {c['false']:5} {c['unlabelled']:5} {rate(c):>9}  "
              f"{', '.join(sorted(origin[rule])) or '-'}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--write-unlabelled", type=Path)
    parser.add_argument("--exclude", action="append", default=[], metavar="RULE",
                        help="leave a rule out of the overall figure (e.g. one about our reading, not the document)")
    parser.add_argument("--findings", type=Path, help="findings as JSON lines (scripts/findings_by_rule.py --dump)")
    parser.add_argument("--shown", action="store_true", help="only the findings yusuan check shows (not info)")
    parser.add_argument("--held-out", nargs="*", default=[], metavar="CITY",
                        help="cities (folder names) not used to write the rules: precision per rule on them")
    args = parser.parse_args()
    ledger = read_ledger()
    if args.findings:
        import json

        with open(args.findings, encoding="utf-8") as handle:
            found = [json.loads(line) for line in handle if line.strip()]
        for f in found:
            f["document"] = f.get("document") or f["file"]
    else:
        found = findings(args.folders)
    if args.shown:
        found = [f for f in found if f["severity"] != "info"]
    counts: dict[str, Counter] = defaultdict(Counter)
    severities: dict[str, Counter] = defaultdict(Counter)
    unlabelled = []
    verdicts: list[str] = []
    for f in found:
        at = place(f)
        entry = ledger.get((f["document"], f["rule_id"], at, key(f)))
        if entry is None and re.match(r"p\d+ l\d+ t", at):  # a table finding labelled before facts had pages
            entry = ledger.get((f["document"], f["rule_id"], re.sub(r"^p\d+ l\d+ ", "", at), key(f)))
        verdict = entry["verdict"] if entry and entry["verdict"] in ("true", "false") else "unlabelled"
        verdicts.append(verdict)
        counts[f["rule_id"]][verdict] += 1
        severities[f["rule_id"]][f["severity"]] += 1
        if verdict == "unlabelled":
            unlabelled.append(f)
    print(f"{'rule':34} {'true':>5} {'false':>5} {'unlab':>5} {'precision':>9}  severities")
    total = Counter()
    for rule in sorted(counts):
        c = counts[rule]
        if rule not in args.exclude:
            total += c
        labelled = c["true"] + c["false"]
        precision = f"{100 * c['true'] / labelled:.1f}%" if labelled else "-"
        sev = ", ".join(f"{s} {n}" for s, n in sorted(severities[rule].items()))
        print(f"{rule:34} {c['true']:5} {c['false']:5} {c['unlabelled']:5} {precision:>9}  {sev}")
    labelled = total["true"] + total["false"]
    overall = f"{100 * total['true'] / labelled:.1f}%" if labelled else "-"
    print(f"{'all' + (' but ' + ', '.join(args.exclude) if args.exclude else ''):34} {total['true']:5} {total['false']:5} "
          f"{total['unlabelled']:5} {overall:>9}")
    print(f"{len({f['document'] for f in found})} document(s) with findings, {len(found)} finding(s)")
    if args.findings:
        by_city(found, verdicts, args.findings)
        held_out_by_rule(found, verdicts, args.held_out)
    if args.write_unlabelled:
        with open(args.write_unlabelled, "w", encoding="utf-8", newline="") as handle:
            w = csv.DictWriter(handle, fieldnames=COLUMNS + ("severity", "message_zh"))
            w.writeheader()
            for f in unlabelled:
                w.writerow({"document": f["document"], "sha256": f["sha256"], "rule_id": f["rule_id"], "place": place(f),
                            "key": key(f), "verdict": "", "reason": "", "severity": f["severity"], "message_zh": f["message_zh"]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
