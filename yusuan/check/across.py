"""Across tables: totals that should agree, classes against their items, 三公 against economic items."""

from __future__ import annotations

from decimal import Decimal

from ..amounts import plain
from .engine import Document, compare, config, in_unit, numbers, rule, same_tolerance, sum_tolerance, table_zh
from .tables import _printed_parent, not_read
from .locate import header, kind_en, kind_zh, table_total, value


def _member(doc: Document, kind: str, field: str):
    found = table_total(doc, kind, field)
    if found is None:
        return None
    row, amount = found
    if not_read(doc, row.get("table_no")):
        return None   # a table read in part: its total proves nothing about the document (the tables resource says so)
    return {"kind": kind, "field": field, "row": row, "amount": amount, "unit": row.get("unit_as_printed"),
            "printed": row.get(field), "column": header(doc, row["table_no"], row["row_no"], field, kind)}


def _where_zh(m: dict) -> str:
    return f"{table_zh(m['row']['table_no'])}{kind_zh(m['kind'])}“{m['column']}”"


def _where_en(m: dict) -> str:
    return f"table {m['row']['table_no']} ({kind_en(m['kind'])}), column {m['column']}"


@rule("across.totals_agree", "应一致的各表合计一致", "Totals that should agree do", "error",
      "收入总计等于支出总计；同一口径的金额在各表（表一至表九）中的合计应相同，如表五基本支出 = 表六合计、表五项目支出 = 表七合计。",
      "Total income equals total expenditure; the same amount printed in several tables should agree, e.g. the "
      "general budget's basic expenditure equals the economic table's total and its project expenditure the project table's.",
      needs=["facts"])
def totals_agree(doc: Document):
    for group in config()["total_agreements"]:
        members = [m for m in (_member(doc, kind, field) for kind, field in group["members"]) if m]
        if len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            expected = first["amount"]
            actual = in_unit(other["amount"], other["unit"], first["unit"])
            tol = same_tolerance(first["printed"], other["printed"], units=[first["unit"], other["unit"]], target=first["unit"])
            sev = compare(expected, actual, tol, group.get("severity", "error"))
            if not sev:
                continue
            yield {
                "severity": sev, "table_no": other["row"]["table_no"], "table_kind": other["kind"],
                "row_no": other["row"]["row_no"], "column_zh": other["column"], "subject_zh": group["zh"],
                "unit_as_printed": first["unit"], **numbers(expected, actual, tol),
                "message_zh": f"{group['zh']}：{_where_zh(other)}合计为 {other['printed'] or '空'}，而{_where_zh(first)}为 {first['printed'] or '空'}，相差 {plain(actual - expected)}。",
                "message_en": f"{group['en']}: the total of {_where_en(other)} is {other['printed'] or 'empty'} but "
                              f"{_where_en(first)} is {first['printed'] or 'empty'} (difference {plain(actual - expected)}).",
            }


@rule("across.class_sums", "总表的功能分类类级等于明细表中该类各科目之和", "Each class in an overview equals the sum of its items",
      "error",
      "收支总表、财政拨款总表按类列示的支出，应等于支出表、一般公共预算支出表中该类各款、项之和。",
      "Expenditure printed by class in the overview tables should equal the sum of that class's rows in the "
      "detailed expenditure tables.",
      needs=["facts"])
def class_sums(doc: Document):
    for spec in config()["class_sums"]:
        overview, detail = doc.table(spec["overview"]), doc.table(spec["detail"])
        if not overview or not detail or not_read(doc, overview[0].get("table_no")) or not_read(doc, detail[0].get("table_no")):
            continue
        items = [r for r in detail if r.get("code")]
        codes = {r["code"] for r in items}
        top = [r for r in items if not _printed_parent(r["code"], codes)]
        classes = {r["expenditure_code"] for r in overview if r.get("expenditure_code")} | {r["code"][:3] for r in top}
        for code in sorted(classes):
            rows = [r for r in overview if r.get("expenditure_code") == code]
            printed = rows[0].get(spec["field"]) if rows else None
            actual = value(rows[0], spec["field"]) if rows else None
            parts = [r for r in top if r["code"].startswith(code)]
            expected = sum((value(r, spec["detail_field"]) or Decimal(0) for r in parts), Decimal(0))
            unit = (rows[0] if rows else parts[0]).get("unit_as_printed")
            if actual is None and expected == 0:
                continue
            actual = actual or Decimal(0)
            tol = sum_tolerance(printed, *[r.get(spec["detail_field"]) for r in parts], unit=unit)
            sev = compare(expected, actual, tol, "error")
            if not sev:
                continue
            row = rows[0] if rows else None
            t_over = table_zh(overview[0]["table_no"])
            t_det = table_zh(detail[0]["table_no"])
            column = header(doc, overview[0]["table_no"], None, spec["field"], spec["overview"])
            yield {
                "severity": sev, "table_no": overview[0]["table_no"], "table_kind": spec["overview"],
                "row_no": row["row_no"] if row else None, "column_zh": column, "code": code,
                "subject_zh": row.get("expenditure_name_zh") if row else None, "unit_as_printed": unit,
                **numbers(expected, actual, tol),
                "message_zh": f"{t_over}类 {code}“{column}”为 {printed or '空'}，而{t_det}该类各科目之和为 {plain(expected)}。",
                "message_en": f"Table {overview[0]['table_no']} prints class {code} ({column}) as {printed or 'empty'} but "
                              f"its rows in table {detail[0]['table_no']} add up to {plain(expected)}.",
            }


