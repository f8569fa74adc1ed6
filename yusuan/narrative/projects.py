"""Projects (resource `projects`): 表七 rows joined with the project explanations of 第三部分."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..amounts import NotAnAmount, as_printed, parse_amount, plain, to_yuan
from ..errors import YusuanError
from ..knowledge import load
from ..model import Document, place, squash
from ..recognise import Recognised
from .linking import link
from .policy import document_numbers
from .text import Located, config as sections, in_part


def spec() -> dict:
    return load("narrative/projects")


def explained(located: list[Located]) -> list[dict]:
    """The project blocks of the explanations, in order, each as {field: text, line}: labelled lines under a
    项目支出情况说明 section (项目名称：…), or one part per project (…项目经费情况说明) with a section per field."""
    s, out, layout = spec(), [], sections()
    part = None
    for p in in_part(located, "statements_part"):
        own = re.match(layout["project_part"], p.part_zh)
        if own:
            if p.part_zh != part:
                part = p.part_zh
                out.append({"line": p.line, "page": p.page, "name_zh": own.group("name") or None, "sectioned": True})
            if not p.is_heading and p.section_zh:
                title = re.sub(s["section_number"], "", p.section_zh)
                field = next((f for f, pattern in s["section_fields"].items() if re.match(pattern, title)), None)
                if field:
                    out[-1][field] = "\n".join(filter(None, [out[-1].get(field), p.text.strip()]))
                    out[-1].setdefault("lines", {}).setdefault(field, p.line)
            continue
        part = None
        if not re.search(layout["projects_section"], p.section_zh) or p.is_heading:
            continue
        if re.match(s["start"], p.bare):
            out.append({"line": p.line, "page": p.page})
            continue
        for field, label in s["fields"].items():
            match = re.match(f"(?:{label}){s['label_separator']}\\s*(?P<value>.*)$", p.text.strip())
            if match:
                if not out or (field == "name_zh" and "name_zh" in out[-1]) or out[-1].get("sectioned"):
                    out.append({"line": p.line, "page": p.page})
                out[-1][field] = match.group("value").strip()
                out[-1].setdefault("lines", {})[field] = p.line
                break
    return [b for b in out if b.get("name_zh") or b.get("sectioned")]


def listed(document: Document, tables: list[Recognised]) -> list[dict]:
    """The projects of 表七 (general_budget_projects): name, code, function name, amount as printed."""
    out = []
    total = re.compile(load("tables")["total_label"])
    for item in tables:
        if item.kind != "general_budget_projects" or not item.columns:
            continue
        fields = [c["field"] for c in item.columns]
        for row_no, cells in enumerate(item.body, start=1):
            values = {f: c for f, c in zip(fields, cells)}
            name = squash(values["project_zh"].text) if "project_zh" in values else ""
            if not name or total.match(name):
                continue
            printed = as_printed(values["total"].text) if "total" in values else ""
            try:
                amount = parse_amount(printed)
            except NotAnAmount:
                raise YusuanError(document.path, f"{item.place}, row {row_no}", f"not an amount: {printed!r}") from None
            code = "".join(squash(values[f].text) for f in ("code_class", "code_section", "code_item") if f in values)
            out.append({"name": name, "amount": plain(amount) if amount is not None else None, "amount_as_printed": printed,
                        "code": code or None, "function_name_zh": squash(values["name_zh"].text) if "name_zh" in values else None,
                        "table_no": item.table_no, "row_no": row_no, "line": cells[0].line, "page": cells[0].page, "unit": item.unit})
    return out


def rows(document: Document, located: list[Located], tables: list[Recognised], info: dict) -> list[dict]:
    blocks, table_rows = explained(located), listed(document, tables)
    out: list[dict] = []
    used: set[int] = set()
    for block in blocks:
        stated = _stated_amount(block.get("stated_amount_text", ""))
        candidates = [r for r in table_rows if id(r) not in used]
        hit, method = link(block.get("name_zh") or "", candidates, amount=stated[0])
        if hit:
            used.add(id(hit))
        out.append(_row(document, info, len(out) + 1, block, hit, method, stated))
    for row in table_rows:
        if id(row) not in used:
            out.append(_row(document, info, len(out) + 1, {}, row, load("narrative/linking")["unlinked"], (None, None, None)))
    return out


def _stated_amount(text: str) -> tuple[str | None, str | None, str | None]:
    match = re.search(spec()["amount"], text or "")
    if not match:
        return None, None, None
    return plain(Decimal(match.group("num").replace(",", ""))), match.group("num"), match.group("unit")


def _deadline(document: Document, printed: str | None, line: int, page: int | None = None) -> str | None:
    match = re.search(spec()["date"], printed or "")
    if not match:
        return None
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d"))).isoformat()
    except ValueError:
        raise YusuanError(document.path, place(page, line), f"not a date: {printed!r}") from None


def _row(document: Document, info: dict, no: int, block: dict, hit: dict | None, method: dict, stated: tuple) -> dict:
    amount, printed, unit = stated
    table = hit or {}
    money = table.get("amount") if table.get("amount") is not None else amount
    money_unit = table.get("unit") if table.get("amount") is not None else unit
    return {
        "document_id": info["document_id"],
        "project_no": no,
        "page": block.get("page") if block else table.get("page"),
        "line": block.get("line") or table.get("line"),
        "name_zh": block.get("name_zh") or table.get("name"),
        "explained_name_zh": block.get("name_zh"),
        "table_name_zh": table.get("name"),
        "link_method": method["method"] if block else "table_only",
        "link_confidence": method["confidence"] if block else 0,
        "table_no": table.get("table_no"),
        "table_row_no": table.get("row_no"),
        "code": table.get("code"),
        "function_name_zh": table.get("function_name_zh"),
        "table_amount_as_printed": table.get("amount_as_printed"),
        "table_amount": table.get("amount"),
        "stated_amount_as_printed": printed,
        "stated_amount": amount,
        "unit": money_unit,
        "amount_yuan": plain(to_yuan(Decimal(money), money_unit)) if money is not None and money_unit else None,
        "basis_as_printed": block.get("basis_as_printed"),
        "basis_documents": "；".join(document_numbers(block.get("basis_as_printed", ""))) or None,
        "office_zh": block.get("office_zh"),
        "allocation_zh": block.get("allocation_zh"),
        "deadline_as_printed": block.get("deadline_as_printed"),
        "deadline": _deadline(document, block.get("deadline_as_printed"), block.get("line", 0)),
        **{field: block.get(field) for field in ("summary_zh", "implementer_zh", "plan_zh", "period_zh", "annual_budget_zh", "goal_zh")},
    }
