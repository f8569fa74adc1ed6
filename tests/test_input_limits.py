"""Issue 14, item 9 (the reading side and the pages): ZIP bombs refused before decompression, one-line errors
whatever a file name holds, bidirectional overrides not displayed, no 'None' on a document page."""

from __future__ import annotations

import asyncio
import io
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from yusuan.errors import YusuanError
from yusuan.read import read
from yusuan.serve import datasette

YUSUAN = str(Path(sys.executable).parent / "yusuan")
DOC = "changji-sasac-2021-budget"

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                 '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>')


def bomb(path: Path, part: str, megabytes: int) -> Path:
    """A real ZIP bomb: a package whose part expands to `megabytes` MiB of spaces (a few MB compressed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open(part, "w", force_zip64=True) as handle:
            handle.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                handle.write(chunk)
            handle.write(b"</w:body></w:document>")
    return path


@pytest.mark.parametrize("suffix, part", [(".docx", "word/document.xml"), (".xlsx", "xl/worksheets/sheet1.xml")])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, suffix, part):
    path = bomb(tmp_path / f"bomb{suffix}", part, 1024)
    assert path.stat().st_size < 10 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(YusuanError) as error:
        read(path)
    assert time.monotonic() - started < 2
    assert str(error.value) == f"{path}: part {part}: expands to 1024 MB, more than the 200 MB one part of a {suffix} may hold (a ZIP bomb?)"


def test_many_parts_together_are_capped(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        for i in range(3):
            with archive.open(f"word/media/part{i}.xml", "w", force_zip64=True) as handle:
                for _ in range(150):
                    handle.write(b" " * (1024 * 1024))
    with pytest.raises(YusuanError, match=r"expands to 450 MB, more than the 400 MB a \.docx may hold"):
        read(path)


def test_a_newline_in_a_file_name_keeps_the_error_on_one_line(tmp_path):
    bad = tmp_path / "预算\n第二行\u202e.docx"
    bad.write_bytes(b"PK\x03\x04 this is no zip")
    run = subprocess.run([YUSUAN, "build", str(bad), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "x.db"), "--no-progress"],
                         capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "预算\\n第二行\\u202e.docx" in run.stderr and "\u202e" not in run.stderr
    assert str(YusuanError("a\nb.txt", "line 3\r", "bad\tvalue")) == "a\\nb.txt: line 3\\r: bad\\tvalue"
    assert str(YusuanError("预算　2021.pdf", "page 2", "表格")) == "预算　2021.pdf: page 2: 表格"  # a full-width space is text


@pytest.fixture(scope="module")
def odd(built, tmp_path_factory):
    """A copy of the built database where a label holds a right-to-left override and the document has no
    region and no date."""
    root = tmp_path_factory.mktemp("odd")
    for name in ("yusuan.db", "yusuan.datapackage.json"):
        shutil.copy(built / name, root / name)
    db = sqlite3.connect(root / "yusuan.db")
    db.execute("update facts set name_zh = '\u202e费电邮' where name_zh = '邮电费'")
    db.execute("update documents set region_zh = null, region_en = null, published = null")
    db.commit()
    db.close()
    return datasette(root / "yusuan.db")


def test_bidirectional_overrides_are_not_displayed(odd):
    page = asyncio.run(odd.client.get(f"/yusuan/facts?document_id={DOC}&_size=max"))
    assert page.status_code == 200 and "费电邮" in page.text and "\u202e" not in page.text
    for char in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"):
        assert char not in page.text
    csv = asyncio.run(odd.client.get(f"/-/download/yusuan/table/facts.csv?document_id={DOC}")).content.decode("utf-8")
    assert "\u202e费电邮" in csv  # the data as printed


def test_a_document_without_region_or_date_prints_no_none(odd):
    page = asyncio.run(odd.client.get(f"/doc/{DOC}"))
    assert page.status_code == 200
    meta = page.text.split('<p class="meta">')[1].split("</p>")[0]
    assert "None" not in meta and "未注明" in meta and "not stated" in meta
