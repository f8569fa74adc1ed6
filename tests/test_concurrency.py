"""Builds that never collide or lie: two builds at once, a source edited during a build, a poisoned or
stale cache entry, a build killed (SIGKILL) with its workers, and the kill instants of the commit.

Each of these was reproduced on the code before issue 10; each test here failed there.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLE
from yusuan import outputs
from yusuan.build import extract

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
REAL = Path(__file__).resolve().parent / "fixtures" / "real"
PDFS = sorted(REAL.glob("*.pdf"))
# The sample prints 单位：万元; its first table's 财政拨款（补助） is 525.81 (万元) = 5258100 yuan.
WAN = SAMPLE.read_text(encoding="utf-8")
YUAN = WAN.replace("单位：万元", "单位：元")


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, *args], capture_output=True, text=True, timeout=300, env=env, cwd=cwd)


def outs(root: Path) -> list[str]:
    return ["--package", str(root / "dp"), "--db", str(root / "build" / "yusuan.db")]


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def grant(root: Path) -> str:
    """amount_yuan of 财政拨款（补助） in table 1 (the first fact of the sample)."""
    facts = [f for f in rows(root / "dp" / "facts.csv") if f["table_no"] == "1" and f["name_zh"].startswith("财政拨款")]
    return facts[0]["amount_yuan"]


def same_build(root: Path) -> str:
    ours, theirs = outputs.package_id(root / "dp"), outputs.database_id(root / "build" / "yusuan.db")
    assert ours and ours == theirs, (ours, theirs)
    return ours


# -- 1. two builds at once ----------------------------------------------------------------------------------

def test_a_second_build_on_the_same_output_refuses_naming_the_first(tmp_path):
    first = subprocess.Popen([YUSUAN, "build", *map(str, PDFS), *outs(tmp_path), "--jobs", "1", "--no-progress"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # until the first build holds its lock
            try:
                with outputs.lock(tmp_path / "dp"):
                    pass
            except Exception:
                break
            assert first.poll() is None and time.monotonic() < deadline, "the first build never took its lock"
            time.sleep(0.02)
        second = run("build", str(SAMPLE), *outs(tmp_path))
        assert second.returncode == 1
        [line] = second.stderr.strip().splitlines()
        assert line in (f"yusuan: {where}: another yusuan build (pid {first.pid}) is writing here; wait for it to finish"
                        for where in (tmp_path / "dp", tmp_path / "build" / "yusuan.db"))
    finally:
        stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    documents = rows(tmp_path / "dp" / "documents.csv")
    assert sorted(d["source_file"] for d in documents) == sorted(p.name for p in PDFS)  # the first build's, whole
    same_build(tmp_path)
    assert run("validate", *outs(tmp_path)).returncode == 0


def test_staging_names_are_unique_per_build(tmp_path):
    assert outputs.staging_for(tmp_path / "dp") != outputs.staging_for(tmp_path / "dp")


# -- 2. a source edited during a build; the cache -----------------------------------------------------------

def test_a_cache_entry_that_does_not_match_its_key_is_discarded(tmp_path):
    """What an edit during a build left on the code before: the extraction of the edited bytes stored under
    the key of the bytes read before. It must never be used."""
    source = tmp_path / "changji-sasac-2021-budget.txt"
    source.write_text(WAN, encoding="utf-8")
    assert run("build", str(source), *outs(tmp_path)).returncode == 0
    assert grant(tmp_path) == "5258100"
    [entry] = (tmp_path / "build" / "cache" / "extract").glob("*.pickle")
    other = tmp_path / "other" / source.name
    other.parent.mkdir()
    other.write_text(YUAN, encoding="utf-8")
    poisoned = extract(other)
    from yusuan.build import summarise

    with open(entry, "wb") as handle:
        pickle.dump(summarise(poisoned), handle)
        pickle.dump(poisoned, handle)
    done = run("build", str(source), *outs(tmp_path), "--force")
    assert done.returncode == 0, done.stderr
    assert grant(tmp_path) == "5258100"
    (tmp_path / "build" / "yusuan.stamp.json").unlink()
    with open(entry, "wb") as handle:  # again, and a build without --force
        pickle.dump(summarise(poisoned), handle)
        pickle.dump(poisoned, handle)
    assert run("build", str(source), *outs(tmp_path)).returncode == 0
    assert grant(tmp_path) == "5258100"
    assert rows(tmp_path / "dp" / "documents.csv")[0]["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_force_never_reuses_a_cache_entry(tmp_path):
    """Even an entry whose recorded hash matches its key (forged here) is not read by --force."""
    source = tmp_path / "changji-sasac-2021-budget.txt"
    source.write_text(WAN, encoding="utf-8")
    assert run("build", str(source), *outs(tmp_path)).returncode == 0
    [entry] = (tmp_path / "build" / "cache" / "extract").glob("*.pickle")
    other = tmp_path / "other" / source.name
    other.parent.mkdir()
    other.write_text(YUAN, encoding="utf-8")
    forged = extract(other)
    forged.document["source_sha256"] = hashlib.sha256(source.read_bytes()).hexdigest()
    from yusuan.build import summarise

    with open(entry, "wb") as handle:
        pickle.dump(summarise(forged), handle)
        pickle.dump(forged, handle)
    assert run("build", str(source), *outs(tmp_path), "--force").returncode == 0
    assert grant(tmp_path) == "5258100"


def test_a_source_edited_during_a_build_is_read_again(tmp_path):
    """One of 16 sources edited (单位：万元 -> 单位：元) while the build parses the others, then put back: the
    next build must not say unchanged, and must publish what the file says now, under its hash (before, the
    extraction of the edited bytes sat under the key and the stamp of the first read, amounts 10,000 times too
    small, for good, --force included)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", Path(__file__).resolve().parent.parent / "scripts" / "make_corpus.py")
    make_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_corpus)
    manifest = make_corpus.generate(16, tmp_path / "src", seed=3)
    (tmp_path / "src" / "manifest.json").unlink()
    last = sorted(manifest, key=lambda m: m["file"])[-1]
    source = tmp_path / "src" / last["file"]
    original = source.read_bytes()
    cache = tmp_path / "build" / "cache" / "extract"
    building = subprocess.Popen([YUSUAN, "build", str(tmp_path / "src"), *outs(tmp_path), "--jobs", "1", "--no-progress"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(cache.glob("*.pickle"))) < 4:  # the build has read every file's hash and parses the first ones
        assert building.poll() is None and time.monotonic() < deadline, "the build ended before the edit"
        time.sleep(0.01)
    source.write_bytes(original.decode("utf-8").replace("单位：万元", "单位：元").encode("utf-8"))
    building.wait(timeout=300)
    source.write_bytes(original)
    for _ in range(2):  # the next build, and the one after it (which may say unchanged)
        done = run("build", str(tmp_path / "src"), *outs(tmp_path))
        assert done.returncode == 0, done.stderr
        document = next(d for d in rows(tmp_path / "dp" / "documents.csv") if d["source_file"] == last["file"])
        assert document["source_sha256"] == hashlib.sha256(original).hexdigest()
        total = [f["amount_yuan"] for f in rows(tmp_path / "dp" / "facts.csv") if f["document_id"] == document["document_id"]
                 and f["table_no"] == "3" and f["is_total"] == "true" and f["measure"] == "total"]
        assert total == [str(int(Decimal(last["total_wan"]) * 10000))]


# -- 3. SIGKILL ---------------------------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_build(tmp_path):
    build = subprocess.Popen([YUSUAN, "build", *map(str, PDFS), *outs(tmp_path), "--jobs", "2", "--force", "--no-progress"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2:
        assert build.poll() is None and time.monotonic() < deadline, "no worker processes seen"
        workers = [p for p in children(build.pid) if running(p)]
        time.sleep(0.02)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(running(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in workers if running(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their build"


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_later_build_removes_what_killed_builds_left(tmp_path):
    assert run("build", str(SAMPLE), *outs(tmp_path)).returncode == 0
    dead, live = dead_pid(), os.getpid()
    left = [tmp_path / "build" / f".yusuan.db.{dead}.tmp", tmp_path / "build" / f".yusuan.db.{dead}.tmp-journal", tmp_path / f".dp.{dead}-1a2b3c4d.new",
            tmp_path / "build" / f".yusuan.datapackage.json.{dead}.tmp", tmp_path / "build" / "cache" / "extract" / f".0123-abcd.{dead}.tmp"]
    for path in left:
        if path.suffix == ".new":
            path.mkdir()
            (path / "facts.csv").write_text("x", encoding="utf-8")
        else:
            path.write_bytes(b"half a file")
    kept = tmp_path / "build" / f".yusuan.db.{live}.tmp"  # a live process's: not ours to remove
    kept.write_bytes(b"busy")
    assert run("build", str(SAMPLE), *outs(tmp_path), "--force").returncode == 0
    assert [p for p in left if p.exists()] == []
    assert kept.exists()


@pytest.mark.parametrize("instant", ["before-commit", "between-renames", "after-package"])
def test_a_build_killed_while_committing_leaves_a_pair(tmp_path, instant):
    """Killed just before the package swap, between the two renames (where the system has no atomic
    exchange), and between the package and the database: a reader sees the old pair or the new one."""
    assert run("build", str(SAMPLE), *outs(tmp_path)).returncode == 0
    old = same_build(tmp_path)
    changed = tmp_path / "changji-sasac-2021-budget.txt"
    changed.write_text(YUAN, encoding="utf-8")
    env = os.environ | {"YUSUAN_TEST_KILL_AT": instant, "YUSUAN_TEST_NO_EXCHANGE": "1"}
    killed = run("build", str(changed), *outs(tmp_path), env=env)
    assert killed.returncode == -signal.SIGKILL
    valid = run("validate", *outs(tmp_path))  # a reader: finishes a commit the killed build left, if any
    assert valid.returncode == 0, valid.stderr
    now = same_build(tmp_path)
    assert now == old if instant == "before-commit" else now != old
    assert grant(tmp_path) == ("5258100" if now == old else "525.81")
    descriptor = json.loads((tmp_path / "build" / "yusuan.datapackage.json").read_text(encoding="utf-8"))
    assert descriptor[outputs.BUILD_KEY] == now
    done = run("build", str(changed), *outs(tmp_path))
    assert done.returncode == 0, done.stderr
    assert grant(tmp_path) == "525.81"
    assert [p.name for p in [*tmp_path.iterdir(), *(tmp_path / "build").iterdir()] if p.name.startswith(".")] == []
