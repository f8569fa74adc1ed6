"""Projects (resource `projects`): every form that prints a project (a row of a project table, a performance table
per project, a project explanation, a key-project section) joined into one row per project of the document."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from ..amounts import UNIT_FACTORS, NotAnAmount, as_printed, parse_amount, plain, to_yuan
from ..errors import YusuanError
from ..knowledge import load
from ..model import Document, place, squash
from ..recognise import Recognised
from . import performance
from .linking import bare, link
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
                name = next((v for v in own.groupdict().values() if v), None)
                out.append({"line": p.line, "page": p.page, "name_zh": name, "sectioned": True})
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
    """The projects of the tables that print one a row (projects.yaml tables), and of the performance tables
    printed one per project: name, unit, code, amount as printed; each project once per table (a table printed
    over several pages, its rows printed again at the top of the next, is one)."""
    s, out = spec(), []
    for kind in s["tables"]:
        printed: dict[tuple, list[dict]] = {}
        for item in tables:
            if item.kind != kind or item.status == "not_read":
                continue
            found = _table_rows(document, item) if item.columns else _headed_rows(document, item)
            if found:
                printed.setdefault((item.table_no, item.title), []).append(found)
            elif kind == "performance_targets":
                out += [r | {"form": kind, "table_key": (kind, item.seq)} for r in _performance_head(document, item)]
        for key, parts in printed.items():
            seen: set = set()
            unique = []
            for part in parts:   # a row of a part printed in an earlier part of the table is that row again
                unique += [row for row in part if (row.get("unit_zh"), row["name"], row["amount_as_printed"]) not in seen]
                seen |= {(row.get("unit_zh"), row["name"], row["amount_as_printed"]) for row in part}
            out += [_unit_named(row) | {"form": kind, "table_key": (kind,) + key} for row in _without_groups(unique)]
    # a table printed without its unit: the unit the document's other tables print (one only)
    units = {t.unit for t in tables if t.unit and t.columns}
    return [r | {"unit": r.get("unit") or (next(iter(units)) if len(units) == 1 else None)} for r in out]


def _unit_named(row: dict) -> dict:
    """A name printed with its budget unit in brackets (项目名称（资金使用单位）: 专项工作经费（广州市人民政府办公厅）):
    the name as printed is kept, the project is linked under the name without the unit, and the unit is the row's."""
    match = re.match(spec()["name_unit"], row["name"])
    if not match:
        return row
    return row | {"link_name": match.group("name"), "unit_zh": row.get("unit_zh") or match.group("unit")}


def _amount(document: Document, item: Recognised, cell, row_no: int) -> tuple[str, str | None]:
    printed = as_printed(cell.text) if cell is not None else ""
    try:
        amount = parse_amount(printed)
    except NotAnAmount:
        raise YusuanError(document.path, f"{item.place}, row {row_no}", f"not an amount: {printed!r}") from None
    return printed, plain(amount) if amount is not None else None


