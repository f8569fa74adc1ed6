"""Shortcuts the PDF reader takes for speed give what the long way gives, on every page of the real fixtures:
the text lines outside tables made without the tables' own characters (yusuan.read.pdf._outside) are those made
from all of them; the text of a cell printed on one line (pdf_text.line_text) is its text read word by word."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REAL_PDFS, pdf_pages
from yusuan.read import pdf, pdf_grid, pdf_page, pdf_text

REAL = REAL_PDFS


def pages(path: Path):
    """(characters, table boxes, placed characters, tables) of each page."""
    for page, textpage in pdf_pages(path):
        place = pdf_page.frame(page)
        chars, _ = pdf_page.characters(textpage, place, pdf_page.visible_box(page))
        try:
            found = pdf_grid.find(pdf_page.edges(page, place))
        except pdf_page.TooManyPaths:
            found = []
        yield chars, [t.bbox for t in found], pdf_grid.centred(chars), found


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_lines_outside_tables_are_those_made_from_every_character(path, monkeypatch):
    shortcut, whole, tables, left_out = [], [], 0, 0
    for chars, boxes, _, _ in pages(path):
        tables += len(boxes)
        left_out += len(chars) - len(pdf._outside(chars, boxes))
        shortcut.append(pdf._free_lines(chars, boxes))
        with monkeypatch.context() as patch:
            patch.setattr(pdf, "_outside", lambda chars, boxes: chars)
            whole.append(pdf._free_lines(chars, boxes))
    assert shortcut == whole
    if tables:
        assert left_out > 0  # the shortcut was taken


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_a_one_line_cells_text_is_its_text_word_by_word(path):
    checked, tables = 0, 0
    for _, _, placed, found in pages(path):
        tables += len(found)
        for table in found:
            for row in pdf_grid.contents(table, placed, lambda chars: chars):
                for chars in row:
                    if not chars:
                        continue
                    found_text = pdf_text.line_text(chars)
                    tops = [c["top"] for c in chars]
                    if max(tops) - min(tops) <= pdf_text.TOLERANCE and found_text is not None:
                        assert found_text == pdf_text.text(chars)
                        checked += 1
    if tables:
        assert checked > 0
