"""Personal contact details withheld from everything published.

Phone numbers (mobile, landline with area code, +86 / 0086 forms), ID card numbers, e-mail addresses and the
names of form fillers are replaced in the document model, before anything else reads it, by the neutral marker
of metadata/narrative/privacy.yaml (〔已隐去〕, "withheld"). The log says what kind, where and how many, never
the value. keep=True leaves the document as read (internal use only).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from .knowledge import load
from .model import Cell, Document, Paragraph, Table, place, squash


@cache
def _config() -> tuple[str, list[tuple[str, re.Pattern]], re.Pattern, re.Pattern]:
    spec = load("narrative/privacy")
    labels = spec["name_labels"]
    patterns = [(kind, re.compile(p)) for kind, p in spec["patterns"].items()]
    after = re.compile(spec["name_after_label"].replace("{labels}", labels))
    cell = re.compile(spec["label_cell"].replace("{labels}", labels))
    return spec["marker"], patterns, after, cell


def scrub(text: str) -> tuple[str, Counter]:
    """The text with every personal detail replaced by the marker, and the count of each kind found."""
    marker, patterns, after, _ = _config()
    found: Counter = Counter()
    for kind, pattern in patterns:
        text, n = pattern.subn(marker, text)
        if n:
            found[kind] += n

    def name(match: re.Match) -> str:
        found["person_name"] += 1
        return f"{match.group('label')}：{marker}"

    text = after.sub(name, text)
    return text, found


def redact(document: Document, keep: bool = False) -> list[dict]:
    """Replace personal details in the document model in place; return the redaction log rows."""
    if keep:
        return []
    log: list[dict] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            block.text, found = scrub(block.text)
            _log(log, found, f"paragraph, {place(block.page, block.line)}", block.line, block.page)
        elif isinstance(block, Table):
            _table(block, log)
    for no, row in enumerate(log, start=1):
        row["redaction_no"] = no
    return log


def _table(table: Table, log: list[dict]) -> None:
    marker, _, _, label_cell = _config()
    title = next((squash(c.text) for c in (table.rows[0] if table.rows else []) if c.text.strip()), "")
    title = title if len(title) <= 60 else title[:60] + "…"
    for i, row in enumerate(table.rows):
        found: Counter = Counter()
        previous_is_label = False
        for j, cell in enumerate(row):
            text, here = scrub(cell.text)
            if previous_is_label and squash(text) and squash(text) != marker:
                text = marker  # the whole cell after a 填报人 cell is a name (phones in it already counted)
                here = here + Counter({"person_name": 1})
            found += here
            if text != cell.text:
                row[j] = Cell(text, cell.line, cell.page)
            previous_is_label = bool(label_cell.match(squash(cell.text)))
        at = row[0] if row else table
        _log(log, found, f"table at {place(table.page, table.line)} ({title}), row {i + 1}", at.line, at.page)


def _log(log: list[dict], found: Counter, location: str, line: int, page: int | None = None) -> None:
    for kind in sorted(found):
        log.append({"kind": kind, "location": location, "page": page, "line": line, "count": found[kind]})