def _table_rows(document: Document, item: Recognised) -> list[dict]:
    """Rows of a table whose columns are known (columns.py): the project column, else the first label column."""
    s = spec()
    cols = item.columns
    names = [i for i, c in enumerate(cols) if c.get("role") == "project"]
    labels = [i for i, c in enumerate(cols) if c.get("role") == "label"]
    units = [i for i in labels if re.search(s["unit_header"], squash(c_header(cols[i])))]
    goals = [i for i in labels if re.search(s["goal_header"], squash(c_header(cols[i])))]
    name_i = names[0] if names else next((i for i in labels if i not in units and i not in goals), None)
    if name_i is None:
        return []   # a table by economic class (一般公共预算项目支出情况表（按经济分类科目）) names no project
    amounts = [i for i, c in enumerate(cols) if c.get("role") == "amount"]
    amount_i = next((i for i in amounts if cols[i].get("measure") == "total"), amounts[0] if amounts else None)
    codes = [i for i, c in enumerate(cols) if c.get("role") == "code" and c.get("scheme", "functional") == "functional"]
    unit_i = next((i for i in units if i != name_i), None)
    goal_i = goals[0] if goals else None
    # the functional item's name: the kind's name_zh column, else a label column beside the codes
    function_i = next((i for i, c in enumerate(cols) if c.get("field") == "name_zh"),
                      next((i for i in labels if i not in (name_i, unit_i, goal_i)), None) if codes else None)
    total = re.compile(load("tables")["total_label"])
    out: list[dict] = []
    carried: list[str] = [""] * len(codes)
    heading = None
    above = ("", None)   # the code row printed above the projects under it (上海 201 13 02 一般行政管理事务 | 1 | 钻石…专项)
    for row_no, cells in enumerate(item.body, start=1):
        text = lambda i: squash(cells[i].text) if i is not None and i < len(cells) else ""  # noqa: E731
        name = text(name_i)
        printed_code = _carry(carried, [text(i) for i in codes])
        if printed_code.isdigit() and name_i != function_i and not name:
            above = (printed_code, text(function_i) or None)
        if not name:
            if out and goal_i is not None and text(goal_i) and not text(amount_i):   # a goal running on
                out[-1]["goal_zh"] = (out[-1].get("goal_zh") or "") + text(goal_i)
            continue
        if re.match(s["table_headers"]["name"], name):
            continue
        printed, amount = _amount(document, item, cells[amount_i] if amount_i is not None and amount_i < len(cells) else None, row_no)
        if total.match(name):
            out.append({"name": name, "amount": amount, "amount_as_printed": printed, "total": True})
            continue
        last = out[-1] if out and not out[-1].get("total") else None
        alone = not any(squash(c.text) for i, c in enumerate(cells) if i != name_i)
        if (amount is None and not printed_code and last and last.get("amount") is not None and last["page"] != cells[0].page
                and (len(name) <= s["wrapped_tail"] or text(unit_i))):
            # the end of the last row of a page printed at the top of the next (政府公报编辑管 | 理)
            last["name"] += name
            last["unit_zh"] = (last.get("unit_zh") or "") + text(unit_i) or None
            continue
        if amount is None and alone:
            heading = name   # a unit printed alone on a row above its projects (广州 广州血液中心)
            continue
        code, function = (printed_code, text(function_i) or None) if printed_code.isdigit() else above
        out.append({"name": name, "amount": amount, "amount_as_printed": printed, "code": code or None,
                    "function_name_zh": function,
                    "unit_zh": text(unit_i) or heading, "goal_zh": text(goal_i) or None,
                    "table_no": item.table_no, "row_no": row_no, "line": cells[0].line, "page": cells[0].page, "unit": item.unit})
    return out


def _carry(carried: list[str], parts: list[str]) -> str:
    """The code of a row printing its 类/款/项 parts, a part left blank taken from the rows above (only when a
    later part is printed: 201 | 13 | 02 is 2011302, a row printing only 02 under 201 | 13 is too)."""
    if not any(parts):
        return ""
    last = max(i for i, p in enumerate(parts) if p)
    for i in range(len(parts)):
        if i <= last:
            carried[i] = parts[i] or carried[i]
        else:
            carried[i] = ""
    return "".join(carried[:last + 1]) if len(parts) > 1 else parts[0]


def c_header(column: dict) -> str:
    return column.get("header") or ""


