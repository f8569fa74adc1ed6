"""Load time of a document page (issue 6: target < 1 s): median of several runs, in process and over HTTP.

Usage: .venv/bin/python scripts/bench_pages.py [--runs 7]   (builds the sample into a temporary folder)
       .venv/bin/python scripts/bench_pages.py --db build/yusuan.db [--runs 7]
           (an existing database, e.g. a corpus: the home page, one document page and the canned queries of one
           document, in process, with the response cache off so every request is computed)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from yusuan.build import build  # noqa: E402
from yusuan.paths import bundled_sources  # noqa: E402
from yusuan.serve import command, datasette  # noqa: E402

PATH = "/doc/changji-sasac-2021-budget"


def in_process(db: Path, runs: int) -> list[float]:
    site = datasette(db)

    async def run() -> list[float]:
        await site.client.get(PATH)  # warm up: plugins, templates, connections
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            response = await site.client.get(PATH)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        return times

    return asyncio.run(run())


def over_http(db: Path, runs: int) -> tuple[list[float], float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    process = subprocess.Popen(command(db, "127.0.0.1", port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        start = time.perf_counter()
        urllib.request.urlopen(url + PATH).read()  # first (cold) load
        cold = time.perf_counter() - start
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            body = urllib.request.urlopen(url + PATH).read()
            times.append(time.perf_counter() - start)
            assert b"525.81" in body
        return times, cold
    finally:
        process.terminate()
        process.wait(timeout=10)


def uncached(db: Path, runs: int) -> None:
    """Median times of the pages of an existing database, computed (response cache off)."""
    import sqlite3

    from yusuan.serve import queries

    con = sqlite3.connect(db)
    count = con.execute("select count(*) from documents").fetchone()[0]
    document = con.execute("select document_id from documents order by document_id limit 1 offset ?", (count // 2,)).fetchone()[0]
    con.close()
    site = datasette(db, cache_mb=0)
    paths = ["/", f"/doc/{document}"] + [f"/yusuan/{name}.json?document={document}" for name, q in queries().items()
                                         if ":document" in q["sql"] and ":" not in q["sql"].replace(":document", "")]

    async def run() -> None:
        print(f"{db}: {count} documents, response cache off, median of {runs} runs")
        for path in paths:
            await site.client.get(path)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                response = await site.client.get(path)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, (path, response.status_code)
            print(f"  {statistics.median(times) * 1000:7.1f} ms  {path}")

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="time the pages of this database (response cache off) instead")
    args = parser.parse_args()
    if args.db:
        uncached(args.db, args.runs)
        return
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "yusuan.db"
        build([str(s) for s in bundled_sources()], package_dir=Path(folder) / "dp", database=db)
        local = in_process(db, args.runs)
        http, cold = over_http(db, args.runs)
    print(f"document page {PATH}, median of {args.runs} runs:")
    print(f"  in process (datasette.client): {statistics.median(local) * 1000:.1f} ms")
    print(f"  over HTTP (datasette serve):   {statistics.median(http) * 1000:.1f} ms (first load {cold * 1000:.1f} ms)")
    worst = max(statistics.median(local), statistics.median(http), cold)
    print("  target < 1 s:", "met" if worst < 1 else "NOT MET")
    sys.exit(0 if worst < 1 else 1)


if __name__ == "__main__":
    main()
