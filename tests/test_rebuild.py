"""A rebuild with nothing changed redoes nothing, also when some files are refused: a refusal (the file is not a
budget, a scan, a web page…) is the same for the same bytes, code and options, so the build is stamped with it and
the next build says it again (exit status 1) without reading anything; a failure that may turn out otherwise
(a time or memory limit, an internal error) is not stamped: that file is tried again."""

from __future__ import annotations

import os
import shutil

from conftest import SAMPLE
from test_build_many import yusuan
from yusuan.build import refusal
from yusuan.errors import YusuanError
from yusuan.isolation import StageError, too_slow

REFUSED = "whole document: no budget table recognised (is this a budget disclosure?)"


def test_a_refused_file_is_refused_again_without_rebuilding(tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SAMPLE, sources / "a.txt")
    broken = sources / "broken.txt"
    broken.write_text("2021年部门预算\n本文件没有预算表。\n", encoding="utf-8")
    args = ["build", str(sources), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db")]
    first = yusuan(*args)
    assert first.returncode == 1 and first.stdout.startswith("built 1 document(s), 1 failed, 153 facts")
    assert first.stderr.strip().splitlines() == [f"yusuan: {broken}: {REFUSED}"]
    written = (tmp_path / "dp" / "facts.csv").stat().st_mtime_ns
    again = yusuan(*args)
    assert again.returncode == 1
    assert again.stdout.startswith("unchanged: 1 document(s), 1 failed, 153 facts")
    assert again.stderr.strip().splitlines() == [f"yusuan: {broken}: {REFUSED}"]
    assert (tmp_path / "dp" / "facts.csv").stat().st_mtime_ns == written  # nothing written again
    broken.write_text("2021年部门预算\n本文件仍然没有预算表。\n", encoding="utf-8")  # changed: built again
    third = yusuan(*args)
    assert third.returncode == 1 and third.stdout.startswith("built 1 document(s), 1 failed")


def test_only_refusals_are_stamped():
    assert refusal(YusuanError("a.pdf", "whole document", "the PDF has no text layer (a scanned image?); it needs OCR first"))
    assert not refusal(too_slow("a.pdf", "reading", 300))
    assert not refusal(StageError("a.pdf", "reading", "internal error: KeyError: 'x' (please report)"))


def test_a_rebuild_hashes_only_the_sources_whose_stat_changed(tmp_path, monkeypatch):
    """Change detection by content whenever a file's stat (size, mtime_ns, inode, device) changed since the last
    stamp: an untouched source is not read again; a touched one is hashed (same bytes: still unchanged); an edited
    one is built again. A file modified just before its stat was taken (RACY) is hashed every time."""
    from pathlib import Path

    from yusuan import corpus
    import yusuan.build
    from yusuan.build import build

    sources = tmp_path / "sources"
    sources.mkdir()
    a, b = sources / "a.txt", sources / "b.txt"
    shutil.copy(SAMPLE, a)
    b.write_text(SAMPLE.read_text(encoding="utf-8").replace("单位：万元", "单位：元"), encoding="utf-8")
    for f in (a, b):
        os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns - 10**10))  # saved ten seconds ago
    monkeypatch.setattr(corpus, "CACHE", tmp_path / "cache")  # its own extraction cache (YUSUAN_CACHE is read at import)
    real, hashed = corpus.source_digest, []
    monkeypatch.setattr(corpus, "source_digest", lambda p: hashed.append(Path(p).name) or real(p))

    def run():
        hashed.clear()
        return build([str(sources)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", workers=1,
                     progress=False)

    assert not run().unchanged
    again = run()
    assert again.unchanged and [n for n in hashed if n.endswith(".txt")] == []
    os.utime(a, ns=(a.stat().st_atime_ns, a.stat().st_mtime_ns + 1))  # touched, same bytes
    again = run()
    assert again.unchanged and [n for n in hashed if n.endswith(".txt")] == ["a.txt"]
    size, mtime = b.stat().st_size, b.stat().st_mtime_ns
    b.write_text(SAMPLE.read_text(encoding="utf-8").replace("单位：万元", "单位：千"), encoding="utf-8")  # same size
    os.utime(b, ns=(mtime, mtime + 1))
    assert b.stat().st_size == size
    assert not run().unchanged  # edited: built again
    assert run().unchanged and [n for n in hashed if n.endswith(".txt")] == []
    monkeypatch.setattr(yusuan.build, "RACY", 10**12)  # every file modified "just before" its stat: not trusted
    for _ in range(2):
        assert run().unchanged and sorted(n for n in hashed if n.endswith(".txt")) == ["a.txt", "b.txt"]
