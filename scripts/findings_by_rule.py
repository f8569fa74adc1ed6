"""Count the audit's findings per rule, severity and city on a folder of real documents.

    python scripts/findings_by_rule.py FOLDER [--rows DIR] [--dump FILE] [--all]

Every document under FOLDER is extracted (yusuan.build.extract, one worker per job as the build does) and
audited (yusuan.check.audit). With --rows DIR the extracted rows are kept there (a pickle per file, keyed by its
bytes' hash) and read back on the next run: the audit can then be changed and measured again in seconds
without reading the PDFs anew (delete DIR when the reading changes). Prints, per rule, the findings by severity
and by city (the first folder level under FOLDER), and the totals; --dump writes every finding (JSON lines,
with the document's file name and city) for labelling. By default only what `yusuan check` shows is counted
(errors and warnings); --all counts info too."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yusuan.errors import YusuanError  # noqa: E402

SUFFIXES = (".pdf", ".docx", ".xlsx", ".txt")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract_rows(path: Path, store: str | None) -> str | dict:
    """The extracted rows of one file (kept in store when given), or the one-line reason it is not built."""
    from yusuan.build import extract

    target = Path(store) / f"{digest(path)}.pickle" if store else None
    if target is not None and target.is_file():
        return "cached"
    try:
        rows = extract(path).rows
    except YusuanError as exc:
        rows = {"rejected": str(exc).splitlines()[0]}
    if target is None:
        return rows
    target.write_bytes(pickle.dumps(rows))
    return "stored"


def load_rows(path: Path, store: Path) -> dict:
    return pickle.loads((store / f"{digest(path)}.pickle").read_bytes())


def city_of(path: Path, folder: Path) -> str:
    parts = path.relative_to(folder).parts
    return parts[0] if len(parts) > 1 else "."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rows", type=Path, help="keep and reuse the extracted rows in this folder")
    parser.add_argument("--dump", type=Path, help="write every finding as JSON lines")
    parser.add_argument("--all", action="store_true", help="count info findings too")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    from yusuan.check import audit
    from yusuan.corpus import run_all

    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                   and p.name.lower() != "readme.md")
    store = args.rows
    if store:
        store.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("YUSUAN_CACHE", tmp)
        outcomes = run_all([(p, str(store) if store else None) for p in files], extract_rows, args.jobs, lambda r: None)
    by_rule: dict[str, Counter] = defaultdict(Counter)
    by_city: dict[str, Counter] = defaultdict(Counter)
    rule_city: dict[str, Counter] = defaultdict(Counter)
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    # the documents audited (with or without findings), beside the dump: a document with no finding is labelled too
    documents = open(f"{args.dump}.documents", "w", encoding="utf-8") if args.dump else None
    built = 0
    for i, path in enumerate(files):
        outcome = outcomes[i]
        if isinstance(outcome, YusuanError):
            continue
        rows = load_rows(path, store) if store else outcome
        if "rejected" in rows:
            continue
        built += 1
        city = city_of(path, args.folder)
        by_city[city]["documents"] += 1
        sha256 = (rows.get("documents") or [{}])[0].get("source_sha256")
        if dump:
            documents.write(json.dumps({"file": path.name, "city": city, "sha256": sha256}, ensure_ascii=False) + "\n")
        for f in audit(rows).findings:
            if dump:
                dump.write(json.dumps(f | {"file": path.name, "city": city, "sha256": sha256}, ensure_ascii=False,
                                      default=str) + "\n")
            if f["severity"] == "info" and not args.all:
                continue
            by_rule[f["rule_id"]][f["severity"]] += 1
            by_city[city][f["severity"]] += 1
            rule_city[f["rule_id"]][city] += 1
    if dump:
        dump.close()
        documents.close()
    severities = ("error", "warning") + (("info",) if args.all else ())
    print(f"{built} document(s) built of {len(files)} file(s); findings shown by `yusuan check`"
          + (" --all" if args.all else "") + ":")
    print(f"{'rule':34} " + " ".join(f"{s:>7}" for s in severities) + "  cities")
    total = Counter()
    for rule in sorted(by_rule):
        c = by_rule[rule]
        total += c
        cities = ", ".join(f"{k} {n}" for k, n in rule_city[rule].most_common())
        print(f"{rule:34} " + " ".join(f"{c[s]:7}" for s in severities) + f"  {cities}")
    print(f"{'all':34} " + " ".join(f"{total[s]:7}" for s in severities))
    print()
    for city in sorted(by_city):
        c = by_city[city]
        print(f"{city:12} documents {c['documents']:3}  " + "  ".join(f"{s} {c[s]}" for s in severities))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
