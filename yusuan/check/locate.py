"""Where things are in a document's rows: table numbers, printed headers, total rows, table values."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..amounts import UNIT_FACTORS
from ..knowledge import flatten, load, measures, table_kinds
from .engine import Document, amount


@lru_cache(maxsize=None)
def field_measures(kind: str) -> dict[str, str]:
    """Per-table field name → measure, for the amount columns of a table kind."""
    spec = table_kinds().get(kind, {})
    out = {}
    for column in flatten(spec.get("columns", [])):
        if column.get("role") == "amount":
            out.setdefault(column["field"], column["measure"])
    return out


@lru_cache(maxsize=None)
def code_scheme(kind: str) -> str | None:
    spec = table_kinds().get(kind, {})
    for column in flatten(spec.get("columns", [])):
        if column.get("role") in ("code", "code_name"):
            return column.get("scheme")
    return None


def measure_zh(measure: str) -> str:
    return measures().get(measure, {}).get("zh", measure)


def measure_en(measure: str) -> str:
    return measures().get(measure, {}).get("en", measure)


def header(doc: Document, table_no: object, row_no: object, field: str, kind: str) -> str:
    """The printed header of a per-table field (from the facts when printed), else the measure's name."""
    measure = field_measures(kind).get(field, field)

    def printed():
        out: dict[tuple, str] = {}
        for f in doc.facts():
            out.setdefault((f["table_kind"], f["table_no"], f["measure"]), f["column_zh"])
        return out

    return doc.memo("headers", printed).get((kind, table_no, measure)) or measure_zh(measure)


def kind_zh(kind: str) -> str:
    return table_kinds().get(kind, {}).get("title_zh", kind)


def kind_en(kind: str) -> str:
    return table_kinds().get(kind, {}).get("title_en", kind)


@lru_cache(maxsize=65536)
def _is_total_text(name: str) -> bool:
    return bool(re.match(load("tables")["total_label"], re.sub(r"\s+", "", name)))


def is_total_label(name: object) -> bool:
    return bool(name) and _is_total_text(str(name))


def total_rows(doc: Document, kind: str, label_field: str = "name_zh") -> list[dict]:
    def make():
        rows = doc.table(kind)
        labels = [f for f in ("name_zh", "project_zh", "income_item_zh", "expenditure_name_zh") if any(f in r for r in rows)]
        return [r for r in rows if any(is_total_label(r.get(f)) for f in labels or [label_field])]

    return doc.memo(("total_rows", kind, label_field), make)


def value(row: dict, field: str) -> Decimal | None:
    return amount(row.get(field))


def table_total(doc: Document, kind: str, field: str) -> tuple[dict, Decimal] | None:
    """The table's total of a field: its total row (empty = 0), or the only row of a one-row table."""
    rows = doc.table(kind)
    if not rows:
        return None
    totals = total_rows(doc, kind)
    if totals:
        row = totals[-1]
    elif len([r for r in rows if any(r.get(f) not in (None, "") for f in field_measures(kind))]) == 1:
        row = next(r for r in rows if any(r.get(f) not in (None, "") for f in field_measures(kind)))
    else:
        return None
    return row, value(row, field) or Decimal(0)


def yuan(value: Decimal, unit: str | None) -> Decimal:
    return value * UNIT_FACTORS.get(unit or "万元", Decimal(10000))
