"""DOCX and XLSX files written by LibreOffice (not by our own writers): the sample's Word and Excel versions
saved again by LibreOffice Writer and Calc give exactly the text reader's facts."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from fixtures_make import SAMPLE, write_docx, write_xlsx
from yusuan.build import extract

LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KEY = ("table_no", "row_no", "code", "name_zh", "column_zh", "measure", "amount_yuan", "amount_as_printed", "unit_as_printed")


def facts(extracted) -> list[tuple]:
    return [tuple(f[k] for k in KEY) for f in extracted.rows["facts"]]


def resave(source: Path, folder: Path, target: str) -> Path:
    """source converted by LibreOffice (headless, a private profile) into folder; the file it wrote."""
    assert LIBREOFFICE, "LibreOffice is not installed: run scripts/install_libreoffice.sh (make test does)"
    folder.mkdir(parents=True, exist_ok=True)
    profile = (folder.parent / f"profile-{folder.name}").as_uri()
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=300)
    [written] = folder.glob(f"{source.stem}.*")
    return written


def application(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("docProps/app.xml").decode("utf-8")


@pytest.fixture(scope="module")
def from_text():
    return extract(SAMPLE)


@pytest.fixture(scope="module")
def writer_docx(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("writer")
    (root / "ours").mkdir()
    ours = write_docx(root / "ours" / "changji-sasac-2021-budget.docx")
    return resave(ours, root / "libreoffice", "docx:MS Word 2007 XML")


@pytest.fixture(scope="module")
def calc_xlsx(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("calc")
    (root / "ours").mkdir()
    ours = write_xlsx(root / "ours" / "changji-sasac-2021-budget.xlsx")
    return resave(ours, root / "libreoffice", "xlsx:Calc MS Excel 2007 XML")


def test_the_docx_is_libreoffices(writer_docx):
    assert writer_docx.suffix == ".docx"
    assert "LibreOffice" in application(writer_docx)


def test_libreoffice_docx_gives_the_text_readers_facts(writer_docx, from_text):
    got = extract(writer_docx)
    assert len(facts(from_text)) == 153
    assert facts(got) == facts(from_text)
    by_key = {(f["table_no"], f["code"], f["measure"]): f["amount_yuan"] for f in got.rows["facts"]}
    assert by_key[(6, "30101", "total")] == "1349900"    # 表六 301 01 基本工资 134.99 万元
    assert by_key[(2, "2150701", "total")] == "3552400"  # 表二 215 07 01 行政运行 355.24
    assert got.document["document_id"] == "changji-sasac-2021-budget"


def test_the_xlsx_is_libreoffices(calc_xlsx):
    assert calc_xlsx.suffix == ".xlsx"
    assert "LibreOffice" in application(calc_xlsx)


def test_libreoffice_xlsx_gives_the_text_readers_facts(calc_xlsx, from_text):
    got = extract(calc_xlsx)
    # as shown: the workbook formats 表二 and 表三 as #,##0.00, so 105 shows (and is printed) as 105.00
    assert [f[:7] + f[8:] for f in facts(got)] == [f[:7] + f[8:] for f in facts(from_text)]
    assert facts(got) == facts(extract(calc_xlsx.parent.parent / "ours" / calc_xlsx.name))
    shown = {(f["table_no"], f["code"], f["measure"]): f["amount_as_printed"] for f in got.rows["facts"]}
    assert shown[(2, "2150702", "total")] == "105.00"
    by_key = {(f["table_no"], f["code"], f["measure"]): f["amount_as_printed"] for f in got.rows["facts"]}
    assert by_key[(6, "30224", "total")] == "0.05"   # 表六 30224 被装购置费 0.05
    assert by_key[(4, "210", "total")] == "31.1"     # 表四 210 卫生健康支出 31.1
