"""Reader for text extracted from Word by Apache Tika (the sample's format).

Paragraphs are lines. A table is a run of lines, one cell per line, each starting with a tab; a blank
line ends a row, and an empty paragraph (a second blank line) ends the table. A cell may hold tabs,
full-width spaces and trailing spaces; a cell holding several paragraphs continues on lines without
a tab. Word artefacts such as ``[bookmark: _GoBack]`` are dropped.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import YusuanError
from ..model import Block, Cell, Paragraph, Table

_ARTEFACT = re.compile(r"\[(?:bookmark|link|image): [^\]]*\]")
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_STRIP = " \t\u3000\u00a0\ufeff\r"


def decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: the one named, a BOM's, UTF-8, or GB18030."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise YusuanError(path, "", f"cannot be decoded as {encoding} ({exc})") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise YusuanError(path, f"byte {exc.start}", f"invalid {name} text") from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), utf16
    if b"\x00" in data:
        raise YusuanError(path, f"byte {data.index(0)}", "binary data, not a text document")
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            continue
    raise YusuanError(path, "", "not text in UTF-8, UTF-16 or GB18030; name the encoding with --encoding")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: text of CJK and ASCII has NUL in most odd or most even bytes."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 8:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if text.count("\n") and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text[:2000]):
            return name
    return None


def parse(path: Path, data: bytes, encoding: str | None = None) -> tuple[list[Block], str]:
    text, used = decode(path, data, encoding)
    text = _ARTEFACT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _blocks(text.split("\n")), used


def _blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[Cell]] = []  # finished rows of the table being read
    row: list[tuple[list[str], int]] = []  # cells of the row being read: (lines, line number)
    table_line = 0
    blanks = 0

    def close_table() -> None:
        nonlocal rows, row
        if row:  # a table cut off before its row ended
            rows.append(_cells(row))
            row = []
        if rows:
            blocks.append(Table(rows=rows, line=table_line))
        rows = []

    for number, raw in enumerate(lines, start=1):
        if raw.startswith("\t"):
            if not rows and not row:
                table_line = number
            row.append(([raw], number))
            blanks = 0
        elif raw.strip(_STRIP) == "":
            blanks += 1
            if row and not (blanks > 1):
                rows.append(_cells(row))
                row = []
            elif blanks > 1 and rows:
                close_table()
        elif row and blanks == 0 and rows:
            row[-1][0].append(raw)  # a cell's next paragraph
        else:
            if row and not rows:  # tab-indented paragraphs, not a table
                for cell_lines, line in row:
                    blocks.append(Paragraph(text="\n".join(cell_lines).strip(_STRIP), line=line))
                row = []
            close_table()
            blocks.append(Paragraph(text=raw.strip(_STRIP), line=number))
            blanks = 0
    close_table()
    return blocks


def _cells(row: list[tuple[list[str], int]]) -> list[Cell]:
    cells = []
    for cell_lines, line in row:
        parts = [part.strip(_STRIP) for part in cell_lines]
        cells.append(Cell(text="\n".join(parts).strip("\n"), line=line))
    return cells
