"""Within a table: each row's total equals its parts; each column's total equals its rows; 类 = Σ款 = Σ项."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

from ..amounts import UNIT_FACTORS, plain
from .engine import Document, compare, config, numbers, rule, sum_tolerance, table_zh
from .locate import header, kind_en, kind_zh, value


def not_read(doc: Document, table_no: object) -> bool:
    """Whether the tables resource says the table was read in part or not at all (its sums prove nothing about
    the document; the tables resource says so)."""
    def make():
        return {t.get("table_no") for t in doc.rows.get("tables", []) if t.get("status") in ("partial", "not_read")}

    return table_no in doc.memo("tables_not_read", make)


def collapse(found: list[dict], checked: int, what_zh: str, what_en: str) -> list[dict]:
    """One finding for a table whose sums fail on most of what was checked: one root cause (columns printed or
    read in another order, a unit misread), not one error per row. Fewer failures are each a finding."""
    spec = config()["collapse"]
    errors = [f for f in found if f["severity"] == "error"]
    if len(errors) < int(spec["min_findings"]) or len(errors) < float(spec["min_share"]) * checked:
        return found
    first = errors[0]
    return [f for f in found if f["severity"] != "error"] + [first | {
        "severity": "warning", "expected": None, "actual": f"{len(errors)}/{checked}",
        "message_zh": f"{table_zh(first['table_no'])}有 {len(errors)} 个{what_zh}（共 {checked} 个）不等于其各部分之和，"
                      f"多为列的次序或单位与表头不符（或未正确读取），而非逐行错误。首个：{first['message_zh']}",
        "message_en": f"Table {first['table_no']}: {len(errors)} of {checked} {what_en} do not add up, which usually means "
                      f"columns printed (or read) in another order or unit than the header says, not an error per row. "
                      f"First: {first['message_en']}"}]


def _identity_findings(doc: Document, kind: str, total_field: str, parts: list[str], severity: str):
    by_table: dict[object, list[dict]] = defaultdict(list)
    checked: dict[object, int] = defaultdict(int)
    for found in _identity_rows(doc, kind, total_field, parts, severity, checked):
        by_table[found["table_no"]].append(found)
    for table_no, found in by_table.items():
        yield from collapse(found, checked[table_no], "行合计", "row totals")


def _other_columns(doc: Document, kind: str, table_no: object, fields: list[str]) -> bool:
    """Whether the table prints amounts in columns other than the identity's (上缴上级支出, 对附属单位补助支出 …
    beside 基本支出 and 项目支出): then total = Σ parts does not hold as configured."""
    from .locate import field_measures

    def make():
        out: dict[object, set] = defaultdict(set)
        for f in doc.facts(kind):
            if f.get("amount_yuan") not in (None, "", "0"):
                out[f.get("table_no")].add(f.get("measure"))
        return out

    measures = field_measures(kind)
    nested = [f for identity in config()["row_identities"].get(kind, []) for f in [identity["total"], *identity["parts"]]]
    mine = {measures.get(f, f) for f in [*fields, *nested]}   # a part made of others (vehicle_total) is not another column
    printed = doc.memo(("measures_printed", kind), make).get(table_no, set())
    return bool(printed - mine)


def _identity_rows(doc: Document, kind: str, total_field: str, parts: list[str], severity: str, checked: dict):
    for row in doc.table(kind):
        if not_read(doc, row.get("table_no")) or _other_columns(doc, kind, row.get("table_no"), [total_field, *parts]):
            continue
        total = value(row, total_field)
        present = [value(row, p) for p in parts if value(row, p) is not None]
        if not present or total is None:
            continue   # no part, or no total, printed (or read): nothing to add up
        label = str(row.get("name_zh") or row.get("project_zh") or row.get("income_item_zh") or row.get("expenditure_name_zh") or "")
        if re.fullmatch(r"[\d,.\s-]+", label):
            continue   # an amount where the row's name belongs: the row was not read as printed
        checked[row.get("table_no")] += 1
        expected = sum(present, Decimal(0))
        actual = total if total is not None else Decimal(0)
        if actual == expected:
            continue
        printed = [row.get(p) for p in parts] + [row.get(total_field)]
        tol = sum_tolerance(*printed, unit=row.get("unit_as_printed"))
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


def segments(doc: Document, table_no: object) -> dict:
    """row_no → the group of a table printed by body (预算单位): the body's row (a name, no code, not a total)
    followed by its own classes and items, the codes starting again under the next body. {} for a table that is
    not so grouped: one whose codes are not printed again under a later uncoded row."""
    def make():
        rows: dict[object, dict[object, tuple]] = defaultdict(dict)
        for f in doc.facts():
            rows[f.get("table_no")].setdefault(f["row_no"], (f.get("code"), bool(f.get("is_total")) or _total_like(f)))
        out: dict[object, dict] = {}
        for table, by_row in rows.items():
            group, seen_code, mine = 0, False, {}
            for row_no in sorted(by_row, key=lambda r: (r is None, r)):
                code, total = by_row[row_no]
                if not code and not total and seen_code:
                    group, seen_code = group + 1, False
                seen_code = seen_code or bool(code)
                mine[row_no] = group
            codes = [(c, mine[r]) for r, (c, _) in by_row.items() if c]
            twice = len(codes) - len({c for c, _ in codes})
            within = len(codes) - len(set(codes))
            if group and twice and within * 2 < twice:   # the codes repeat per group, not within one
                out[table] = mine
        return out

    return doc.memo("table_segments", make).get(table_no, {})


def leaves(facts: list[dict], codes: set[str]) -> dict[str, int]:
    """code → how many printed rows of the finest level lie under it (itself when it has none): the figures a
    printed class rests on, each rounded on its own."""
    out: dict[str, int] = defaultdict(int)
    ordered = sorted(codes)  # the codes longer than a code and starting with it come right after it
    for f in facts:
        code = f.get("code")
        if not code:
            continue
        after = bisect.bisect_right(ordered, code)
        if after < len(ordered) and ordered[after].startswith(code):
            continue  # a printed row of a finer level lies under it
        for k in range(3, len(code) + 1):
            if code[:k] in codes:
                out[code[:k]] += 1
    return out


def _groups(doc: Document):
    """facts of each printed column: (table_no, side, column_no) → facts."""
    def make():
        groups: dict[tuple, list[dict]] = defaultdict(list)
        for f in doc.facts():  # by table (table_seq: two tables may share a number, or have none), and by body
            part = segments(doc, f["table_no"]).get(f["row_no"], 0)   # in a table printed body by body
            groups[(f.get("table_seq") or 0, f["table_no"], f["side"], f["column_no"], part)].append(f)
        ordered = sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][3], kv[0][2] or "", kv[0][4]))
        return [(key[1:4], facts) for key, facts in ordered]

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
    # levels printed by numbering: 三、单位资金 over 1.事业收入, 2.事业单位经营收入 … (enumerated_levels)
    upper, lower = (re.compile(config()["enumerated_levels"][k]) for k in ("upper", "lower"))
    ordered = sorted(facts, key=lambda f: f["row_no"])
    for f, after in zip(ordered, ordered[1:]):
        if upper.match(_bare(f.get("name_zh"))) and lower.match(_bare(after.get("name_zh"))):
            parents.add(f["row_no"])
    return parents


def _total_like(fact: dict) -> bool:
    """A body row labelled as a total (本年收入合计 above 收入总计): a subtotal, not a part."""
    from .locate import is_total_label

    name = _bare(fact.get("name_zh"))
    return is_total_label(name) or bool(name and re.search(config()["subtotal_rows"], name))


def _unknown_class(fact: dict) -> bool:
    """A row whose code's class is not an official class (7 11 02 printed for 210 11 02): codes.unknown reports it,
    and the row belongs under some class printed above it rather than beside the classes."""
    from ..codes import official
    from .locate import code_scheme

    code, scheme = fact.get("code"), code_scheme(fact.get("table_kind") or "")
    if not code or not scheme or "" not in config()["complete_lists"].get(scheme, []):
        return False
    return code[:3] not in official(scheme)


@rule("table.column_total", "列合计等于各行之和", "A column's total equals the sum of its rows", "error",
      "合计（总计）行的每一列应等于该列各行之和；已印刷上级科目或小计行时只加最上一级。",
      "The total row of each column should equal the sum of the rows above it; where a parent code or a "
      "subtotal row is printed, only the top level is added.",
      needs=["facts"])
def column_total(doc: Document):
    by_table: dict[object, list[dict]] = defaultdict(list)
    checked: dict[object, int] = defaultdict(int)
    for found in _column_totals(doc, checked):
        by_table[found["table_no"]].append(found)
    for table_no, found in by_table.items():
        yield from collapse(found, checked[table_no], "列合计", "column totals")


def _column_totals(doc: Document, checked: dict):
    for (table_no, side, column_no), facts in _groups(doc):
        totals = [f for f in facts if f.get("is_total")]
        if not totals or not_read(doc, table_no):
            continue
        checked[table_no] += len(totals)
        codes = _printed_codes(doc, table_no)
        parents = _subtotal_parents(facts)
        body = [f for f in facts if not f.get("is_total") and f["row_no"] not in parents
                and not (f.get("code") and _printed_parent(f["code"], codes)) and not _total_like(f)]
        expected = sum((_in_printed_unit(f) for f in body), Decimal(0))
        under = leaves([f for f in facts if not f.get("is_total")], codes)
        figures = 1 + sum(under.get(f.get("code") or "", 1) for f in body)   # the items each class rests on
        for total in totals:
            actual = _in_printed_unit(total)
            if actual == expected:
                continue
            tol = sum_tolerance(total["amount_as_printed"], *[f["amount_as_printed"] for f in body], unit=total.get("unit_as_printed"),
                                figures=figures)
            k = (expected / actual).to_integral_value() if actual else Decimal(0)
            if k >= 2 and abs(expected - k * actual) <= (k + 1) * tol:
                continue   # the rows add up to 2, 3 … times the total: rows that repeat a figure (read twice, or a
                           # subtotal printed among them), not parts of it
            if actual > 0 and expected > actual * Decimal(str(config()["nested_ratio"])):
                continue   # far more than the total: the rows include their own subtotals (levels printed by name
                           # or indentation, not told apart), not parts
            sev = compare(expected, actual, tol, "error")
            if not sev:
                continue
            misprinted = [f for f in body if _unknown_class(f)]
            if misprinted and compare(expected - sum((_in_printed_unit(f) for f in misprinted), Decimal(0)), actual, tol, "error") != "error":
                continue  # the rows add up once a misprinted code is put under its class: one finding, codes.unknown's
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
        if not_read(doc, table_no):
            continue
        roles = [_label_roles(str(f["name_zh"] or "")) for f in facts]
        for i in range(len(_subtotal_labels())):
            heads = [f for f, r in zip(facts, roles) if r[i][0]]
            parts = [f for f, r in zip(facts, roles) if r[i][1]]
            for head in heads:
                if not parts:
                    continue
                expected = sum((_in_printed_unit(f) for f in parts), Decimal(0))
                actual = _in_printed_unit(head)
                tol = sum_tolerance(head["amount_as_printed"], *[f["amount_as_printed"] for f in parts], unit=head.get("unit_as_printed"))
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
        if not_read(doc, table_no):
            continue
        coded = [f for f in facts if f.get("code") and not f.get("is_total")]
        codes = {f["code"] for f in coded}
        under: dict[str, list[dict]] = defaultdict(list)   # code → the nearest printed descendants
        for f in coded:
            up = _printed_parent(f["code"], codes)
            # a code printed twice with the same amount is counted once: codes.duplicate reports it, once
            if up and not any(g["code"] == f["code"] and g["amount_as_printed"] == f["amount_as_printed"] for g in under[up]):
                under[up].append(f)
        items = leaves(coded, codes)
        for head in coded:
            direct = under.get(head["code"])
            if not direct:
                continue
            expected = sum((_in_printed_unit(f) for f in direct), Decimal(0))
            actual = _in_printed_unit(head)
            tol = sum_tolerance(head["amount_as_printed"], *[f["amount_as_printed"] for f in direct], unit=head.get("unit_as_printed"),
                                figures=1 + items.get(head["code"], 0))
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
