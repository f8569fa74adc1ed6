"""The PDF reader on a PDF made by LibreOffice from the DOCX fixture: exactly the text reader's facts.

Needs LibreOffice (scripts/install_libreoffice.sh); skipped with that reason when it is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from fixtures_make import SAMPLE, write_docx
from yusuan.build import extract

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
pytestmark = pytest.mark.skipif(not LIBREOFFICE, reason="LibreOffice is not installed (run scripts/install_libreoffice.sh)")

KEY = ("table_no", "row_no", "code", "name_zh", "column_zh", "measure", "amount_yuan", "amount_as_printed", "unit_as_printed")


def facts(extracted) -> list[tuple]:
    return [tuple(f[k] for k in KEY) for f in extracted.rows["facts"]]


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("libreoffice")
    docx = _rows_kept_whole(write_docx(folder / "changji-sasac-2021-budget.docx"))
    profile = (folder / "profile").as_uri()  # a private profile: no clash with another LibreOffice running
    subprocess.run([LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(docx)], check=True, capture_output=True, timeout=300)
    return folder / "changji-sasac-2021-budget.pdf"


def _rows_kept_whole(path: Path) -> Path:
    """Mark every table row "can't split": LibreOffice would otherwise break a wrapped row across pages,
    printing the rest of its text as a row of its own on the next page (the reader does not rejoin those)."""
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document(path)
    for table in document.tables:
        for row in table.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    document.save(path)
    return path


@pytest.fixture(scope="module")
def from_pdf(pdf_file):
    return extract(pdf_file)


def test_facts_equal_the_text_readers_exactly(from_pdf):
    from_text = extract(SAMPLE)
    assert len(facts(from_text)) > 100
    assert facts(from_pdf) == facts(from_text)


def test_values_typed_from_the_document(from_pdf):
    by_key = {(f["table_no"], f["code"], f["measure"]): f["amount_yuan"] for f in from_pdf.rows["facts"]}
    assert by_key[(6, "30101", "total")] == "1349900"  # 表六 301 01 基本工资 134.99 万元
    assert by_key[(2, "2150701", "total")] == "3552400"  # 表二 215 07 01 行政运行 355.24
    assert from_pdf.document["document_id"] == "changji-sasac-2021-budget"
    assert from_pdf.document["fiscal_year"] == 2021
