"""Formats people are sent: .doc and .wps (Writer), .xls and .et (Calc) are converted by LibreOffice and read
as .docx and .xlsx; their facts are exactly those of the .docx/.xlsx they were made from. Without LibreOffice,
one line says it is needed.

The old-format files are made here from the fixtures by LibreOffice itself (make test installs it:
scripts/install_libreoffice.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures_make import write_docx, write_xlsx
from yusuan.build import extract

OFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KEY = ("table_no", "row_no", "code", "name_zh", "column_zh", "measure", "amount_yuan", "amount_as_printed", "unit_as_printed")
YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def facts(extracted) -> list[tuple]:
    return [tuple(f[k] for k in KEY) for f in extracted.rows["facts"]]


def old_format(source: Path, suffix: str, filter_name: str) -> Path:
    assert OFFICE, "LibreOffice is not installed: run scripts/install_libreoffice.sh (make test does)"
    folder = source.parent / f"to-{suffix}"
    profile = (source.parent / f"profile-{suffix}").as_uri()
    subprocess.run([OFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", f"{suffix}:{filter_name}",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=300)
    made = folder / f"{source.stem}.{suffix}"
    assert made.is_file() and made.read_bytes()[:4] == bytes.fromhex("d0cf11e0")  # an OLE2 file, as Word 97 / Excel 97 write
    return made


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("convert")
    docx = write_docx(folder / "changji-sasac-2021-budget.docx", extras=False)
    xlsx = write_xlsx(folder / "changji-sasac-2021-budget-sheet.xlsx")
    return docx, old_format(docx, "doc", "MS Word 97"), xlsx, old_format(xlsx, "xls", "MS Excel 97")


def test_a_doc_reads_as_the_docx_it_was_made_from(made):
    docx, doc, _, _ = made
    from_docx, from_doc = extract(docx), extract(doc)
    assert len(facts(from_docx)) > 100
    assert facts(from_doc) == facts(from_docx)
    assert from_doc.document["source_file"] == doc.name
    import hashlib

    assert from_doc.document["source_sha256"] == hashlib.sha256(doc.read_bytes()).hexdigest()  # of the .doc as given


def test_an_xls_reads_as_the_xlsx_it_was_made_from(made):
    _, _, xlsx, xls = made
    from_xlsx, from_xls = extract(xlsx), extract(xls)
    assert len(facts(from_xlsx)) > 100
    assert facts(from_xls) == facts(from_xlsx)


def test_wps_and_et_are_converted_too(made, tmp_path):
    _, doc, _, xls = made
    wps, et = tmp_path / "budget.wps", tmp_path / "budget.et"
    shutil.copy2(doc, wps)
    shutil.copy2(xls, et)
    assert facts(extract(wps)) == facts(extract(doc))
    assert facts(extract(et)) == facts(extract(xls))


def test_without_libreoffice_one_line_says_it_is_needed(made, tmp_path):
    _, doc, _, _ = made
    env = os.environ | {"PATH": str(Path(sys.executable).parent)}  # the venv's commands only: no soffice
    done = subprocess.run([YUSUAN, "build", str(doc), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "y.db")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"yusuan: {doc}: .doc files are converted by LibreOffice, which is not installed "
        "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"]
    assert not (tmp_path / "dp").exists()


def test_a_damaged_doc_says_so(tmp_path):
    bad = tmp_path / "budget.doc"
    bad.write_bytes(b"this is not a Word file at all\n" * 20)
    with pytest.raises(Exception) as caught:
        extract(bad)
    assert str(caught.value).startswith(f"{bad}: ")
