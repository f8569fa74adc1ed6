"""A rebuild with nothing changed redoes nothing, also when some files are refused: a refusal (the file is not a
budget, a scan, a web page…) is the same for the same bytes, code and options, so the build is stamped with it and
the next build says it again (exit status 1) without reading anything; a failure that may turn out otherwise
(a time or memory limit, an internal error) is not stamped: that file is tried again."""

from __future__ import annotations

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
