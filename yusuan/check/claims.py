"""What reviewers check in the words: stated comparisons against their figures, names, years, completeness of
the text against the tables, sentences left without their final mark.

Text rules here run on the reflowed paragraphs of text.paragraphs (tables of contents and captions left out);
statement rules on the narrative's statements, using the columns prior_amount, percent and basis when the
narrative stage provides them (absent columns: the check is not made)."""

from __future__ import annotations

from decimal import Decimal

from ..amounts import plain
from .engine import Document, amount, compare, config, decimals, last_digit, numbers, pattern, rule, table_zh
from .locate import kind_en, kind_zh
from .narrative import _percent_ok
from .text import _SPACE, _en, _ends_sentence, _zh, paragraphs


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _half(printed: str) -> Decimal:
    return last_digit(decimals(printed.replace(",", ""))) / 2


def _paragraph_at(p: dict, text: str, start: int, end: int) -> dict:
    return {"section_zh": p["section_zh"], "page": p.get("page"), "line": p["line"], "subject_zh": text[max(0, start - 10):end][:60]}


def _direction_ok(word: str, prior: Decimal, current: Decimal, tol: Decimal) -> bool:
    kind = config()["comparison_words"]
    diff = current - prior
    if pattern(kind["more"]).fullmatch(word):
        return diff > 0
    if pattern(kind["less"]).fullmatch(word):
        return diff < 0
    if pattern(kind["roughly_same"]).fullmatch(word):
        return True   # 基本持平: a small difference is what it says
    if pattern(kind["same"]).fullmatch(word):
        return abs(diff) <= tol
    return True


def comparison(prior: Decimal, current: Decimal, word: str | None, change: str | None, percent: str | None,
               prior_printed: str, current_printed: str, completion: bool = False):
    """What is wrong with a stated comparison: (severity, expected, actual, zh, en) or None."""
    tol = _half(prior_printed) + _half(current_printed)
    diff = current - prior
    if word and not _direction_ok(word, prior, current, tol):
        return ("error", plain(diff), word, f"{plain(current)}与{plain(prior)}相比应为{'增加' if diff > 0 else '减少' if diff < 0 else '持平'}，文中称“{word}”",
                f"{plain(current)} against {plain(prior)} is {'more' if diff > 0 else 'less' if diff < 0 else 'the same'}, but the text says {word}")
    if change:
        stated = _number(change)
        ctol = tol + _half(change)
        if abs(abs(diff) - stated) > ctol:
            return ("error", plain(abs(diff)), change, f"{plain(current)}−{plain(prior)} 相差 {plain(abs(diff))}，文中称 {change}",
                    f"{plain(current)} − {plain(prior)} differs by {plain(abs(diff))}, the text says {change}")
    if percent and prior:
        stated = _number(percent)
        computed = (current / prior * 100) if completion else (abs(diff) / prior * 100)
        computed = computed.quantize(Decimal("0.0001"))
        if not _percent_ok(computed, stated, decimals(percent)):
            return ("warning", plain(computed.quantize(Decimal("0.01"))), percent,
                    f"按 {plain(current)} 与 {plain(prior)} 计算为 {plain(computed.quantize(Decimal('0.01')))}%，文中称 {percent}%",
                    f"from {plain(current)} and {plain(prior)} it is {plain(computed.quantize(Decimal('0.01')))}%, the text says {percent}%")
    return None


@rule("narrative.stated_comparison", "文字比较与所述金额一致", "Comparisons in words fit the amounts stated with them", "error",
      "说明中同一句给出两个金额并比较时（年初预算为A万元，支出决算为B万元，决算数小于预算数；上年为A万元，本年为B万元，比上年增加C万元、增长P%），"
      "大于/小于/等于/持平、增减额和百分比（以上年数或预算数为基数）应与这两个金额相符。",
      "Where a sentence gives two amounts and compares them (budget A, final B, the final is less than the budget; last "
      "year A, this year B, up C or P%), the words more/less/equal/unchanged, the change and the percentage (over the "
      "prior or budgeted amount) should fit the two amounts.",
      needs=["paragraphs"])
