"""Personal contact details withheld from everything published.

Phone numbers (mobile, landline with area code, +86 / 0086 forms), ID card numbers, e-mail addresses and the
names of form fillers are replaced in the document model, before anything else reads it, by the neutral marker
of metadata/narrative/privacy.yaml (〔已隐去〕, "withheld"). The log says what kind, where and how many, never
the value. keep=True leaves the document as read (internal use only).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache

from .knowledge import load
from .model import Cell, Document, Paragraph, Table, place, squash


@cache
def _config() -> tuple[str, list[tuple[str, re.Pattern]], re.Pattern, re.Pattern, int, re.Pattern]:
    spec = load("narrative/privacy")
    parts = spec.get("parts") or {}

    def expand(pattern: str) -> str:
        for name, value in parts.items():
            pattern = pattern.replace("{" + name + "}", value)
        return pattern

    labels = spec["name_labels"]
    patterns = [(p["kind"], re.compile(expand(p["pattern"]))) for p in spec["patterns"]]
    after = spec["name_after_label"].replace("{labels}", labels).replace("{end}", spec["name_end"]).replace("{not}", spec["name_not"])
    cell = re.compile(spec["label_cell"].replace("{labels}", labels))
    return spec["marker"], patterns, re.compile(after), cell, int(spec["name_cell_chars"]), re.compile(spec["name_cell_not"])


# Full-width digits and Latin letters (１３９…, Ｘ) are matched as their ASCII forms: the patterns run on a copy
# with them folded, character for character, and the spans found are withheld in the text as printed.
_FOLD = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                       **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
                       **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}, "＋": "+"})


def _replace(pattern: re.Pattern, text: str, folded: str, replacement) -> tuple[str, str, int]:
    """Every match of the pattern in the folded copy replaced in both texts by replacement(match, text)."""
    out, out_folded, last, n = [], [], 0, 0
    for match in pattern.finditer(folded):
        new = replacement(match, text)
        out += [text[last:match.start()], new]
        out_folded += [folded[last:match.start()], new]
        last, n = match.end(), n + 1
    if not n:
        return text, folded, 0
    return "".join(out + [text[last:]]), "".join(out_folded + [folded[last:]]), n


def scrub(text: str) -> tuple[str, Counter]:
    """The text with every personal detail replaced by the marker, and the count of each kind found."""
    out, found = _scrub(text)
    return out, Counter(found)


@lru_cache(maxsize=1 << 14)
def _scrub(text: str) -> tuple[str, Counter]:  # the same cell text recurs (empty cells, 合计, codes): read once
    marker, patterns, after = _config()[:3]
    found: Counter = Counter()
    folded = text.translate(_FOLD)
    for kind, pattern in patterns:
        if "value" in pattern.groupindex:
            text, folded, n = _replace(pattern, text, folded, lambda m, t: t[m.start("keep"):m.end("keep")] + marker)
        else:
            text, folded, n = _replace(pattern, text, folded, lambda m, t: marker)
        if n:
            found[kind] += n
    text, folded, n = _replace(after, text, folded, lambda m, t: t[m.start("label"):m.end("label")] + "：" + marker)
    if n:
        found["person_name"] += n
    return text, found


def scrub_name(file_name: str) -> str:
    """A source file's name as published (documents.source_file): contact details in it withheld."""
    return scrub(file_name)[0]


@lru_cache(maxsize=1 << 14)
def _is_label(text: str) -> bool:
    return bool(_config()[3].match(squash(text)))


def _name_like(text: str) -> bool:
    """Short enough to be a name alone in a cell or paragraph after a label (not a sentence, not a number)."""
    marker, _, _, _, most, number = _config()
    value = squash(text)
    return bool(value) and value != marker and len(value) <= most and not number.fullmatch(value)


def redact(document: Document, keep: bool = False) -> list[dict]:
    """Replace personal details in the document model in place; return the redaction log rows."""
    if keep:
        return []
    marker = _config()[0]
    log: list[dict] = []
    previous_is_label = False
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text, found = scrub(block.text)
            if previous_is_label and _name_like(block.text):
                block.text, found = marker, found + Counter({"person_name": 1})  # 填报人： / next line: 王冰杰
            previous_is_label = _is_label(block.text)
            _log(log, found, f"paragraph, {place(block.page, block.line)}", block.line, block.page)
        elif isinstance(block, Table):
            previous_is_label = False
            _table(block, log)
    for no, row in enumerate(log, start=1):
        row["redaction_no"] = no
    return log


def _table(table: Table, log: list[dict]) -> None:
    marker = _config()[0]
    title = next((squash(c.text) for c in (table.rows[0] if table.rows else []) if c.text.strip()), "")
    title = title if len(title) <= 60 else title[:60] + "…"
    below: set[int] = set()  # columns whose next row's cell is a name: a label cell with nothing to its right
    for i, row in enumerate(table.rows):
        found: Counter = Counter()
        previous_is_label = False
        labels_here: set[int] = set()
        for j, cell in enumerate(row):
            text, here = _scrub(cell.text)  # the cached Counter itself: only read here (found.update copies it)
            if (previous_is_label or j in below) and _name_like(text):
                text = marker  # the whole cell after (or below) a 填报人 cell is a name (phones in it already counted)
                here = here + Counter({"person_name": 1})
            if here:
                found.update(here)
            if text != cell.text:
                row[j] = Cell(text, cell.line, cell.page)
            previous_is_label = _is_label(cell.text)
            if previous_is_label and not any(squash(c.text) for c in row[j + 1:]):
                labels_here.add(j)
        below = labels_here
        at = row[0] if row else table
        _log(log, found, f"table at {place(table.page, table.line)} ({title}), row {i + 1}", at.line, at.page)


def _log(log: list[dict], found: Counter, location: str, line: int, page: int | None = None) -> None:
    for kind in sorted(found):
        log.append({"kind": kind, "location": location, "page": page, "line": line, "count": found[kind]})
