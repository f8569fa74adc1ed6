"""The rule engine: rules are small units that yield findings; which apply to a template is configuration."""

from __future__ import annotations

import fnmatch
import re
from contextvars import ContextVar
from functools import lru_cache
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterator

from ..amounts import UNIT_FACTORS, plain
from ..knowledge import load

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    id: str
    title_zh: str
    title_en: str
    severity: str
    rationale_zh: str
    rationale_en: str
    needs: tuple[str, ...]
    function: Callable[["Document"], Iterator[dict]]

    def catalogue_row(self) -> dict:
        return {"rule_id": self.id, "title_zh": self.title_zh, "title_en": self.title_en, "severity": self.severity,
                "needs": " | ".join(self.needs), "rationale_zh": self.rationale_zh, "rationale_en": self.rationale_en}


RULES: dict[str, Rule] = {}


def rule(id: str, title_zh: str, title_en: str, severity: str, rationale_zh: str, rationale_en: str,
         needs: tuple[str, ...] | list[str]):
    """Register a function yielding findings (dicts of location and message fields) as a rule."""
    assert severity in SEVERITIES, severity

    def register(function):
        RULES[id] = Rule(id, title_zh, title_en, severity, rationale_zh, rationale_en, tuple(needs), function)
        return function

    return register


def config() -> dict:
    return load("rules")


@lru_cache(maxsize=None)
def pattern(text: str) -> re.Pattern:
    """A regular expression of metadata/rules.yaml, compiled once."""
    return re.compile(text)


@dataclass
class Document:
    """One document's rows, as the rules see them."""

    info: dict
    rows: dict[str, list[dict]]
    _facts: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.info["document_id"]

    @property
    def fiscal_year(self) -> int | None:
        year = self.info.get("fiscal_year")
        return int(year) if year not in (None, "") else None

    def has(self, name: str) -> bool:
        return bool(self.rows.get(name))

    def table(self, kind: str) -> list[dict]:
        return self.rows.get(kind, [])

    def memo(self, key: object, make: Callable[[], object]):
        """A value derived from this document's rows, computed once (rules share indexes, never a pass per row)."""
        if key not in self._facts:
            self._facts[key] = make()
        return self._facts[key]

    def facts(self, kind: str | None = None) -> list[dict]:
        facts = self.rows.get("facts", [])
        if kind is None:
            return facts

        def by_kind():
            out: dict[str, list[dict]] = {}
            for f in facts:
                out.setdefault(f["table_kind"], []).append(f)
            return out

        return self.memo("facts_by_kind", by_kind).get(kind, [])


def applies(rule_id: str, template: str | None) -> bool:
    """Whether metadata/rules.yaml applies the rule to documents of the template."""
    mapping = config()["templates"]
    patterns = mapping.get(template or "", mapping["default"])
    excluded = [p[1:] for p in patterns if p.startswith("!")]
    included = [p for p in patterns if not p.startswith("!")]
    return any(fnmatch.fnmatchcase(rule_id, p) for p in included) and not any(
        fnmatch.fnmatchcase(rule_id, p) for p in excluded)


# --- amounts -------------------------------------------------------------------------------------------

def amount(value: object) -> Decimal | None:
    """A row value (exact decimal string) as a Decimal; None for an empty cell."""
    if value is None or value == "":
        return None
    return Decimal(str(value))


def decimals(text: object) -> int:
    """Digits printed after the decimal point."""
    s = str(text or "")
    return len(s.split(".", 1)[1]) if "." in s else 0