def stated_comparison(doc: Document):
    if _with_prior(doc):
        return   # the narrative stage read the comparisons: narrative.statement_comparison checks them, once
    for p in paragraphs(doc):
        text = p["text"]
        for spec in config()["stated_comparisons"]:
            for m in pattern(spec["pattern"]).finditer(text):
                g = m.groupdict()
                g["word"] = g.get("word") or g.get("word2") or g.get("word3")
                prior, current = _number(g["prior"]), _number(g["current"])
                found = comparison(prior, current, g.get("word"), g.get("change"), g.get("percent"), g["prior"], g["current"],
                                   spec.get("percent") == "completion")
                if found is None:
                    continue
                sev, expected, actual, zh, en = found
                yield _paragraph_at(p, text, m.start(), m.end()) | {
                    "severity": sev, "expected": expected, "actual": actual, "unit_as_printed": "万元" if "%" not in actual else "%",
                    "message_zh": f"{_zh((p['page'], p['line']))}：{zh}：{text[m.start():m.end()][:80]}",
                    "message_en": f"{_en((p['page'], p['line']))}: {en}."}


def _read_together(s: dict) -> bool:
    """Whether the statement's amount, prior amount and change are all printed in its sentence (when the narrative
    stage gives the sentence): figures paired across sentences are our reading, not the document's comparison."""
    import re

    sentence = re.sub(r"\s+", "", s.get("sentence_zh") or "")
    if not sentence:
        return True
    printed = [s.get("amount_as_printed"), s.get("prior_amount_as_printed"), s.get("change_amount_as_printed")]
    return all(str(p) in sentence for p in printed if p not in (None, ""))


def _with_prior(doc: Document) -> list[dict]:
    return [s for s in doc.rows.get("statements", []) if s.get("prior_amount") not in (None, "") and s.get("amount") not in (None, "")]


@rule("narrative.statement_comparison", "说明中的增减与上年数一致", "A statement's change fits its prior-year amount", "error",
      "说明给出本年数、上年数（或年初预算数）及增减额、百分比、完成率或比较用语（增加/减少/持平/大于/小于）时，它们应相互一致；增减百分比以所述基数为分母，完成率为本年数除以预算数。",
      "Where a statement gives the current and the prior (or initial budget) amount with a change, a percentage, a "
      "completion rate or a comparison word (more/less/unchanged), they should agree; a change percentage is over "
      "the stated base, a completion rate the amount over the budget.",
      needs=["statements"])
def statement_comparison(doc: Document):
    from .engine import in_unit

    words = {"increase": "增加", "decrease": "减少"}
    for s in _with_prior(doc):
        if not _read_together(s):
            continue   # the prior or the change was not read from the statement's own sentence: not its comparison
        unit = s.get("unit")
        prior = in_unit(amount(s["prior_amount"]), s.get("prior_unit") or unit, unit)
        current = amount(s["amount"])
        word = s.get("change_word_zh") or words.get(s.get("change_direction") or "")
        if word and not (pattern(config()["comparison_words"]["more"]).search(word)
                         or pattern(config()["comparison_words"]["less"]).search(word)
                         or pattern(config()["comparison_words"]["same"]).search(word)):
            word = None    # 增加（减少） and the like: text.template_phrase's
        elif word:
            word = next(w for kind in ("roughly_same", "same", "more", "less")
                        for w in [pattern(config()["comparison_words"][kind]).search(word)] if w).group(0)
        change = s.get("change_amount_as_printed") or s.get("change_amount")
        if change not in (None, "") and s.get("change_unit") and s.get("change_unit") != unit:
            change = plain(in_unit(amount(change), s["change_unit"], unit))
        checks = [(word, change or None, s.get("change_percent_as_printed") or s.get("change_percent") or None, False),
                  (None, None, s.get("completion_percent_as_printed") or s.get("completion_percent") or None, True)]
        for w, c, pct, completion in checks:
            if not (w or c or pct):
                continue
            found = comparison(prior, current, w, str(c) if c else None, str(pct) if pct else None,
                               str(s.get("prior_amount_as_printed") or s["prior_amount"]),
                               str(s.get("amount_as_printed") or s["amount"]), completion)
            if found is None:
                continue
            sev, expected, actual, zh, en = found
            yield {"section_zh": s.get("section_zh"), "line": s.get("line"), "page": s.get("page"),
                   "subject_zh": s.get("subject_zh"), "code": s.get("code"),
                   "severity": sev, "expected": expected, "actual": actual, "unit_as_printed": "%" if pct and sev == "warning" else unit,
                   "message_zh": f"第{s.get('line')}行{s.get('subject_zh') or ''}：{zh}。",
                   "message_en": f"Line {s.get('line')}, {s.get('subject_zh') or ''}: {en}."}
            break


