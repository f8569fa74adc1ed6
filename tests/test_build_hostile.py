"""Builds under hostile conditions (issue 22, items 6-8, build side): the lock is on the output itself, the stamp
holds the bytes that were read, file names with line breaks stay on one line, links out of a source folder are
told and not read, spreadsheets and PDFs built to exhaust a build are refused within their limits."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, read_csv
from yusuan import corpus, outputs
from yusuan.build import build
from yusuan.errors import YusuanError

YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, *args], capture_output=True, text=True, timeout=300, **kwargs)


# -- the lock is on the resolved output ------------------------------------------------------------------------------

def test_a_second_build_through_a_symlink_or_another_runtime_folder_is_refused(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with outputs.lock(real / "dp"):
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
        with pytest.raises(YusuanError, match="another yusuan build"):
            with outputs.lock(tmp_path / "link" / "dp"):
                pass
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.delenv("XDG_RUNTIME_DIR")
        with pytest.raises(YusuanError, match="another yusuan build"):
            with outputs.lock(real / "dp"):
                pass
    with outputs.lock(tmp_path / "link" / "dp"):  # released: free again
        pass


# -- the stamp holds the bytes that were read --------------------------------------------------------------------------

def test_a_source_changed_at_the_very_start_is_stamped_with_what_was_read(tmp_path, monkeypatch):
    source = tmp_path / "changji-sasac-2021-budget.txt"
    old = SAMPLE.read_text(encoding="utf-8")
    new = old.replace("单位：万元", "单位：元")
    source.write_text(old, encoding="utf-8")
    real_digest, calls = corpus.source_digest, []

    def edited_after_the_first_look(path: Path):
        digest = real_digest(path)
        if Path(path) == source:
            calls.append(digest)
            if len(calls) == 1:  # the editor saves just after the build first looked at the file
                source.write_text(new, encoding="utf-8")
        return digest

    monkeypatch.setattr(corpus, "source_digest", edited_after_the_first_look)
    monkeypatch.setenv("YUSUAN_CACHE", str(tmp_path / "cache"))
    build([str(source)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", workers=1, progress=False)
    assert [d["source_sha256"] for d in read_csv(tmp_path / "dp" / "documents.csv")] == [calls[-1]]
    stamp = json.loads(outputs.stamp_file(tmp_path / "yusuan.db").read_text(encoding="utf-8"))["stamp"]
    assert hashlib.sha256(new.encode("utf-8")).hexdigest() in stamp  # what was read and published
    assert hashlib.sha256(old.encode("utf-8")).hexdigest() not in stamp


# -- file names with line breaks ------------------------------------------------------------------------------------

def test_a_file_name_with_a_line_break_stays_on_one_line(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE.read_bytes())
    (folder / "b\nyusuan: fake line.txt").write_bytes(SAMPLE.read_bytes())  # the same document: a warning names it
    done = run("build", str(folder), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db"), "--no-progress")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "b\\nyusuan: fake line.txt" in lines[0], lines


# -- links out of a source folder -----------------------------------------------------------------------------------

def test_a_link_out_of_a_source_folder_is_told_and_not_read(tmp_path):
    folder, elsewhere = tmp_path / "src", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "changji-sasac-2021-budget.txt").write_bytes(SAMPLE.read_bytes())
    other = elsewhere / "other.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8").replace("2021", "2022"), encoding="utf-8")
    (folder / "linked.txt").symlink_to(other)
    done = run("build", str(folder), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db"), "--no-progress")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"yusuan: {folder / 'linked.txt'}: a link to {other}, outside {folder}; not read (name it to read it)"]
    assert done.stdout.startswith("built 1 document(s)")
