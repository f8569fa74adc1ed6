"""A performance target as printed (≧16家, 12个月, 提高, ≦12月31日) parsed into comparator, number and unit."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from ..amounts import plain
from ..knowledge import load
from ..model import squash


def spec() -> dict:
    return load("narrative/performance")


def parse(printed: str, indicator: str = "", comparator_column: str | None = None, unit_column: str | None = None) -> dict:
    """comparator (>=, <=, >, <, = or None for a word), number (exact, as text), unit, kind, unit source. The
    comparator and unit printed in columns of their own (长沙 度量单位 | 指标值类型, 重庆 指标性质 | 计量单位) are used when
    the value cell has none; a unit printed before the comparator in the cell (万元≤100) is the unit."""
    s = spec()
    text = squash(printed)
    before = re.match(s["unit_before_comparator"], text)
    unit_first = None
    if before and not re.search(r"\d", before.group("unit")):
        unit_first, text = before.group("unit"), text[before.end():]
    comparator = _comparator(text, s)
    if comparator:
        comparator, text = comparator
    else:
        column = _comparator(squash(comparator_column or ""), s)
        comparator = column[0] if column and not column[1] else None
    out = {"comparator": comparator, "number": None, "unit": None, "target_kind": "word", "unit_source": None, "unit_known": None}
    ascii_text = unicodedata.normalize("NFKC", text) if re.match(r"^[０-９]", text) else text
    date = re.match(s["target_date"], ascii_text)
    if date:
        return out | {"comparator": comparator or "=", "target_kind": "date", "target_month_day": f"{int(date.group('m')):02d}-{int(date.group('d')):02d}"}
    number = re.match(s["target_number"], ascii_text)
    if not number:
        return out | {"comparator": comparator}
    printed = number.group("unit") or number.group("bunit") or unit_first
    unit, source = printed or None, "target" if printed else None
    if unit is None and squash(unit_column or ""):
        unit, source = squash(unit_column or ""), "column"
    if unit is None:
        named = re.search(s["indicator_unit"], squash(indicator))
        if named:
            unit, source = named.group("unit"), "indicator"
    return out | {
        "comparator": comparator or "=",
        "number": plain(Decimal(number.group("num").replace(",", ""))),
        "unit": unit,
        "target_kind": "number",
        "unit_source": source,
        "unit_known": unit in s["units"] if unit else None,
    }


def _comparator(text: str, s: dict) -> tuple[str, str] | None:
    """The comparator the text starts with and the rest of the text."""
    for sign in sorted(s["comparators"], key=len, reverse=True):
        if text.startswith(sign):
            return s["comparators"][sign], text[len(sign):]
    return None
