"""The organisation of the body (functions, offices, budget units, staffing), wherever it is printed: under 第一部分
单位概况 / 主要职能 / 机构设置, 一、部门职责 / 二、机构编制 (深圳), （一）本部门职责情况 (北京), 一、单位基本情况 →
(一)主要职责 (重庆) … (metadata/narrative/sections.yaml organisation_heading)."""

from __future__ import annotations

import re

from ..knowledge import load
from ..model import Document, Table, squash
from .text import Located, config as sections


def _spec() -> dict:
    return load("narrative/organisation")


def topic(p: Located) -> str | None:
    """None outside the organisation; else what its deepest organisation heading is about: functions, offices or
    general (第一部分 部门概况 alone)."""
    layout = sections()
    for heading in (p.subsection_zh, p.section_zh, p.part_zh):
        if heading and re.search(layout["organisation_heading"], heading):
            for name, pattern in layout["organisation_topics"].items():
                if re.search(pattern, heading):
                    return name
            return "general"
    return None


def scope(located: list[Located]) -> list[tuple[Located, str]]:
    """The paragraphs of the organisation, each with its topic."""
    return [(p, t) for p in located if (t := topic(p))]


def functions(located: list[Located], document_id: str) -> list[dict]:
    """The numbered functions of the first list printed under a heading of functions (主要职能, 主要职责, 部门职责 …);
    a numbered function printed on one line without a full stop (read as a sub-section heading) counts too."""
    spec, out = _spec(), []
    for p, about in scope(located):
        if about != "functions":
            continue
        if p.is_heading and not (p.bare == p.subsection_zh and _parent_topic(p) == "functions"):
            continue
        match = re.match(spec["function_item"], p.text.strip())
        if match:
            number = numeral(match.group("num") or match.group("cn") or match.group("cnb") or match.group("cs"))
            if out and number != out[-1]["function_no"] + 1:
                continue  # not the next function: a list inside one (1. 2. under （三）), printed in sequence only
            out.append({"document_id": document_id, "function_no": number, "page": p.page, "line": p.line,
                        "text_zh": match.group("text").strip()})
    return out or _unnumbered(located, document_id, spec)


def _unnumbered(located: list[Located], document_id: str, spec: dict) -> list[dict]:
    """Functions printed without numbers (深圳 一、部门职责 → one paragraph): each paragraph under the first heading of
    functions is one, numbered in order; a paragraph that only introduces a list (…主要职责为：) is not."""
    out, heading = [], None
    for p, about in scope(located):
        if about != "functions" or p.is_heading:
            continue
        where = (p.part_zh, p.section_zh, p.subsection_zh)
        if heading not in (None, where):
            break
        heading = where
        text = re.sub(spec["function_label"], "", p.text.strip())
        if text and not re.search(r"[：:]$", text):
            out.append({"document_id": document_id, "function_no": len(out) + 1, "page": p.page, "line": p.line, "text_zh": text})
    return out


def _parent_topic(p: Located) -> str | None:
    """The topic of a sub-section heading's own section or part."""
    return topic(Located(p.paragraph, p.text, p.bare, p.part_zh, p.section_zh, "", False))