@rule("names.class_renamed", "使用已更名的科目名称", "A class name no longer in use", "warning",
      "政府收支分类科目会更名（如 2019 年起“医疗卫生与计划生育支出”改为“卫生健康支出”）；以后年度的文件仍用旧名说明沿用了旧模板。",
      "Classes of the government classification are renamed over the years (医疗卫生与计划生育支出 became 卫生健康支出 "
      "in 2019); a later document using the old name was written from an old template.",
      needs=["paragraphs"])
def class_renamed(doc: Document):
    fiscal = doc.fiscal_year
    if fiscal is None:
        return
    renamed = [r for r in config()["renamed_classes"] if fiscal >= int(r["since"])]
    for p in paragraphs(doc):
        for r in renamed:
            i = p["text"].find(r["old"])
            if i >= 0:
                yield _paragraph_at(p, p["text"], i, i + len(r["old"])) | {
                    "expected": r["new"], "actual": r["old"],
                    "message_zh": f"{_zh((p['page'], p['line']))}使用旧科目名称“{r['old']}”，{r['since']}年起为“{r['new']}”。",
                    "message_en": f"{_en((p['page'], p['line']))} uses the old class name {r['old']}; since {r['since']} it is {r['new']}."}
    seen = set()
    for name, records in doc.rows.items():
        for row in records:
            label = row.get("name_zh") or row.get("expenditure_name_zh") or ""
            for r in renamed:
                if r["old"] in str(label) and (row.get("table_no"), r["old"]) not in seen:
                    seen.add((row.get("table_no"), r["old"]))
                    yield {"table_no": row.get("table_no"), "table_kind": name, "row_no": row.get("row_no"),
                           "code": row.get("code") or row.get("expenditure_code"), "expected": r["new"], "actual": r["old"],
                           "subject_zh": label,
                           "message_zh": f"{table_zh(row.get('table_no'))}使用旧科目名称“{r['old']}”，{r['since']}年起为“{r['new']}”。",
                           "message_en": f"Table {row.get('table_no')} uses the old class name {r['old']}; since {r['since']} it is {r['new']}."}


def _kinds_named(doc: Document) -> list[tuple[dict, str, int, int]]:
    """(paragraph, 部门|单位, start, end) for each place the document names its own disclosure kind."""
    out = []
    for p in paragraphs(doc):
        for m in pattern(config()["disclosure_kind"]).finditer(p["text"]):
            kind = m.group("kind") or m.group("kind2") or m.group("kind3")
            out.append((p, kind, m.start(), m.end()))
    return out


@rule("names.disclosure_kind", "部门与单位公开口径一致", "A 部门 or a 单位 disclosure throughout", "warning",
      "部门预算（决算）汇总主管部门及所属单位，单位预算只是一个单位；同一文件的标题与各部分说明（部门主要职能、单位预算编制说明）应使用同一口径。",
      "A 部门 (department) disclosure consolidates the department and its units, a 单位 disclosure is one unit; the "
      "document's headings (部门主要职能, 单位预算编制说明…) should say the same throughout.",
      needs=["paragraphs"])
def disclosure_kind(doc: Document):
    named = _kinds_named(doc)
    counts = {"部门": 0, "单位": 0}
    for _, kind, *_ in named:
        counts[kind] += 1
    if not counts["部门"] or not counts["单位"]:
        return
    usual = max(counts, key=lambda k: counts[k])
    if counts["部门"] == counts["单位"]:
        return
    for p, kind, start, end in named:
        if kind != usual:
            said = p["text"][start:end]
            yield _paragraph_at(p, p["text"], start, end) | {
                "expected": usual, "actual": kind,
                "message_zh": f"{_zh((p['page'], p['line']))}“{said}”称{kind}，文件其余各处（{counts[usual]} 处）称{usual}。",
                "message_en": f"{_en((p['page'], p['line']))} ({said}) calls the disclosure a {kind}; the rest of the document "
                              f"({counts[usual]} places) a {usual}."}


def _title_kind(doc: Document) -> str | None:
    """部门 or 单位: the kind the cover and title name (the first page's lines), when they name one only."""
    first = [p for p in doc.rows.get("paragraphs", []) if p.get("page") == 1]
    cover = "".join(_SPACE.sub("", p.get("text") or "") for p in first).split("目录")[0]
    kinds = {m.group("kind") for m in pattern(config()["unit_speaks"]["title"]).finditer(cover)}
    return kinds.pop() if len(kinds) == 1 else None


