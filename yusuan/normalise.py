"""Rows of a recognised table as tidy records: codes joined, labels trimmed, amounts exact, facts; and one
row per table found (resource `tables`) saying what was read of it.

Nothing here stops a document: a cell that is not an amount, a table without a unit, a code cell that is
not a code make the table `partial` with the reason, and the rest is published."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .amounts import NotAnAmount, as_printed, normalise_text, parse_amount, plain, to_yuan
from .codes import scheme_for
from .columns import code_name, join_parts, scheme_of
from .knowledge import load
from .model import Document, squash
from .recognise import Recognised


@dataclass
class Normalised:
    """What one document's tables give: a row list per table kind, the facts, the codes seen, the tables."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    facts: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)  # code, scheme, name printed, table kind
    found: list[dict] = field(default_factory=list)  # resource `tables`: one row per table found


def normalise(document: Document, document_id: str, recognised: list[Recognised]) -> Normalised:
    out = Normalised()
    units = {t.unit for t in recognised if t.unit and t.columns}
    taken: set = set()
    read = [t for t in recognised if t.columns and t.unit]
    for item in recognised:
        before = len(out.facts)
        here = units
        if item.columns and item.unit is None and len(units) > 1:  # the unit of the tables printed around it
            around = {t.unit for t in (max((t for t in read if t.seq < item.seq), key=lambda t: t.seq, default=None),
                                       min((t for t in read if t.seq > item.seq), key=lambda t: t.seq, default=None)) if t}
            if len(around) == 1:
                here = around
        if item.columns:
            own = item.kind is not None and "columns" in load("tables")["kinds"][item.kind] and (item.kind, item.table_no) not in taken \
                and item.table_no is not None
            if own:
                taken.add((item.kind, item.table_no))
            _table(document_id, item, out, here, own)
        item.facts = len(out.facts) - before
    out.found = found(document_id, recognised)
    return out


def found(document_id: str, recognised: list[Recognised]) -> list[dict]:
    """The rows of resource `tables`: every table found, with what was read of it."""
    return [_found(document_id, item, item.facts) for item in recognised]


def _found(document_id: str, item: Recognised, facts: int) -> dict:
    pages = item.pages
    zh = "；".join(z for z, _ in item.reasons) or None
    en = "; ".join(e for _, e in item.reasons) or None
    return {
        "document_id": document_id, "table_seq": item.seq, "table_no": item.table_no,
        "number_as_printed": item.number_printed, "title_as_printed": item.title_printed or item.title or None,
        "table_kind": item.kind, "pages": ",".join(str(p) for p in pages) or None,
        "page": pages[0] if pages else item.table.page, "line": item.table.line,
        "unit_as_printed": item.unit, "rows": sum(1 for r in item.body if any(c.clean for c in r)),
        "columns": len(item.columns), "facts": facts, "status": item.status, "reason_zh": zh, "reason_en": en,
    }