def numeral(text: str) -> int:
    """1, 一, 十二, 二十三 as an integer."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if "十" not in text:
        return digits[text]
    tens, _, ones = text.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def offices(located: list[Located], document_id: str, document: Document | None = None) -> list[dict]:
    """The internal offices and the budget units named (metadata/narrative/organisation.yaml): in a sentence
    (内设机构13个，包括：办公室、…; 下设A、B，共16个处（室）; 所属2个预算单位，分别为A和B), or one per numbered line
    after a sentence ending with ： (具体包括：（一）广州市第一人民医院 …), told apart by kind."""
    spec, out = _spec(), []
    listing: tuple[str, int | None] | None = None  # (kind, stated count) of a list announced by the paragraph before
    for p, about in scope(located):
        if listing is not None:
            item = re.match(spec["office_item"], p.bare)
            name = item.group("name") if item else None
            if name and _is_name(name, spec):
                out.append(_office(document_id, len(out) + 1, p, listing[0], name, listing[1], p.bare))
                continue
            listing = None
        for sentence in re.split(r"(?<=[。；;])", p.bare):
            for kind, count, names in _lists(sentence, about, spec):
                out.extend(_office(document_id, len(out) + 1, p, kind, name, count, sentence.rstrip("。；;")) for name in names)
        if document is not None and re.search(spec["table_intro"], p.bare):
            out.extend(_office_table(document, p, document_id, len(out), spec))
        if re.search(r"[：:]$", p.bare) and (re.search(spec["units_intro"], p.bare) or re.search(spec["office_sentence"], p.bare)):
            count = next(iter(_counts(p.bare, spec)), None)
            listing = (_kind(p.bare, count, spec), int(count.group("count")) if count else None)
    return out


def _counts(sentence: str, spec: dict) -> list[re.Match]:
    """Every count of offices or units stated in the sentence (13个内设机构, 内设机构13个, 内设34个), in order."""
    found: dict[int, re.Match] = {}
    for pattern in spec["office_count"]:
        for m in re.finditer(pattern, sentence):
            found.setdefault(m.start("count"), m)
    return [found[k] for k in sorted(found)]


def _near(counted: list[re.Match], chunks: list[str], n: int) -> re.Match | None:
    """The count printed with the list of chunk n: in that chunk, or in the next one when it opens with 共 (…处，
    共16个处（室）), else the nearest one before it."""
    start = sum(len(c) + 1 for c in chunks[:n])
    end = start + len(chunks[n])
    if n + 1 < len(chunks) and re.match(load("narrative/organisation")["count_follows"], chunks[n + 1]):
        end += len(chunks[n + 1]) + 1
    inside = [m for m in counted if start <= m.start() <= end]
    before = [m for m in counted if m.start() < start]
    return inside[0] if inside else (before[-1] if before else None)


def _counted(items: list[str], count: re.Match | None) -> bool:
    """Names of any ending when the stated count confirms them: as many as said, each short and without figures."""
    return bool(count) and len(items) == int(count.group("count")) > 1 and all(
        i and len(i) <= 30 and not re.search(r"\d|[。；;]", i) for i in items)


def _joined(items: list[str], count: re.Match | None, spec: dict) -> tuple[list[str], int | None]:
    """The names and the count stated; names joined by 和/及 split when the count says there are more
    (所属2个预算单位，分别为北京市审计局本级和北京市审计局综合事务中心)."""
    stated = int(count.group("count")) if count else None
    if len(items) > 1:  # …、A和B、…: two names joined by 和, each a name of its own (not 自然资源和生态环境审计处)
        split = []
        for item in items:
            parts = re.split(spec["last_joiner"], item)
            whole = len(parts) > 1 and all(len(part) >= 3 and _is_name(part, spec) for part in parts)
            split.extend(parts if whole else [item])
        if not stated or len(split) <= stated:
            items = split
    if stated and len(items) < stated:
        split = [part for i in items for part in re.split(spec["last_joiner"], i)]
        if len(split) == stated and all(_is_name(i, spec) for i in split):
            return split, stated
    return items, stated


def _office_table(document: Document, p: Located, document_id: str, before: int, spec: dict) -> list[dict]:
    """The names in the table printed right after the paragraph p (…见下表: → 序号 | 单位名称)."""
    blocks = document.blocks
    at = next((n for n, b in enumerate(blocks) if b is p.paragraph), None)
    table = None
    for block in blocks[at + 1:at + 12] if at is not None else []:
        if isinstance(block, Table):
            table = block
            break
        if squash(block.text) not in p.bare:  # a line of the same paragraph (joined by the reflow) is passed over
            break
    if table is None or not table.rows:
        return []
    texts = [squash(c.text) for c in table.rows[0]]
    column = next((i for i, t in enumerate(texts) if re.match(spec["table_name_header"], t)), None)
    if column is None:
        return []
    kind = "office" if re.search(spec["table_office_header"], texts[column]) else "budget_unit"
    out = []
    for row in table.rows[1:]:
        name = squash(row[column].text) if column < len(row) else ""
        if name and not re.match(spec["table_total_row"], name):
            out.append(_office(document_id, before + len(out) + 1, p,
                               kind, name, None, p.bare))
            out[-1] |= {"page": row[column].page, "line": row[column].line}
    return out


def _office(document_id: str, no: int, p: Located, kind: str, name: str, count: int | None, sentence: str) -> dict:
    return {"document_id": document_id, "office_no": no, "page": p.page, "line": p.line, "kind": kind, "name_zh": name,
            "stated_count": count, "sentence_zh": sentence}


def _kind(sentence: str, count: re.Match | None, spec: dict) -> str:
    if count is not None:
        return "budget_unit" if re.search(spec["unit_noun"], count.group("noun")) else "office"
    if re.search(spec["units_intro"], sentence) or re.search(spec["units_sentence"], sentence):
        return "budget_unit"
    return "office"


def _is_name(name: str, spec: dict) -> bool:
    """An office or unit name, its brackets (nested or left open at a line's end) set aside."""
    bare = name
    while (shorter := re.sub(r"[（(][^（()）]*[)）]", "", bare)) != bare:
        bare = shorter
    bare = re.sub(spec["name_tail"], "", re.sub(r"[（(].*$", "", bare))
    return bool(re.match(spec["office_name"], bare))


def _lists(sentence: str, about: str, spec: dict) -> list[tuple[str, int | None, list[str]]]:
    """The lists of names in one sentence, each with its kind and the count stated beside it (a count serves the
    first list after it, or the list just before it: …处，共16个处（室）)."""
    counted = _counts(sentence, spec)
    if not counted and about != "offices" and not re.search(spec["office_sentence"], sentence):
        return []
    body = sentence.rstrip("。；;")
    colon = re.search(r"^(?P<head>.*)[：:](?P<tail>[^：:]+)$", body)
    if colon:  # after a colon: names separated by 、 or ， (具体包括：无锡市信访局（本级），无锡市人民来访接待中心), or numbered
        tail = colon.group("tail").strip()
        marker = spec["office_marker"]
        items = [i for i in re.split(marker, tail) if i] if re.match(marker, tail) else re.split(spec["office_separator"], tail)
        items = [re.sub(spec["list_tail"], "", i).strip() if n == len(items) - 1 else i.strip() for n, i in enumerate(items)]
        items = [re.sub(spec["name_tail"], "", i) for i in items]
        count = counted[0] if len(counted) == 1 else None
        items, stated = _joined(items, count, spec)
        if (not counted or stated == len(items)) and (items and all(i and _is_name(i, spec) for i in items) or _counted(items, count)):
            return [(_kind(sentence, count, spec), stated, items)]
    out, used = [], set()
    chunks = re.split(r"[，,：:](?![^（(]*[）)])", body)
    for n, chunk in enumerate(chunks):
        items = re.split(spec["office_separator"], chunk)
        items[0] = re.sub(spec["list_intro"], "", items[0])
        items[-1] = re.sub(spec["list_tail"], "", items[-1])
        count = _near([m for m in counted if m.start() not in used], chunks, n)
        items, stated = _joined([re.sub(spec["name_tail"], "", i.strip()) for i in items], count, spec)
        alone = len(items) == 1 and (stated == 1 or (about == "offices" and len(chunks) == 1 and not counted))
        if not (len(items) >= 2 or alone) or not (all(i and _is_name(i, spec) for i in items) or _counted(items, count)):
            continue
        if count is not None:
            used.add(count.start())
        if out and stated and out[-1][1] is None and len(out[-1][2]) + len(items) == stated:
            out[-1] = (out[-1][0], stated, out[-1][2])  # 内设A、…、X，另设B、C等31个处室: the count is of both lists
        out.append((_kind(sentence, count, spec), stated, items))
    return out


def direction(word: str | None, change: int | None) -> str:
    if word is None:
        return "none"
    if change == 0:
        return "none"
    spec = _spec()
    return "decrease" if word in spec["decrease_words"] else "increase"


def staffing(located: list[Located], document_id: str, document: Document | None = None) -> list[dict]:
    """The staffing figures stated in the organisation's sentences, then those printed in tables (document given)."""
    spec, out = _spec(), []
    by_topic: dict[str, dict] = {}
    for p, _ in scope(located):
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
    if document is not None:
        _table_staffing(document, document_id, out)
    return out


def _table_staffing(document: Document, document_id: str, out: list[dict]) -> None:
    """Staffing in a table: a header row of two or more staffing labels (编制人数 | 实有人数 | 离休 | 退休) with a count under
    each in the rows below (the row's first cell says whose: 合计, a unit), or rows of one label and its count."""
    spec = _spec()
    rules = {r["topic"]: r for r in spec["staffing"]}
    labels = [(r["topic"], re.compile(f"^(?:{r['label']}){spec['staffing_table_unit']}")) for r in spec["staffing_table_labels"]]
    is_count = re.compile(spec["staffing_table_count"]).match

    def topic_of(text: str) -> str | None:
        return next((t for t, pattern in labels if pattern.match(text)), None)

    def add(cell, topic: str, subject: str, count: str) -> None:
        rule = rules[topic]
        out.append({"document_id": document_id, "item_no": len(out) + 1, "page": cell.page, "line": cell.line, "topic": topic,
                    "subject_zh": subject, "topic_zh": rule["zh"], "topic_en": rule["en"], "count": int(count),
                    "unit": rule.get("unit", "人"), "change_word_zh": None, "change_direction": "none", "change": None,
                    "compared_with_year": None, "sentence_zh": f"{subject}：{count}" if subject else count})

    for block in document.blocks:
        if not isinstance(block, Table):
            continue
        header: dict[int, str] | None = None
        for row in block.rows:
            texts = [squash(c.text) for c in row]
            found = {i: topic for i, t in enumerate(texts) if t and (topic := topic_of(t))}
            if len(found) >= 2:
                header = found
                continue
            counts = [(i, t) for i, t in enumerate(texts) if is_count(t)]
            if header and counts:
                label = next((t for i, t in enumerate(texts) if t and i not in header and not is_count(t)), "")
                for i, topic in header.items():
                    if i < len(texts) and is_count(texts[i]):
                        add(row[i], topic, label, texts[i])
                continue
            filled = [(i, t) for i, t in enumerate(texts) if t]
            if len(filled) == 2 and (topic := topic_of(filled[0][1])) and is_count(filled[1][1]):
                add(row[filled[1][0]], topic, filled[0][1], filled[1][1])


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
