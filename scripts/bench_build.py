"""Benchmark `yusuan build` on the bundled sample and `yusuan --help`: median wall time of N runs, peak memory.

Usage: .venv/bin/python scripts/bench_build.py [--runs 5]
Each run is a fresh process (as a user runs it), building into a temporary folder.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def timed(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    return wall, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        builds = [timed([YUSUAN, "build", "--sample", "--package", f"{tmp}/dp{i}", "--db", f"{tmp}/y{i}.db"]) for i in range(runs)]
    helps = [timed([YUSUAN, "--help"]) for _ in range(runs)]
    print(f"yusuan build (sample, with validation): median {statistics.median(w for w, _ in builds):.2f} s "
          f"of {runs} runs (min {min(w for w, _ in builds):.2f}, max {max(w for w, _ in builds):.2f}); "
          f"peak RSS {max(m for _, m in builds) / 1024:.0f} MiB")
    print(f"yusuan --help: median {statistics.median(w for w, _ in helps):.3f} s of {runs} runs")


if __name__ == "__main__":
    main()