def last_digit(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _places(printed, unit: str | None) -> int:
    """The finest decimal place printed; integers count as assumed_places decimals of 万元 (1 元 in a table in 元)."""
    tol = config()["tolerance"]
    shown = [decimals(p) for p in printed if p not in (None, "")]
    assumed = int(tol.get("assumed_places_by_unit", {}).get(unit or "", tol["assumed_places"]))
    return max(shown + [assumed])


def sum_tolerance(*printed: object, unit: str | None = None, figures: int | None = None) -> Decimal:
    """The rounding tolerance of a sum of independently rounded figures, in the printed unit.

    Each printed figure is off its exact value by at most half a unit of its last digit, so a total and the sum of
    its n parts (n + 1 figures) may differ by rounding alone by up to (n + 1) / 2 units of the finest printed place
    (never less than sum_last_digits units). Amounts printed with no decimals (105) count as printed to the unit's
    usual places (tolerance.assumed_places_by_unit: 0 for 元, else assumed_places). figures, when given, is the
    number of independently rounded figures the sum rests on: a total that is the sum of the items under the rows
    added (each item rounded, each row and the total rounded from them) may differ from the rows' sum by what
    rounding of every item allows."""
    tol = config()["tolerance"]
    counted = len([p for p in printed if p not in (None, "")])
    figures = max(counted, figures or 0)
    units = max(int(tol["sum_last_digits"]), figures // 2)
    return Decimal(units) * last_digit(_places(printed, unit))


def _half_unit(printed: object, unit: str | None, target: str | None) -> Decimal:
    """Half a unit of the last digit of one printed figure, expressed in the target unit."""
    half = last_digit(_places([printed], unit)) / 2
    return in_unit(half, unit, target) if unit and target else half


def same_tolerance(*printed: object, unit: str | None = None, units: tuple | list | None = None,
                   target: str | None = None) -> Decimal:
    """The rounding tolerance between figures that are the same amount printed in several places.

    Each was rounded independently to its printed places (a narrative in whole 万元, a table in 元), so they may
    differ by half a unit of the last digit of each (summed, in the target unit). units gives each figure's unit
    when they differ (else unit for all); target the unit of the comparison. same_last_digits (0 or 1) turns the
    rounding excuse off or on."""
    tol = config()["tolerance"]
    if not int(tol["same_last_digits"]):
        return Decimal(0)
    figures = [(p, (units[i] if units else unit)) for i, p in enumerate(printed)]
    figures = [(p, u) for p, u in figures if p not in (None, "")]
    if not figures:
        return Decimal(0)
    total = sum((_half_unit(p, u, target or u) for p, u in figures), Decimal(0))
    return total.normalize() if total else total


def compare(expected: Decimal, actual: Decimal, tolerance: Decimal, severity: str) -> str | None:
    """The severity of a comparison: None when equal, info within the tolerance (a difference rounding allows:
    the audit counts these in one summary per document, never a finding per row), else the rule's severity."""
    difference = actual - expected
    if difference == 0:
        return None
    return "info" if abs(difference) <= tolerance else severity


def in_unit(value: Decimal, unit: str | None, target: str | None) -> Decimal:
    """value printed in unit, expressed in target unit (exactly)."""
    if not unit or not target or unit == target:
        return value
    return value * UNIT_FACTORS[unit] / UNIT_FACTORS[target]


def numbers(expected: Decimal | None, actual: Decimal | None, tolerance: Decimal | None = None) -> dict:
    out = {"expected": plain(expected) if expected is not None else None,
           "actual": plain(actual) if actual is not None else None}
    if expected is not None and actual is not None:
        out["difference"] = plain(actual - expected)
    if tolerance is not None:
        out["tolerance"] = plain(tolerance)
    return out


TABLE_NUMERALS = "〇一二三四五六七八九十"

# the tables of the document being audited as the document numbers them (公开06表, 表6, 表六): table_no → label
_LABELS: ContextVar[dict] = ContextVar("table_labels", default={})


def printed_labels(doc: "Document") -> dict:
    """table_no → the table's number as printed (number_as_printed of the tables resource)."""
    out: dict = {}
    for t in doc.rows.get("tables", []):
        label = re.sub(r"\s+", "", str(t.get("number_as_printed") or ""))
        if t.get("table_no") is not None and label:
            out.setdefault(t["table_no"], label)
    return out


def table_zh(no: object) -> str:
    """The table as the document prints its number (公开06表, 表6) when known, else 表五 for 5 (up to 99)."""
    label = _LABELS.get().get(no)
    if label is None and no is not None:
        label = _LABELS.get().get(_as_int(no))
    if label:
        return label
    try:
        n = int(no)
    except (TypeError, ValueError):
        return "表?"
    if n <= 10:
        return "表" + TABLE_NUMERALS[n]
    tens, units = divmod(n, 10)
    return "表" + (TABLE_NUMERALS[tens] if tens > 1 else "") + "十" + (TABLE_NUMERALS[units] if units else "")


def _as_int(no: object):
    try:
        return int(no)
    except (TypeError, ValueError):
        return None


def table_en(no: object) -> str:
    """The table in an English message: its printed label when it differs from the plain number (公开06表)."""
    label = _LABELS.get().get(no) or _LABELS.get().get(_as_int(no))
    return f"table {label}" if label else f"table {no}"


_TABLE_EN = re.compile(r"\b([Tt])able (\d+)\b")


def name_tables_en(message: str) -> str:
    """An English message's "table 6" as the document prints the table (table 公开06表)."""
    labels = _LABELS.get()
    if not labels:
        return message

    def one(m: re.Match) -> str:
        label = labels.get(int(m.group(2)))
        return f"{m.group(1)}able {label}" if label else m.group(0)

    return _TABLE_EN.sub(one, message)
