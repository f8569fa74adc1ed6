"""A build killed at any point (SIGKILL) leaves the previous package and database whole; the next build works."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE
from yusuan.build import recover
from yusuan.outputs import settle

YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def snapshot(root: Path) -> tuple[dict, list]:
    package = {p.name: p.read_bytes() for p in sorted((root / "dp").iterdir())}
    db = sqlite3.connect(root / "yusuan.db")
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    rows = db.execute("select document_id, table_no, row_no, column_no, amount_yuan from facts order by 1, 2, 3, 4, 5").fetchall()
    db.close()
    return package, rows


@pytest.mark.parametrize("delay", [0.2, 0.5, 0.8, 1.0, 1.2, 1.4, 1.7])
def test_killed_build_leaves_a_whole_package_and_database(tmp_path, delay):
    out = ["--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db"), "--force"]
    subprocess.run([YUSUAN, "build", str(SAMPLE), *out], check=True, capture_output=True)
    old = snapshot(tmp_path)
    changed = tmp_path / "changed.txt"
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace("\t4.41\n", "\t4.42\n", 1), encoding="utf-8")
    process = subprocess.Popen([YUSUAN, "build", str(changed), *out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    recover(tmp_path / "dp")
    settle(tmp_path / "dp", tmp_path / "yusuan.db")  # what a reader does first: finish a commit left half done
    now = snapshot(tmp_path)
    assert now == old or (len(now[1]) == len(old[1]) and now[1] != old[1] and now[0] != old[0]), "a mix of old and new"
    finished = subprocess.run([YUSUAN, "build", str(changed), *out], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    package, rows = snapshot(tmp_path)
    assert ("changji-sasac-2021-budget", 6, 13, 4, 44200) in rows
