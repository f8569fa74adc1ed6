"""A seeded, reproducible sample of statement rows across the corpus's cities, each printed with its sentence,
for labelling every field right or wrong by hand (issue 19: every field right in ≥95% of rows).

    .venv/bin/python scripts/sample_statements.py CORPUS [--seed 1] [--rows 60] [--cities 10] [--exclude 北京,湖州]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

FIELDS = ("topic", "subject_zh", "amount_as_printed", "unit", "code", "change_direction", "change_amount_as_printed",
          "change_unit", "change_percent_as_printed", "prior_basis", "prior_year", "prior_amount_as_printed",
          "share_percent_as_printed", "completion_percent_as_printed")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--cities", type=int, default=10)
    parser.add_argument("--exclude", default="", help="cities to keep aside (comma-separated parts of a name)")
    args = parser.parse_args()
    from yusuan.build import extract

    rng = random.Random(args.seed)
    excluded = [x for x in args.exclude.split(",") if x]
    cities = sorted(d for d in args.corpus.iterdir() if d.is_dir() and not any(x in d.name for x in excluded))
    rng.shuffle(cities)
    per_city = -(-args.rows // args.cities)
    n = taken = 0
    for city in cities:  # in the seeded order, until enough cities have a document that states something
        if taken == args.cities:
            break
        pick = random.Random(f"{args.seed}:{city.name}")  # per city: a fix elsewhere does not change this city's sample
        pdfs = sorted(city.glob("*.pdf"))
        pick.shuffle(pdfs)
        rows: list[dict] = []
        for pdf in pdfs:  # the first document of the city (in the seeded order) that states something
            try:
                rows = extract(pdf).rows.get("statements", [])
            except Exception as error:  # noqa: BLE001 - not a disclosure (a notice in the corpus): the next one
                print(f"## {pdf.name}: {str(error)[-120:]}", file=sys.stderr)
            if rows:
                break
        taken += bool(rows)
        for row in sorted(pick.sample(rows, min(per_city, len(rows))), key=lambda r: r["statement_no"]):
            n += 1
            print(f"### {n} {city.name} {pdf.name} p{row['page']} #{row['statement_no']}")
            print(f"  sentence: {row['sentence_zh']}")
            print("  " + " | ".join(f"{k}={row.get(k)}" for k in FIELDS if row.get(k) not in (None, "", "none")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
