"""第一部分 单位概况: main functions, offices and staffing counts with their stated changes."""

from __future__ import annotations

import re

from ..knowledge import load
from .text import Located, config as sections, in_part


def _spec() -> dict:
    return load("narrative/organisation")


def functions(located: list[Located], document_id: str) -> list[dict]:
    spec, out = _spec(), []
    for p in in_part(located, "organisation_part"):
        if p.is_heading or not re.search(sections()["functions_section"], p.section_zh):
            continue
        match = re.match(spec["function_item"], p.text)
        if match:
            out.append({"document_id": document_id, "function_no": int(match.group(1)), "page": p.page, "line": p.line, "text_zh": match.group(2).strip()})
    return out


def offices(located: list[Located], document_id: str) -> list[dict]:
    spec, out = _spec(), []
    for p in in_part(located, "organisation_part"):
        match = re.search(spec["offices"], p.bare)
        if not match:
            continue
        for name in re.split(spec["office_separator"], match.group("list")):
            if name:
                out.append({"document_id": document_id, "office_no": len(out) + 1, "page": p.page, "line": p.line, "name_zh": name,
                            "stated_count": int(match.group("count")), "sentence_zh": match.group(0)})
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
        for rule in spec["staffing"]:
            for match in re.finditer(rule["pattern"], p.bare):
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
        names = {office["name_zh"], *re.split(r"[（(）)]", office["name_zh"])} - {""}
        if name in names:
            return office["office_no"]
    return None