def _headed_rows(document: Document, item: Recognised) -> list[dict]:
    """Rows of a table read without kind columns whose header row names the project and its amount (长沙
    单位编码 | 单位（项目）名称 | 资金总额 | 绩效目标 | 一级指标 …): a row with a name and an amount is a project."""
    h = spec()["table_headers"]
    at: dict[str, int] = {}
    rows = list(item.header) + list(item.body)
    start = None
    for n, cells in enumerate(rows):
        texts = [squash(c.text) for c in cells]
        found = {k: next((i for i, t in enumerate(texts) if re.match(p, t)), None) for k, p in h.items()}
        if found["name"] is not None and found["amount"] is not None:
            at, start = {k: v for k, v in found.items() if v is not None}, n + 1
            break
    if start is None:
        return []
    total = re.compile(load("tables")["total_label"])
    out = []
    for row_no, cells in enumerate(rows[start:], start=1):
        text = lambda k: squash(cells[at[k]].text) if k in at and at[k] < len(cells) else ""  # noqa: E731
        name = text("name") or (text("code") if total.match(text("code")) else "")
        if not name or re.match(h["name"], name):
            continue
        try:
            printed, amount = _amount(document, item, cells[at["amount"]] if at["amount"] < len(cells) else None, row_no)
        except YusuanError:
            continue   # a row of another form under the same header: not a project
        if amount is None:
            continue
        if total.match(name):
            out.append({"name": name, "amount": amount, "amount_as_printed": printed, "total": True})
            continue
        code = text("code")
        out.append({"name": name, "amount": amount, "amount_as_printed": printed, "code": None, "unit_code": code or None,
                    "function_name_zh": None, "unit_zh": None, "goal_zh": text("goal") or None,
                    "table_no": item.table_no, "row_no": row_no, "line": cells[0].line, "page": cells[0].page, "unit": item.unit})
    return out


def _performance_head(document: Document, item: Recognised) -> list[dict]:
    """A performance table printed for one project: the name in its 项目名称 cell, else its title; its funds."""
    s = spec()
    head, _ = performance.read(document, item)
    name = head.get("project_zh")
    if name and re.match(s["not_name"], name):
        name = None   # the project-name cell left blank: the next label was read as the name (重庆 主管部门)
    if not name:
        title = re.match(s["performance_title_name"], squash(item.title or ""))
        name = title.group("name") if title and not re.search(s["performance_title_not_name"], title.group("name")) else None
    if not name:
        return []
    if not head.get("project_zh") and len(name) < s["min_title_name"]:
        name = _title_before(document, item) + name   # 泉州市看守所（…）相关设施建设项 | 目绩效目标表
    coded = re.match(s["title_unit"], name) if not head.get("project_zh") else None
    if coded:   # 301007_泉州市公安局晋江国际机场分局_全国民航反电诈中心建设项目: unit code, unit, project
        name, head = coded.group("name"), head | {"budget_unit_zh": head.get("budget_unit_zh") or coded.group("unit")}
    labelled = _labelled(item)
    printed = head.get("funds_total_as_printed") or labelled.get("amount") or ""
    if printed and not re.fullmatch(s["number"], printed):
        printed = ""
    amount = plain(Decimal(printed.replace(",", ""))) if printed else None
    return [{"name": name, "amount": amount, "amount_as_printed": printed or None, "code": None, "function_name_zh": None,
             "unit_zh": head.get("budget_unit_zh"), "goal_zh": head.get("goal_zh") or labelled.get("goal_zh"),
             "summary_zh": labelled.get("summary_zh"), "table_no": item.table_no, "row_no": None,
             "line": head["line"], "page": head["page"], "unit": head.get("funds_unit") or item.unit}]


def _title_before(document: Document, item: Recognised) -> str:
    """The line printed right above a table's title line when it runs on into it (no sentence end, no numbering)."""
    title = squash(item.title_printed or item.title or "")
    page = [b for b in document.paragraphs if b.page == item.table.page and b.line < item.table.line]
    for n in range(len(page) - 1, 0, -1):
        if squash(page[n].text) == title:
            before = squash(page[n - 1].text)
            layout = sections()
            if re.search(layout["sentence_end"] + "|[：:]$", before) or re.match(layout["item_start"], before) \
                    or re.match(layout["page_number"], before):
                return ""
            return before
    return ""


def _labelled(item: Recognised) -> dict:
    """The cells printed right after a label of projects.yaml performance_head (当年预算 | 46,794.00)."""
    labels, out = spec()["performance_head"], {}
    for cells in list(item.header) + list(item.body):
        texts = [squash(c.text) for c in cells]
        filled = [t for t in texts if t]
        for n, text in enumerate(filled[:-1]):
            for field, pattern in labels.items():
                if field not in out and re.match(pattern, text):
                    out[field] = filled[n + 1]
    return out


