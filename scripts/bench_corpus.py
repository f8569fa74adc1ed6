"""Benchmark a corpus build end to end, against what a user would otherwise assemble by hand.

Usage: .venv/bin/python scripts/bench_corpus.py [--docs 1000] [--runs 3]

For N synthetic disclosures (scripts/make_corpus.py) it measures, each in a fresh process:
  1. `yusuan build` (read, package, validate, check, load) from cold (no cache): wall time, peak memory;
  2. `yusuan build` again with nothing changed;
  3. by hand on the same CSV files: `frictionless validate datapackage.json` plus `sqlite-utils insert` of
     every CSV into a new database;
and prints medians and the ratio (1) / (3) measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one command, measured with /usr/bin/time when present."""
    start = time.perf_counter()
    if Path("/usr/bin/time").exists():
        done = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr[-500:]}")
        return wall, int(done.stderr.strip().splitlines()[-1]) // 1024
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr[-500:]}")
    return time.perf_counter() - start, 0


def by_hand(package: Path, work: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "frictionless"), "validate", str(package / "datapackage.json")], capture_output=True)
    db = work / "by-hand.db"
    db.unlink(missing_ok=True)
    for csv in sorted(package.glob("*.csv")):
        subprocess.run([str(BIN / "sqlite-utils"), "insert", str(db), csv.stem, str(csv), "--csv"], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(corpus), "--count", str(options.docs)], check=True, capture_output=True)
        cold, again, manual = [], [], []
        for i in range(options.runs):
            out = work / f"run{i}"
            args = [str(BIN / "yusuan"), "build", str(corpus), "--package", str(out / "dp"), "--db", str(out / "yusuan.db"), "--no-progress"]
            cold.append(run(args))
            again.append(run(args))
            manual.append(by_hand(out / "dp", work))
        wall = statistics.median(w for w, _ in cold)
        hand = statistics.median(manual)
        print(f"{options.docs} documents, median of {options.runs} runs:")
        print(f"  yusuan build (cold, no cache): {wall:.1f} s, peak RSS {max(m for _, m in cold)} MiB (largest process)")
        print(f"  yusuan build, nothing changed: {statistics.median(w for w, _ in again):.2f} s")
        print(f"  by hand: frictionless validate + sqlite-utils insert of every CSV: {hand:.1f} s")
        print(f"  ratio yusuan / by hand: {wall / hand:.2f}")


if __name__ == "__main__":
    main()
