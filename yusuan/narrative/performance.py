"""绩效目标表: one row per table (resource `performance_goals`) and per indicator (`performance_indicators`)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..amounts import plain, to_yuan
from ..errors import YusuanError
from ..knowledge import load
from ..model import Cell, Document, place, squash
from ..recognise import Recognised
from . import targets
from .linking import link
from .text import clean


def spec() -> dict:
    return load("narrative/performance")


def _texts(row: list[Cell]) -> list[str]:
    return [squash(c.text) for c in row]


def read(document: Document, item: Recognised) -> tuple[dict, list[dict]]:
    """What one performance table says: the head (project, unit, funds, goal) and its indicator rows (of the first
    project when the table holds several: see read_all)."""
    return read_all(document, item)[0]


def read_all(document: Document, item: Recognised) -> list[tuple[dict, list[dict]]]:
    """Each project of one performance table: its head (project, unit, funds, goal) and its indicator rows. A table
    printing its projects in columns (长沙 单位（项目）名称 | 资金总额 | 绩效目标 | 一级指标 …, one project per row
    group) gives one head per project; a form (项目名称 | … / 年度目标 | …) gives one."""
    s = spec()
    labels = {k: re.compile(v) for k, v in s["labels"].items()}
    head_columns = [(key, re.compile(p)) for key, p in s["head_columns"].items()]
    level3 = re.compile(s["header"]["level3"])
    head: dict = {"title_zh": item.title, "page": item.table.page, "line": item.table.line, "funds_unit": None}
    indicators: list[dict] = []
    out = [(head, indicators)]
    in_columns: dict[str, int] = {}  # the project, funds and goal printed in columns (长沙)
    columns: dict[str, int] | None = None
    carry = {"level1": "", "level2": ""}
    expect_goal = False
    for row in [*item.header, *item.body]:  # a project table's header is split off by the recogniser
        texts = _texts(row)
        filled = [(i, t) for i, t in enumerate(texts) if t]
        if not filled:
            continue
        first_i, first = filled[0]
        if any(labels["filler"].match(t) for t in texts):
            break
        heads_here = {key: i for key, p in head_columns for i, t in enumerate(texts) if p.match(t)}
        if columns is None and ((len(heads_here) >= 2 and "goal" in heads_here) or (heads_here and in_columns)):
            in_columns |= heads_here  # header rows above the indicator header (整体绩效目标 | … then 资金总额 | …)
            if not any(level3.match(t) for t in texts):
                continue
        if labels["project"].match(first) and len(filled) > 1:
            head["project_zh"] = filled[1][1]
        elif labels["budget_unit"].match(first) and len(filled) > 1:
            head["budget_unit_zh"] = filled[1][1]
        elif columns is None and any(level3.match(t) for t in texts):
            patterns = s["header"] | s["header_optional"]
            columns = {key: next((i for i, t in enumerate(texts) if re.match(p, t)), -1) for key, p in patterns.items()}
            missing = [key for key, i in columns.items() if i < 0 and key not in s["optional_columns"]]
            if missing:
                raise YusuanError(document.path, f"{item.place}, {place(row[0].page, row[0].line)}",
                                  f"indicator header without the column(s) {', '.join(missing)}: {' | '.join(t for t in texts if t)}")
        elif columns is not None:
            values = {k: squash(row[i].text) if 0 <= i < len(row) else "" for k, i in columns.items()}
            printed = {k: clean(row[i].text) if 0 <= i < len(row) else "" for k, i in in_columns.items()}
            if printed.get("goal"):  # a project's row: its name, funds and goal in their columns
                if head.get("goal_zh") or indicators:
                    head = {"title_zh": item.title, "page": row[0].page, "line": row[0].line, "funds_unit": head["funds_unit"]}
                    indicators = []
                    out.append((head, indicators))
                    carry = {"level1": "", "level2": ""}
                head["goal_zh"] = printed["goal"]
                if printed.get("project"):
                    head["project_zh"] = squash(printed["project"])
                if printed.get("budget_unit"):
                    head["budget_unit_zh"] = squash(printed["budget_unit"])
                if re.fullmatch(s["funds_value"], squash(printed.get("funds", ""))):
                    head["funds_total_as_printed"] = squash(printed["funds"])
            for level in ("level1", "level2"):
                if values[level]:
                    carry[level] = values[level]
                    if level == "level1":
                        carry["level2"] = ""
            if values["level3"] or values["target"]:
                at = row[columns["level3"]] if columns["level3"] < len(row) else row[0]
                indicators.append({"page": at.page, "line": at.line,
                                   "level1_zh": carry["level1"], "level2_zh": carry["level2"],
                                   "indicator_zh": values["level3"], "target_as_printed": values["target"],
                                   "comparator_as_printed": values["comparator"] or None, "unit_as_printed": values["unit"] or None})
        elif expect_goal:
            head["goal_zh"] = clean(row[filled[-1][0]].text)
            expect_goal = False
        else:
            for n, (i, text) in enumerate(filled):
                if labels["funds"].match(text):
                    unit = re.search(s["funds_unit"], text)
                    head["funds_unit"] = unit.group(1) if unit else head["funds_unit"]
                following = filled[n + 1][1] if n + 1 < len(filled) else ""
                for key, pattern in s["funds"].items():
                    match = re.search(pattern, text)
                    if match and f"funds_{key}_as_printed" not in head:
                        # the amount after the label, or in the next cell (资金总额： | 1778.31)
                        value = match.group("num") or (following if re.fullmatch(s["funds_value"], following) else "")
                        head[f"funds_{key}_as_printed"] = value
                if labels["goal"].match(text):
                    if following and not labels["goal"].match(following):  # printed beside its label (项目实施期目标 | …)
                        head["goal_zh"] = clean(row[filled[n + 1][0]].text)
                    else:
                        expect_goal = True
                    break
    for one, _ in out:
        one["funds_unit"] = one["funds_unit"] or (item.unit if one.get("funds_total_as_printed") else None)
    return out


def _kind(levels: list[dict], text: str) -> tuple[str | None, str | None]:
    for level in levels:
        if re.search(level["pattern"], text or ""):
            return level["key"], level["en"]
    return None, None


def rows(document: Document, tables: list[Recognised], projects: list[dict], info: dict) -> tuple[list[dict], list[dict]]:
    s = spec()
    heads, indicators = [], []
    candidates = [{"name": p["name_zh"], "amount": p.get("table_amount") or p.get("stated_amount"), "project_no": p["project_no"],
                   "names": [n for n in (p["name_zh"], p.get("table_name_zh"), p.get("explained_name_zh")) if n]} for p in projects]
    for item in tables:
        if item.kind != "performance_targets" and not _has_indicators(item):
            continue
        for head, found in read_all(document, item):
            last = heads[-1] if heads else None
            bare = not any(head.get(k) for k in ("title_zh", "goal_zh", "project_zh", "budget_unit_zh", "funds_total_as_printed"))
            if last and found and (bare or (last["title_zh"] == head["title_zh"] and last["goal_zh"] and last["goal_zh"] == head.get("goal_zh")
                                            and last["project_zh"] == head.get("project_zh"))):
                head, row, no = last, last, last["target_no"]  # the same project's table continued on the next page
                # (its head repeated, or no head at all: an untitled table of indicators right after it)
            else:
                row = None
            no = last["target_no"] if row is not None else len(heads) + 1
            total = head.get("funds_total_as_printed") or None
            amount = plain(Decimal(total.replace(",", ""))) if total else None
            hit, method = _link(head.get("project_zh", ""), head["title_zh"], amount, candidates)
            first = sum(1 for i in indicators if i["target_no"] == no)
            if row is None:
                row = {
                    "document_id": info["document_id"], "target_no": no, "page": head["page"], "line": head["line"], "title_zh": head["title_zh"],
                    "project_zh": head.get("project_zh"), "project_no": hit["project_no"] if hit else None,
                    "link_method": method["method"], "link_confidence": method["confidence"],
                    "budget_unit_zh": head.get("budget_unit_zh"), "funds_unit": head["funds_unit"],
                }
                for key in ("total", "fiscal", "other"):
                    printed = head.get(f"funds_{key}_as_printed") or None
                    value = Decimal(printed.replace(",", "")) if printed else None
                    row[f"funds_{key}_as_printed"] = printed
                    row[f"funds_{key}"] = plain(value) if value is not None else None
                    row[f"funds_{key}_yuan"] = plain(to_yuan(value, head["funds_unit"])) if value is not None and head["funds_unit"] else None
                row["goal_zh"] = head.get("goal_zh")
                heads.append(row)
            for i, ind in enumerate(found, start=first + 1):
                level1, level1_en = _kind(s["level1"], ind["level1_zh"])
                level2, level2_en = _kind(s["level2"], ind["level2_zh"])
                parsed = targets.parse(ind["target_as_printed"], ind["indicator_zh"], ind["comparator_as_printed"], ind["unit_as_printed"])
                indicators.append({
                    "document_id": info["document_id"], "target_no": no, "indicator_no": i, "page": ind["page"], "line": ind["line"],
                    "project_zh": row["project_zh"], "project_no": row["project_no"],
                    "level1_zh": ind["level1_zh"], "level1": level1, "level1_en": level1_en,
                    "level2_zh": ind["level2_zh"], "level2": level2, "level2_en": level2_en,
                    "indicator_zh": ind["indicator_zh"], "target_as_printed": ind["target_as_printed"],
                    "comparator_as_printed": ind["comparator_as_printed"], "unit_as_printed": ind["unit_as_printed"],
                    "comparator": parsed["comparator"], "number": parsed["number"], "unit": parsed["unit"],
                    "unit_source": parsed["unit_source"], "unit_known": parsed["unit_known"],
                    "target_kind": parsed["target_kind"], "target_month_day": parsed.get("target_month_day"),
                })
    return heads, indicators


def _has_indicators(item: Recognised) -> bool:
    """A table of another kind printing indicators with their targets (重庆 市级一般性项目绩效目标表, read as a project
    performance table: 项目名称 | 当年财政拨款预算金额 | 当年绩效目标 | 指标名称 | 指标性质 | 指标值 | 计量单位)."""
    s = spec()
    if item.kind not in s["indicator_tables"]:
        return False
    for row in [*item.header, *item.body[:3]]:
        texts = _texts(row)
        if any(re.match(s["header"]["level3"], t) for t in texts) and any(re.match(s["header"]["target"], t) for t in texts):
            return True
    return False


def _link(name: str, title: str, amount: str | None, candidates: list[dict]) -> tuple[dict | None, dict]:
    """Try the project's names as printed in 表七 and in the explanations, then the title."""
    flat = [dict(c, name=n) for c in candidates for n in c["names"]]
    return link(name, _unique(flat), title=title, amount=amount)


def _unique(flat: list[dict]) -> list[dict]:
    """One entry per (project, name): a project whose two names are equal counts once."""
    seen, out = set(), []
    for c in flat:
        key = (c["project_no"], c["name"])
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
