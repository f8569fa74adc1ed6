"""Codes and names: one code one name, names against the official list, duplicates, codes that do not exist."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from ..codes import official
from .engine import Document, config, pattern, rule, table_zh
from .locate import code_scheme


def coded_rows(doc: Document):
    """(kind, scheme, row, code, name) for every row that prints a code and a name, in table order. The scheme is
    the one the table's codes belong to: a table of economic codes recognised as a functional one (一般公共预算支出表
    （按经济分类）read as the functional table) is checked against the economic list, not reported code by code."""
    def make():
        out = []
        for kind, records in doc.rows.items():
            scheme = code_scheme(kind)
            if not scheme:
                continue
            by_table: dict[object, list] = defaultdict(list)
            for r in records:
                code = r.get("code") or r.get("expenditure_code")
                name = r.get("name_zh") if r.get("code") else r.get("expenditure_name_zh")
                if code:
                    by_table[r.get("table_no")].append((r, code, re.sub(r"\s+", "", name or "")))
            for rows in by_table.values():
                own = _scheme_of([code for _, code, _ in rows], scheme)
                out += [(kind, own, r, code, name) for r, code, name in rows]
        return sorted(out, key=lambda t: (t[2]["table_no"] or 0, t[2]["row_no"]))

    return doc.memo("coded_rows", make)


def _scheme_of(codes: list[str], scheme: str) -> str:
    """The scheme whose list holds most of a table's class-level codes (the table kind's own when tied)."""
    classes = [c[:3] for c in codes if len(c) >= 3]
    if not classes:
        return scheme
    def hits(s: str) -> int:
        listed = official(s)
        return sum(c in listed for c in classes)
    others = [s for s in ("functional", "economic") if s != scheme]
    best = max(others, key=hits, default=scheme)
    return best if hits(best) > hits(scheme) and hits(best) * 2 > len(classes) else scheme


def _loc(kind: str, row: dict, code: str, name: str) -> dict:
    return {"table_no": row["table_no"], "table_kind": kind, "row_no": row["row_no"], "column_zh": "科目名称",
            "code": code, "subject_zh": name}


@rule("codes.one_name", "同一编码全文一个名称", "One code, one name in the document", "warning",
      "同一科目编码在各表中应印刷同一名称；名称不同说明编码或名称有一处错误。",
      "A classification code should carry the same name in every table; two names mean the code or a name is wrong.",
      needs=["facts"])
def one_name(doc: Document):
    names: dict[tuple, list] = defaultdict(list)
    for kind, scheme, row, code, name in coded_rows(doc):
        if name:
            names[(scheme, code)].append((kind, row, name))
    for (scheme, code), printed in names.items():
        counts = Counter(n for _, _, n in printed)
        if len(counts) < 2 or len({r["table_no"] for _, r, _ in printed}) < 2:
            continue  # two names within one table: codes.duplicate
        common = max(counts, key=lambda n: (counts[n], -[p[2] for p in printed].index(n)))
        where_common = "、".join(sorted({table_zh(r["table_no"]) for _, r, n in printed if n == common}))
        for kind, row, name in printed:
            if name == common:
                continue
            yield _loc(kind, row, code, name) | {
                "expected": common, "actual": name,
                "message_zh": f"编码 {code} 在{table_zh(row['table_no'])}印刷为“{name}”，在{where_common}为“{common}”。",
                "message_en": f"Code {code} is named {name} in table {row['table_no']} but {common} in "
                              f"{where_common.replace('、', ', ')}.",
            }


def _variant(name: str) -> str:
    for a, b in config()["name_variants"].items():
        name = name.replace(a, b)
    return name


def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


@lru_cache(maxsize=65536)
def _bare(name: str) -> str:
    return pattern(config()["optional_text"]).sub("", _variant(name))


@rule("codes.official_name", "名称与官方科目名称一致", "Names agree with the official code list", "warning",
      "印刷的科目名称应与当年政府收支分类科目（metadata/codes）的名称一致；异体字、简称记为提示，名称属于另一科目或上级科目记为警告。",
      "A printed name should be the year's official name of its code (metadata/codes); variant characters and "
      "abbreviations are noted as info, a name that belongs to another code or to the parent as a warning.",
      needs=["facts"])
def official_name(doc: Document):
    seen = set()
    found = []
    for kind, scheme, row, code, name in coded_rows(doc):
        entry = official(scheme).get(code)
        if not entry or not name or (scheme, code, name, kind) in seen:
            continue
        seen.add((scheme, code, name, kind))
        right = entry["name_zh"]
        if name == right:
            continue
        parent = official(scheme).get(code[:-2], {}).get("name_zh") if len(code) > 3 else None
        if _variant(name) == _variant(right) or _bare(name) == _bare(right):
            severity, why_zh, why_en = "info", "异体字或括注不同", "variant characters or bracketed text"
        elif parent and _bare(name) == _bare(parent):
            severity, why_zh, why_en = "warning", "印刷的是上级科目的名称", "the name printed is its parent's"
        elif _subsequence(_bare(name), _bare(right)):
            severity, why_zh, why_en = "info", "简称", "an abbreviation"
        elif _bare(right) in _bare(name):
            severity, why_zh, why_en = "info", "更细的名称", "a more specific name"
        else:
            severity, why_zh, why_en = "warning", "名称不符", "a different name"
        found.append((kind, scheme, row, code, name, right, severity, why_zh, why_en))
    renumbered = _renumbered(found)
    for kind, scheme, row, code, name, right, severity, why_zh, why_en in found:
        group = renumbered.get((row["table_no"], code[:-2]))
        if group and code in group:
            if code != next(iter(group)):
                continue  # one finding for the whole renumbered list
            listed = "、".join(f"{c} {n}（应为 {o}）" for c, (n, o) in group.items())
            listed_en = ", ".join(f"{c} {n} (is {o})" for c, (n, o) in group.items())
            yield _loc(kind, row, code, name) | {
                "severity": "warning", "expected": ";".join(o for _, o in group.values()), "actual": ";".join(group),
                "message_zh": f"{table_zh(row['table_no'])}科目 {code[:-2]} 下的 {len(group)} 个科目按顺序编号，而非官方编码：{listed}。",
                "message_en": f"Table {row['table_no']} numbers {len(group)} items under {code[:-2]} in sequence instead of "
                              f"by their official codes: {listed_en}.",
            }
            continue
        yield _loc(kind, row, code, name) | {
            "severity": severity, "expected": right, "actual": name,
            "message_zh": f"{table_zh(row['table_no'])}编码 {code} 印刷为“{name}”，官方名称为“{right}”（{why_zh}）。",
            "message_en": f"Table {row['table_no']}: code {code} is printed as {name}; its official name is {right} ({why_en}).",
        }


def _renumbered(found: list[tuple]) -> dict[tuple, dict[str, tuple[str, str]]]:
    """Items of one parent printed with codes in sequence instead of their own (咨询费 as 30202, 水费 as 30203):
    (table, parent) → {printed code: (name, its official code)} when at least three such items (one root cause)."""
    groups: dict[tuple, dict[str, tuple[str, str]]] = defaultdict(dict)
    for kind, scheme, row, code, name, right, severity, *_ in found:
        if severity != "warning" or len(code) < 5:
            continue
        own = [c for c, e in official(scheme).items() if len(c) == len(code) and c[:-2] == code[:-2]
               and c != code and _bare(e["name_zh"]) == _bare(name)]
        if len(own) == 1:
            groups[(row["table_no"], code[:-2])][code] = (name, own[0])
    return {k: v for k, v in groups.items() if len(v) >= 3}


@rule("codes.duplicate", "同一表内编码不重复", "No code twice in a table", "error",
      "同一张表中一个科目编码只应出现一行（项目表除外）；重复的编码通常是另一科目的编码印错。",
      "A code should head only one row of a table (except the project table); a repeated code is usually "
      "another code misprinted.",
      needs=["facts"])
def duplicate(doc: Document):
    from .tables import segments

    allowed = set(config()["duplicates_allowed"])
    first: dict[tuple, dict] = {}
    for kind, scheme, row, code, name in coded_rows(doc):
        if kind in allowed:
            continue
        # a table printed body by body (预算单位) prints each body's codes again: a code once per body
        key = (kind, row["table_no"], segments(doc, row["table_no"]).get(row["row_no"], 0), code)
        if key not in first:
            first[key] = row
            continue
        earlier = first[key]
        yield _loc(kind, row, code, name) | {
            "expected": None, "actual": code,
            "message_zh": f"{table_zh(row['table_no'])}编码 {code} 印刷了两次：第{earlier['row_no']}行“{earlier.get('name_zh') or earlier.get('expenditure_name_zh')}”和第{row['row_no']}行“{name}”。",
            "message_en": f"Table {row['table_no']} prints code {code} twice: row {earlier['row_no']} "
                          f"({earlier.get('name_zh') or earlier.get('expenditure_name_zh')}) and row {row['row_no']} ({name}).",
        }


def misprinted_as(scheme: str, code: str, name: str) -> list[str]:
    """The official code of the same name that a code with a lost or misread class digit stands for (7 11 02
    printed for 210 11 02: the 款 and 项 digits agree, the name is the item's): the only such code, or none."""
    bare = _bare(name)
    tail = code[-4:] if len(code) >= 5 else code[-2:]
    hits = [c for c, e in official(scheme).items() if len(c) > len(code) - 1 and c.endswith(tail) and _bare(e["name_zh"]) == bare]
    return hits if len(hits) == 1 else []


@rule("codes.unknown", "编码属于官方科目表", "Codes exist in the official list", "error",
      "编码的每一级（类、款、项）都应是当年官方科目；metadata/rules.yaml 的 complete_lists 列出 metadata/codes 中已完整收录下级的科目。",
      "Every level of a code (class, section, item) should be an official code of the year; complete_lists in "
      "metadata/rules.yaml names the parents whose children metadata/codes lists completely.",
      needs=["facts"])
def unknown(doc: Document):
    complete = config()["complete_lists"]
    seen = set()
    for kind, scheme, row, code, name in coded_rows(doc):
        if (kind, code) in seen:
            continue
        seen.add((kind, code))
        listed = official(scheme)
        if len(code) < 3:
            continue   # a 款 or 项 printed in a column of its own (类 | 款 | 项): the class is on a row above; our reading
        if len(code) not in (3, 5, 7):
            yield _loc(kind, row, code, name) | {
                "actual": code, "message_zh": f"{table_zh(row['table_no'])}编码 {code} 的位数不是 3、5 或 7。",
                "message_en": f"Table {row['table_no']}: code {code} does not have 3, 5 or 7 digits."}
            continue
        for level in range(3, len(code) + 1, 2):
            part, up = code[:level], code[:level - 2] if level > 3 else ""
            if part in listed or up not in complete.get(scheme, []):
                continue
            same = [c for c, e in listed.items() if len(c) == len(part) and c.startswith(up) and _bare(e["name_zh"]) == _bare(name)]
            if not same and part == code[:3] and name:
                same = misprinted_as(scheme, code, name)
                if same:
                    part = code
            hint_zh = f"；名称“{name}”属于 {same[0]}" if same and part == code else ""
            hint_en = f"; the name {name} is that of {same[0]}" if same and part == code else ""
            yield _loc(kind, row, code, name) | {
                "expected": same[0] if same and part == code else None, "actual": code,
                "message_zh": f"{table_zh(row['table_no'])}编码 {code}（{name}）：{part} 不是官方科目{hint_zh}。",
                "message_en": f"Table {row['table_no']}: code {code} ({name}): {part} is not an official code{hint_en}.",
            }
            break


