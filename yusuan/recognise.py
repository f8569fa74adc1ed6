"""Recognise the tables of a document: each table's kind from its title words, its number, unit and
captions, its header and body rows, a table continued over several pages made one, and what each column
means (yusuan/columns.py). All knowledge comes from metadata/tables.yaml; nothing depends on a table's
position or on a complete layout.

A table is never an error here: what cannot be read is said in the table's ``status`` and ``reason``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .amounts import looks_like_amount
from .knowledge import load
from .model import Cell, Document, Paragraph, Table, place, squash

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass
class Recognised:
    """One table of a document with its kind, captions, header, body and column meanings."""

    kind: str | None
    title: str
    table: Table
    table_no: int | None = None
    number_printed: str | None = None  # the numbering as printed (表1-1, 公开01表, （一）)
    title_printed: str | None = None   # the caption as printed, numbering included
    unit: str | None = None
    preparer: str | None = None
    header: list[list[Cell]] = field(default_factory=list)
    body: list[list[Cell]] = field(default_factory=list)  # printed rows after the header, blank ones kept
    columns: list[dict] = field(default_factory=list)  # one per printed column: what it means (columns.py)
    headers_printed: list[str] = field(default_factory=list)  # the lowest header text of each column
    notes: list[tuple[int, str, int | None]] = field(default_factory=list)  # (line, text, page) printed right after the table
    parts: list[Table] = field(default_factory=list)  # the printed pieces (one per page it runs over)
    seq: int = 0  # 1-based order among the document's tables
    facts: int = 0  # facts the table gave
    status: str = "read"  # read, partial, not_read
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) why partial or not read

    @property
    def place(self) -> str:
        number = self.number_printed or (f"表{self.table_no}" if self.table_no else "")
        return f"{number + ' ' if number else ''}{self.title or 'untitled table'} ({place(self.table.page, self.table.line)})"

    @property
    def pages(self) -> list[int]:
        found = set()
        for part in self.parts or [self.table]:
            for row in part.rows:
                for c in row:
                    if c.page:
                        found.add(c.page)
        return sorted(found)

    def fail(self, status: str, zh: str, en: str) -> None:
        """Mark the table partial or not read, with the reason in both languages (not_read wins)."""
        if status == "not_read" or self.status == "read":
            self.status = status
        self.reasons.append((zh, en))


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


def table_number(printed: str) -> int | None:
    """The number of a table as an integer: 表一 = 1, 公开01表 = 1; 表1-2 is numbered 1 (its part printed)."""
    head = re.split(r"[-－—]", printed)[0]
    try:
        return chinese_number(head)
    except (KeyError, IndexError):
        return None


@cache
def _config():
    config = load("tables")
    numbering = [re.compile(p) for p in config["numbering"]]
    kinds = [(key, [re.compile(f"(?:{p})$") for p in kind["titles"]]) for key, kind in config["kinds"].items()]
    return numbering, re.compile(config["title_prefix"]), re.compile(config["title_suffix"]), kinds


@lru_cache(maxsize=65536)
def split_number(text: str) -> tuple[str | None, str | None, str]:
    """(number as printed, the number's digits, the rest) of a caption with white space removed."""
    numbering, _, _, _ = _config()
    for pattern in numbering:
        m = pattern.match(text)
        if m:
            return m.group(0).rstrip("：:.、．"), m.group("n"), text[m.end():]
    return None, None, text


@lru_cache(maxsize=65536)
def match_kind(text: str) -> str | None:
    """The table kind whose title this caption is, or None: the numbering, a year/level/body prefix and a
    classification suffix are allowed around the title words."""
    return _match(squash(text))[0]


@lru_cache(maxsize=65536)
def _match(bare: str) -> tuple[str | None, str]:
    _, prefix, suffix, kinds = _config()
    _, _, rest = split_number(bare)
    rest = re.sub(r"^[：:.、．\s]+", "", rest)
    candidates = [rest]
    stripped = suffix.sub("", rest)
    while stripped != candidates[-1]:  # 收支总表（按功能分类）（单位：万元）: each suffix off
        candidates.append(stripped)
        stripped = suffix.sub("", stripped)
    best: tuple[int, str | None] = (-1, None)
    for text in candidates:
        for key, patterns in kinds:
            for pattern in patterns:
                m = pattern.search(text)
                if m and prefix.fullmatch(text[: m.start()]):
                    length = m.end() - m.start()
                    if length > best[0]:
                        best = (length, key)
    return best[1], rest


def _contents(document: Document) -> dict[str, int]:
    """Table numbers printed in the table of contents (1. 2025年部门财务收支预算总表 ……), by kind."""
    pattern = load("tables").get("contents_entry")
    if not pattern:
        return {}
    texts = [b.text for b in document.paragraphs] + [c.text for t in document.tables for row in t.rows for c in row]
    numbers: dict[str, int] = {}
    entry_of = re.compile(pattern).match
    for text in texts:
        entry = entry_of(squash(text))
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


def _numbered(text: str) -> bool:
    """A caption that is only a table number (公开01表, 表1) or starts with one and is a title."""
    number, _, rest = split_number(squash(text))
    return bool(number) and (not rest or match_kind(text) is not None)


def recognise(document: Document) -> list[Recognised]:
    """Every table of the document, recognised or not (kind None), continuations over pages joined."""
    from .columns import read_columns

    config = load("tables")
    found: list[Recognised] = []
    captions: list[str] = []
    contents = _contents(document)
    since_table: list[str] = []  # paragraphs printed since the last table (running heads, page numbers)
    for block in document.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                if found and not captions and re.match(config["note"], squash(block.text)):
                    found[-1].notes.append((block.line, block.text.strip(), block.page))
                captions = (captions + [block.text.strip()])[-4:]
                since_table.append(block.text.strip())
            continue
        rows = block.rows
        peeled = scan = 0
        while scan < len(rows) and (_caption_row(rows[scan]) or not any(c.clean for c in rows[scan])
                                    or (not peeled and _title_row(rows[scan], block.width))):
            scan += 1
            if any(c.clean for c in rows[scan - 1]):
                peeled = scan  # blank rows between captions printed inside the frame go with them
        texts = captions + [c.clean for row in rows[:peeled] for c in row if c.clean] \
            + ["".join(c.bare for c in row) for row in rows[:peeled]] \
            + [piece for row in rows[:peeled] for c in row if c.bare for piece in _pieces(c.bare)]
        captions = []
        item = Recognised(kind=None, title="", table=block, parts=[block])
        _caption(item, texts, config)
        if item.kind is None and not item.title_printed and peeled:
            item.title_printed = next((p for row in rows[:peeled] for c in row if c.bare for p in _pieces(c.bare)
                                       if re.search(config["title_like"], p)), None)
        by_headers = _kind_by_headers(rows[peeled:])
        if by_headers and item.kind and config["kinds"][item.kind].get("narrative") \
                and not config["kinds"][by_headers].get("narrative"):
            item.kind = by_headers  # a form's title over a list whose header says what it is
        if item.kind and item.table_no is None and not item.number_printed:
            item.table_no = contents.get(item.kind)
        previous = found[-1] if found else None
        if previous and not (peeled and item.kind is None) and _on_next_page(document, previous, block) \
                and _continues(previous, item, rows[peeled:], since_table):
            _append(previous, block, rows[peeled:])
            since_table = []
            continue
        since_table = []
        if item.kind is None and by_headers:
            item.kind = by_headers  # untitled, and not the rest of the table before it: its header says what it is
        item.body = rows[peeled:]
        item.seq = len(found) + 1
        found.append(item)
    for a, b in zip(found, found[1:]):  # a table printed in parts (its last columns on the next page)
        if a.kind and a.kind == b.kind and a.title == b.title and a.number_printed == b.number_printed:
            a.unit, b.unit = a.unit or b.unit, b.unit or a.unit
    for item in found:
        if item.kind and not config["kinds"][item.kind].get("narrative"):
            read_columns(item)
        elif item.kind is None:
            if any(looks_like_amount(c.text) for row in item.body for c in row):
                read_columns(item)  # amounts under an unknown title are still facts
                if item.status != "not_read":
                    item.fail("partial", "表名未识别（表类型未知），金额按列名读取", "title not recognised (kind unknown); amounts read by their column headers")
                else:
                    item.reasons.append(("表名未识别", "the title is not recognised"))
            else:
                item.status = "not_read"
                item.reasons.append(("无金额且表名未识别", "no amounts and the title is not recognised"))
    return found


@cache
def _header_kinds() -> list[tuple[str, list[list[re.Pattern]], bool]]:
    found = [(key, [[re.compile(w) for w in words] for words in kind["headers"]], bool(kind.get("anywhere")))
             for key, kind in load("tables")["kinds"].items() if kind.get("headers")]
    return sorted(found, key=lambda k: k[2])  # a header row above the amounts says more than words anywhere


def _kind_by_headers(rows: list[list[Cell]]) -> str | None:
    """The kind whose header words (kinds.headers) a row of the table prints: in its header rows (above the
    first amounts), or in any row for a kind printed as a form (anywhere)."""
    from .columns import stripped

    first = next((n for n, row in enumerate(rows) if any(looks_like_amount(c.text) for c in row)), len(rows))
    texts = [[t for c in row if (t := c.bare)] for row in rows]
    for key, alternatives, anywhere in _header_kinds():
        for row in texts[: None if anywhere else first]:
            cells = row + [stripped(t) for t in row]
            if any(all(any(w.fullmatch(t) for t in cells) for w in words) for words in alternatives):
                return key
    return None


def _caption(item: Recognised, texts: list[str], config: dict) -> None:
    """Kind, title, number, unit and preparer from the captions printed before (and inside the top of) a
    table; a title printed over two lines is joined."""
    bare = [squash(t) for t in texts]
    head = re.compile(config["title_head"])
    for i in range(len(bare) - 1, -1, -1):
        # a title whose first line is a unit's code and name (301007_…分局_全国民航反 | 电诈中心建设项目绩效目标表)
        first = [bare[i - 1] + bare[i]] if i and head.match(bare[i - 1]) and not match_kind(bare[i - 1]) else []
        for joined in (first + [bare[i]] + ([bare[i - 1] + bare[i]] if i else [])):
            kind = match_kind(joined)
            if kind:
                item.kind, item.title = kind, _match(joined)[1]
                item.title_printed = joined
                break
        if item.kind:
            break
    for text in bare:
        number, digits, rest = split_number(text)
        if number and (not rest or match_kind(text)) and item.number_printed is None:
            item.number_printed, item.table_no = number, table_number(digits)
            if not item.title_printed and rest:
                item.title_printed = text
    for text in texts:
        unit = re.search(config["unit"], squash(text)) or re.search(config["unit"], text.strip())
        if unit and not item.unit:
            item.unit = next(g for g in unit.groups() if g)
        preparer = re.search(config["preparer"], text)
        if preparer and not item.preparer:
            item.preparer = preparer.group(1)


def _page(document: Document, cell: Cell) -> int | None:
    return cell.page  # None for sources without pages


def _on_next_page(document: Document, previous: Recognised, block: Table) -> bool:
    """The table starts on a later page than where the previous one ends (only paged sources continue)."""
    last = [c for row in previous.parts[-1].rows for c in row]
    first = [c for row in block.rows for c in row]
    if not last or not first:
        return False
    before, after = _page(document, last[-1]), _page(document, first[0])
    return before is not None and after is not None and after > before


def _continues(previous: Recognised, item: Recognised, rows: list[list[Cell]], between: list[str]) -> bool:
    """A table printed on the next page as the continuation of the previous one: the same kind and number
    with its header repeated, or no title of its own and the same number of columns."""
    if not previous.kind or load("tables")["kinds"][previous.kind].get("narrative"):
        return False
    if item.table.width != previous.table.width:
        return False
    if item.kind:
        if item.kind != previous.kind or item.number_printed != previous.number_printed:
            return False
        head = _header_texts(previous.body)
        if not head or _header_texts(rows)[: len(head)] != head:
            return False  # the same title without the same header: printed twice, not continued
        return not _same_rows(rows, previous.body)
    if any(_numbered(t) or _is_caption(t) for t in between) or item.number_printed:
        return False
    head, own = _header_texts(previous.body), _header_texts(rows)
    leading = rows[: len(own)]
    if any(_is_header_row(r) for r in leading) and own != head[: len(own)]:
        return False  # a header of its own, not the previous table's: another table
    return any(looks_like_amount(c.text) for row in rows for c in row) or not rows


def _same_rows(rows: list[list[Cell]], others: list[list[Cell]]) -> bool:
    """Whether two tables print the same rows, cell for cell (their clean texts), stopping at the first difference:
    a table continued over many pages is compared with each next page as it grows."""
    return len(rows) == len(others) and all(
        len(row) == len(other) and all(a.clean == b.clean for a, b in zip(row, other)) for row, other in zip(rows, others))


def _header_texts(rows: list[list[Cell]]) -> list[list[str]]:
    out = []
    for row in rows:
        if any(looks_like_amount(c.text) for c in row):
            break
        out.append([c.bare for c in row])
    return out


def _append(previous: Recognised, block: Table, rows: list[list[Cell]]) -> None:
    head = _header_texts(previous.body)
    if head and _header_texts(rows)[: len(head)] == head:
        rows = rows[len(head):]  # the header repeated on the next page
    else:
        # a header without amounts above the first row is the repeated header in a shorter form
        n = 0
        while n < len(rows) and not any(looks_like_amount(c.text) for c in rows[n]) and _is_header_row(rows[n]):
            n += 1
        rows = rows[n:]
    previous.body = previous.body + rows
    previous.parts.append(block)


def _is_header_row(row: list[Cell]) -> bool:
    from .columns import header_word

    texts = [c.bare for c in row if c.bare]
    return bool(texts) and all(header_word(t) for t in texts)


def _pieces(text: str) -> list[str]:
    """A caption cell cut before the words of the preparer and the unit glued to it (caption_cut)."""
    return [p for p in re.split(load("tables")["caption_cut"], text) if p]


def _title_row(row: list[Cell], width: int) -> bool:
    """A table's first row that is one text across the frame and a title (with the preparer and unit glued
    on, or ending like a title: …表), not a header."""
    texts = [c.bare for c in row if c.bare]
    if len(texts) != 1 or width < 2 or looks_like_amount(texts[0]):
        return False
    pieces = _pieces(texts[0])
    if len(pieces) > 1 and all(_is_caption(p) for p in pieces):
        return True
    return bool(re.search(load("tables")["title_like"], pieces[0])) and len(pieces[0]) >= 4 and not _is_header_row(row)


def _caption_row(row: list[Cell]) -> bool:
    """A row inside the frame that is captions: each cell one, or a caption cut over several cells
    (编制单位：上海市财务 | 会计综合管理事务中心 | 单位：元)."""
    texts = [c.clean for c in row if c.clean]
    if not texts:
        return False
    if all(_is_caption(t) for t in texts):
        return True
    joined = "".join(squash(t) for t in texts)
    return _is_caption(joined) and not any(looks_like_amount(t) for t in texts)
