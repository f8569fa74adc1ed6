"""Metamorphic: each real fixture (tests/fixtures/real) rewritten in ways that keep its meaning gives the same
facts (document, table, row, column, code, amount as printed) as the original.

Textual rewrites are made on the document model just after reading (they test everything after the reader):
spaces between CJK characters and digits, full-width digits in text, ASCII and full-width brackets swapped.
Drawing rewrites are made on the PDF's content streams (they test the reader): every text object drawn a
second time a fraction of a point away (fake bold), a white rectangle filled behind every printed line, and
each table's title with the lines between it and the table moved inside the table's frame."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, FloatObject, NameObject

import yusuan.build as build_module
from yusuan.amounts import looks_like_amount
from yusuan.build import extract
from yusuan.model import Paragraph, Table
from yusuan.read import pdf_grid, pdf_page, pdf_text, read

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
FIXTURES = sorted(REAL.glob("*.pdf"))
_CJK_DIGIT = re.compile(r"([\u4e00-\u9fff])(?=\d)|(\d)(?=[\u4e00-\u9fff])")
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "（": "(", "）": ")"})


def _facts(item) -> set[tuple]:
    sha = item.document["source_sha256"][:12]
    return {(f["document_id"].replace(sha, "<sha>"), f["table_seq"], f["table_kind"], f["row_no"], f["column_no"],
             f["code"], f["amount_as_printed"]) for f in item.rows["facts"]}


@pytest.fixture(scope="module")
def originals() -> dict[str, set]:
    return {path.name: _facts(extract(path)) for path in FIXTURES}


# -- textual rewrites, on the document model ------------------------------------------------------------------

def _rewrite_text(text: str) -> str:
    text = _CJK_DIGIT.sub(lambda m: (m.group(1) or m.group(2)) + " ", text)
    return text.translate(_WIDE).translate(_BRACKETS)


def _rewritten(document):
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text = _rewrite_text(block.text)
        elif isinstance(block, Table):  # amounts and codes stay as printed: a fact keeps its amount as printed
            block.rows = [[c if looks_like_amount(c.text) else dataclasses.replace(c, text=_rewrite_text(c.text))
                           for c in row] for row in block.rows]
    return document


# -- drawing rewrites, on the content streams -------------------------------------------------------------------

def _layout(path: Path) -> list[tuple[float, list[dict], list]]:
    """Per page: its height, its printed lines and its ruled tables, as the reader sees them (points from the
    top left); None for a page that is rotated or whose media box does not start at the origin."""
    out = []
    pdf = pdfium.PdfDocument(path)
    try:
        for page in pdf:
            x0, y0, _, y1 = page.get_mediabox()
            if page.get_rotation() % 360 or x0 or y0:
                out.append(None)
                continue
            place = pdf_page.frame(page)
            textpage = page.get_textpage()
            chars, _ = pdf_page.characters(textpage, place, pdf_page.visible_box(page))
            textpage.close()
            out.append((y1, pdf_text.lines(chars), pdf_grid.find(pdf_page.edges(page, place))))
    finally:
        pdf.close()
    return out


def _redrawn(path: Path, out: Path, before, after) -> Path:
    """The PDF with each page's content stream rewritten: ``before(page_layout)`` drawn under it, its
    operations passed through ``after(operations, page_layout)``."""
    reader = PdfReader(path)
    writer = PdfWriter(clone_from=reader)
    for page, layout in zip(writer.pages, _layout(path)):
        if layout is None:
            continue
        content = ContentStream(page.get_contents(), writer)
        operations = after(content.operations) if after else content.operations
        under = ContentStream(None, writer)
        under.set_data(before(layout).encode("latin-1") if before else b"")
        content.operations = under.operations + [([], b"q")] + operations + [([], b"Q")]
        page[NameObject("/Contents")] = writer._add_object(content)
    writer.write(out)
    return out


def _stacked(operations: list) -> list:
    """Every text object drawn again, 0.6 point right and 0.3 up of itself."""
    out, current = [], None
    for operands, operator in operations:
        if operator == b"BT":
            current = []
        if current is not None:
            current.append((operands, operator))
        out.append((operands, operator))
        if operator == b"ET" and current is not None:
            out += [([], b"q"), ([FloatObject(v) for v in (1, 0, 0, 1, 0.6, 0.3)], b"cm"), *current, ([], b"Q")]
            current = None
    return out


def _behind_lines(layout) -> str:
    height, lines, _ = layout
    return "".join(f"q 1 1 1 rg {l['x0'] - 1:.2f} {height - l['bottom'] - 1:.2f} {l['x1'] - l['x0'] + 2:.2f} "
                   f"{l['bottom'] - l['top'] + 2:.2f} re f Q\n" for l in lines)


def _titles_inside(layout) -> str:
    """Each table's frame extended up over its title (a line holding 表) and the lines between: a rule above
    each of them, the frame's sides drawn up to the top one."""
    height, lines, grids = layout
    out = []
    for grid in grids:
        x0, top, x1, _ = grid.bbox
        above = [l for l in lines if top - 60 <= l["bottom"] <= top + 1 and l["x1"] > x0 and l["x0"] < x1
                 and x0 - 1 <= (l["x0"] + l["x1"]) / 2 <= x1 + 1]
        above.sort(key=lambda l: -l["top"])
        kept = []
        for l in above:
            if kept and kept[-1]["top"] - l["bottom"] > 20:
                break
            kept.append(l)
        while kept and "表" not in kept[-1]["text"]:
            kept.pop()
        if not kept:
            continue
        ceiling = kept[-1]["top"] - 3
        for l in kept:
            y = height - (l["top"] - 2)
            out.append(f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l S\n")
        out.append(f"{x0:.2f} {height - ceiling:.2f} m {x0:.2f} {height - top:.2f} l S\n")
        out.append(f"{x1:.2f} {height - ceiling:.2f} m {x1:.2f} {height - top:.2f} l S\n")
    return "q 0.5 w 0 0 0 RG\n" + "".join(out) + "Q\n" if out else ""


DRAWINGS = {"stacked": (None, _stacked), "filled_behind": (_behind_lines, None), "title_inside": (_titles_inside, None)}
# recognition numbers the rows of a table joined over pages with a gap where the continuation repeats its
# header and its ** 1 2 3 numbering row (huzhou 表06: row 20 is missing); with the titles inside the frames the
# reader joins the pages itself and the rows are numbered without the gap. Known, left to recognition.
_ROW_GAP = {("huzhou_finance_2026", "title_inside")}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_stacked_over_filled_boxes_spaced_full_width_other_brackets_gives_the_same_facts(path, originals, tmp_path,
                                                                                         monkeypatch):
    """Every glyph printed twice, a white box behind every line, and the text rewritten (spaces between CJK
    and digits, full-width digits, brackets swapped): the same facts."""
    redrawn = _redrawn(path, tmp_path / path.name, _behind_lines, _stacked)
    monkeypatch.setattr(build_module, "read", lambda p, encoding=None, cover=None: _rewritten(read(p, encoding)))
    assert _facts(extract(redrawn)) == originals[path.name]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_titles_moved_inside_the_frame_give_the_same_facts(path, originals, tmp_path, request):
    if (path.stem, "title_inside") in _ROW_GAP:
        request.applymarker(pytest.mark.xfail(strict=True, reason="recognition numbers joined pages with a gap"))
    redrawn = _redrawn(path, tmp_path / path.name, _titles_inside, None)
    assert _facts(extract(redrawn)) == originals[path.name]
