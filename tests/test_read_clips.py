"""The box a text object's clipping path leaves visible is looked up by the clipping data the path holds
(yusuan.read.pdf_page._Clips.of_data: objects drawn in one clipping state share it) instead of being asked of PDFium
path by path for each object: the characters are those asked path by path, on every page of the real fixtures and
on a drawn page where objects share a clipping state, nest two clips, or are drawn without one."""

from __future__ import annotations

import pytest
from pdf_draw import text, write

from conftest import REAL_PDFS, pdf_pages
from yusuan.model import Paragraph
from yusuan.read import pdf_page, read

SENTENCE = "本部门二〇二六年一般公共预算支出主要用于保障机构正常运转和履行职能。"


def characters(path, monkeypatch, look_up: bool) -> tuple[list, int]:
    """Every page's characters, with the look-up by clipping data on or off, and how many clipping states were
    looked up."""
    made = []
    original = pdf_page._Clips.of_data

    def counted(self, clip, data):
        made.append(data)
        return original(self, clip, data)

    pages = []
    with monkeypatch.context() as patch:
        patch.setattr(pdf_page, "_CLIP_DATA", [None if look_up else False])
        patch.setattr(pdf_page._Clips, "of_data", counted)
        for page, textpage in pdf_pages(path):
            pages.append(pdf_page.characters(textpage, pdf_page.frame(page), pdf_page.visible_box(page)))
    return pages, len(made)


def test_this_pdfium_holds_a_clipping_paths_data_as_the_reader_knows():
    """Else every object's clipping path is asked path by path (the same characters, slower)."""
    pdf_page._CLIP_DATA[0] = None
    assert pdf_page._clip_data_known() is True


@pytest.mark.parametrize("path", REAL_PDFS, ids=[p.name for p in REAL_PDFS])
def test_characters_by_clipping_data_are_those_asked_path_by_path(path, monkeypatch):
    by_data, states = characters(path, monkeypatch, look_up=True)
    asked, none = characters(path, monkeypatch, look_up=False)
    assert by_data == asked
    assert none == 0
    if path.name in ("quanzhou_gov_office_2026.pdf", "huzhou_finance_2026.pdf", "sh_sjj_unit_2026.pdf"):
        assert states > 0  # these draw text under clipping paths: the look-up was taken


def clipped(x: float, y: float, w: float, h: float, body: str) -> str:
    """body drawn inside q … Q under the clipping rectangle (x, y, w, h)."""
    return f"q {x:.2f} {y:.2f} {w:.2f} {h:.2f} re W n\n{body}Q\n"


def test_objects_sharing_nesting_or_without_a_clip(tmp_path, monkeypatch):
    """Two sentences under one clip (one state, made once, the second sentence's box looked up); under that clip
    and a second one over the left five characters (a state of two paths): those five; a sentence drawn without a
    clip: whole; a sentence under a clip far from it: not read. 12-point characters from x = 60."""
    page = (clipped(50, 440, 700, 80, text(60, 490, 12, SENTENCE) + text(60, 460, 12, "项目支出预算为三百万元"))
            + clipped(50, 280, 700, 40, clipped(50, 280, 5 * 12 + 10, 40, text(60, 290, 12, "政府采购预算总额为零元")))
            + text(60, 200, 12, "国有资产占用情况")
            + clipped(60, 40, 200, 20, text(60, 120, 12, "此句被裁去不应读出")))
    path = write(tmp_path / "clips.pdf", [page])
    by_data, states = characters(path, monkeypatch, look_up=True)
    (chars, _), = by_data
    assert "".join(c["text"] for c in chars) == SENTENCE + "项目支出预算为三百万元" + "政府采购预" + "国有资产占用情况"
    read_text = "".join(b.text for b in read(path).blocks if isinstance(b, Paragraph))
    assert "政府采购预" in read_text and "政府采购预算" not in read_text and "此句" not in read_text
    assert by_data == characters(path, monkeypatch, look_up=False)[0]
    # two clipping states with characters on the page (PDFium's text page leaves out the sentence its clip hides
    # whole): each made once, the second sentence's box looked up by the data it shares with the first
    assert states == 2


def test_a_clipping_path_without_paths_but_with_data_turns_the_look_up_off(tmp_path, monkeypatch):
    """Were PDFium's layout another, a clipping path could read as holding data and have no path: the look-up
    is then off for the process (every path asked), and the object is drawn without a clip."""
    path = write(tmp_path / "plain.pdf", [text(60, 490, 12, SENTENCE)])
    monkeypatch.setattr(pdf_page, "_CLIP_DATA", [True])
    for page, textpage in pdf_pages(path):
        fast = pdf_page._fast()
        handle = pdf_page.ctypes.c_void_p(pdf_page.ctypes.cast(textpage.raw, pdf_page.ctypes.c_void_p).value)
        clip = fast.clip_path(pdf_page.ctypes.c_void_p(fast.object(handle, 0)))
        assert clip and fast.count_paths(pdf_page.ctypes.c_void_p(clip)) == -1  # drawn without a clip
        clips = pdf_page._Clips(pdf_page.visible_box(page))
        assert clips.of_data(clip, data=12345) == clips.unclipped
    assert pdf_page._CLIP_DATA == [False]
