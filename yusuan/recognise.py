"""Recognise the tables of a document by their title text, and what each of their columns means.

All knowledge comes from metadata/tables.yaml; nothing here depends on a table's position.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from dataclasses import dataclass, field

from .amounts import looks_like_amount
from .errors import YusuanError
from .knowledge import flatten, load
from .model import Cell, Document, Paragraph, Table, place, squash

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_PREFIX = re.compile(r"^(附?表\s*([一二三四五六七八九十]+|\d+)[：:.、．]?|\d+[.、．])")


@dataclass
class Recognised:
    """One table of a document with its kind, captions, header, body and column meanings."""

    kind: str | None
    title: str
    table: Table
    table_no: int | None = None
    unit: str | None = None
    preparer: str | None = None
    header: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)  # printed rows after the header, blank ones kept
    columns: list[dict] = field(default_factory=list)  # the layout's columns, in printed order
    headers_printed: list[str] = field(default_factory=list)  # header text matched for each column
    notes: list[tuple[int, str, int | None]] = field(default_factory=list)  # (line, text, page) printed right after the table

    @property
    def place(self) -> str:
        number = f"表{self.table_no} " if self.table_no else ""
        return f"{number}{self.title or 'untitled table'} ({place(self.table.page, self.table.line)})"


def chinese_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + NUMERALS[text[1]]
    if len(text) == 2 and text[1] == "十":
        return NUMERALS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return NUMERALS[text[0]] * 10 + NUMERALS[text[2]]
    return NUMERALS[text]


@cache
def _title_patterns() -> tuple[re.Pattern, list[tuple[str, re.Pattern]]]:
    config = load("tables")
    kinds = [(key, re.compile("|".join(f"(?:{p})" for p in kind["titles"]))) for key, kind in config["kinds"].items()]
    return re.compile(config.get("title_prefix", "^$")), kinds


@lru_cache(maxsize=65536)
def match_kind(text: str) -> str | None:
    """The table kind whose title this caption is, or None (a title prefix such as 2025年部门 is allowed)."""
    prefix, kinds = _title_patterns()
    bare = _PREFIX.sub("", squash(text))
    stripped = prefix.sub("", bare, count=1)
    for key, pattern in kinds:
        if pattern.fullmatch(bare) or pattern.fullmatch(stripped):
            return key
    return None


def _contents(document: Document) -> dict[str, int]:
    """Table numbers printed in the table of contents (1. 2025年部门财务收支预算总表 ……), by kind."""
    pattern = load("tables").get("contents_entry")
    if not pattern:
        return {}
    texts = [b.text for b in document.paragraphs] + [c.text for t in document.tables for row in t.rows for c in row]
    numbers: dict[str, int] = {}
    for text in texts:
        entry = re.match(pattern, squash(text))
        if entry:
            kind = match_kind(entry.group(2))
            if kind and kind not in numbers:
                numbers[kind] = chinese_number(entry.group(1))
    return numbers


@cache
def _caption_pattern() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load("tables")["caption_patterns"]))


@lru_cache(maxsize=65536)
def _is_caption(text: str) -> bool:
    return bool(_caption_pattern().search(squash(text))) or match_kind(text) is not None


def recognise(document: Document) -> list[Recognised]:
    """Every table of the document, recognised or not (kind None)."""
    config = load("tables")
    found: list[Recognised] = []
    captions: list[str] = []
    contents = _contents(document)
    for block in document.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                if found and not captions and re.match(config["note"], squash(block.text)):
                    found[-1].notes.append((block.line, block.text.strip(), block.page))
                captions = (captions + [block.text.strip()])[-4:]
            continue
        rows = block.rows
        peeled = scan = 0
        while scan < len(rows) and (_caption_row(rows[scan]) or not any(c.clean for c in rows[scan])):
            scan += 1
            if any(c.clean for c in rows[scan - 1]):
                peeled = scan  # blank rows between captions printed inside the frame go with them
        texts = captions + [c.clean for row in rows[:peeled] for c in row if c.clean]
        captions = []
        item = Recognised(kind=None, title="", table=block)
        for text in reversed(texts):
            kind = match_kind(text)
            if kind:
                item.kind, item.title = kind, squash(_PREFIX.sub("", squash(text)))
                break
        for text in texts:
            number = re.match(config["table_number"], squash(text))
            if number:
                item.table_no = chinese_number(number.group(1))
            unit = re.search(config["unit"], squash(text))
            if unit:
                item.unit = unit.group(1)
            preparer = re.search(config["preparer"], text)
            if preparer and not item.preparer:
                item.preparer = preparer.group(1)
        if item.kind and item.table_no is None:
            item.table_no = contents.get(item.kind)
        if item.kind and not load("tables")["kinds"][item.kind].get("narrative"):
            _fit_layout(document, item, rows[peeled:])
        else:
            item.body = rows[peeled:]
        found.append(item)
    return found


def _caption_row(row: list[Cell]) -> bool:
    texts = [c.clean for c in row if c.clean]
    return bool(texts) and all(_is_caption(t) for t in texts)


def _is_data_row(row: list[Cell]) -> bool:
    return all(not c.clean for c in row) or any(looks_like_amount(c.text) for c in row)


def _fit_layout(document: Document, item: Recognised, rows: list[list[Cell]]) -> None:
    # the header ends at the first row with an amount (blank rows inside a header are part of it); in a
    # table without amounts, at the first blank row
    split = next((n for n, row in enumerate(rows) if any(looks_like_amount(c.text) for c in row)), None)
    if split is None:
        split = 0
        while split < len(rows) and not _is_data_row(rows[split]):
            split += 1
    header, body = rows[:split], rows[split:]
    header_texts = [c.bare for row in header for c in row if c.bare]
    kind = load("tables")["kinds"][item.kind]
    for layout in kind["layouts"]:
        columns = flatten(layout["columns"])
        printed = _match_headers(columns, header_texts)
        if printed is None and body:
            # a header row that also carries the totals (类 | 款 | 项 | 合计 | 2,946.25 …): the cells that
            # are their own column's header are header text, the rest of the row is the total row
            first = body[0]
            carried = [n for n, (column, cell) in enumerate(zip(columns, first))
                       if cell.bare and not looks_like_amount(cell.text) and re.fullmatch(column["header"], cell.bare)]
            if carried:
                printed = _match_headers(columns, header_texts + [first[n].bare for n in carried])
                if printed is not None:
                    header = header + [[c if n in carried else Cell(text="", line=c.line, page=c.page) for n, c in enumerate(first)]]
                    body = [[Cell(text="", line=c.line, page=c.page) if n in carried else c for n, c in enumerate(first)]] + body[1:]
        if printed is None:
            continue
        misfit = next((n for n, row in enumerate(body, start=1) if not _fits(row, len(columns))), None)
        if misfit is not None:
            row = body[misfit - 1]
            cut = " (the document may be cut off here)" if misfit == len(body) and len(row) < len(columns) else ""
            raise YusuanError(document.path, f"{item.place}, row {misfit}",
                              f"{len(row)} cells where the table has {len(columns)} columns{cut}")
        item.header, item.columns, item.headers_printed = header, columns, printed
        item.body = [row[: len(columns)] for row in body]
        return
    widths = sorted({len(row) for row in body if any(c.clean for c in row)})
    raise YusuanError(
        document.path,
        item.place,
        f"layout not recognised: header {' | '.join(header_texts) or '(none)'}; body rows of {widths} cells "
        f"(add a layout for {item.kind} in metadata/tables.yaml)",
    )


def _match_headers(columns: list[dict], texts: list[str]) -> list[str] | None:
    used = [False] * len(texts)
    printed = []
    for column in columns:
        for i, text in enumerate(texts):
            if not used[i] and re.fullmatch(column["header"], text):
                used[i] = True
                printed.append(text)
                break
        else:
            return None
        if "group" in column and not any(re.fullmatch(column["group"], t) for t in texts):
            return None
    return printed


def _fits(row: list[Cell], width: int) -> bool:
    if not any(c.clean for c in row):
        return True
    return len(row) >= width and not any(c.clean for c in row[width:])