def _without_groups(rows: list[dict]) -> list[dict]:
    """The rows less those that sum the rows printed under them (a budget unit's row above its projects: 深圳
    深圳市交通运输局（本级） 376,936.60, 广州 广州市交通运输局 321,794.07): taken off only when such rows
    split the whole table, each equal to the sum of the rows after it up to the next (to the rounding of the
    printed cents: half a cent a row). Where they do not (a project missing from the rows), a row printing the
    table's total (合计 40,233.95, then 长沙市公安局 40,233.95) is still its unit's row."""
    totals = {r["amount"] for r in rows if r.get("total")}
    rows = [r for r in rows if not r.get("total")]
    values = [Decimal(r["amount"]) if r.get("amount") is not None else None for r in rows]
    half = [_half(r.get("amount_as_printed") or "") for r in rows]
    if len(rows) > 3 and None not in values and abs(2 * values[0] - sum(values[1:])) <= sum(half) + half[0]:
        # the department's row above its units' rows, each above its projects (深圳市人力资源和社会保障局 |
        # 深圳市人力资源和社会保障局（本级） | projects …): it sums the rest twice
        return _without_groups(rows[1:])
    groups, pos = [], 0
    while pos < len(rows):
        end = _group_end(values, half, pos)
        if end is None:
            return _without_total_rows(rows, totals)
        groups.append(pos)
        pos = end + 1
    if not groups or len(groups) == len(rows):
        return _without_total_rows(rows, totals)
    return [r | {"unit_zh": r.get("unit_zh") or rows[max(g for g in groups if g < i)]["name"]}
            for i, r in enumerate(rows) if i not in groups]


def _without_total_rows(rows: list[dict], totals: set) -> list[dict]:
    at = [i for i, r in enumerate(rows) if r.get("amount") in totals]
    if len(at) != 1 or len(rows) < 3:
        return rows
    unit = rows[at[0]]["name"]
    return [r | {"unit_zh": r.get("unit_zh") or (unit if i > at[0] else None)} for i, r in enumerate(rows) if i != at[0]]


def _half(printed: str) -> Decimal:
    places = len(printed.split(".")[1]) if "." in printed else 0
    return Decimal(5) / Decimal(10) ** (places + 1)


def _group_end(values: list, half: list, start: int, nested: bool = False) -> int | None:
    """The last row of the run after start whose sum is the row at start (the next row opening a run too)."""
    if values[start] is None:
        return None
    acc, tolerance = Decimal(0), Decimal(0)
    for j in range(start + 1, len(values)):
        acc += values[j] or 0
        tolerance += half[j] + half[start]
        if abs(acc - values[start]) <= tolerance and (nested or j + 1 == len(values) or _group_end(values, half, j + 1, True) is not None):
            return j
        if acc > values[start] + tolerance and values[start] >= 0:
            return None
    return None


