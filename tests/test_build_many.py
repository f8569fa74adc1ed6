"""Corpus builds: folders and globs, duplicates recognised, failures skipped but reported, nothing redone
when nothing changed, per-year and per-body downloads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE, read_csv
from yusuan.split import split

YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def yusuan(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, *args], capture_output=True, text=True, timeout=300)


def test_folder_with_a_duplicate_and_a_broken_document(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SAMPLE, sources / "a.txt")
    shutil.copy(SAMPLE, sources / "b-copy.txt")
    (sources / "broken.txt").write_text("2021年部门预算\n本文件没有预算表。\n", encoding="utf-8")  # not a budget disclosure
    out = yusuan("build", str(sources), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db"))
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert lines == [
        f"yusuan: {sources / 'b-copy.txt'}: the same document as {sources / 'a.txt'}, skipped",
        f"yusuan: {sources / 'broken.txt'}: whole document: no budget table recognised (is this a budget disclosure?)",
    ]
    assert out.stdout.startswith("built 1 document(s), 1 failed, 153 facts")
    assert [d["source_file"] for d in read_csv(tmp_path / "dp" / "documents.csv")] == ["a.txt"]


def test_nothing_changed_means_nothing_redone(tmp_path):
    args = ["build", str(SAMPLE), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db")]
    first = yusuan(*args)
    assert first.returncode == 0 and first.stdout.startswith("built 1 document(s)")
    again = yusuan(*args)
    assert again.returncode == 0 and again.stdout.startswith("unchanged: 1 document(s), 153 facts")
    (tmp_path / "dp" / "facts.csv").write_text("tampered", encoding="utf-8")
    repaired = yusuan(*args)
    assert repaired.stdout.startswith("built 1 document(s)")
    assert (tmp_path / "dp" / "facts.csv").read_text(encoding="utf-8").startswith("document_id,table_no")


def test_split_by_year_and_by_body(built, tmp_path):
    years = split(built / "dp", tmp_path / "by-year", "year")
    assert [p.name for p in years] == ["2021.zip"]
    bodies = split(built / "dp", tmp_path / "by-body", "body")
    assert [p.name for p in bodies] == ["昌吉回族自治州国有资产监督管理委员会.zip"]  # the name printed in the sample
    facts = read_csv(tmp_path / "by-year" / "2021" / "facts.csv")
    assert len(facts) == 153
    frictionless = Path(sys.executable).with_name("frictionless")
    check = subprocess.run([str(frictionless), "validate", str(tmp_path / "by-body" / "昌吉回族自治州国有资产监督管理委员会" / "datapackage.json")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-1500:]
