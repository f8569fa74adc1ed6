"""The PDF reader copies a path's segments from PDFium's array in one read (yusuan.read.pdf_page._copied) instead
of asking three functions a segment: on every page of the real fixtures, the edges it finds are those found when
every segment is asked, and every path's copied segments are those asked."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import REAL_PDFS, pdf_pages
from yusuan.read import pdf_page

REAL = REAL_PDFS


def all_edges(path: Path) -> list:
    return [pdf_page.edges(page, pdf_page.frame(page)) for page, _ in pdf_pages(path, text=False)]


def test_the_installed_pdfium_keeps_segments_as_the_copy_reads_them():
    assert pdf_page._functions().in_memory  # else every segment is asked: the same edges, three times the calls


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_edges_from_copied_segments_are_those_from_asked_segments(path, monkeypatch):
    copied = all_edges(path)
    assert sum(len(page) for page in copied) > 500
    monkeypatch.setattr(pdf_page._functions(), "in_memory", False)
    assert all_edges(path) == copied
    monkeypatch.undo()
    monkeypatch.setattr(pdf_page, "_CHECK_SEGMENTS", True)  # every path's copied segments compared with those asked
    assert all_edges(path) == copied


def test_edges_through_pypdfium2s_own_functions_are_the_same(monkeypatch):
    """Another layout of pypdfium2 (no library to take functions of our own from): its functions are used."""
    import pypdfium2_raw.bindings as bindings

    path = REAL[0]
    expected = all_edges(path)
    monkeypatch.setattr(bindings, "_libs", {})
    functions = pdf_page._Functions()
    assert not functions.in_memory and functions.segment is pdfium.raw.FPDFPath_GetPathSegment
    monkeypatch.setattr(pdf_page, "_FUNCTIONS", [functions])
    assert all_edges(path) == expected
