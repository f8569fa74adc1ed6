"""Shared fixtures: one real build of the bundled sample into a temporary folder per test session."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from yusuan.build import build
from yusuan.paths import bundled_sources

SAMPLE = bundled_sources()[0]
REAL_PDFS = sorted((Path(__file__).resolve().parent / "fixtures" / "real").glob("*.pdf"))


def pdf_pages(path: Path, text: bool = True):
    """(page, its text page or None) of every page of a PDF, in order, each closed once the next is asked."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        for n in range(len(document)):
            page = document[n]
            textpage = page.get_textpage() if text else None
            yield page, textpage
            if textpage is not None:
                textpage.close()
            page.close()
    finally:
        document.close()
# the tests read the response cache's x-cache header (off by default: it tells a visitor what others asked for)
os.environ.setdefault("YUSUAN_CACHE_HEADER", "1")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A folder holding dp/ (the package) and yusuan.db, built from the sample."""
    root = tmp_path_factory.mktemp("built")
    build([str(SAMPLE)], package_dir=root / "dp", database=root / "yusuan.db")
    return root


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


REAL = Path(__file__).resolve().parent / "fixtures" / "real"
SOURCE_URL = "https://example.org/disclosures/sh_putuo_zfban_dept_2025.pdf"  # a sidecar's address (test value)
AUDIT = REAL / "audit"  # pages of the corpus cut where an audit rule fired (SOURCES.md)


def page_text(name: str, page: int) -> str:
    """The printed text of a page of a cut file of tests/fixtures/real/audit, white space removed (PDFium)."""
    import re

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(AUDIT / name))
    try:
        return re.sub(r"\s+", "", pdf[page - 1].get_textpage().get_text_range())
    finally:
        pdf.close()


@pytest.fixture(scope="session")
def families(tmp_path_factory) -> Path:
    """A folder holding yusuan.db built from documents of several families and phases in one database: the
    sample (Xinjiang 2021 budget) and every PDF of tests/fixtures/real (Shanghai department and unit budgets,
    a final account), one of them with a source address sidecar (<file>.url)."""
    root = tmp_path_factory.mktemp("families")
    sources = root / "sources"
    sources.mkdir()
    for path in [SAMPLE, *sorted(REAL.glob("*.pdf"))]:
        (sources / path.name).write_bytes(path.read_bytes())
    (sources / "sh_putuo_zfban_dept_2025.pdf.url").write_text(SOURCE_URL + "\n", encoding="utf-8")
    result = build([str(p) for p in sorted(sources.iterdir()) if p.suffix != ".url"], package_dir=root / "dp",
                   database=root / "yusuan.db", progress=False)
    assert not result.failures, [str(f) for f in result.failures]
    return root


# -- no silent skips -----------------------------------------------------------------------------------------
# On a machine `make test` prepared (browser and LibreOffice installed) nothing skips: a skip there hides a
# failure. A run with skips fails, naming them, unless YUSUAN_ALLOW_SKIPS=1 (a machine without those tools).

_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_collectreport(report):
    if report.skipped:
        _SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_sessionfinish(session, exitstatus):
    import os

    if _SKIPPED and os.environ.get("YUSUAN_ALLOW_SKIPS") != "1" and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    import os

    if _SKIPPED and os.environ.get("YUSUAN_ALLOW_SKIPS") != "1":
        terminalreporter.write_line(f"{len(_SKIPPED)} skipped, which fails the run (nothing skips on a machine `make test` "
                                    "prepared; YUSUAN_ALLOW_SKIPS=1 allows it):", red=True)
        for line in _SKIPPED:
            terminalreporter.write_line(f"  {line}", red=True)
