"""The extraction cache: keyed by content, encoding and options; stale entries pruned; made invalid by any
change of code or metadata (a metadata change rebuilds); personal details never written to it."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, read_csv
from yusuan.build import build
from yusuan.corpus import fingerprint

ROOT = Path(__file__).resolve().parent.parent
PHONE = "15199687380"  # printed under 填报人 in the sample's performance tables (line 1626)


@pytest.fixture(autouse=True)
def own_cache(monkeypatch):
    monkeypatch.delenv("YUSUAN_CACHE", raising=False)  # builds keep their cache beside their database


def cached(root: Path) -> list[Path]:
    return sorted((root / "cache" / "extract").glob("*.pickle"))


def test_the_same_document_is_read_once_then_from_the_cache(tmp_path):
    build([str(SAMPLE)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", workers=1, progress=False)
    [entry] = cached(tmp_path)
    assert entry.name.startswith(fingerprint() + "-")
    stamp = entry.stat().st_mtime_ns
    # another package folder: the build is redone, the extraction read from the cache
    again = build([str(SAMPLE)], package_dir=tmp_path / "dp2", database=tmp_path / "yusuan.db", workers=1, progress=False)
    assert not again.unchanged and again.counts["facts"] == 153
    assert cached(tmp_path) == [entry] and entry.stat().st_mtime_ns == stamp  # read, not written again
    # --force never uses the cache: the document is read again and its entry written anew
    forced = build([str(SAMPLE)], package_dir=tmp_path / "dp2", database=tmp_path / "yusuan.db", workers=1, progress=False, force=True)
    assert forced.counts["facts"] == 153 and entry.stat().st_mtime_ns != stamp


def test_the_key_holds_the_encoding(tmp_path):
    gb = tmp_path / "src" / "changji-gb18030.txt"
    gb.parent.mkdir()
    gb.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    facts = []
    for encoding in (None, "gb18030"):
        build([str(gb)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", encoding=encoding,
              workers=1, progress=False)
        facts.append(read_csv(tmp_path / "dp" / "facts.csv"))
    assert len(cached(tmp_path)) == 2  # one extraction per encoding
    assert facts[0] == facts[1]
    assert ("3", "2150701", "行政运行", "355.24") in {(f["table_no"], f["code"], f["name_zh"], f["amount_as_printed"]) for f in facts[1]}


def test_entries_of_other_code_are_pruned(tmp_path):
    folder = tmp_path / "cache" / "extract"
    folder.mkdir(parents=True)
    stale = folder / ("0" * 16 + "-" + "a" * 32 + ".pickle")
    stale.write_bytes(pickle.dumps("made by other code"))
    build([str(SAMPLE)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", workers=1, progress=False)
    assert not stale.exists()
    assert [p.name[:16] for p in cached(tmp_path)] == [fingerprint()]


def test_a_broken_cache_entry_is_read_again(tmp_path):
    build([str(SAMPLE)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", workers=1, progress=False)
    [entry] = cached(tmp_path)
    entry.write_bytes(b"not a pickle")
    result = build([str(SAMPLE)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", workers=1, progress=False, force=True)
    assert result.counts["facts"] == 153 and not result.failures
    assert entry.read_bytes() != b"not a pickle"


def test_keep_personal_is_never_cached(tmp_path):
    result = build([str(SAMPLE)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", keep_personal=True,
                   workers=1, progress=False)
    assert result.counts["facts"] == 153
    assert cached(tmp_path) == []
    leftovers = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] if (tmp_path / "cache").exists() else []
    assert leftovers == []
    assert read_csv(tmp_path / "dp" / "redactions.csv") == []  # nothing withheld: the details were kept
    # the same build without --keep-personal caches an extraction with the 14 details withheld (7 填报人 names, 7 phones), no phone number
    build([str(SAMPLE)], package_dir=tmp_path / "dp2", database=tmp_path / "yusuan.db", workers=1, progress=False)
    [entry] = cached(tmp_path)
    assert PHONE.encode() not in entry.read_bytes()
    assert len(read_csv(tmp_path / "dp2" / "redactions.csv")) == 14


def test_keep_personal_on_the_command_line_writes_no_cache(tmp_path):
    yusuan = str(Path(sys.executable).with_name("yusuan"))
    env = {k: v for k, v in os.environ.items() if k != "YUSUAN_CACHE"}
    out = subprocess.run([yusuan, "build", str(SAMPLE), "--keep-personal", "--package", str(tmp_path / "dp"),
                          "--db", str(tmp_path / "yusuan.db")], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert cached(tmp_path) == []


def test_a_metadata_change_rebuilds(tmp_path):
    """In a copy of the project: change one English title in metadata/, build again: rebuilt, not 'unchanged',
    the new title in the package, and the cached extraction of the old metadata pruned."""
    project = tmp_path / "project"
    for name in ("yusuan", "metadata", "site"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "YUSUAN_CACHE"} | {"PYTHONPATH": str(project)}
    args = [sys.executable, "-c", "from yusuan.cli import main; main()", "build", str(SAMPLE), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db")]

    def run() -> str:
        out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        return out.stdout

    assert run().startswith("built 1 document(s)")
    assert run().startswith("unchanged: 1 document(s)")
    [first] = cached(tmp_path)
    package = project / "metadata" / "package.yaml"
    text = package.read_text(encoding="utf-8")
    assert text.count("title_en: Chinese Government Department Budget Disclosures\n") == 1
    package.write_text(text.replace("title_en: Chinese Government Department Budget Disclosures\n",
                                    "title_en: Budget Disclosures of Chinese Government Departments\n"), encoding="utf-8")
    assert run().startswith("built 1 document(s)")
    descriptor = (tmp_path / "dp" / "datapackage.json").read_text(encoding="utf-8")
    assert "Budget Disclosures of Chinese Government Departments" in descriptor
    [second] = cached(tmp_path)
    assert second.name[:16] != first.name[:16]
