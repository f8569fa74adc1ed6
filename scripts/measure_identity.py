"""What each document is known as: body, region, level, year and phase, per document and per city.

    python scripts/measure_identity.py FOLDER [--json]

Every document is extracted with the library (nothing is written but a temporary folder). Per document: built
or the one-line reason it is refused, then its document_id, department_zh / department_en / region_zh / level_zh
and fiscal_year / phase. Per city and in total: documents, built, and how many built documents have an empty
department_zh, department_en, region_zh or level_zh (empty or None), how many English names are the fallback
label (no English name on record) and how many years were not read from the title (table titles, file name).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yusuan.build import extract  # noqa: E402
from yusuan.errors import YusuanError  # noqa: E402

FIELDS = ("department_zh", "department_en", "region_zh", "level_zh")


def measure(path: Path) -> dict:
    try:
        item = extract(path)
    except YusuanError as exc:
        return {"file": path.name, "status": "rejected", "reason": str(exc).splitlines()[0]}
    except Exception as exc:  # noqa: BLE001 - a measure counts crashes, it does not stop on them
        return {"file": path.name, "status": "crash", "reason": f"{type(exc).__name__}: {exc}"}
    doc = item.document
    return {"file": path.name, "status": "built", **{k: doc.get(k) for k in
            ("document_id", "body_id", "parent_body_id", *FIELDS, "region_code", "fiscal_year", "phase", "year_source")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.suffix.lower() in (".pdf", ".docx", ".xlsx", ".txt")
                   and p.name.lower() != "readme.md")
    results, cities = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("YUSUAN_CACHE", tmp)
        for path in files:
            r = measure(path)
            r["city"] = path.relative_to(args.folder).parts[0] if len(path.relative_to(args.folder).parts) > 1 else "."
            results.append(r)
            c = cities.setdefault(r["city"], {"documents": 0, "built": 0, "english_fallback": 0, "year_not_from_title": 0}
                                  | {f: 0 for f in FIELDS})
            c["documents"] += 1
            if r["status"] == "built":
                c["built"] += 1
                for f in FIELDS:
                    c[f] += not r.get(f) or r.get(f) == "None"
                c["english_fallback"] += "no English name" in str(r.get("department_en")) or "not stated" in str(r.get("department_en"))
                c["year_not_from_title"] += r.get("year_source") not in (None, "title")
            if not args.json:
                if r["status"] == "built":
                    print(f"{r['city']}/{r['file']}: {r['document_id']} | {r['department_zh']} | {r['department_en']} | "
                          f"{r['region_zh']} {r['region_code']} | {r['level_zh']} | {r['fiscal_year']} {r['phase']}"
                          + (f" | parent {r['parent_body_id']}" if r.get("parent_body_id") else ""), flush=True)
                else:
                    print(f"{r['city']}/{r['file']}: {r['status']}: {r['reason']}", flush=True)
    total = {k: sum(c[k] for c in cities.values()) for k in ("documents", "built", *FIELDS, "english_fallback", "year_not_from_title")}
    if args.json:
        print(json.dumps({"documents": results, "cities": cities, "total": total}, ensure_ascii=False, indent=1))
        return 0
    print()
    for city, c in sorted(cities.items()) + [("TOTAL", total)]:
        print(f"{city}: {c['built']}/{c['documents']} built; empty " + ", ".join(f"{f} {c[f]}" for f in FIELDS)
              + (f"; English fallback label {c['english_fallback']}; year not from the title {c['year_not_from_title']}"
                 if "english_fallback" in c else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
