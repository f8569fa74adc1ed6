"""Benchmark reading PDFs: read + build (yusuan.build.extract) of N real PDFs in one process, one job, against
`pdftotext -layout` on the same files in the same run.

Usage: .venv/bin/python scripts/bench_pdf.py [--runs 5] [PDF ...]      (default: tests/fixtures/real/*.pdf)
Each run times yusuan over all files, then pdftotext over all files (one process per file, as it is used);
it prints each run's wall and CPU seconds and ratios, then the medians (on a busy machine the CPU ratio is
the steadier). A file yusuan rejects (not a budget, a scan) counts
with the time it took to say so. ``--once yusuan`` or ``--once pdftotext`` does one pass of one tool and
prints nothing, for timing whole processes from outside (e.g. with /usr/bin/time -v).
"""

from __future__ import annotations

import argparse
import resource
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
    parser.add_argument("--once", choices=["yusuan", "pdftotext"])
    parser.add_argument("pdfs", nargs="*", type=Path)
    args = parser.parse_args()
    files = args.pdfs or sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        sys.exit("pdftotext is not installed (apt-get install poppler-utils)")
    if args.once == "yusuan":
        for path in files:
            try:
                extract(path)
            except YusuanError:
                pass
        return
    if args.once == "pdftotext":
        for path in files:
            subprocess.run([pdftotext, "-layout", str(path), "-"], check=False, capture_output=True)
        return
    walls, cpus = [], []
    for run in range(1, args.runs + 1):
        start, cpu = time.perf_counter(), time.process_time()
        for path in files:
            try:
                extract(path)
            except YusuanError:
                pass
        mine, mine_cpu = time.perf_counter() - start, time.process_time() - cpu
        before = _children()
        start = time.perf_counter()
        for path in files:
            subprocess.run([pdftotext, "-layout", str(path), "-"], check=False, capture_output=True)
        poppler, poppler_cpu = time.perf_counter() - start, _children() - before
        walls.append((mine, poppler))
        cpus.append((mine_cpu, poppler_cpu))
        print(f"run {run}: yusuan {mine:.3f} s wall, {mine_cpu:.3f} s cpu; pdftotext -layout {poppler:.3f} s wall, "
              f"{poppler_cpu:.3f} s cpu; ratio {mine / poppler:.2f} wall, {mine_cpu / poppler_cpu:.2f} cpu")
    median = statistics.median
    print(f"{len(files)} PDFs, {args.runs} runs: yusuan read+build median {median(a for a, _ in walls):.3f} s wall "
          f"({median(a for a, _ in cpus):.3f} s cpu), pdftotext -layout median {median(b for _, b in walls):.3f} s wall "
          f"({median(b for _, b in cpus):.3f} s cpu); ratio median {median(a / b for a, b in walls):.2f} wall, "
          f"{median(a / b for a, b in cpus):.2f} cpu")


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
