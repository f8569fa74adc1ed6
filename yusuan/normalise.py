"""Rows of a recognised table as tidy records: codes joined, labels trimmed, amounts exact, facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .amounts import NotAnAmount, as_printed, normalise_text, parse_amount, plain, to_yuan
from .errors import YusuanError
from .knowledge import load
from .model import Cell, Document, squash
from .recognise import Recognised

_CODE_NAME = re.compile(r"^(\d{3,7})\s*(.*)$", re.S)


@dataclass
class Normalised:
    """What one document's tables give: a row list per table kind, the facts, the codes seen."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    facts: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)  # code, scheme, name printed, table kind


def normalise(document: Document, document_id: str, recognised: list[Recognised]) -> Normalised:
    out = Normalised()
    for item in recognised:
        if item.columns:
            _table(document, document_id, item, out)
    return out


def _table(document: Document, document_id: str, item: Recognised, out: Normalised) -> None:
    kind = load("tables")["kinds"][item.kind]
    total = re.compile(load("tables")["total_label"])
    subtotal = re.compile(load("tables")["subtotal_label"])
    unit = item.unit
    rows = out.tables.setdefault(item.kind, [])
    for row_no, cells in enumerate(item.body, start=1):
        if not any(c.clean for c in cells):
            continue
        place = f"{item.place}, row {row_no}"
        record: dict = {"document_id": document_id, "table_no": item.table_no, "row_no": row_no, "unit_as_printed": unit}
        sides: dict[str | None, dict] = {}  # side -> code, name, scheme of the row on that side
        parts: dict[str | None, list[str]] = {}
        spilled: dict = {}  # side -> a total label printed in the code cells
        for column, cell in zip(item.columns, cells):
            side = _key(kind, column)
            here = sides.setdefault(side, {"code": "", "name": "", "scheme": None, "project": ""})
            role = column["role"]
            if role == "code":
                digits = normalise_text(cell.text)
                if digits and not digits.isdigit() and total.match(squash(cell.text)):
                    # 合计 printed across the code cells (merged with the name): the row's label
                    spilled.setdefault(side, squash(cell.text))
                    digits = ""
                if digits and not digits.isdigit():
                    raise YusuanError(document.path, place, f"code part {column['level']} is not digits: {cell.text!r}")
                record[column["field"]] = digits or None
                parts.setdefault(side, []).append(digits)
                here["scheme"] = column["scheme"]
            elif role == "code_name":
                match = _CODE_NAME.match(normalise_text(cell.text).replace(" ", ""))
                code, name = (match.group(1), squash(match.group(2))) if match else ("", squash(cell.text))
                record[column["field"].replace("function", "code")] = code or None
                record[column["field"].replace("function", "name_zh")] = name or None
                here.update(code=code, name=name, scheme=column["scheme"])
            elif role in ("label", "project"):
                text = squash(cell.text) or None
                record[column["field"]] = text
                here["project" if role == "project" else "name"] = text or ""
            elif role == "amount":
                try:
                    value = parse_amount(cell.text)
                except NotAnAmount:
                    raise YusuanError(document.path, f"{place}, column {column['field']}", f"not an amount: {cell.text!r}") from None
                record[column["field"]] = plain(value) if value is not None else None
        for side, label in spilled.items():
            column = next((c for c in item.columns if c["role"] == "label" and _key(kind, c) == side), None)
            if column and not record.get(column["field"]):
                record[column["field"]] = label
                sides[side]["name"] = label
        for side, digits in parts.items():
            sides[side]["code"] = "".join(d for d in digits if d)
        if "code_class" in record or parts:
            record["code"] = next((s["code"] for s in sides.values() if s["code"]), None)
        rows.append(record)
        for side, here in sides.items():
            if here["code"]:
                name = here["name"] if not here["project"] else here["name"]
                out.codes.append({"code": here["code"], "scheme": here["scheme"], "name_zh": name, "table_kind": item.kind})
        for column_no, (column, cell) in enumerate(zip(item.columns, cells), start=1):
            if column["role"] != "amount":
                continue
            value = parse_amount(cell.text)
            if value is None:
                continue
            if unit is None:
                raise YusuanError(document.path, item.place, "no unit printed (单位：万元 or 元) for a table of amounts")
            side = column.get("side", kind.get("side"))
            here = sides.get(_key(kind, column)) or next(iter(sides.values()), {"code": "", "name": "", "project": ""})
            label = here["project"] or here["name"]
            own = column.get("side") or "panel" in column  # a row's label on this side or panel only
            labels = [s["project"] or s["name"] for s in ([here] if own else sides.values())]
            out.facts.append(
                {
                    "document_id": document_id,
                    "table_no": item.table_no,
                    "table_kind": item.kind,
                    "side": side,
                    "row_no": row_no,
                    "column_no": column_no,
                    "code": here["code"] or None,
                    "name_zh": label or None,
                    "column_zh": item.headers_printed[column_no - 1],
                    "column_group_zh": _group(item, column),
                    "column_code": column.get("column_code"),
                    "measure": column["measure"],
                    "amount_yuan": plain(to_yuan(value, unit)),
                    "amount_as_printed": as_printed(cell.text),
                    "unit_as_printed": unit,
                    "is_total": any(total.match(l or "") for l in labels),
                    "is_subtotal": any(subtotal.match(l or "") for l in labels),
                }
            )


def _key(kind: dict, column: dict) -> tuple:
    """Which code and label an amount belongs to: its side (income, expenditure) and its panel, for tables
    printing two code/name/amount panels side by side."""
    return column.get("side", kind.get("side")), column.get("panel")


def _group(item: Recognised, column: dict) -> str | None:
    if "group" not in column:
        return None
    for row in item.header:
        for cell in row:
            if re.fullmatch(column["group"], cell.bare):
                return cell.bare
    return None
