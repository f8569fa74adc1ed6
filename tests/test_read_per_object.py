"""The PDF reader asks a character's matrix, font size and clipping box once per text object (yusuan.read.pdf_page
.characters): on every page of the real fixtures, the characters it gives are those given when every character
is asked its own (as the reader did before), and every character's own matrix and size are its object's."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from conftest import REAL_PDFS, pdf_pages
from yusuan.read import pdf_page

REAL = REAL_PDFS


def pages(path: Path):
    return pdf_pages(path)


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_characters_asked_per_object_are_those_asked_per_character(path, monkeypatch):
    counter = itertools.count()
    per_object = []
    for page, textpage in pages(path):
        per_object.append(pdf_page.characters(textpage, pdf_page.frame(page), pdf_page.visible_box(page)))
    assert sum(len(chars) for chars, _ in per_object) > 1000
    monkeypatch.setattr(pdf_page, "_object_address", lambda: lambda textpage, i: next(counter))  # each its own
    per_character = [pdf_page.characters(textpage, pdf_page.frame(page), pdf_page.visible_box(page))
                     for page, textpage in pages(path)]
    assert per_character == per_object
    monkeypatch.undo()
    monkeypatch.setattr(pdf_page, "_CHECK", True)  # every character's matrix and size compared with its object's
    assert [pdf_page.characters(textpage, pdf_page.frame(page), pdf_page.visible_box(page))
            for page, textpage in pages(path)] == per_object


def test_the_reader_through_pypdfium2s_own_functions_gives_the_same_characters(monkeypatch):
    """PDFium's functions are called through function objects without argument types (half the cost); where
    pypdfium2's layout does not allow that, through pypdfium2.raw: both give the same characters on every page."""
    path = next(p for p in REAL if p.name.startswith("sh_putuo"))
    direct = [pdf_page.characters(textpage, pdf_page.frame(page), pdf_page.visible_box(page))
              for page, textpage in pages(path)]
    assert isinstance(pdf_page._fast(), pdf_page._Fast)
    monkeypatch.setattr(pdf_page, "_FAST", [pdf_page._Wrapped()])
    wrapped = [pdf_page.characters(textpage, pdf_page.frame(page), pdf_page.visible_box(page))
               for page, textpage in pages(path)]
    assert sum(len(chars) for chars, _ in direct) > 1000
    assert wrapped == direct