def rows(document: Document, located: list[Located], tables: list[Recognised], info: dict) -> list[dict]:
    """One row per project of the document: the explanations and key-project sections first, then the rows of the
    tables; a later form's row joins the project it names (linking.yaml) unless that project already has a row
    of the same table, or both name different budget units."""
    mentions = ([dict(b, form="explained") for b in explained(located)] + [dict(b, form="key_section") for b in key_sections(located)]
                + [dict(b, form="listed") for b in listed_items(located)])
    table_rows = listed(document, tables)
    projects: list[dict] = []
    for block in mentions:
        stated = _stated_amount(block.get("stated_amount_text", "")) if block.get("stated_amount_text") else _annual(block)
        block["stated"] = stated
        projects.append({"block": block, "tables": [], "methods": [], "forms": [block["form"]]})
    # what a row is matched against, kept per project as rows join it (made again for every row, the matching
    # grew with the square of a document's projects): the forms and units of its rows, its names, its amount
    known = [_known(p) for p in projects]
    for row in table_rows:
        candidates = []
        for no, (forms, units, names, amount) in enumerate(known):
            if row["form"] in forms:
                continue   # one form prints a project once: two of its rows (or tables) are two projects
            if row.get("unit_zh") and units and not any(_same_unit(row["unit_zh"], u) for u in units):
                continue
            candidates += [{"name": n, "amount": amount, "project_no": no} for n in names]
        hit, method = link(row.get("link_name") or row["name"], candidates, amount=_row_yuan(row)) if candidates else (None, None)
        if hit:
            p = projects[hit["project_no"]]
            p["tables"].append(row)
            p["methods"].append(method)
            if row["form"] not in p["forms"]:
                p["forms"].append(row["form"])
            known[hit["project_no"]] = _known(p)
        else:
            projects.append({"block": None, "tables": [row], "methods": [], "forms": [row["form"]]})
            known.append(_known(projects[-1]))
    has_blocks = bool(mentions)
    linking = load("narrative/linking")
    out = []
    for p in projects:
        if p["methods"]:
            method = p["methods"][0]   # the link of the first table that prints it (performance tables keep their own)
        elif p["block"] is not None:
            method = linking["unlinked"] if table_rows else linking["single_form"]
        else:
            method = linking["table_only"] if has_blocks else linking["single_form"]
        out.append(_row(document, info, len(out) + 1, p, method))
    return out


def _known(project: dict) -> tuple[set, set, list, str | None]:
    """What a table row is matched against in a project: the forms and the units its rows print, its names (of
    its rows, then of its block; once each), its amount in yuan."""
    tables = project["tables"]
    block = project.get("block")
    names = [t["name"] for t in tables] + ([block["name_zh"]] if block and block.get("name_zh") else [])
    return ({t["form"] for t in tables}, {t.get("unit_zh") for t in tables} - {None}, list(dict.fromkeys(names)),
            _yuan(project))


def _same_unit(a: str, b: str) -> bool:
    """Two printings of one budget unit: the same once 本级 and punctuation are taken off, or one the other's head
    (深圳市人民政府办公厅 / 深圳市人民政府办公厅（本级）)."""
    x, y = (re.sub(spec()["unit_noise"], "", bare(u)) for u in (a, b))
    return x == y or (bool(x) and bool(y) and (x.startswith(y) or y.startswith(x)))


def _yuan(project: dict) -> str | None:
    for t in project["tables"]:
        if t.get("amount") is not None:
            return _row_yuan(t)
    block = project.get("block") or {}
    amount, _, unit = block.get("stated") or (None, None, None)
    return plain(to_yuan(Decimal(amount), unit)) if amount is not None and unit in UNIT_FACTORS else None


def _row_yuan(row: dict) -> str | None:
    return plain(to_yuan(Decimal(row["amount"]), row["unit"])) if row.get("amount") is not None and row.get("unit") in UNIT_FACTORS else None


def _annual(block: dict) -> tuple[str | None, str | None, str | None]:
    """The amount of a project part's 年度预算安排 (项目总预算N万), of a key-project section (安排预算3亿元)."""
    s = spec()
    if block.get("form") == "key_section":
        match = re.search(s["key_amount"], block.get("annual_budget_zh") or "") or re.search(s["key_amount"], block.get("all_text", ""))
    else:
        match = re.search(s["annual_total"], block.get("annual_budget_zh") or "")
    if not match:
        return None, None, None
    unit = s["unit_names"].get(match.group("unit"), match.group("unit"))
    return plain(Decimal(match.group("num").replace(",", ""))), match.group("num"), unit


def listed_items(located: list[Located]) -> list[dict]:
    """The projects a narrative lists under its project spending (深圳 （五）项目支出 376,936.60 万元，具体包括：
    1.上级下达资金 4,167.70 万元，主要用于…): name, amount as printed, what it is for."""
    s, out, on = spec(), [], False
    for p in located:
        if re.search(s["item_list_opener"], p.bare):
            on = True
            continue
        if not on:
            continue
        item = re.match(s["item_list_entry"], p.text.strip())
        if not item:
            on = False
            continue
        out.append({"line": p.line, "page": p.page, "name_zh": item.group("name").strip(),
                    "stated_amount_text": f"{item.group('num')}{item.group('unit')}", "summary_zh": item.group("rest").strip()})
    return out


