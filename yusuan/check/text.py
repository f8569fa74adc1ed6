"""Text quality as reviewers flag it: template phrases, punctuation, brackets, cut sentences, years, repeats."""

from __future__ import annotations

import re

from .engine import Document, config, pattern, rule
from ..model import place, place_zh


def _ends_sentence(text: str) -> bool:
    return bool(pattern(config()["sentence_end"]).search(text))


def _starts_paragraph(text: str) -> bool:
    """A printed line that begins a paragraph: an enumerated heading or item, or a short title without punctuation."""
    if pattern(config()["paragraph_start"]).match(text):
        return True
    return len(text) <= int(config()["title_max_chars"]) and not pattern(config()["prose_mark"]).search(text)


def is_contents(doc: Document, p: dict) -> bool:
    return id(p) in doc.memo("contents", lambda: _contents(doc))


def _contents(doc: Document) -> set[int]:
    """The rows of a table of contents: lines with dot leaders or a page number at the end, and the entries that
    follow a 目录 heading (on its page, or while they look like entries: short, no sentence punctuation)."""
    out: set[int] = set()
    spec = config()["contents"]
    leader, title = pattern(spec["leader"]), pattern(spec["title"])
    inside, page = False, None
    for p in doc.rows.get("paragraphs", []):
        text = _SPACE.sub("", p.get("text") or "")
        here = p.get("page")
        if title.match(text):
            inside, page = True, here
            out.add(id(p))
            continue
        if leader.search(text):
            out.add(id(p))
            continue
        if inside:
            entry = len(text) <= int(spec["entry_max_chars"]) and not pattern(config()["prose_mark"]).search(text)
            if (page is not None and here == page) or (page is None and entry):
                out.add(id(p))
                continue
            inside = False
    return out


def is_caption(text: str) -> bool:
    """A table's caption line (编制单位：… 单位：元), printed above each table: not narrative."""
    return bool(pattern(config()["caption_line"]).search(text))


def _running_lines(doc: Document) -> set[str]:
    """Short lines printed on many pages (苏州市水务局 2026 年度单位预算公开 at the top of each): running heads and
    feet, not narrative."""
    pages: dict[str, set] = {}
    for p in doc.rows.get("paragraphs", []):
        text = _SPACE.sub("", p.get("text") or "")
        page = p.get("page")
        if text and page is not None and len(text) <= int(config()["running_line"]["max_chars"]):
            pages.setdefault(text, set()).add(page)
    return {t for t, where in pages.items() if len(where) >= int(config()["running_line"]["min_pages"])}


def paragraphs(doc: Document) -> list[dict]:
    """The narrative as reflowed paragraphs: printed lines joined while a sentence runs on (a line break inside a
    sentence is not a paragraph break), tables of contents and table captions left out. Each: section, line and
    page of its first printed line, text, and the lines it spans."""
    def make():
        out: list[dict] = []
        running = _running_lines(doc)
        for p in doc.rows.get("paragraphs", []):
            text = _SPACE.sub("", p.get("text") or "")
            if text in running or pattern(config()["page_number_line"]).fullmatch(text):
                continue   # a running head or foot, or a page number: the sentence may run on across it
            if not text or is_contents(doc, p) or is_caption(text):
                if out:
                    out[-1]["closed"] = True
                continue
            page = p.get("page")
            last = out[-1] if out else None
            if (last and not last["closed"] and not p.get("is_heading") and not _ends_sentence(last["text"])
                    and last["section_zh"] == p.get("section_zh") and not _starts_paragraph(text)):
                last["text"] += text
                last["lines"].append(p.get("line"))
                last["last_page"] = page
                continue
            out.append({"section_zh": p.get("section_zh"), "line": p.get("line"), "page": page,
                        "text": text, "lines": [p.get("line")], "is_heading": bool(p.get("is_heading")),
                        "closed": bool(p.get("is_heading")), "last_page": page})
        return out

    return doc.memo("reflowed", make)


def printed_at(doc: Document, p: dict, text: str, start: int) -> dict:
    """Page and line of the printed line where text[start:] begins: a reflowed paragraph may run over lines and
    pages, and the finding names the line that prints it."""
    if p.get("page") is None:   # a text without pages (a Word file's text): lines are the file's own
        lines = [r for r in doc.rows.get("paragraphs", []) if r.get("page") is None and r.get("line") in p.get("lines", [])]
    else:
        lines = [r for r in doc.rows.get("paragraphs", []) if r.get("page") is not None
                 and p.get("page") <= r["page"] <= (p.get("last_page") or p.get("page"))]
    offset = 0
    for r in lines:
        piece = _SPACE.sub("", r.get("text") or "")
        if not piece:
            continue
        i = text.find(piece, offset)
        if i < 0:
            continue
        if i <= start < i + len(piece):
            return {"page": r.get("page"), "line": r.get("line")}
        offset = i + len(piece)
    return {"page": p.get("page"), "line": p.get("line")}


