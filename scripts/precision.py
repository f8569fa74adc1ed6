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
    cities: dict[str, Counter] = defaultdict(Counter)
    held_out: dict[str, Counter] = defaultdict(Counter)
    unlabelled = []
    for f in found:
        at = place(f)
        entry = ledger.get((f["document"], f["rule_id"], at, key(f)))
        if entry is None and re.match(r"p\d+ l\d+ t", at):  # a table finding labelled before facts had pages
            entry = ledger.get((f["document"], f["rule_id"], re.sub(r"^p\d+ l\d+ ", "", at), key(f)))
        verdict = entry["verdict"] if entry and entry["verdict"] in ("true", "false") else "unlabelled"
        counts[f["rule_id"]][verdict] += 1
        cities[f.get("city") or "."][verdict] += 1
        if f.get("city") in args.held_out:
            held_out[f["rule_id"]][verdict] += 1
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
        print()
        print(f"{'city':14} {'true':>5} {'false':>5} {'unlab':>5} {'precision':>9}")
        for city in sorted(cities):
            c = cities[city]
            print(f"{city:14} {c['true']:5} {c['false']:5} {c['unlabelled']:5} "
                  f"{rate(c):>9}")
    if args.held_out:
        print()
        print(f"per rule on the cities held out ({', '.join(args.held_out)}):")
        for rule in sorted(held_out):
            c = held_out[rule]
            print(f"{rule:34} {c['true']:5} {c['false']:5} {c['unlabelled']:5} "
                  f"{rate(c):>9}")
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
