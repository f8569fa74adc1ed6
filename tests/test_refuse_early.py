"""A file whose first page says it is not a disclosure (a notice) is refused once its first page with text and the
next are read, with the answer the whole read gives (yusuan.read.pdf._first_pages, yusuan.build._refuse_early);
when what follows could still change that first page's paragraphs, nothing is decided early."""

from __future__ import annotations

import pytest

import pdf_draw
from yusuan.build import extract
from yusuan.describe import identify
from yusuan.errors import YusuanError
from yusuan.privacy import redact
from yusuan.read import pdf, read

TITLE = "关于印发市级财政资金管理办法的通知"
BODY = ["各区财政局，市级各部门：", "现将有关办法印发给你们，请结合本地区本部门实际认真遵照执行。", "请遵照执行。",
        "特此通知。"]


def page(lines: list[str], title: str | None = None) -> str:
    """A title (in a larger size) and lines shorter than the longest one (each ends its paragraph), one under the
    other from the top of the page."""
    head = pdf_draw.text(200, 540, 16, title) if title else ""
    return head + "".join(pdf_draw.text(72, 500 - 24 * n, 12, line) for n, line in enumerate(lines))


def notice(tmp_path, first: list[str], pages: int = 5):
    return pdf_draw.write(tmp_path / "notice.pdf", [page(first, TITLE)] + [page(BODY) for _ in range(pages - 1)])


def test_a_notice_is_refused_after_its_first_two_pages_with_the_whole_reads_answer(tmp_path):
    path = notice(tmp_path, BODY)
    with pytest.raises(YusuanError) as early:
        extract(path)
    whole = read(path)  # every page read, then the answer as before
    redact(whole)
    with pytest.raises(YusuanError) as late:
        identify(whole, [])
    assert str(early.value) == str(late.value)
    assert "page 1: not a budget or final-accounts disclosure: its title says it is a notice" in str(early.value)
    seen: list[int] = []
    pdf.parse(path, path.read_bytes(), None, cover=lambda blocks: seen.append(max(b.page for b in blocks)))
    assert seen == [2]  # called once, on the blocks of pages 1 and 2


def test_nothing_is_decided_early_when_the_first_page_takes_its_margins_from_others(tmp_path):
    path = notice(tmp_path, ["各区财政局："])  # two lines: the margins of pages of its size
    seen: list[int] = []
    pdf.parse(path, path.read_bytes(), None, cover=lambda blocks: seen.append(1))
    assert seen == []
    with pytest.raises(YusuanError, match="its title says it is a notice"):
        extract(path)  # refused once all is read, as before


def test_a_paragraph_still_open_at_the_end_of_the_second_page_decides_nothing(tmp_path):
    long_line = "财" * 50  # runs from the left margin to the right one: the next line may go on with it
    first = BODY + [long_line]
    second = [long_line] * 4  # the paragraph begun on page 1 runs on to the end of page 2
    path = pdf_draw.write(tmp_path / "open.pdf", [page(first, TITLE), page(second), page(BODY)])
    seen: list[int] = []
    pdf.parse(path, path.read_bytes(), None, cover=lambda blocks: seen.append(1))
    assert seen == []
