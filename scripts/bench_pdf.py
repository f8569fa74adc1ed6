"""Benchmark reading PDFs: read + build (yusuan.build.extract) of N real PDFs in one process, one job, against
`pdftotext -layout` on the same files in the same run.

Usage: .venv/bin/python scripts/bench_pdf.py [--runs 5] [PDF ...]      (default: tests/fixtures/real/*.pdf)
Each run times yusuan over all files, then pdftotext over all files (one process per file, as it is used);
it prints each run's seconds and ratio, then the medians. A file yusuan rejects (not a budget, a scan) counts
with the time it took to say so.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from yusuan.build import extract
    from yusuan.errors import YusuanError

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("pdfs", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.pdfs or sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        sys.exit("pdftotext is not installed (apt-get install poppler-utils)")
    ours, theirs, ratios = [], [], []
    for run in range(1, args.runs + 1):
        start = time.perf_counter()
        for path in files:
            try:
                extract(path)
            except YusuanError:
                pass
        mine = time.perf_counter() - start
        start = time.perf_counter()
        for path in files:
            subprocess.run([pdftotext, "-layout", str(path), "-"], check=False, capture_output=True)
        poppler = time.perf_counter() - start
        ours.append(mine)
        theirs.append(poppler)
        ratios.append(mine / poppler)
        print(f"run {run}: yusuan {mine:.3f} s, pdftotext -layout {poppler:.3f} s, ratio {mine / poppler:.2f}")
    print(f"{len(files)} PDFs, {args.runs} runs: yusuan read+build median {statistics.median(ours):.3f} s, "
          f"pdftotext -layout median {statistics.median(theirs):.3f} s, ratio median {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
