"""第一部分 单位概况: main functions, offices and staffing counts with their stated changes."""

from __future__ import annotations

import re

from ..knowledge import load
from .text import Located, config as sections, in_part


def _spec() -> dict:
    return load("narrative/organisation")


def functions(located: list[Located], document_id: str) -> list[dict]:
    spec, out, layout = _spec(), [], sections()
    for p in in_part(located, "organisation_part"):
        if p.is_heading or not re.search(layout["functions_section"], p.section_zh or p.part_zh):
            continue
        match = re.match(spec["function_item"], p.text.strip())
        if match:
            number = numeral(match.group("num") or match.group("cn") or match.group("cnb"))
            if out and number != out[-1]["function_no"] + 1:
                continue  # not the next function: a list inside one (1. 2. under （三）), printed in sequence only
            out.append({"document_id": document_id, "function_no": number, "page": p.page, "line": p.line,
                        "text_zh": match.group("text").strip()})
    return out


def numeral(text: str) -> int:
    """1, 一, 十二, 二十三 as an integer."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if "十" not in text:
        return digits[text]
    tens, _, ones = text.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def offices(located: list[Located], document_id: str) -> list[dict]:
    """The internal offices listed (下设4个科室，分别是：…) and the budget units listed one per numbered line
    (具体包括（列示至基层预算单位）：1.…本部。2.…), told apart by kind."""
    spec, out = _spec(), []
    listing = False
    for p in in_part(located, "organisation_part"):
        match = re.search(spec["offices"], p.bare) or re.search(spec["offices_uncounted"], p.bare)
        inline = re.search(spec["units_inline"], p.bare)
        for found, kind in ((match, "office"), (inline, "budget_unit")):
            if not found:
                continue
            count = found.groupdict().get("count")
            for name in re.split(spec["office_separator"], found.group("list")):
                if name:
                    out.append({"document_id": document_id, "office_no": len(out) + 1, "page": p.page, "line": p.line,
                                "kind": kind, "name_zh": name, "stated_count": int(count) if count else None,
                                "sentence_zh": found.group(0)})
        item = re.match(spec["unit_item"], p.bare) if listing else None
        if item:
            out.append({"document_id": document_id, "office_no": len(out) + 1, "page": p.page, "line": p.line,
                        "kind": "budget_unit", "name_zh": item.group("name"), "stated_count": None, "sentence_zh": p.bare})
            continue
        listing = bool(re.search(spec["units_intro"], p.bare))
    return out


def direction(word: str | None, change: int | None) -> str:
    if word is None:
        return "none"
    if change == 0:
        return "none"
    spec = _spec()
    return "decrease" if word in spec["decrease_words"] else "increase"


def staffing(located: list[Located], document_id: str) -> list[dict]:
    spec, out = _spec(), []
    by_topic: dict[str, dict] = {}
    for p in in_part(located, "organisation_part"):
        found = sorted(((match.start(), n, rule, match) for n, rule in enumerate(spec["staffing"])
                        for match in re.finditer(rule["pattern"], p.bare)), key=lambda f: f[:2])
        for _, _, rule, match in found:  # in the order printed: a paragraph may hold several sentences
            groups = match.groupdict()
            row = by_topic.get(rule["topic"])
            if row is None or (row["page"], row["line"]) != (p.page, p.line) or (groups.get("num") and row["count"] is not None):
                row = {
                    "document_id": document_id, "item_no": len(out) + 1, "page": p.page, "line": p.line, "topic": rule["topic"],
                    "subject_zh": _printed(match) or rule["zh"], "topic_zh": rule["zh"], "topic_en": rule["en"], "count": None, "unit": rule.get("unit", "人"),
                    "change_word_zh": None, "change_direction": "none", "change": None, "compared_with_year": None,
                    "sentence_zh": match.group(0),
                }
                out.append(row)
                by_topic[rule["topic"]] = row
            if groups.get("num"):
                row["count"] = int(groups["num"])
            if groups.get("change"):
                change = int(groups["change"])
                row |= {"change_word_zh": groups.get("word"), "change": change,
                        "change_direction": direction(groups.get("word"), change)}
                if row["sentence_zh"] != match.group(0):
                    row["sentence_zh"] += "；" + match.group(0)
            if groups.get("base"):
                row["compared_with_year"] = int(groups["base"])
    return out


def _printed(match: re.Match) -> str:
    """The words printed before the count (编制数, 事业单位 …), or '' when the pattern holds no count."""
    if match.groupdict().get("num") is None:
        return ""
    return re.sub(r"^(下设|其中)", "", match.string[match.start():match.start("num")])


def office_no(name: str | None, offices: list[dict]) -> int | None:
    """The listed office a project names: the same name, or the name or alias of 组织宣传科（党建科）."""
    if not name:
        return None
    for office in offices:
        if office.get("kind") != "office":
            continue
        names = {office["name_zh"], *re.split(r"[（(）)]", office["name_zh"])} - {""}
        if name in names:
            return office["office_no"]
    return None