@rule("names.unit_speaks_of_department", "单位公开称部门预算", "A unit's disclosure speaks of its 部门预算", "warning",
      "单位预算（决算）公开只是一个单位；正文（标题之外的说明文字）称“本部门预算”“部门预算收入”，多为沿用主管部门的模板文字。"
      "“部门预算支出经济分类”等科目体系的名称不算。",
      "A unit's disclosure (单位预算) is one unit's; body text that speaks of the 部门预算 (the department's budget: "
      "部门预算收入…) was usually copied from the department's template. Names of the classification (部门预算支出经济分类) "
      "do not count.",
      needs=["paragraphs"])
def unit_speaks_of_department(doc: Document):
    if _title_kind(doc) != "单位":
        return
    spec = config()["unit_speaks"]
    said, exempt = pattern(spec["department"]), pattern(spec["exempt"])
    for p in paragraphs(doc):
        if p["is_heading"] or not pattern(config()["prose_mark"]).search(p["text"]):
            continue   # headings are names.disclosure_kind's; a line without prose marks is a title or a table's name
        for m in said.finditer(p["text"]):
            if exempt.search(p["text"][max(0, m.start() - 12):m.end() + 8]):
                continue
            at = p["text"][max(0, m.start() - 15):m.end() + 15]
            yield _paragraph_at(p, p["text"], m.start(), m.end()) | {
                "expected": "单位", "actual": m.group(0),
                "message_zh": f"{_zh((p['page'], p['line']))}单位预算公开的正文称“{m.group(0)}”：{at}",
                "message_en": f"{_en((p['page'], p['line']))}: this unit's disclosure (单位预算) speaks of the department's "
                              f"budget ({m.group(0)}) in its text."}


@rule("names.body_name", "说明中的单位名称与文件一致", "The body named in the headings is the document's", "warning",
      "“XX（部门）主要职能”“XX（单位）机构设置”等标题中的名称应是文件封面的单位名称；不同的名称多为沿用其他单位的模板。",
      "The name in headings such as XX（部门）主要职能 should be the body on the cover; another name usually means "
      "another body's text was reused.",
      needs=["paragraphs"])
def body_name(doc: Document):
    own = (doc.info.get("department_zh") or "").strip()
    if not own:
        return
    short = doc.info.get("department_short_zh") or own
    for p in paragraphs(doc):
        m = pattern(config()["body_heading"]).match(p["text"])
        if not m:
            continue
        name = m.group("name")
        if name in own or own in name or name in short or short in name:
            continue
        yield _paragraph_at(p, p["text"], 0, m.end()) | {
            "expected": own, "actual": name,
            "message_zh": f"{_zh((p['page'], p['line']))}标题中的名称“{name}”不是本文件的单位“{own}”。",
            "message_en": f"{_en((p['page'], p['line']))}: the heading names {name}, not the document's body {own}."}


def _years_allowed(doc: Document) -> set[int] | None:
    fiscal = doc.fiscal_year
    if fiscal is None:
        return None
    spec = config()["document_years"].get(doc.info.get("phase") or "budget", config()["document_years"]["budget"])
    return {fiscal + k for k in spec}


@rule("text.document_year", "所称预算（决算）年度与文件年度相符", "The budget or final-accounts year named fits the document", "warning",
      "Y 年预算文件称本年预算为 Y 年、上年为 Y−1 年；Y 年决算文件称 Y 年决算、Y 年预算（年初预算）及 Y−1 年。其他年份的“X年预算/决算”说明年份未更新。",
      "A budget for year Y names the Y budget and compares with Y−1; final accounts of Y name the Y final and "
      "budget and Y−1. Any other 'X年预算/决算' means the year was not updated.",
      needs=["paragraphs"])
def document_year(doc: Document):
    allowed = _years_allowed(doc)
    if not allowed:
        return
    for p in paragraphs(doc):
        for m in pattern(config()["document_year"]).finditer(p["text"]):
            year = int(m.group("year"))
            if year in allowed:
                continue
            yield _paragraph_at(p, p["text"], m.start(), m.end()) | {
                "expected": "、".join(str(y) for y in sorted(allowed)), "actual": str(year),
                "message_zh": f"{_zh((p['page'], p['line']))}“{m.group(0)}”：{doc.fiscal_year}年{doc.info.get('phase_zh') or ''}文件中出现{year}年：{p['text'][max(0, m.start() - 15):m.end() + 15]}",
                "message_en": f"{_en((p['page'], p['line']))}: {m.group(0)} in a document of fiscal year {doc.fiscal_year}."}


