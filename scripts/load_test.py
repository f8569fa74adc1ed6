#!/usr/bin/env python3
"""Load test (issue 7, item 5; issue 22): wrk against `yusuan serve` on loopback over the 1,000-document synthetic
corpus, then against plain `datasette serve -i` on the same database (no metadata, no plugins), so that the cost
of our pages is a ratio in the same run. Every request carries the site's own cookie (yusuan_lang=zh, which
the site's script sets for every real visitor). `yusuan serve` runs as configured (its response cache on), with
YUSUAN_CACHE_MB=0 (--no-cache-run: the cost of rendering every request), and again while three clients each
run a slow SQL query (a 3-second query, again and again) beside the pages. Targets (issue 22): zero errors;
with the cache on >= 2x plain Datasette's requests/s and p99 <= 250 ms; with the slow SQL clients, p99 of the
pages <= 1 s.

The request mix (each request picks a random URL, seeded; ~40 % table pages, ~30 % canned queries, ~30 %
document pages): table pages (facts, documents, classifications and views, HTML and JSON, filtered by a
document), canned queries (with a document or a search word), document pages /doc/<document_id>. Plain
Datasette has neither canned queries nor document pages: it gets the same SQL as ?sql= (same parameters)
and the document's row page /yusuan/documents/<document_id> instead.

    .venv/bin/python scripts/load_test.py [--out /tmp/yusuan-load] [--count 1000] [--duration 30] [--connections 32]

wrk comes from Debian (apt-get install -y wrk, done here when missing). The corpus and the database are
built once into --out and reused when present.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from yusuan.serve import queries  # noqa: E402

LUA = r"""
local paths = {}
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]) + (id or 0))
end
function setup(thread)
  thread:set("id", math.random(1, 1000000))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = "yusuan_lang=zh"})
end
done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
    .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get install -y wrk)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "/usr/bin/wrk"


def build_corpus(out: Path, count: int) -> Path:
    db = out / "yusuan.db"
    if db.is_file():
        print(f"reusing {db}", flush=True)
        return db
    corpus = out / "corpus"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(corpus), "--count", str(count)], check=True)
    started = time.time()
    subprocess.run([str(BIN / "yusuan"), "build", str(corpus), "--package", str(out / "dp"), "--db", str(db), "--no-progress"], check=True)
    print(f"built {count} documents in {time.time() - started:.0f} s", flush=True)
    return db


def mixes(db: Path, seed: int) -> tuple[list[str], list[str]]:
    """The URLs for yusuan serve and their equivalents for plain Datasette."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    docs = [r[0] for r in conn.execute("select document_id from documents order by document_id")]
    kinds = [r[0] for r in conn.execute("select distinct table_kind from facts order by 1")]
    conn.close()
    canned = queries()
    by_document = [name for name, q in canned.items() if set(re.findall(r"(?<!:):(\w+)", q["sql"])) == {"document"}]
    ours, plain = ["/"] * 20, ["/"] * 20  # the home page
    for _ in range(400):
        doc = rng.choice(docs)
        table = rng.choice([
            f"/yusuan/facts?document_id={doc}",
            f"/yusuan/facts.json?document_id={doc}&_size=50",
            f"/yusuan/facts?document_id={doc}&table_kind={rng.choice(kinds)}",
            "/yusuan/documents?_size=20",
            f"/yusuan/documents?fiscal_year={rng.randint(2019, 2026)}",
            "/yusuan/classifications?scheme=functional",
            f"/yusuan/table_totals?document_id={doc}",
            f"/yusuan/leaf_facts.json?document_id={doc}&_size=20",
        ])
        ours.append(table)
        plain.append(table)
    for _ in range(300):
        doc = rng.choice(docs)
        name = rng.choice(by_document + ["codes_and_names", "search"])
        params = {"document": doc} if name in by_document else ({"q": rng.choice(["经费", "办公费", "公务接待"])} if name == "search" else {})
        ours.append(f"/yusuan/{name}?" + urlencode(params) if params else f"/yusuan/{name}")
        plain.append("/yusuan?" + urlencode({"sql": canned[name]["sql"], **params}))
    for _ in range(300):
        doc = rng.choice(docs)
        ours.append(f"/doc/{doc}")
        plain.append(f"/yusuan/documents/{doc}")
    return ours, plain


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url}: no answer")


def check_urls(base: str, urls: list[str]) -> tuple[list[str], float]:
    """Every distinct URL once before the run, four at a time (it answers 200; SQLite's pages, and the
    response cache where there is one, are warm: the run measures the steady state). Also the seconds taken."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(url: str) -> str | None:
        try:
            with urllib.request.urlopen(urllib.request.Request(base + url, headers={"Cookie": "yusuan_lang=zh"}), timeout=60) as response:
                response.read()
                return None if response.status == 200 else f"{url}: {response.status}"
        except Exception as exc:  # noqa: BLE001 - reported
            return f"{url}: {exc}"

    started = time.time()
    with ThreadPoolExecutor(4) as pool:
        bad = [problem for problem in pool.map(fetch, sorted(set(urls))) if problem]
    return bad, time.time() - started