def texts(doc: Document):
    """(section, line, text) of every reflowed narrative paragraph, then of the performance targets' goals."""
    def make():
        out = [(p["section_zh"], (p["page"], p["line"]), p["text"]) for p in paragraphs(doc) if not p["is_heading"]]
        return out + [(t.get("title_zh"), (t.get("page"), t.get("line")), _SPACE.sub("", t["goal_zh"]))
                      for t in doc.rows.get("performance_targets", []) + doc.rows.get("performance_goals", []) if t.get("goal_zh")]

    return doc.memo("texts", make)


_SPACE = re.compile(r"\s+")


def _at(section, at: tuple, text: str, found: str) -> dict:
    """The columns of a text finding at (page, line)."""
    return {"section_zh": section, "page": at[0], "line": at[1], "actual": found, "subject_zh": text[:40]}


def _zh(at: tuple) -> str:
    return place_zh(*at)


def _en(at: tuple) -> str:
    text = place(*at)
    return text[:1].upper() + text[1:]


@rule("text.template_phrase", "模板用语未填写", "Template phrases left unfilled", "warning",
      "模板中的二选一（增加（减少））、占位符（XX局）和省略号（……）应在公开前替换为实际内容。",
      "The template's either-or (增加（减少）), placeholders (XX局) and ellipses (……) should be replaced before publication.",
      needs=["paragraphs"])
def template_phrase(doc: Document):
    specs = config()["template_phrases"]
    anyone = pattern("|".join(f"(?:{spec['pattern']})" for spec in specs))
    for section, line, text in texts(doc):
        if not anyone.search(text):
            continue
        for spec in specs:
            for m in pattern(spec["pattern"]).finditer(text):
                yield _at(section, line, text, m.group(0)) | {
                    "message_zh": f"{_zh(line)}：{spec['zh']}：{text[max(0, m.start() - 15):m.end() + 15]}",
                    "message_en": f"{_en(line)}: {spec['en']} ({m.group(0)})."}


@rule("text.punctuation", "标点重复或缺失", "Doubled punctuation", "info",
      "重复的标点（，，、。。）或相邻的冲突标点（，。）多为编辑遗留；句号等句末标点重复（支出。。）为警告，其余为提示。",
      "Doubled punctuation (，，, 。。) or clashing marks side by side (，。) are usually left from editing; a final "
      "mark printed twice (支出。。) is a warning, the others info.",
      needs=["paragraphs"])
def punctuation(doc: Document):
    final = config()["review"]["doubled_final_marks"]
    for section, line, text in texts(doc):
        for m in pattern(config()["doubled_punctuation"]).finditer(text):
            yield _at(section, line, text, m.group(0)) | _doubled_final(text, m, final) | {
                "message_zh": f"{_zh(line)}标点“{m.group(0)}”：{text[max(0, m.start() - 15):m.end() + 15]}",
                "message_en": f"{_en(line)}: doubled or clashing punctuation {m.group(0)}."}


def _doubled_final(text: str, m: re.Match, marks: list) -> dict:
    """A full stop printed twice (支出。。) is a mark a reviewer sees: a warning. Not where the mark runs on (an
    ellipsis of full stops) or the words before it are doubled too (text printed twice for bold, 支支出出。。)."""
    mark = m.group(0)
    if mark not in marks or text[m.end():m.end() + 1] == mark[0] or text[m.start() - 1:m.start()] == mark[0]:
        return {}
    before = text[max(0, m.start() - 6):m.start()]
    if len(before) >= 2 and before[-1] == before[-2]:
        return {}
    return {"severity": "warning"}


@rule("text.brackets", "括号、书名号、引号成对", "Brackets and quotes are balanced", "warning",
      "括号、书名号、引号应成对出现；不成对通常是文字被截断或编号缺字（如“（昌州国资发201524号，”）。",
      "Brackets, title marks and quotes come in pairs; an unpaired one usually means text was cut or a number lost characters.",
      needs=["paragraphs"])