def _table(document_id: str, item: Recognised, out: Normalised, units: set, own: bool) -> None:
    tables = load("tables")
    kind = tables["kinds"].get(item.kind or "", {})
    total = re.compile(tables["total_label"])
    subtotal = re.compile(tables["subtotal_label"])
    unit = item.unit
    assumed = None
    if unit is None and any(c["role"] == "amount" for c in item.columns) \
            and any(_value(c.text) is not None for row in item.body for c in row):
        if len(units) == 1:
            assumed = next(iter(units))
            item.fail("partial", f"本表未印单位，按前后各表的单位（{assumed}）换算",
                      f"no unit printed on this table; converted in the unit of the tables around it ({assumed})")
        else:
            item.fail("not_read", "本表未印单位（万元或元），金额无法换算", "no unit printed (万元 or 元): the amounts cannot be converted")
            return
    rows = out.tables.setdefault(item.kind, []) if own else []
    bad: list[str] = []
    width = len(item.columns)
    for row_no, cells in enumerate(item.body, start=1):
        if not any(c.clean for c in cells):
            continue
        if len(cells) < width:  # a row with fewer cells than the table has columns: which cell is which is unknown
            cut = row_no == len(item.body)
            item.fail("partial", f"第 {row_no} 行只有 {len(cells)} 个单元格，而表有 {width} 列" + ("（文件可能在此截断）" if cut else "") + "，该行未读",
                      f"row {row_no}: {len(cells)} cells where the table has {width} columns" + (" (the document may be cut off here)" if cut else "") + "; the row was not read")
            continue
        record: dict = {"document_id": document_id, "table_no": item.table_no, "row_no": row_no, "unit_as_printed": unit}
        blocks: dict[int, dict] = {}
        parts: dict[int, list[tuple[str, str]]] = {}
        spilled: dict[int, str] = {}  # a total label printed in the code cells
        unreadable: set[int] = set()  # blocks whose printed code has a part that is not digits
        for column, cell in zip(item.columns, cells):
            b = column["block"]
            here = blocks.setdefault(b, {"code": "", "name": "", "scheme": column.get("scheme"), "project": ""})
            role, name = column["role"], column.get("field")
            if role == "code":
                digits = normalise_text(cell.text)
                if digits and not digits.isdigit() and code_name(cell.text)[0]:
                    digits, named = code_name(cell.text)  # 2080501 行政运行: the code with its name in the cell
                    here["name"] = here["name"] or named
                if digits and not digits.isdigit():
                    if here["name"] or not total.match(squash(cell.text)) and re.search(r"\d", digits):
                        # a code part with a letter or a sign in it (3O1): the row's code is not known, said
                        unreadable.add(b)
                        item.fail("partial", f"第 {row_no} 行{column.get('level') or ''}编码“{squash(cell.text)}”不是数字，该行编码未读",
                                  f"row {row_no}: code part {column.get('level') or ''} is not digits: {squash(cell.text)!r}; the row's code was not read")
                    elif not here["name"]:
                        spilled.setdefault(b, squash(cell.text))  # 合计 across the code cells: the row's label
                    digits = ""
                if name:
                    record[name] = digits or None
                parts.setdefault(b, []).append((column.get("level") or "", digits))
                here["scheme"] = column.get("scheme") or here["scheme"]
            elif role == "code_name":
                code, text = code_name(cell.text)
                if code and scheme_for(code) is None:  # 2026年…, 400人: digits of the name, not a code
                    code, text = "", squash(cell.text)
                if name:
                    record[name.replace("function", "code")] = code or None
                    record[name.replace("function", "name_zh")] = text or None
                here.update(code=code, name=text)
                here["scheme"] = column.get("scheme") or here["scheme"]
            elif role == "ignore" and total.match(squash(cell.text)):
                spilled.setdefault(b, squash(cell.text))  # 合计 printed in a unit-code or numbering column
            elif role in ("label", "project"):
                text = squash(cell.text) or None
                if name:
                    record[name] = text
                if role == "project":
                    here["project"] = text or ""
                elif not here["name"]:
                    here["name"] = text or ""
        for b, label in spilled.items():
            column = next((c for c in item.columns if c["role"] == "label" and c["block"] == b), None)
            if column and column.get("field") and not record.get(column["field"]):
                record[column["field"]] = label
            if not blocks[b]["name"]:
                blocks[b]["name"] = label
        for b, digits in parts.items():
            if any(d for _, d in digits) and b not in unreadable:
                joined = join_parts(digits)
                if not (blocks[b]["scheme"] or scheme_of(joined)):  # neither its column nor its digits name a scheme
                    item.fail("partial", f"第 {row_no} 行编码“{joined}”不属于任何分类（其列未说明，首位数字也不是 2、3 或 5），该行编码未读",
                              f"row {row_no}: code {joined!r} belongs to no classification (its column names none, and it does "
                              f"not start with 2, 3 or 5); the row's code was not read")
                    continue  # the parts stay as printed; the row's code is unknown
                blocks[b]["code"] = joined  # as printed (a misprint is the audit's finding); a classification only if it fits
        if any(c["role"] == "code" for c in item.columns):
            record["code"] = next((s["code"] for s in blocks.values() if s["code"]), None)
        if own:
            rows.append(record)
        for here in blocks.values():
            if here["code"]:
                scheme = here["scheme"] or scheme_of(here["code"])
                out.codes.append({"code": here["code"], "scheme": scheme, "name_zh": here["name"], "table_kind": item.kind})
        first = next(iter(blocks.values()), {"code": "", "name": "", "project": ""})
        for column, cell in zip(item.columns, cells):
            if column["role"] != "amount":
                continue
            try:
                value = parse_amount(cell.text)
            except NotAnAmount:
                bad.append(f"{row_no}/{column['no']} {cell.clean[:20]!r}")
                continue
            if column.get("field") and own:
                record[column["field"]] = plain(value) if value is not None else None
            if value is None:
                continue
            here = blocks.get(column["block"]) or first
            if not (here["code"] or here["name"] or here["project"]):
                here = first
            label = here["project"] or here["name"]
            labels = [s["project"] or s["name"] for s in ([here] if column["own"] else blocks.values())]
            out.facts.append(
                {
                    "document_id": document_id,
                    "table_seq": item.seq,
                    "table_no": item.table_no,
                    "table_kind": item.kind,
                    "side": column.get("side"),
                    "row_no": row_no,
                    "column_no": column["no"],
                    "code": here["code"] or None,
                    "name_zh": label or None,
                    "column_zh": column["header"] or None,
                    "column_group_zh": column.get("group"),
                    "column_code": column.get("column_code"),
                    "measure": column.get("measure"),
                    "amount_yuan": plain(to_yuan(value, unit or assumed)),
                    "amount_as_printed": as_printed(cell.text),
                    "unit_as_printed": unit,
                    "is_total": any(total.match(l or "") for l in labels),
                    "is_subtotal": any(subtotal.match(l or "") for l in labels),
                    "page": cell.page,
                    "line": cell.line,
                }
            )
    if bad:
        shown = "、".join(bad[:5]) + ("…" if len(bad) > 5 else "")
        item.fail("partial", f"{len(bad)} 个单元格不是金额，未读（行/列 {shown}）",
                  f"{len(bad)} cells are not amounts and were not read (row/column {shown})")


