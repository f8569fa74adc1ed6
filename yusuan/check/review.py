"""What reviewers report that the other rules miss: an amount left out of its sentence, a comparison with a year
before the year before, growth of 100% over a zero base, the same figure stated twice in a section with two
values, the template's instructions to the filler left in, a table's note naming another table's fund. The
phrases are in metadata/rules.yaml (the block `review:`); each rule reports only what the printed words (or
figures read together in one section) show, never a guess about what we may have misread."""

from __future__ import annotations

from ..amounts import plain
from ..model import place, place_zh
from .engine import Document, amount, config, pattern, rule, table_zh
from .narrative import _said, _said_en, where
from .text import _SPACE, paragraphs, printed_at as _printed_at


def _spec() -> dict:
    return config()["review"]


def _at(p: dict, text: str, start: int, end: int, found: str) -> dict:
    return {"section_zh": p.get("section_zh"), "page": p.get("page"), "line": p.get("line"), "actual": found,
            "subject_zh": text[max(0, start - 20):end][:40]}


def _narrative(doc: Document):
    """The reflowed narrative paragraphs (headings left out), white space removed."""
    for p in paragraphs(doc):
        if not p["is_heading"]:
            yield p, _SPACE.sub("", p["text"])


@rule("text.amount_missing", "金额缺失", "An amount left out of its sentence", "warning",
      "“一般公共预算拨款收入万元”“比上年增长%”：单位前没有数字，金额在编辑时被删去或未填写。",
      "A unit with no figure before it (一般公共预算拨款收入万元, 比上年增长%): the amount was deleted while editing, "
      "or never filled in.",
      needs=["paragraphs"])
def amount_missing(doc: Document):
    spec = _spec()["amount_missing"]
    found, exempt = pattern(spec["pattern"]), pattern(spec["exempt_before"])
    for p, text in _narrative(doc):
        if not pattern(config()["prose_mark"]).search(text):
            continue   # a table's heading row read as a line (预算数 万元), not a sentence
        for m in found.finditer(text):
            if exempt.search(text[max(0, m.start() - 8):m.start("unit")]):
                continue   # 单位为万元, 金额转化为万元时: a unit named, not an amount
            shown = text[max(0, m.start() - 20):m.end() + 10]
            at = _printed_at(doc, p, text, m.start())
            yield _at(p, text, m.start(), m.end(), m.group(0)) | at | {
                "message_zh": f"{place_zh(at['page'], at['line'])}“{m.group('unit')}”前缺少数字：{shown}",
                "message_en": f"{_cap(place(at['page'], at['line']))}: no figure before {m.group('unit')} "
                              f"(…{m.group(0)}…): the amount is missing."}


@rule("text.comparison_year_old", "与更早年份比较", "A comparison with a year before the year before", "warning",
      "Y 年预算（决算）的增减与上年（Y−1 年）比较；“比 Y−2 年增加”或“比上年（Y−2 年）”说明年份沿用了旧文本。"
      "（与 Y 年或以后比较见“年份与财政年度相符”。）",
      "The changes of a budget (or final accounts) of year Y are over the year before (Y−1); 'more than in Y−2' or "
      "'比上年（Y−2年）' means the year was left from an older text. (A comparison with Y or later is text.years'.)",
      needs=["paragraphs"])
def comparison_year_old(doc: Document):
    fiscal = doc.fiscal_year
    if fiscal is None or doc.info.get("year_source") not in (None, "title"):
        return   # a year taken from the file name or the tables only: the document's own year is unsure
    spec = _spec()["comparison_year_old"]
    found = pattern(spec["pattern"])
    for p, text in _narrative(doc):
        for m in found.finditer(text):
            named = m.group("year3")   # 比上年（2024年）: the year before, named
            year = int(named or m.group("year") or m.group("year2"))
            if year == fiscal - 1 or (not named and year >= fiscal):
                continue   # the year before; or the year itself or a later one (text.years)
            shown = text[max(0, m.start() - 15):m.end() + 15]
            at = _printed_at(doc, p, text, m.start())
            yield _at(p, text, m.start(), m.end(), str(year)) | at | {
                "expected": str(fiscal - 1),
                "message_zh": f"{place_zh(at['page'], at['line'])}：{fiscal}年{doc.info.get('phase_zh') or ''}与{year}年比较"
                              f"（上年应为{fiscal - 1}年）：{shown}",
                "message_en": f"{_cap(place(at['page'], at['line']))}: a {fiscal} document compares with {year} "
                              f"(the year before is {fiscal - 1})."}


