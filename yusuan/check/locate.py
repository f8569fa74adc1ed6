"""Where things are in a document's rows: table numbers, printed headers, total rows, table values."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..amounts import UNIT_FACTORS
from ..knowledge import flatten, load, measures, table_kinds
from .engine import Document, amount, config, pattern


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


def prior_basis(doc: Document, kind: str, row: dict, field: str) -> bool:
    """Whether a row's figure of a field was printed in a column of an earlier year (2025年预算数, 上年预算数,
    上年执行数 in a 2026 budget, on the header or its group): a statement of this year's figure is never held
    against it (metadata/rules.yaml prior_basis)."""
    return any(prior_column(doc, f) for f in _cell_facts(doc, kind, row, field) if _holds(f, row.get(field)))


def this_years(doc: Document, kind: str, row: dict, field: str) -> str | None:
    """The figure (as printed, in the row's unit) of the same row and measure in a column that is not of an
    earlier year, when the table prints both years (重庆 规划 表08: 2025年预算数 因公出国（境）费 343.41, 2026年预算数 321.91)."""
    found = [f for f in _cell_facts(doc, kind, row, field) if not prior_column(doc, f) and f.get("amount_as_printed")]
    return str(found[0]["amount_as_printed"]).replace(",", "") if len(found) == 1 else None


def _cell_facts(doc: Document, kind: str, row: dict, field: str) -> list[dict]:
    def facts():
        out: dict[tuple, list] = {}
        for f in doc.facts(kind):
            out.setdefault((f["table_no"], f["row_no"], f["measure"]), []).append(f)
        return out

    measure = field_measures(kind).get(field, field)
    return doc.memo(("facts_by_cell", kind), facts).get((row.get("table_no"), row.get("row_no"), measure), [])


def _holds(f: dict, printed: object) -> bool:
    """Whether a fact is the one whose value a row's field holds."""
    return printed in (None, "") or amount(str(f.get("amount_as_printed") or "").replace(",", "") or None) == amount(printed)


def prior_column(doc: Document, f: dict) -> bool:
    """Whether a fact's column (header or group) names an earlier year's budget or outturn."""
    m = pattern(config()["prior_basis"]["header"]).search(
        re.sub(r"\s+", "", (f.get("column_group_zh") or "") + (f.get("column_zh") or "")))
    return bool(m) and (m.group("year") is None or (doc.fiscal_year is not None and int(m.group("year")) < doc.fiscal_year))


def table_total(doc: Document, kind: str, field: str) -> tuple[dict, Decimal] | None:
    """The table's total of a field: its total row (empty = 0), or the only row of a one-row table. When the row
    holds an earlier year's figure (prior_basis), this year's from its own column, else None."""
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
    if prior_basis(doc, kind, row, field):
        # the row holds last year's figure: this year's, when the table prints it in a column of its own
        figure = this_years(doc, kind, row, field)
        return None if figure is None else (row | {field: figure}, amount(figure))
    return row, value(row, field) or Decimal(0)


def yuan(value: Decimal, unit: str | None) -> Decimal:
    return value * UNIT_FACTORS.get(unit or "万元", Decimal(10000))