def _value(text: str):
    try:
        return parse_amount(text)
    except NotAnAmount:
        return None


def form_facts(document_id: str, item: Recognised, units: set) -> list[dict]:
    """The amounts of a table printed as a form (label: amount, such as 资金总额： 57.00 in a performance
    table) that no other stage reads: each amount with the label printed to its left. The table is partial."""
    from .columns import _measure, not_money

    tables = load("tables")
    unit_pattern = re.compile(tables["unit"])
    out = []
    under: set[int] = set()  # columns printed under an indicator header (指标值, 指标权重): never money
    for row_no, cells in enumerate(item.body, start=1):
        texts = [c.bare for c in cells]
        heads = {j for j, t in enumerate(texts) if t and not_money(t)}
        if heads:
            under = heads
            continue
        printed = next((next(g for g in m.groups() if g) for t in texts if (m := unit_pattern.search(t))), None) or item.unit
        unit = printed or (next(iter(units)) if len(units) == 1 else None)
        for j, cell in enumerate(cells):
            value = _value(cell.text)
            if value is None or not cell.bare:
                continue
            label = next((texts[k] for k in range(j - 1, -1, -1) if texts[k] and _value(cells[k].text) is None), "")
            if not label or unit is None or j in under or not_money(re.sub(r"[：:]$", "", label)):
                continue
            name = re.sub(r"[：:]$", "", label)
            first = texts[0] if texts[0] != label else None
            found = _measure([name])
            out.append({
                "document_id": document_id, "table_seq": item.seq, "table_no": item.table_no, "table_kind": item.kind,
                "side": tables["kinds"].get(item.kind or "", {}).get("side"), "row_no": row_no, "column_no": j + 1,
                "code": None, "name_zh": name, "column_zh": first, "column_group_zh": None, "column_code": None,
                "measure": found[0] if found else None, "amount_yuan": plain(to_yuan(value, unit)),
                "amount_as_printed": as_printed(cell.text), "unit_as_printed": printed,
                "is_total": False, "is_subtotal": False, "page": cell.page, "line": cell.line,
            })
    if out:
        item.facts += len(out)
        item.status = "partial"  # its amounts are read, the rest of it is not
        item.reasons.append(("金额按“标签：金额”读取（其左侧印刷的标签为行名称）", "amounts read as label: amount pairs (the label printed to the left names each)"))
    return out

