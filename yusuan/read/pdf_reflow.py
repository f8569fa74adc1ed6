"""Printed lines joined into paragraphs: a PDF breaks sentences at the end of every printed line.

A line that runs to the right margin (within one and a half characters) and starts near the left margin
continues into the next line, on the same page or the next, unless that line starts a paragraph: it is
indented (by more than one and a half characters), set in another size (a running header), starts with a
numbering (一、 （一） 1. 1、 (1) ① 第一章) after a line that ended on a mark (not inside a word), or is a line of a table of contents (dot leaders and a page number), which also never continues.
A running header in another size atop the next page stays a paragraph of its own, and the paragraph goes on
below it, unless its last line ended a sentence (then the line in another size is a title, 2026年单位预算编制说明,
and what follows it is its own paragraph). A short line (a heading, a
title, a line ending a paragraph) ends its paragraph. The margins are those of the page's text lines (the
right end of the widest, the leftmost start of those reaching it); on a page with fewer than three lines,
those of the pages of the same size. Joined lines meet without a space,
except two letters or digits of a Latin script, which get one. The paragraph keeps the place of its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Paragraph

NUMBERED = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节部分篇条]"
    r"|[一二三四五六七八九十百]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十百\d]+\s*[)）]"
    r"|\d+(\.\d+)*\s*[、．]"
    r"|\d+(\.\d+)*\.(?!\d)"
    r"|[①-⑳⑴-⒇❶-❿]"
    r"|[A-Za-z]\s*[、．](?![A-Za-z0-9]))")
CONTENTS = re.compile(r"([.．。…·・•_\-－]\s*){4,}\s*[\dⅠ-Ⅻ]+\s*$|…{2,}")
SENTENCE_END = re.compile(r"[。！？!?]\s*$")
_LATIN = re.compile(r"[A-Za-z0-9]")
MID_WORD = re.compile(r"[\u4e00-\u9fff]\s*$")  # a line running to the margin that ends on a character, not a mark


@dataclass
class Shape:
    """Where a printed line sits: its left and right ends, its character size, its page and the page's size."""
    x0: float
    x1: float
    size: float
    page: int
    page_size: tuple[float, float]


def reflow(blocks: list[Block], shapes: dict[int, Shape], still_open: list | None = None) -> list[Block]:
    """The blocks with consecutive lines of one paragraph joined. ``shapes`` maps id(paragraph) to its Shape;
    paragraphs without a shape are left as they are. Given a list ``still_open``, the paragraph the last line
    left open (the next line could join it) is put in it."""
    margins = _margins(blocks, shapes)
    out: list[Block] = []
    open_paragraph: Paragraph | None = None
    previous: tuple[str, Shape] | None = None
    for block in blocks:
        shape = shapes.get(id(block)) if isinstance(block, Paragraph) else None
        if shape is None:
            out.append(block)
            open_paragraph = None
            continue
        left, right = margins[shape.page]
        if open_paragraph is not None and previous is not None and shape.page != previous[1].page \
                and _other_size(shape, previous[1]):
            out.append(block)  # a running header atop the next page: the paragraph goes on below it …
            if SENTENCE_END.search(previous[0]):
                open_paragraph = None  # … unless it ended a sentence: a title, and what follows is its own
            continue
        if open_paragraph is not None and previous is not None and not _starts(block.text, shape, left, previous, open_paragraph.text):
            open_paragraph.text = _join(open_paragraph.text, block.text)
        else:
            out.append(block)
            open_paragraph = block
        if not _continues(block.text, shape, left, right):
            open_paragraph = None
        previous = (block.text, shape)
    if still_open is not None and open_paragraph is not None:
        still_open.append(open_paragraph)
    return out


def _margins(blocks: list[Block], shapes: dict[int, Shape]) -> dict[int, tuple[float, float]]:
    """Each page's left and right margins: the right end of its widest line, and the leftmost start of the
    lines that reach it (a running header or a centred title does not move the left margin)."""
    by_page: dict[int, list[Shape]] = {}
    for block in blocks:
        shape = shapes.get(id(block)) if isinstance(block, Paragraph) else None
        if shape is not None:
            by_page.setdefault(shape.page, []).append(shape)

    def measured(page_shapes: list[Shape]) -> tuple[float, float]:
        right = max(s.x1 for s in page_shapes)
        return min(s.x0 for s in page_shapes if s.x1 >= right - s.size), right

    by_size: dict[tuple, tuple[float, float]] = {}
    margins = {}
    for page, page_shapes in by_page.items():
        if len(page_shapes) >= 3:
            margins[page] = measured(page_shapes)
            known = by_size.get(page_shapes[0].page_size)
            by_size[page_shapes[0].page_size] = (min(margins[page][0], known[0]), max(margins[page][1], known[1])) \
                if known else margins[page]
    for page, page_shapes in by_page.items():
        if page not in margins:
            margins[page] = by_size.get(page_shapes[0].page_size, (min(s.x0 for s in page_shapes), float("inf")))
    return margins


def _starts(text: str, shape: Shape, left: float, previous: tuple[str, Shape], opened: str = "") -> bool:
    """Whether a line starts a paragraph of its own, after a line that ran to the margin: it is indented,
    set in another size (a running header), a line of contents, or numbered."""
    shape_before = previous[1]
    if shape.x0 > left + 1.5 * shape.size or shape.x0 < left - shape.size:
        return True
    if _other_size(shape, shape_before):
        return True
    if CONTENTS.search(text):
        return True
    # numbered (一、 1.), unless the line before broke off inside a word and the paragraph is not an item of
    # the same numbering (（十二）…构建集中统 / 一、全面覆盖 is one sentence; 8．…预算表 / 9.… are two items)
    if not NUMBERED.match(text):
        return False
    return not MID_WORD.search(previous[0]) or _style(text) == _style(opened)


def _style(text: str) -> str | None:
    """The kind of numbering a line starts with: arabic, chinese, bracketed, circled, chapter; None if none."""
    match = NUMBERED.match(text)
    if not match:
        return None
    mark = match.group(0).strip()
    if mark.startswith("第"):
        return "chapter"
    if mark[0] in "（(":
        return "bracketed"
    if mark[0].isdigit():
        return "arabic"
    if mark[0] in "一二三四五六七八九十百":
        return "chinese"
    return "other"


def _other_size(shape: Shape, other: Shape) -> bool:
    return abs(shape.size - other.size) > 0.2 * max(shape.size, other.size)


def _continues(text: str, shape: Shape, left: float, right: float) -> bool:
    """Whether a line may run on into the next: it fills the measure from the left margin to the right one
    (to within one and a half characters: a character that may not start a line pulls one down)."""
    if CONTENTS.search(text):
        return False
    return shape.x1 >= right - 1.5 * shape.size and shape.x0 <= left + 3 * shape.size


def _join(first: str, second: str) -> str:
    if first and second and _LATIN.match(first[-1]) and _LATIN.match(second[0]):
        return f"{first} {second}"
    return first + second
