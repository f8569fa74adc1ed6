"""The neutral document model every reader produces: paragraphs and tables (grids of cells)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
import re

_BLANK = re.compile(r"[\s\u3000\u00a0\ufeff]+")


def squash(text: str) -> str:
    """Text with all white space removed (tabs, full-width and ordinary spaces, line breaks)."""
    return _BLANK.sub("", text)


def tidy(text: str) -> str:
    """Text trimmed at both ends, line breaks inside a cell joined (a wrapped label is one label)."""
    lines = [line.strip(" \t\u3000\u00a0\ufeff") for line in text.splitlines()]
    return "".join(line for line in lines if line)


@dataclass(frozen=True)
class Cell:
    text: str  # as read, continuation lines joined with "\n", outer white space trimmed
    line: int  # 1-based line where the cell starts: in the file, or on its page (sheet) when ``page`` is set
    page: int | None = None  # 1-based page of a PDF, sheet of a workbook; None for text and DOCX

    @property
    def clean(self) -> str:
        return tidy(self.text)

    @property
    def bare(self) -> str:
        return squash(self.text)


@dataclass
class Table:
    rows: list[list[Cell]]
    line: int
    page: int | None = None

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class Paragraph:
    text: str
    line: int
    page: int | None = None


Block = Paragraph | Table


def where(item: Cell | Paragraph | Table) -> dict:
    """The place of a cell, paragraph or table as the columns ``page`` and ``line`` of a published row."""
    return {"page": item.page, "line": item.line}


def place(page: int | None, line: int | None) -> str:
    """A place as a person finds it: "page 23, line 13" (a PDF page or workbook sheet), or "line 13"."""
    if page is None:
        return f"line {line}"
    return f"page {page}, line {line}"


def place_zh(page: int | None, line: int | None) -> str:
    """The same in Chinese: 第23页第13行, or 第13行."""
    if page is None:
        return f"第{line}行"
    return f"第{page}页第{line}行"


@dataclass
class Document:
    path: Path
    sha256: str
    encoding: str
    blocks: list[Block] = field(default_factory=list)
    image_pages: list[int] = field(default_factory=list)  # pages printed as an image without text: not read
    # PDF pages drawing too many paths (a hostile or broken file) to look for ruled tables on: read as text
    unruled_pages: list[int] = field(default_factory=list)
    blank_pages: list[int] = field(default_factory=list)  # PDF pages printing nothing: no character, no picture

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
