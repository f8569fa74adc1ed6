"""The narrative paragraphs in reading order, each with the part, section and sub-section it sits under."""

from __future__ import annotations

import re
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
    """Every non-empty paragraph outside the tables part, with its headings."""
    spec = config()
    part = section = subsection = ""
    out: list[Located] = []
    for block in document.blocks:
        if not isinstance(block, Paragraph):
            continue
        text = clean(block.text)
        bare = squash(text)
        if not bare:
            continue
        heading = False
        if re.match(spec["part"], bare):
            part, section, subsection, heading = bare, "", "", True
        elif re.match(spec["section"], bare):
            section, subsection, heading = bare, "", True
        elif re.match(spec["subsection"], bare):
            subsection, heading = bare, True
        if any(re.search(p, part) for p in spec["table_parts"]):
            continue
        out.append(Located(block, text, bare, part, section, subsection, heading))
    return out


def in_part(located: list[Located], key: str) -> list[Located]:
    """The paragraphs of the part whose heading matches sections.yaml[key]."""
    pattern = config()[key]
    return [p for p in located if p.part_zh and re.search(pattern, p.part_zh)]