@rule("text.final_mark", "句末缺少标点", "A paragraph left without its final mark", "info",
      "说明的段落应以句号等标点结束；段落在下一标题或表格前戛然而止，多为文字被截断或漏删。",
      "A narrative paragraph ends with a full stop or another final mark; one that stops before the next heading "
      "or table was usually cut or left half-deleted.",
      needs=["paragraphs"])
def final_mark(doc: Document):
    minimum = int(config()["final_mark_min_chars"])
    prose = pattern(config()["final_mark_prose"])
    allowed = pattern(config()["final_mark_exempt"])
    from .text import _running_lines

    running = _running_lines(doc)
    found = paragraphs(doc)
    for i, p in enumerate(found):
        text = p["text"]
        if p["is_heading"] or len(text) < minimum or _ends_sentence(text) or not prose.search(text) or allowed.search(text):
            continue
        following = found[i + 1] if i + 1 < len(found) else None
        if following is None or (p.get("last_page") is not None and following.get("page") != p.get("last_page")):
            continue   # the last paragraph of a page (or of the text): it may run on past the page break
        if any(text.endswith(r) for r in running) or pattern(config()["running_head_words"]).search(text[-30:]):
            continue   # a running head read into the paragraph
        yield _paragraph_at(p, text, len(text) - 30, len(text)) | {
            "actual": text[-15:],
            "message_zh": f"{_zh((p['page'], p['line']))}段落没有结束标点：…{text[-25:]}",
            "message_en": f"{_en((p['page'], p['line']))}: the paragraph ends without a final mark."}


@rule("text.cut_at_page_foot", "页末文字中断", "Text cut at a page's foot", "warning",
      "页面最后一段没有结束标点，下一页也没有接续（下一页以新的标题、编号段落或表格开始），文字多在排版时被截去。"
      "同一部分其他段落也不用句号（如名词解释的条目）时不算。",
      "The last paragraph of a page ends without a final mark and the next page does not continue it (it opens "
      "with a heading, a numbered paragraph or a table): text was cut in layout. Not where the section's other "
      "paragraphs go without final marks too (a glossary's entries).",
      needs=["paragraphs"])
def cut_at_page_foot(doc: Document):
    minimum = int(config()["review"]["cut_at_page_foot"]["min_chars"])
    prose = pattern(config()["final_mark_prose"])
    exempt = pattern(config()["review"]["cut_at_page_foot"]["exempt_end"])
    found = paragraphs(doc)

    def open_end(p: dict) -> bool:
        text = p["text"]
        return not (p["is_heading"] or len(text) < minimum or _ends_sentence(text) or not prose.search(text)
                    or exempt.search(text))

    unmarked = {}
    for p in found:
        if open_end(p):
            unmarked[p["section_zh"]] = unmarked.get(p["section_zh"], 0) + 1
    for i, p in enumerate(found):
        following = found[i + 1] if i + 1 < len(found) else None
        if not open_end(p) or p.get("last_page") is None or following is None:
            continue   # the last paragraph of the text may end the document as printed
        if following.get("page") == p.get("last_page") or unmarked.get(p["section_zh"], 0) > 1:
            continue   # not at a page's foot; or a section whose paragraphs go without final marks
        if pattern(config()["running_head_words"]).search(p["text"][-30:]):
            continue   # a running head read into the paragraph
        text = p["text"]
        yield _paragraph_at(p, text, len(text) - 30, len(text)) | {
            "page": p["last_page"], "line": p["lines"][-1], "actual": text[-15:],
            "message_zh": f"第{p['last_page']}页末段落没有结束，下一页（第{following.get('page')}页）另起：…{text[-25:]}",
            "message_en": f"The last paragraph of page {p['last_page']} stops without its end and page "
                          f"{following.get('page')} does not continue it (…{text[-15:]})."}


@rule("complete.stated_but_blank", "说明有金额而表为空", "The text states an amount its table prints blank", "error",
      "说明称有政府性基金、国有资本经营预算或“三公”经费等金额，而对应的表印刷为空表（或注明本表无数据），二者必有一处错误。",
      "The text states an amount (government funds, state capital, 'three public' costs…) while the table for it is "
      "printed blank (or noted as having no data): one of them is wrong.",
      needs=["paragraphs", "facts"])
