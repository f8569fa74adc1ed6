"""Outputs that cannot be written: a full disk, a read-only output folder, a truncated build stamp; and
`yusuan serve` from a read-only folder. Each gives one line naming the folder and the cause, exit 1, removes
what the build wrote and leaves the previous outputs whole (a damaged stamp is only a reason to rebuild).

The disk and the read-only folder are a real tmpfs mounted for the test (make test runs as root)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import SAMPLE

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
YUAN = SAMPLE.read_text(encoding="utf-8").replace("单位：万元", "单位：元")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def outs(root: Path) -> list[str]:
    return ["--package", str(root / "dp"), "--db", str(root / "build" / "yusuan.db")]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (the previous outputs), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def tmpfs(tmp_path):
    """A small real file system of its own (8 MB: room for the sample's outputs twice, as a build writes its new
    outputs beside the previous ones until it commits) at tmp_path/disk, unmounted after the test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (make test runs as root)")
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], check=True, capture_output=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True, capture_output=True)


def test_a_full_disk_stops_the_build_and_keeps_the_previous_outputs(tmpfs, tmp_path):
    assert run("build", str(SAMPLE), *outs(tmpfs)).returncode == 0
    before = snapshot(tmpfs)
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    (tmpfs / "filler").write_bytes(b"\0" * (free - 400_000))  # room for a little, not for a whole build
    before["filler"] = (tmpfs / "filler").read_bytes()
    changed = tmp_path / "changji-sasac-2021-budget.txt"
    changed.write_text(YUAN, encoding="utf-8")
    line = one_line(run("build", str(changed), *outs(tmpfs)))
    assert line.startswith(f"yusuan: {tmpfs}") and line.endswith("cannot write here (No space left on device)"), line
    assert snapshot(tmpfs) == before  # the previous outputs whole, nothing of this build left
    (tmpfs / "filler").unlink()
    last = run("build", str(changed), *outs(tmpfs)); assert last.returncode == 0, last.stderr


def test_a_read_only_output_folder(tmpfs, tmp_path):
    assert run("build", str(SAMPLE), *outs(tmpfs)).returncode == 0
    before = snapshot(tmpfs)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True, capture_output=True)
    changed = tmp_path / "changji-sasac-2021-budget.txt"
    changed.write_text(YUAN, encoding="utf-8")
    line = one_line(run("build", str(changed), *outs(tmpfs)))
    assert line.startswith(f"yusuan: {tmpfs}") and line.endswith("cannot write here (Read-only file system)"), line
    assert snapshot(tmpfs) == before
    # and the outputs are read and served from there
    assert run("validate", *outs(tmpfs)).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([YUSUAN, "serve", "--db", str(tmpfs / "build" / "yusuan.db"), "--package", str(tmpfs / "dp"),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/yusuan/documents.json?_shape=array", timeout=5) as response:
                    documents = json.loads(response.read())
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.2)
        assert [d["document_id"] for d in documents] == ["changji-sasac-2021-budget"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert snapshot(tmpfs) == before


def test_serve_writes_nothing_beside_the_database(tmp_path):
    from yusuan.serve import command

    assert run("build", str(SAMPLE), *outs(tmp_path)).returncode == 0
    before = sorted(os.listdir(tmp_path / "build"))
    args = command(tmp_path / "build" / "yusuan.db", "127.0.0.1", 8001, tmp_path / "dp")
    assert not any(a.endswith("metadata.json") for a in args)  # the metadata is made in the serving process
    assert sorted(os.listdir(tmp_path / "build")) == before


def test_a_truncated_stamp_is_a_reason_to_rebuild(tmp_path):
    assert run("build", str(SAMPLE), *outs(tmp_path)).returncode == 0
    stamp = tmp_path / "build" / "yusuan.stamp.json"
    stamp.write_bytes(stamp.read_bytes()[: stamp.stat().st_size // 2])
    done = run("build", str(SAMPLE), *outs(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines() == [f"yusuan: {stamp}: damaged build stamp, ignored (everything is rebuilt)"]
    assert done.stdout.startswith("built 1 document(s)")
    assert json.loads(stamp.read_text(encoding="utf-8"))["counts"]["documents"] == 1
    assert run("build", str(SAMPLE), *outs(tmp_path)).stdout.startswith("unchanged")
