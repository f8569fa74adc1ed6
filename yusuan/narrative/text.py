"""The narrative paragraphs in reading order, each with the part, section and sub-section it sits under."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..knowledge import load
from ..model import Document, Paragraph, squash


@dataclass
class Located:
    paragraph: Paragraph
    text: str  # as printed, artefacts of conversion removed, outer white space trimmed
    bare: str  # the same with all white space removed
    part_zh: str
    section_zh: str
    subsection_zh: str
    is_heading: bool
    # where each printed line joined into this paragraph starts: (offset in bare, page, line); empty for one line
    pieces: tuple[tuple[int, int | None, int], ...] = ()

    def at(self, offset: int) -> tuple[int | None, int]:
        """The page and line on which the character at this offset of bare is printed."""
        page, line = self.page, self.line
        for start, piece_page, piece_line in self.pieces:
            if start > offset:
                break
            page, line = piece_page, piece_line
        return page, line

    @property
    def line(self) -> int:
        return self.paragraph.line

    @property
    def page(self) -> int | None:
        return self.paragraph.page


def config() -> dict:
    return load("narrative/sections")


def clean(text: str) -> str:
    for pattern in config()["artefacts"]:
        text = re.sub(pattern, "", text)
    return text.strip(" \t\n\u3000\u00a0\ufeff")


def walk(document: Document) -> list[Located]:
    """Every non-empty paragraph outside the tables part, with its headings (printed lines of a PDF reflowed)."""
    located = _walk(document)
    return reflow(located) if document.path.suffix.lower() == ".pdf" else located


def reflow(located: list[Located]) -> list[Located]:
    """Printed lines joined into paragraphs: a line that does not end a sentence continues on the next one,
    unless either is a heading or the next opens an item; page numbers and running headers dropped.
    (To be removed once the PDF reader reflows.)"""
    spec, out = config(), []
    seen = Counter(p.bare for p in located)
    for p in located:
        if re.match(spec["page_number"], p.bare) or (
                seen[p.bare] >= spec["running_header_min"] and not p.is_heading and not re.search(spec["sentence_end"], p.bare)):
            continue  # page furniture: a page number, or a running header printed on every page
        last = out[-1] if out else None
        if (last is not None and not last.is_heading and not p.is_heading and last.part_zh == p.part_zh
                and last.section_zh == p.section_zh and last.subsection_zh == p.subsection_zh
                and not re.search(spec["sentence_end"], last.bare) and not re.match(spec["item_start"], p.bare)):
            pieces = (last.pieces or ((0, last.page, last.line),)) + tuple(
                (len(last.bare) + start, page, line) for start, page, line in (p.pieces or ((0, p.page, p.line),)))
            out[-1] = Located(last.paragraph, last.text + p.text, last.bare + p.bare, last.part_zh, last.section_zh,
                              last.subsection_zh, False, pieces)
            continue
        out.append(p)
    return out


def _heading(bare: str) -> bool:
    spec = config()
    return any(re.match(spec[k], bare) for k in ("part", "section", "subsection", "part_title"))


def contents_pages(document: Document) -> set[int]:
    """The pages of a table of contents: no table, and every line a heading, a contents line (dot leaders and a
    page number) or page furniture, at least contents_min_lines of them. Their headings are not the document's
    parts (a contents page ending on 第二部分…预算报表 would otherwise put the whole narrative in the tables part)."""
    spec = config()
    lines: dict[int, int] = {}
    other: set[int] = set()
    for block in document.blocks:
        if block.page is None:
            continue
        if not isinstance(block, Paragraph):
            other.add(block.page)
            continue
        bare = squash(clean(block.text))
        if not bare or re.match(spec["page_number"], bare):
            continue
        if re.search(spec["contents_line"], bare) or re.match(spec["contents_title"], bare) or _heading(bare):
            lines[block.page] = lines.get(block.page, 0) + 1
        else:
            other.add(block.page)
    return {page for page, n in lines.items() if n >= spec["contents_min_lines"] and page not in other}


def _walk(document: Document) -> list[Located]:
    spec = config()
    part = section = subsection = ""
    out: list[Located] = []
    contents = contents_pages(document)
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            continue
        text = clean(block.text)
        bare = squash(text)
        if not bare:
            continue
        heading = False
        if block.page in contents:
            out.append(Located(block, text, bare, part, section, subsection, True))
            continue
        if re.match(spec["part"], bare):
            part, section, subsection, heading = bare, "", "", True
        elif re.match(spec["section"], bare):
            section, subsection, heading = bare, "", True
        elif re.match(spec["subsection"], bare):
            subsection, heading = bare, True
        elif re.match(spec["part_title"], bare):
            part, section, subsection, heading = bare, "", "", True
        if any(re.search(p, part) for p in spec["table_parts"]):
            continue
        out.append(Located(block, text, bare, part, section, subsection, heading))
    return out


def in_part(located: list[Located], key: str) -> list[Located]:
    """The paragraphs of the part whose heading matches sections.yaml[key]."""
    pattern = config()[key]
    return [p for p in located if p.part_zh and re.search(pattern, p.part_zh)]
