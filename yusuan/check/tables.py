"""Within a table: each row's total equals its parts; each column's total equals its rows; 类 = Σ款 = Σ项."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from ..amounts import UNIT_FACTORS, plain
from .engine import Document, compare, config, numbers, rule, sum_tolerance, table_zh
from .locate import header, kind_en, kind_zh, value


def _identity_findings(doc: Document, kind: str, total_field: str, parts: list[str], severity: str):
    for row in doc.table(kind):
        total = value(row, total_field)
        present = [value(row, p) for p in parts if value(row, p) is not None]
        if total is None and not present:
            continue
        expected = sum(present, Decimal(0))
        actual = total if total is not None else Decimal(0)
        if actual == expected:
            continue
        printed = [row.get(p) for p in parts] + [row.get(total_field)]
        tol = sum_tolerance(*printed)
        sev = compare(expected, actual, tol, severity)
        if not sev:
            continue
        column = header(doc, row["table_no"], row["row_no"], total_field, kind)
        names = "+".join(header(doc, row["table_no"], row["row_no"], p, kind) for p in parts)
        label = row.get("name_zh") or row.get("project_zh") or row.get("income_item_zh") or row.get("expenditure_name_zh") or ""
        yield {
            "severity": sev, "table_no": row["table_no"], "table_kind": kind, "row_no": row["row_no"],
            "column_zh": column, "code": row.get("code") or row.get("expenditure_code"), "subject_zh": label,
            "unit_as_printed": row.get("unit_as_printed"), **numbers(expected, actual, tol),
            "message_zh": f"{table_zh(row['table_no'])}第{row['row_no']}行（{label}）{column} {row.get(total_field) or '空'}，"
                          f"而 {names} = {plain(expected)}，相差 {plain(actual - expected)}。",
            "message_en": f"Table {row['table_no']} ({kind_en(kind)}), row {row['row_no']} ({label}): {column} is "
                          f"{row.get(total_field) or 'empty'} but the parts add up to {plain(expected)} "
                          f"(difference {plain(actual - expected)}).",
        }


@rule("table.row_total", "行合计等于各部分之和", "A row's total equals its parts", "error",
      "每行的合计应等于其各组成列之和（合计 = 基本支出 + 项目支出；= 各资金来源；= 人员经费 + 公用经费；“三公”合计 = 各项）。",
      "Each row's total should equal the sum of its component columns (total = basic + project; = the sources of "
      "funds; = personnel + public costs; the 'three public' total = its items).",
      needs=["facts"])
def row_total(doc: Document):
    for kind, identities in config()["row_identities"].items():
        for identity in identities:
            yield from _identity_findings(doc, kind, identity["total"], identity["parts"], "error")


@lru_cache(maxsize=None)
def _subtotal_labels() -> list[tuple[re.Pattern, list[re.Pattern]]]:
    return [(re.compile(h["parent"]), [re.compile(c) for c in h["children"]]) for h in config()["label_hierarchy"]]


@lru_cache(maxsize=65536)
def _bare_text(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _bare(text: object) -> str:
    return _bare_text(str(text or ""))


def _printed_parent(code: str, codes: set[str]) -> str | None:
    """The nearest code printed above code (its longest proper prefix among codes)."""
    for k in range(len(code) - 1, 0, -1):
        if code[:k] in codes:
            return code[:k]
    return None


def _groups(doc: Document):
    """facts of each printed column: (table_no, side, column_no) → facts."""
    def make():
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for f in doc.facts():  # by table (table_seq: two tables may share a number, or have none)
            groups[(f.get("table_seq") or 0, f["table_no"], f["side"], f["column_no"])].append(f)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][3], kv[0][2] or ""))
        return [(key[1:], facts) for key, facts in ordered]

    return doc.memo("column_groups", make)


def _printed_codes(doc: Document, table_no: object) -> set[str]:
    def make():
        codes: dict[object, set[str]] = defaultdict(set)
        for f in doc.facts():
            if f.get("code"):
                codes[f["table_no"]].add(f["code"])
        for records in doc.rows.values():
            for r in records:
                if "row_no" in r and "table_no" in r:
                    for key in ("code", "expenditure_code"):
                        if r.get(key):
                            codes[r["table_no"]].add(r[key])
        return codes

    return doc.memo("printed_codes", make).get(table_no, set())


def _in_printed_unit(fact: dict) -> Decimal:
    return Decimal(str(fact["amount_yuan"])) / UNIT_FACTORS.get(fact.get("unit_as_printed") or "元", Decimal(1))


@lru_cache(maxsize=65536)
def _label_roles(name: str) -> tuple[tuple[bool, bool], ...]:
    """For each label_hierarchy entry: whether a row label is its parent, and whether one of its children."""
    bare = _bare(name)
    return tuple((bool(parent.search(bare)), any(c.search(bare) for c in children)) for parent, children in _subtotal_labels())


def _subtotal_parents(facts: list[dict]) -> set:
    """Row numbers of rows that sum rows printed under them (excluded from a column's sum)."""
    parents = {f["row_no"] for f in facts if f.get("is_subtotal")}
    roles = [_label_roles(str(f["name_zh"] or "")) for f in facts]
    for i in range(len(_subtotal_labels())):
        if any(r[i][1] for r in roles):
            parents |= {f["row_no"] for f, r in zip(facts, roles) if r[i][0]}
    return parents


@rule("table.column_total", "列合计等于各行之和", "A column's total equals the sum of its rows", "error",
      "合计（总计）行的每一列应等于该列各行之和；已印刷上级科目或小计行时只加最上一级。",
      "The total row of each column should equal the sum of the rows above it; where a parent code or a "
      "subtotal row is printed, only the top level is added.",
      needs=["facts"])
def column_total(doc: Document):
    for (table_no, side, column_no), facts in _groups(doc):
        totals = [f for f in facts if f.get("is_total")]
        if not totals:
            continue
        codes = _printed_codes(doc, table_no)
        parents = _subtotal_parents(facts)
        body = [f for f in facts if not f.get("is_total") and f["row_no"] not in parents
                and not (f.get("code") and _printed_parent(f["code"], codes))]
        expected = sum((_in_printed_unit(f) for f in body), Decimal(0))
        for total in totals:
            actual = _in_printed_unit(total)
            if actual == expected:
                continue
            tol = sum_tolerance(total["amount_as_printed"], *[f["amount_as_printed"] for f in body])
            sev = compare(expected, actual, tol, "error")
            if not sev:
                continue
            where = f"{table_zh(table_no)}第{total['row_no']}行（{total['name_zh']}）“{total['column_zh']}”"
            yield {
                "severity": sev, "table_no": table_no, "table_kind": total["table_kind"], "row_no": total["row_no"],
                "column_zh": total["column_zh"], "subject_zh": total["name_zh"], "unit_as_printed": total["unit_as_printed"],
                **numbers(expected, actual, tol),
                "message_zh": f"{where}印刷为 {total['amount_as_printed']}，各行之和为 {plain(expected)}，相差 {plain(actual - expected)}。",
                "message_en": f"Table {table_no} ({kind_en(total['table_kind'])}), row {total['row_no']}, column "
                              f"{total['column_zh']}: the total printed is {total['amount_as_printed']} but the rows add up "
                              f"to {plain(expected)} (difference {plain(actual - expected)}).",
            }


@rule("table.subtotal", "小计行等于其下各行之和", "A subtotal row equals the rows under it", "error",
      "“财政拨款（补助）”等行包含其下的一般公共预算、政府性基金预算等行，应等于它们之和。",
      "Rows such as 财政拨款（补助） include the rows printed under them (general public budget, government "
      "funds…) and should equal their sum.",
      needs=["facts"])
def subtotal(doc: Document):
    for (table_no, side, column_no), facts in _groups(doc):
        roles = [_label_roles(str(f["name_zh"] or "")) for f in facts]
        for i in range(len(_subtotal_labels())):
            heads = [f for f, r in zip(facts, roles) if r[i][0]]
            parts = [f for f, r in zip(facts, roles) if r[i][1]]
            for head in heads:
                if not parts:
                    continue
                expected = sum((_in_printed_unit(f) for f in parts), Decimal(0))
                actual = _in_printed_unit(head)
                tol = sum_tolerance(head["amount_as_printed"], *[f["amount_as_printed"] for f in parts])
                sev = compare(expected, actual, tol, "error")
                if sev:
                    names = "、".join(f["name_zh"] for f in parts)
                    yield {
                        "severity": sev, "table_no": table_no, "table_kind": head["table_kind"], "row_no": head["row_no"],
                        "column_zh": head["column_zh"], "subject_zh": head["name_zh"], "unit_as_printed": head["unit_as_printed"],
                        **numbers(expected, actual, tol),
                        "message_zh": f"{table_zh(table_no)}第{head['row_no']}行“{head['name_zh']}”为 {head['amount_as_printed']}，其下各行（{names}）之和为 {plain(expected)}。",
                        "message_en": f"Table {table_no}, row {head['row_no']} ({head['name_zh']}) is {head['amount_as_printed']} "
                                      f"but the rows under it add up to {plain(expected)}.",
                    }


@rule("table.code_hierarchy", "上级科目等于下级科目之和", "A parent code equals the sum of its children", "error",
      "同一表中印刷了类及其款、项时，类 = Σ款 = Σ项。",
      "Where a table prints a class and its sections or items, the class equals the sum of the sections, and "
      "each section the sum of its items.",
      needs=["facts"])
def code_hierarchy(doc: Document):
    for (table_no, side, column_no), facts in _groups(doc):
        coded = [f for f in facts if f.get("code") and not f.get("is_total")]
        codes = {f["code"] for f in coded}
        under: dict[str, list[dict]] = defaultdict(list)   # code → the nearest printed descendants
        for f in coded:
            up = _printed_parent(f["code"], codes)
            if up:
                under[up].append(f)
        for head in coded:
            direct = under.get(head["code"])
            if not direct:
                continue
            expected = sum((_in_printed_unit(f) for f in direct), Decimal(0))
            actual = _in_printed_unit(head)
            tol = sum_tolerance(head["amount_as_printed"], *[f["amount_as_printed"] for f in direct])
            sev = compare(expected, actual, tol, "error")
            if sev:
                listed = "、".join(sorted({f["code"] for f in direct}))
                yield {
                    "severity": sev, "table_no": table_no, "table_kind": head["table_kind"], "row_no": head["row_no"],
                    "column_zh": head["column_zh"], "code": head["code"], "subject_zh": head["name_zh"],
                    "unit_as_printed": head["unit_as_printed"], **numbers(expected, actual, tol),
                    "message_zh": f"{table_zh(table_no)}科目 {head['code']} {head['name_zh']}“{head['column_zh']}”为 {head['amount_as_printed']}，其下级（{listed}）之和为 {plain(expected)}。",
                    "message_en": f"Table {table_no}, code {head['code']} ({head['column_zh']}) is {head['amount_as_printed']} "
                                  f"but its children ({listed}) add up to {plain(expected)}.",
                }
