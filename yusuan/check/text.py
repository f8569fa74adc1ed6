"""Text quality as reviewers flag it: template phrases, punctuation, brackets, cut sentences, years, repeats."""

from __future__ import annotations

import re

from .engine import Document, config, pattern, rule
from ..model import place, place_zh


def texts(doc: Document):
    """(section, (page, line), text) of every narrative paragraph, then of the performance targets' goals."""
    def make():
        out = [(p.get("section_zh"), (p.get("page"), p.get("line")), _SPACE.sub("", p.get("text") or ""))
               for p in doc.rows.get("paragraphs", []) if not p.get("is_heading")]
        return out + [(t.get("title_zh"), (t.get("page"), t.get("line")), _SPACE.sub("", t["goal_zh"]))
                      for t in doc.rows.get("performance_targets", []) + doc.rows.get("performance_goals", []) if t.get("goal_zh")]

    return doc.memo("texts", make)


_SPACE = re.compile(r"\s+")


def _at(section, line, text: str, found: str) -> dict:
    return {"section_zh": section, "page": line[0], "line": line[1], "actual": found, "subject_zh": text[:40]}


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
                    "message_zh": f"{place_zh(*line)}：{spec['zh']}：{text[max(0, m.start() - 15):m.end() + 15]}",
                    "message_en": f"{place(*line).capitalize()}: {spec['en']} ({m.group(0)})."}


@rule("text.punctuation", "标点重复或缺失", "Doubled punctuation", "info",
      "重复的标点（，，、。。）或相邻的冲突标点（，。）多为编辑遗留。",
      "Doubled punctuation (，，, 。。) or clashing marks side by side (，。) are usually left from editing.",
      needs=["paragraphs"])
def punctuation(doc: Document):
    for section, line, text in texts(doc):
        for m in pattern(config()["doubled_punctuation"]).finditer(text):
            yield _at(section, line, text, m.group(0)) | {
                "message_zh": f"{place_zh(*line)}标点“{m.group(0)}”：{text[max(0, m.start() - 15):m.end() + 15]}",
                "message_en": f"{place(*line).capitalize()}: doubled or clashing punctuation {m.group(0)}."}


@rule("text.brackets", "括号、书名号、引号成对", "Brackets and quotes are balanced", "warning",
      "括号、书名号、引号应成对出现；不成对通常是文字被截断或编号缺字（如“（昌州国资发201524号，”）。",
      "Brackets, title marks and quotes come in pairs; an unpaired one usually means text was cut or a number lost characters.",
      needs=["paragraphs"])
def brackets(doc: Document):
    table = str.maketrans(config()["bracket_equivalents"])
    pairs = config()["brackets"]
    marks = pattern("[" + re.escape("".join(o + c for o, c in pairs) + "".join(config()["bracket_equivalents"])) + "]")
    for section, line, text in texts(doc):
        found = marks.findall(text)
        if not found:
            continue
        norm = text.translate(table)
        seen = "".join(found).translate(table)
        for opening, closing in pairs:
            depth, bad = 0, None
            for c in seen:
                if c == opening:
                    depth += 1
                elif c == closing:
                    depth -= 1
                    if depth < 0:
                        bad = closing
                        break
            if depth > 0:
                bad = opening
            if bad:
                i = norm.find(bad) if bad == closing else norm.rfind(bad)
                yield _at(section, line, text, bad) | {
                    "expected": f"{opening}…{closing}",
                    "message_zh": f"{place_zh(*line)}“{bad}”不成对：{text[max(0, i - 15):i + 20]}",
                    "message_en": f"{place(*line).capitalize()}: unpaired {bad}."}


@rule("text.cut_short", "句子不完整", "Sentences cut short", "warning",
      "“主要原因是。”“主要用于。”等句子缺少内容。",
      "Sentences such as 主要原因是。 (the main reason is.) end before saying anything.",
      needs=["paragraphs"])
def cut_short(doc: Document):
    for section, line, text in texts(doc):
        for m in pattern(config()["cut_short"]).finditer(text):
            yield _at(section, line, text, m.group(0)) | {
                "message_zh": f"{place_zh(*line)}句子不完整：{text[max(0, m.start() - 20):m.end()]}",
                "message_en": f"{place(*line).capitalize()}: the sentence stops after {m.group(1)}."}


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
                    "message_zh": f"{place_zh(*line)}：{fiscal}年预算与{year}年比较：{text[max(0, m.start() - 15):m.end() + 15]}",
                    "message_en": f"{place(*line).capitalize()}: a {fiscal} budget compared with {year}."}


@rule("text.repeated_paragraph", "段落重复", "A paragraph printed twice", "warning",
      "同一段文字在说明中出现两次，通常是复制粘贴遗留。",
      "The same paragraph printed twice in the narrative is usually left from copying and pasting.",
      needs=["paragraphs"])
def repeated_paragraph(doc: Document):
    seen: dict[str, object] = {}
    minimum = int(config()["repeated_paragraph_min_chars"])
    for p in doc.rows.get("paragraphs", []):
        text = re.sub(r"\s+", "", p.get("text") or "")
        if len(text) < minimum:
            continue
        if text in seen:
            yield _at(p.get("section_zh"), (p.get("page"), p.get("line")), text, text[:40]) | {
                "message_zh": f"{place_zh(p.get('page'), p.get('line'))}的段落与{place_zh(*seen[text])}相同。",
                "message_en": f"The paragraph at {place(p.get('page'), p.get('line'))} repeats the one at {place(*seen[text])}."}
        else:
            seen[text] = (p.get("page"), p.get("line"))