@rule("across.three_public_economic", "“三公”经费与经济分类科目对应", "'Three public' items agree with their economic items",
      "warning",
      "“三公”经费表的公务接待费、公务用车运行费、因公出国（境）费包含基本支出和项目支出，基本支出经济分类表中对应科目（30217、30231、30212）不应超过它，通常相等。",
      "The 'three public' table's hospitality, vehicle operation and travel abroad cover basic and project "
      "spending; the basic expenditure table's economic items for them (30217, 30231, 30212) should not exceed "
      "them and usually equal them.",
      needs=["three_public_expenses", "general_budget_basic_economic"])
def three_public_economic(doc: Document):
    three = doc.table("three_public_expenses")
    basic = doc.table("general_budget_basic_economic")
    row = next((r for r in three if any(r.get(s["field"]) not in (None, "") for s in config()["three_public_economic"])), None)
    if row is None:
        return
    for spec in config()["three_public_economic"]:
        items = [r for r in basic if r.get("code") == spec["code"]]
        actual = sum((value(r, "total") or Decimal(0) for r in items), Decimal(0))
        expected = value(row, spec["field"]) or Decimal(0)
        if actual == expected:
            continue
        tol = same_tolerance(row.get(spec["field"]), *[r.get("total") for r in items], unit=row.get("unit_as_printed"))
        severity = "error" if actual > expected else "warning"
        sev = compare(expected, actual, tol, severity)
        column = header(doc, row["table_no"], row["row_no"], spec["field"], "three_public_expenses")
        first = items[0] if items else None
        yield {
            "severity": sev, "table_no": first["table_no"] if first else basic[0]["table_no"],
            "table_kind": "general_budget_basic_economic", "row_no": first["row_no"] if first else None,
            "column_zh": "合计", "code": spec["code"], "subject_zh": column, "unit_as_printed": row.get("unit_as_printed"),
            **numbers(expected, actual, tol),
            "message_zh": f"{table_zh(row['table_no'])}“{column}”为 {row.get(spec['field']) or '空'}，而{table_zh(basic[0]['table_no'])}经济分类 {spec['code']} 为 {plain(actual)}"
                          + ("（基本支出不应超过“三公”经费表）。" if actual > expected else "（差额应为项目支出中的该项，请核对）。"),
            "message_en": f"Table {row['table_no']} prints {column} as {row.get(spec['field']) or 'empty'} but economic item "
                          f"{spec['code']} in table {basic[0]['table_no']} is {plain(actual)}"
                          + (" (basic spending cannot exceed it)." if actual > expected else " (the rest should be project spending; check)."),
        }


@rule("across.economic_split", "人员经费与公用经费按经济分类归列", "Personnel and public costs in their economic classes", "warning",
      "基本支出中工资福利支出（301）、对个人和家庭的补助（303）属人员经费，商品和服务支出（302）等属公用经费；列错会使人员经费、公用经费（机关运行经费）失真。",
      "In basic expenditure, wages (301) and subsidies to individuals and households (303) are personnel costs, "
      "goods and services (302) public costs; an amount in the other column misstates both (and the office running costs).",
      needs=["general_budget_basic_economic"])
def economic_split(doc: Document):
    split = config()["economic_split"]
    wrong = {"personnel": "public", "public": "personnel"}
    for row in doc.table("general_budget_basic_economic"):
        code = row.get("code") or ""
        for belongs, classes in split.items():
            if code[:3] not in classes:
                continue
            other = wrong[belongs]
            amount = value(row, other)
            if not amount:
                continue
            column = header(doc, row["table_no"], row["row_no"], other, "general_budget_basic_economic")
            right = header(doc, row["table_no"], row["row_no"], belongs, "general_budget_basic_economic")
            yield {
                "table_no": row["table_no"], "table_kind": "general_budget_basic_economic", "row_no": row["row_no"],
                "column_zh": column, "code": code, "subject_zh": row.get("name_zh"), "unit_as_printed": row.get("unit_as_printed"),
                **numbers(Decimal(0), amount),
                "message_zh": f"{table_zh(row['table_no'])}第{row['row_no']}行 {code} {row.get('name_zh')} 属{right}（{code[:3]}类），却在“{column}”列列示 {row.get(other)}。",
                "message_en": f"Table {row['table_no']}, row {row['row_no']}: {code} ({row.get('name_zh')}) belongs to "
                              f"{right} (class {code[:3]}) but {row.get(other)} is printed in the {column} column.",
            }
