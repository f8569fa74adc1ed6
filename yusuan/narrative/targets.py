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


def parse(printed: str, indicator: str = "") -> dict:
    """comparator (>=, <=, >, <, = or None for a word), number (exact, as text), unit, kind, unit source."""
    s = spec()
    text = squash(printed)
    comparator = None
    for sign in sorted(s["comparators"], key=len, reverse=True):
        if text.startswith(sign):
            comparator, text = s["comparators"][sign], text[len(sign):]
            break
    out = {"comparator": comparator, "number": None, "unit": None, "target_kind": "word", "unit_source": None, "unit_known": None}
    ascii_text = unicodedata.normalize("NFKC", text) if re.match(r"^[０-９]", text) else text
    date = re.match(s["target_date"], ascii_text)
    if date:
        return out | {"comparator": comparator or "=", "target_kind": "date", "target_month_day": f"{int(date.group('m')):02d}-{int(date.group('d')):02d}"}
    number = re.match(s["target_number"], ascii_text)
    if not number:
        return out | {"comparator": comparator}
    printed = number.group("unit") or number.group("bunit")
    unit, source = printed or None, "target" if printed else None
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