def key_sections(located: list[Located]) -> list[dict]:
    """Projects of 重点支出和重大投资项目情况说明 and similar sections (projects.yaml key_*)."""
    s, out = spec(), []
    current = None
    for p in located:
        heading = p.subsection_zh or p.section_zh
        if not re.search(s["key_section"], heading or "") or re.search(s["key_not_section"], heading or ""):
            current = None
            continue
        if p.is_heading:
            continue
        if current is not None and current.get("heading") != heading:
            current = None
        text = p.text.strip()
        bare = re.sub(s["key_field_number"], "", text)
        field = next((f for f, label in s["key_fields"].items() if re.match(f"(?:{label})[：:]", bare)), None)
        if field and current is not None:
            value = re.sub(f"^(?:{s['key_fields'][field]})[：:]" + r"\s*", "", bare)
            current[field] = "\n".join(filter(None, [current.get(field), value]))
            current["all_text"] += text
            continue
        item = re.match(s["key_item"], p.bare)
        titled = re.match(s["key_titled"], text)
        named = re.search(s["key_named"], p.bare)
        if item or titled or named:
            name = (item or titled or named).group("name").strip()
            current = {"line": p.line, "page": p.page, "name_zh": name, "heading": heading, "all_text": text}
            if titled:
                current["summary_zh"] = titled.group("rest").strip()
            out.append(current)
        elif current is not None:
            current["all_text"] += text
            if not field:
                current["summary_zh"] = "\n".join(filter(None, [current.get("summary_zh"), text]))
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


def _row(document: Document, info: dict, no: int, project: dict, method: dict) -> dict:
    block = project.get("block") or {}
    amount, printed, unit = block.get("stated") or (None, None, None)
    table = project["tables"][0] if project["tables"] else {}
    with_amount = next((t for t in project["tables"] if t.get("amount") is not None), None)
    coded = next((t for t in project["tables"] if t.get("code")), {})
    money = with_amount["amount"] if with_amount else amount
    money_unit = with_amount["unit"] if with_amount else unit
    pick = lambda field: next((t[field] for t in project["tables"] if t.get(field)), None)  # noqa: E731
    return {
        "document_id": info["document_id"],
        "project_no": no,
        "page": block.get("page") if block else table.get("page"),
        "line": block.get("line") or table.get("line"),
        "name_zh": block.get("name_zh") or table.get("name"),
        "explained_name_zh": block.get("name_zh"),
        "table_name_zh": table.get("name"),
        "link_method": method["method"],
        "link_confidence": method["confidence"],
        "forms": "；".join(project["forms"]),
        "budget_unit_zh": pick("unit_zh"),
        "table_no": (with_amount or table).get("table_no"),
        "table_row_no": (with_amount or table).get("row_no"),
        "code": coded.get("code"),
        "function_name_zh": coded.get("function_name_zh"),
        "table_amount_as_printed": with_amount["amount_as_printed"] if with_amount else None,
        "table_amount": with_amount["amount"] if with_amount else None,
        "stated_amount_as_printed": printed,
        "stated_amount": amount,
        "unit": money_unit,
        "amount_yuan": plain(to_yuan(Decimal(money), money_unit)) if money is not None and money_unit in UNIT_FACTORS else None,
        "basis_as_printed": block.get("basis_as_printed"),
        "basis_documents": "；".join(document_numbers(block.get("basis_as_printed", ""))) or None,
        "office_zh": block.get("office_zh"),
        "allocation_zh": block.get("allocation_zh"),
        "deadline_as_printed": block.get("deadline_as_printed"),
        "deadline": _deadline(document, block.get("deadline_as_printed"), block.get("line", 0)),
        "summary_zh": block.get("summary_zh") or pick("summary_zh"),
        **{field: block.get(field) for field in ("implementer_zh", "plan_zh", "period_zh", "annual_budget_zh")},
        "goal_zh": block.get("goal_zh") or pick("goal_zh"),
    }
