"""Exact amounts: parse what was printed into a Decimal, convert units exactly, format without floats."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

UNIT_FACTORS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
NOTHING = {"", "—", "–", "-", "－", "/", "／", "——", "…", "...", "......", "无"}  # "…" is "..." once NFKC-normalised
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")  # 125360,898 as printed: first group of any length


class NotAnAmount(ValueError):
    """The text is neither an amount nor a mark for nothing."""


_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Full-width digits and punctuation made ASCII, all white space removed."""
    if not text.isascii():  # ASCII is as NFKC leaves it
        text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub("", text)


def parse_amount(text: str) -> Decimal | None:
    """The amount printed in a cell, exactly; None for an empty cell or a dash. Raises NotAnAmount."""
    bare = normalise_text(text)
    if bare in NOTHING:
        return None
    negative = False
    if bare.startswith("(") and bare.endswith(")"):
        negative, bare = True, bare[1:-1]
    if not _NUMBER.match(bare):
        raise NotAnAmount(text)
    try:
        value = Decimal(bare.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        raise NotAnAmount(text) from None
    return -value if negative else value


def looks_like_amount(text: str) -> bool:
    try:
        return parse_amount(text) is not None
    except NotAnAmount:
        return False


def to_yuan(value: Decimal, unit: str) -> Decimal:
    return value * UNIT_FACTORS[unit]


def plain(value: Decimal | None) -> str:
    """A Decimal as plain digits: no exponent, no trailing zeros after the point ('5258100', '525.81')."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def as_printed(text: str) -> str:
    """The printed amount as text, white space removed (kept exactly otherwise)."""
    return re.sub(r"[\s\u3000]+", "", text)