@rule("yoy.zero_base", "以零为基数的增长百分比", "A percentage of growth over nothing", "warning",
      "上年数为 0 时增长百分比没有意义（任何增加都是“无穷大”）；“增加 X 万元，增长100%”而本年数正是 X，应写作“新增”。",
      "When last year's amount is 0 a percentage of growth means nothing; 'up X, 100%' where this year's amount is "
      "X itself should say the item is new (新增).",
      needs=["statements"])
def zero_base(doc: Document):
    for s in doc.rows["statements"]:
        if s.get("change_percent") in (None, "") or s.get("change_direction") != "increase":
            continue
        now, change, prior = amount(s.get("amount")), amount(s.get("change_amount")), amount(s.get("prior_amount"))
        # the prior stated as 0, or this year's amount all of the increase and 100%: the arithmetic itself says the
        # base was 0 (an amount paired with another sentence's change would not give 100%)
        zero = prior == 0 if prior is not None else (now is not None and change is not None and now == change != 0
                                                      and s.get("unit") == s.get("change_unit")
                                                      and amount(s.get("change_percent")) == 100)
        if not zero:
            continue
        base = plain(prior) if prior is not None else plain(now - change)
        percent = (s.get("change_percent_as_printed") or str(s["change_percent"])).rstrip("%％") + "%"
        up = s.get("change_amount_as_printed")
        now_zh = f"（本年 {s.get('amount_as_printed')}" + (f"，增加 {up}）" if up else "）")
        now_en = f" (now {s.get('amount_as_printed')}" + (f", up {up})" if up else ")")
        yield where(s) | {
            "expected": "新增", "actual": percent, "code": s.get("code") or None,
            "message_zh": f"{_said(s)}称{s.get('subject_zh') or ''}增长{percent}，而上年数为 {base}{now_zh}：以零为基数的增长百分比。",
            "message_en": f"{_cap(_said_en(s))} gives a growth of {percent} for {s.get('subject_zh') or ''} over a prior "
                          f"amount of {base}{now_en}: a percentage over nothing."}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]



@rule("narrative.figure_twice", "同一金额两处不同", "The same figure stated twice with two values", "warning",
      "同一部分（同一单位）说明中，同一名称的金额（如“公用经费”）先在概述、后在分项说明中出现时应相同；"
      "同一部分另有金额两处一致（说明两处口径相同）而此金额不同（857.93 与 875.93），多为录入错误。",
      "Within one section (one unit's), a figure under the same name (公用经费) stated in the overview and again in "
      "its own paragraph should be the same; where another figure of the section is stated twice alike (the two "
      "places have the same scope) and this one differs (857.93 and 875.93), one was mistyped.",
      needs=["statements"])