def run_wrk(wrk: str, base: str, urls: list[str], folder: Path, name: str, duration: int, connections: int, seed: int) -> dict:
    paths = folder / f"{name}.paths"
    paths.write_text("\n".join(urls) + "\n", encoding="utf-8")
    script = folder / "mix.lua"
    script.write_text(LUA, encoding="utf-8")
    for label, seconds in (("warm-up", 5), ("run", duration)):
        load_before = os.getloadavg()
        run = subprocess.run([wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), base,
                              "--", str(paths), str(seed)], capture_output=True, text=True)
        load_after = os.getloadavg()
    if run.returncode != 0:
        raise SystemExit(f"wrk failed: {run.stderr}")
    line = next(line for line in run.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["load_before"], result["load_after"] = load_before, load_after
    return result


SLOW = ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000000) "
        "select count(*) from c")


def slow_clients(base: str, n: int = 3):
    """n threads, each asking for a query that runs until the time limit stops it (3 s), again and again."""
    import threading

    stop = threading.Event()
    url = base + "/yusuan.json?" + urlencode({"sql": SLOW})
    counts = {"done": 0}

    def client() -> None:
        while not stop.is_set():
            try:
                urllib.request.urlopen(url, timeout=30).read()
            except Exception:  # noqa: BLE001 - 400 (time limit) or 503 (in line too long): what they get
                pass
            counts["done"] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(n)]
    for thread in threads:
        thread.start()
    return stop, threads, counts


def serve(args: list[str], port: int, extra: dict) -> subprocess.Popen:
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", **extra)
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait(f"http://127.0.0.1:{port}/", process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def report(name: str, r: dict) -> str:
    return (f"{name:18} {r['rps']:8.1f} req/s  p50 {r['p50_us'] / 1000:7.1f} ms  p90 {r['p90_us'] / 1000:7.1f} ms  "
            f"p99 {r['p99_us'] / 1000:7.1f} ms  max {r['max_us'] / 1000:7.1f} ms  errors {r['errors']} "
            f"({r['requests']} requests; load average {r['load_before'][0]:.2f} before, {r['load_after'][0]:.2f} after)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/yusuan-load"))
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["ours", "plain"], help="Run one of the two servers only.")
    parser.add_argument("--no-cache-run", action="store_true", help="Also run yusuan serve with YUSUAN_CACHE_MB=0.")
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    db = build_corpus(options.out, options.count)
    ours, plain = mixes(db, options.seed)
    results = {}
    yusuan = lambda port: [str(BIN / "yusuan"), "serve", "--db", str(db), "--port", str(port)]  # noqa: E731
    servers = [
        ("yusuan serve", ours, yusuan, {}),
        ("plain datasette", plain, lambda port: [str(BIN / "datasette"), "serve", "-i", str(db), "--port", str(port)], {}),
        ("yusuan + slow SQL", ours, yusuan, {}),
    ] + ([("yusuan, no cache", ours, yusuan, {"YUSUAN_CACHE_MB": "0"})] if options.no_cache_run else [])
    print(f"{os.cpu_count()} CPUs; {options.connections} connections for {options.duration} s; "
          f"{len(set(ours))} distinct URLs", flush=True)
    for name, urls, args, env in servers:
        if options.only and not name.startswith({"ours": "yusuan", "plain": "plain"}[options.only]):
            continue
        port = free_port()
        process = serve(args(port), port, env)
        try:
            base = f"http://127.0.0.1:{port}"
            bad, seconds = check_urls(base, urls)
            print(f"{name}: every distinct URL once (cold) in {seconds:.1f} s: {len(set(urls)) / seconds:.1f} req/s", flush=True)
            if bad:
                print(f"{name}: URLs not answering 200: {bad[:5]}", flush=True)
            slow = slow_clients(base) if "slow" in name else None
            try:
                results[name] = run_wrk(wrk, base, urls, options.out, re.sub(r"\W+", "-", name), options.duration,
                                        options.connections, options.seed)
            finally:
                if slow:
                    slow[0].set()
            print(report(name, results[name]) + (f"; slow queries answered: {slow[2]['done']}" if slow else ""), flush=True)
        finally:
            stop(process)
    ok = True
    checks = []
    if "yusuan serve" in results:
        r = results["yusuan serve"]
        checks += [("zero errors", r["errors"] == 0), ("p99 <= 250 ms", r["p99_us"] <= 250_000)]
        if "plain datasette" in results:
            ratio = r["rps"] / results["plain datasette"]["rps"]
            checks.append((f">= 2x plain Datasette's requests/s ({ratio:.2f}x)", ratio >= 2))
    if "yusuan + slow SQL" in results:
        r = results["yusuan + slow SQL"]
        checks += [("pages with 3 slow SQL clients: p99 <= 1 s", r["p99_us"] <= 1_000_000)]
    for label, passed in checks:
        print(f"  {'PASS' if passed else 'MISS'} {label}")
        ok = ok and passed
    if "plain datasette" in results:
        b = results["plain datasette"]
        for name in ("yusuan serve", "yusuan, no cache", "yusuan + slow SQL"):
            if name in results:
                a = results[name]
                print(f"ratio {name} / plain datasette: throughput {a['rps'] / b['rps']:.2f}, p99 {a['p99_us'] / max(b['p99_us'], 1):.3f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