def stated_but_blank(doc: Document):
    from .completeness import present_kinds

    present = present_kinds(doc)
    amounts = {f["table_no"] for f in doc.facts() if f.get("amount_yuan") not in (None, "", "0")}
    for spec in config()["stated_tables"]:
        kinds = [k for k in spec["kinds"] if k in present]
        if not kinds:
            continue
        table_no = present[kinds[0]]
        if table_no in amounts:
            continue
        for p in paragraphs(doc):
            for m in pattern(spec["pattern"]).finditer(p["text"]):
                if _number(m.group("amount")) == 0:
                    continue
                yield _paragraph_at(p, p["text"], m.start(), m.end()) | {
                    "table_no": table_no, "table_kind": kinds[0], "expected": "0", "actual": m.group("amount"),
                    "message_zh": f"{_zh((p['page'], p['line']))}称“{m.group(0)}”，而{table_zh(table_no)}“{kind_zh(kinds[0])}”为空表。",
                    "message_en": f"{_en((p['page'], p['line']))} states {m.group(0)} but table {table_no} ({kind_en(kinds[0])}) is blank."}
                break


@rule("complete.note_against_amounts", "空表说明与印刷金额矛盾", "An empty-table note on a table that prints amounts", "error",
      "表注称“本表无数据”“本表为空表”，而表中印刷了非零金额：表注或金额有一处错误。",
      "The note says the table has no data (本表无数据, 本表为空表) while it prints amounts other than zero: the note "
      "or the amounts are wrong.",
      needs=["table_notes", "facts"])
def note_against_amounts(doc: Document):
    empty = pattern(config()["empty_table_note"])
    amounts: dict[object, int] = {}
    for f in doc.facts():
        if f.get("amount_yuan") not in (None, "", "0") and Decimal(str(f["amount_yuan"])) != 0:
            amounts[f["table_no"]] = amounts.get(f["table_no"], 0) + 1
    for n in doc.rows.get("table_notes", []):
        text = n.get("text") or ""
        if empty.search(text) and amounts.get(n.get("table_no")):
            yield {"table_no": n.get("table_no"), "table_kind": n.get("table_kind"), "line": n.get("line"),
                   "actual": str(amounts[n["table_no"]]), "subject_zh": text[:40],
                   "message_zh": f"{table_zh(n.get('table_no'))}的表注称“{text[:40]}”，而表中有 {amounts[n['table_no']]} 个非零金额。",
                   "message_en": f"Table {n.get('table_no')}'s note says it is empty, but it prints {amounts[n['table_no']]} amounts other than zero."}


@rule("text.as_of_date", "截至日期与文件年度相符", "An as-of date fits the fiscal year and phase", "warning",
      "Y 年预算说明上年末或上年年中（截至 Y−1 年）的资产等情况；Y 年决算说明截至 Y 年末的情况。其他年份的“截至”日期说明沿用了旧文本。",
      "A budget for year Y reports assets and the like as of a date in Y−1; final accounts of Y as of the end of Y. "
      "An as-of date in another year means an old text was reused.",
      needs=["paragraphs"])
def as_of_date(doc: Document):
    fiscal = doc.fiscal_year
    if fiscal is None:
        return
    spec = config()["as_of_years"]
    allowed = {fiscal + k for k in spec.get(doc.info.get("phase") or "budget", spec["budget"])}
    for p in paragraphs(doc):
        for m in pattern(config()["as_of_date"]).finditer(p["text"]):
            year = int(m.group("year"))
            if year in allowed or _early_in_year(doc, year, m.group(0)):
                continue
            yield _paragraph_at(p, p["text"], m.start(), m.end()) | {
                "expected": "、".join(str(y) for y in sorted(allowed)), "actual": m.group(0),
                "message_zh": f"{_zh((p['page'], p['line']))}“{m.group(0)}”：{fiscal}年{doc.info.get('phase_zh') or ''}应截至{'、'.join(str(y) for y in sorted(allowed))}年。",
                "message_en": f"{_en((p['page'], p['line']))}: {m.group(0)} in a document of fiscal year {fiscal} ({doc.info.get('phase') or 'budget'})."}


def _early_in_year(doc: Document, year: int, said: str) -> bool:
    """An as-of date in the first months of the fiscal year itself, in a budget published then (as_of_early_months)."""
    import re

    months = config().get("as_of_early_months", {}).get(doc.info.get("phase") or "budget")
    month = re.search(r"年(\d{1,2})月", said)
    return bool(months and month and year == doc.fiscal_year and int(month.group(1)) <= int(months))