def figure_twice(doc: Document):
    topics = set(_spec()["figure_twice"]["topics"])
    money = set(_spec()["figure_twice"]["units"])
    sections: dict[tuple, dict[tuple, list[dict]]] = {}
    for s in doc.rows["statements"]:
        if amount(s.get("amount")) is None or s.get("unit") not in money or s.get("planned"):
            continue
        key = (s.get("part_zh"), s.get("section_zh"))
        sections.setdefault(key, {}).setdefault((s.get("topic"), s.get("code") or "", s.get("subject_zh")), []).append(s)
    for found in sections.values():
        # the section restates some figure alike in two sentences: its two places speak of the same scope
        alike = [k for k, v in found.items() if len({x.get("sentence_zh") for x in v}) > 1
                 and len({amount(x["amount"]) for x in v}) == 1]
        for (topic, _, subject), stated in found.items():
            if topic not in topics or not subject:
                continue
            first = stated[0]
            for other in stated[1:]:
                if amount(other["amount"]) == amount(first["amount"]) or other.get("sentence_zh") == first.get("sentence_zh"):
                    continue
                if not [k for k in alike if k[0] != topic]:
                    break
                yield where(other) | {
                    "expected": first.get("amount_as_printed"), "actual": other.get("amount_as_printed"),
                    "message_zh": f"{_said(other)}称{subject} {other.get('amount_as_printed')}{other.get('unit')}，而"
                                  f"{place_zh(first.get('page'), first.get('line'))}为 {first.get('amount_as_printed')}{first.get('unit')}。",
                    "message_en": f"{_cap(_said_en(other))} gives {subject} as {other.get('amount_as_printed')} "
                                  f"{other.get('unit')} but {place(first.get('page'), first.get('line'))} gives "
                                  f"{first.get('amount_as_printed')}."}
                break


@rule("text.template_instruction", "模板填写说明未删除", "The template's instructions to the filler left in", "warning",
      "模板中写给填报人的说明（“（请核实单位是否有涉密项目，若无涉密项目，则备注写‘备注：无’）”）应在公开前删除。",
      "Instructions the template gives the person filling it in ((请核实…，若无…则备注写“备注：无”): check whether …, "
      "if not, write …) should be deleted before publication.",
      needs=["paragraphs"])
def template_instruction(doc: Document):
    found = pattern(_spec()["template_instruction"])
    for p, text in _narrative(doc):
        for m in found.finditer(text):
            at = _printed_at(doc, p, text, m.start())
            yield _at(p, text, m.start(), m.end(), m.group(0)[:30]) | at | {
                "message_zh": f"{place_zh(at['page'], at['line'])}模板填写说明未删除：{m.group(0)[:60]}",
                "message_en": f"{_cap(place(at['page'], at['line']))}: the template's instruction to the filler is "
                              f"printed ({m.group(0)[:30]}…)."}


@rule("table.note_other_fund", "表注写的是另一类资金", "A table's note names another table's fund", "warning",
      "政府性基金、国有资本经营预算、“三公”经费各有一表；表下的注（“本单位没有使用国有资本经营预算拨款安排的支出，故本表无数据”）"
      "只提另一类资金而不提本表的资金，多为从另一张表复制而未修改。",
      "The government fund, state capital and 'three public' costs each have a table; a note under one (本单位没有使用"
      "国有资本经营预算拨款安排的支出，故本表无数据) that names another fund and not the table's own was usually "
      "copied from the other table.",
      needs=["table_notes"])
def note_other_fund(doc: Document):
    funds = _spec()["note_funds"]
    own_of = {kind: name for name, kinds in funds.items() for kind in kinds}
    titles = {t.get("table_no"): t.get("title_as_printed") or "" for t in doc.rows.get("tables", [])}
    for note in doc.rows["table_notes"]:
        own = own_of.get(note.get("table_kind"))
        text = _SPACE.sub("", note.get("text") or "")
        if own is None or own in text or own not in _SPACE.sub("", titles.get(note.get("table_no"), "")):
            continue   # the note names the table's own fund; or the printed title does not (our reading unsure)
        named = [name for name in funds if name != own and name in text]
        if not named:
            continue
        yield {"table_no": note.get("table_no"), "table_kind": note.get("table_kind"), "page": note.get("page"),
               "line": note.get("line"), "expected": own, "actual": named[0], "subject_zh": text[:40],
               "message_zh": f"{table_zh(note.get('table_no'))}（{titles.get(note.get('table_no'))}）的表注写的是“{named[0]}”而非"
                             f"“{own}”：{text[:60]}",
               "message_en": f"The note under table {note.get('table_no')} ({titles.get(note.get('table_no'))}) names "
                             f"{named[0]}, not the table's own {own}: copied from another table?"}
