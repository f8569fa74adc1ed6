"""Issue 20, hidden text: text drawn under a clipping path that leaves it out is in the file but not on the page. A
page draws a paragraph, then the same paragraph again under a clipping rectangle elsewhere on the page, every
character inside the page box (the reader tested the clipping path only when some character lay outside the page
box, so the hidden copy was read and the audit reported a repeated paragraph). Raw PDF operators (tests/pdf_draw.py)."""

from __future__ import annotations

from pathlib import Path

from pdf_draw import text, write

from yusuan.model import Paragraph
from yusuan.read import read

SENTENCE = "本部门二〇二六年一般公共预算支出主要用于保障机构正常运转和履行职能。"


def _paragraphs(path: Path) -> list[str]:
    return [b.text for b in read(path).blocks if isinstance(b, Paragraph)]


def clipped(x: float, y: float, w: float, h: float, body: str) -> str:
    """body drawn inside q … Q under the clipping rectangle (x, y, w, h)."""
    return f"q {x:.2f} {y:.2f} {w:.2f} {h:.2f} re W n\n{body}Q\n"


def test_text_under_a_clip_that_leaves_it_out_is_not_read(tmp_path):
    page = (text(60, 520, 12, "一、部门预算情况说明") + text(60, 490, 12, SENTENCE)
            # the same sentence again at y = 300, clipped to a small box at the page's foot: not shown
            + clipped(60, 40, 200, 20, text(60, 300, 12, SENTENCE)))
    paragraphs = _paragraphs(write(tmp_path / "hidden.pdf", [page]))
    assert paragraphs.count(SENTENCE) == 1
    assert paragraphs == ["一、部门预算情况说明", SENTENCE]


def test_text_inside_its_clip_is_read_and_a_clip_cuts_a_line_where_it_ends(tmp_path):
    """A clip around the text keeps it all; a clip over the left half of a line keeps that half (12-point
    characters from x = 60: the clip to x = 60 + 5 × 12 keeps the first five)."""
    page = (clipped(50, 480, 600, 30, text(60, 490, 12, SENTENCE))
            + clipped(50, 280, 5 * 12 + 10, 30, text(60, 290, 12, "政府采购预算总额为零元")))
    paragraphs = _paragraphs(write(tmp_path / "inside.pdf", [page]))
    assert SENTENCE in paragraphs
    assert "政府采购预" in paragraphs and "政府采购预算总额为零元" not in paragraphs