def brackets(doc: Document):
    table = str.maketrans(config()["bracket_equivalents"])
    pairs = config()["brackets"]
    marks = pattern("[" + re.escape("".join(o + c for o, c in pairs) + "".join(config()["bracket_equivalents"])) + "]")
    reported = {(line, text) for _, line, text in texts(doc)}
    reflowed = {}
    items = []
    for p in paragraphs(doc):   # headings too
        items.append((p["section_zh"], (p["page"], p["line"]), p["text"]))
        reflowed[len(items) - 1] = p
    listed = {(i[1], i[2]) for i in items}
    items += [t for t in texts(doc) if (t[1], t[2]) not in listed]
    balance = [_balance("".join(marks.findall(text)).translate(table), pairs) for _, _, text in items]
    for k, (section, line, text) in enumerate(items):
        found = marks.findall(text)
        if not found or (line, text) not in reported:
            continue
        norm = text.translate(table)
        for opening, closing in pairs:
            depth, low = balance[k][opening]
            bad = closing if low < 0 else opening if depth > 0 else None
            # one bracket pair split over two paragraphs by our reflow (a list item wrapped after a blank line:
            # （十五）广州市卫生健康发展和服务管理中心（广州市保健 | 中心）): the document's pair, not unpaired
            if bad == opening and low >= 0 and k + 1 < len(items) and balance[k + 1][opening][1] == -depth:
                continue
            if bad == closing and k and balance[k - 1][opening][0] == -low and balance[k - 1][opening][1] >= 0:
                continue
            if bad:
                i = _unpaired(norm, opening, closing)
                # the line that prints the mark, not the paragraph's first line (a reflowed paragraph runs on)
                at = line if k not in reflowed else tuple(printed_at(doc, reflowed[k], text, i).values())
                yield _at(section, at, text, bad) | {
                    "expected": f"{opening}…{closing}",
                    "message_zh": f"{_zh(at)}“{bad}”不成对：{text[max(0, i - 15):i + 20]}",
                    "message_en": f"{_en(at)}: unpaired {bad}."}


def _unpaired(text: str, opening: str, closing: str) -> int:
    """Where the first closing mark with no opening one stands, else the last opening mark left open."""
    open_at: list[int] = []
    for i, c in enumerate(text):
        if c == opening:
            open_at.append(i)
        elif c == closing:
            if not open_at:
                return i
            open_at.pop()
    return open_at[-1] if open_at else max(text.rfind(opening), 0)


def _balance(seen: str, pairs: list) -> dict:
    """For each opening mark: (depth at the end, lowest depth reached) over the marks of a paragraph."""
    out = {}
    for opening, closing in pairs:
        depth = low = 0
        for c in seen:
            if c == opening:
                depth += 1
            elif c == closing:
                depth -= 1
                low = min(low, depth)
        out[opening] = (depth, low)
    return out


@rule("text.cut_short", "句子不完整", "Sentences cut short", "warning",
      "“主要原因是。”“主要用于。”等句子缺少内容。",
      "Sentences such as 主要原因是。 (the main reason is.) end before saying anything.",
      needs=["paragraphs"])
def cut_short(doc: Document):
    for section, line, text in texts(doc):
        for m in pattern(config()["cut_short"]).finditer(text):
            yield _at(section, line, text, m.group(0)) | {
                "message_zh": f"{_zh(line)}句子不完整：{text[max(0, m.start() - 20):m.end()]}",
                "message_en": f"{_en(line)}: the sentence stops after {m.group(1)}."}


@rule("text.years", "年份与财政年度相符", "Years fit the fiscal year", "warning",
      "预算说明与上年比较；与本年或以后年度比较（2026年预算“比2026年增加”）说明年份未更新。",
      "A budget is compared with earlier years; a comparison with the fiscal year itself or a later one (a 2026 "
      "budget 'compared with 2026') means the year was not updated.",
      needs=["paragraphs"])
def years(doc: Document):
    fiscal = doc.fiscal_year
    if fiscal is None:
        return
    for section, line, text in texts(doc):
        for m in pattern(config()["comparison_year"]).finditer(text):
            year = int(m.group(1))
            if year >= fiscal:
                yield _at(section, line, text, str(year)) | {
                    "expected": f"<{fiscal}",
                    "message_zh": f"{_zh(line)}：{fiscal}年预算与{year}年比较：{text[max(0, m.start() - 15):m.end() + 15]}",
                    "message_en": f"{_en(line)}: a {fiscal} budget compared with {year}."}


@rule("text.repeated_paragraph", "段落重复", "A paragraph printed twice", "warning",
      "同一段文字在说明中出现两次，通常是复制粘贴遗留。",
      "The same paragraph printed twice in the narrative is usually left from copying and pasting.",
      needs=["paragraphs"])
def repeated_paragraph(doc: Document):
    seen: dict[tuple, dict] = {}
    minimum = int(config()["repeated_paragraph_min_chars"])
    for p in paragraphs(doc):
        text = p["text"]
        if p["is_heading"] or len(text) < minimum or not _ends_sentence(text):
            continue  # a title, caption or fragment repeated on each page is not a paragraph printed twice
        key = (p["section_zh"], text)   # the same words under two headings (财政拨款 and 一般公共预算 basic spending
        if key in seen:                 # of equal amounts) is the template's parallel sections, not a copy
            first = seen[key]
            at_zh, at_en = place_zh(first["page"], first["line"]), place(first["page"], first["line"])
            yield _at(p["section_zh"], (p["page"], p["line"]), text, text[:40]) | {
                "message_zh": f"{_zh((p['page'], p['line']))}的段落与{at_zh}相同（同一部分内重复）。",
                "message_en": f"The paragraph at {place(p['page'], p['line'])} repeats the one at {at_en} (in the same section)."}
        else:
            seen[key] = p
