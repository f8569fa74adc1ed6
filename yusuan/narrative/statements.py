"""第三部分: every figure the narrative states, with its change, share and reason (resource `statements`).

A paragraph is read left to right as a run of events (metadata/narrative/statements.yaml): a figure (number and
unit), a change (增加/减少 … amount or percent), a share (占X%), a reason (主要原因是…), a threshold that is part
of a name (50万元以上), and the end of a sentence. A figure opens a statement named by the words before it; a
change, share or reason belongs to the statement it follows, or opens its own when it names its own subject.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from ..amounts import plain, to_yuan
from ..knowledge import load
from .text import Located, in_part
from .topics import classify, label


EVENTS = ("ev_reason", "ev_change", "ev_share", "ev_threshold", "ev_figure", "ev_end")


def spec() -> dict:
    return load("narrative/statements")


@cache
def _events() -> re.Pattern:
    s = spec()
    units = "|".join(re.escape(u) for u in sorted(s["units"], key=len, reverse=True))
    return re.compile(
        f"(?P<ev_reason>{s['reason']})|(?P<ev_change>{s['change']})|(?P<ev_share>{s['share']})"
        f"|(?P<ev_threshold>{s['threshold']})|(?P<ev_figure>(?P<num>{s['number']})\\s*(?P<unit>{units}))"
        f"|(?P<ev_end>{s['sentence_end']})"
    )


def rows(located: list[Located], info: dict) -> list[dict]:
    out: list[dict] = []
    context, section = "", None
    for p in in_part(located, "statements_part"):
        if (p.section_zh, p.subsection_zh) != section:
            context, section = "", (p.section_zh, p.subsection_zh)
        match = re.match(spec()["context"], p.bare)
        if match:
            context = match.group("context")
        if p.is_heading:
            continue
        for row in _paragraph(p, info, context):
            row["statement_no"] = len(out) + 1
            out.append(row)
    return out


def _paragraph(p: Located, info: dict, context: str) -> list[dict]:
    text = p.bare
    found: list[dict] = []
    cursor = 0
    current: dict | None = None  # the statement the sentence is about so far
    for event in _events().finditer(text):
        kind = next(k for k in EVENTS if event.group(k) is not None)
        if kind == "ev_threshold":
            continue
        gap = text[cursor:event.start()]
        if kind == "ev_figure":
            current = _new(p, info, context, text, event.start(), gap, found)
            current["amount_as_printed"] = event.group("num")
            current["unit"] = event.group("unit")
            found.append(current)
            _settle(current, found)
        elif kind == "ev_change":
            subject = _subject(gap, info)
            if subject or (current is None and not found):
                current = _new(p, info, context, text, event.start(), gap, found)
                found.append(current)
                _settle(current, found)
            elif current is None:
                current = found[0]
            _change(current, event)
        elif kind == "ev_share" and (current or found):
            (current or found[-1])["share_percent"] = event.group("snum")
        elif kind == "ev_reason" and found:
            target = next((s for s in reversed(found) if s["change_direction_word"] is not None and not s["reason_zh"]), found[-1])
            target["reason_zh"] = event.group("reason")
        elif kind == "ev_end":
            current = None
        cursor = event.end()
    for row in found:
        _finish(row)
    return found


def _subject(gap: str, info: dict) -> str:
    s = spec()
    piece = re.split(s["delimiters"], gap)[-1]
    body = "|".join(re.escape(n) for n in (info.get("department_short_zh"), info.get("department_zh")) if n)
    prefix = s["subject_prefix"].replace("{body}", f"(?:{body})" if body else "(?!)")
    piece = re.sub(prefix, "", piece)
    piece = re.sub(s["subject_suffix"], "", piece)
    return piece


def _new(p: Located, info: dict, context: str, text: str, start: int, gap: str, found: list[dict]) -> dict:
    subject = _subject(gap, info)
    code = ""
    match = re.match(spec()["code"], subject)
    if match:
        code, subject = match.group("code"), match.group("rest")
    begin = text.rfind("。", 0, start) + 1
    end = text.find("。", start)
    return {
        "document_id": info["document_id"], "page": p.page, "line": p.line, "part_zh": p.part_zh, "section_zh": p.section_zh,
        "subsection_zh": p.subsection_zh, "context_zh": context, "topic": None, "code": code, "subject_zh": subject,
        "amount_as_printed": None, "unit": None, "share_percent": None, "change_direction_word": None,
        "change_amount_as_printed": None, "change_unit": None, "change_percent": None, "reason_zh": None,
        "sentence_zh": text[begin: end + 1 if end >= 0 else len(text)],
    }


def _settle(row: dict, found: list[dict]) -> None:
    """The topic: from the subject, or, for a bare 价值, from the count or area it follows."""
    s = spec()
    previous = found[-2] if len(found) > 1 else None
    if re.match(s["value_subject"], row["subject_zh"]) and previous and previous["topic"] in s["value_of"]:
        row["topic"] = s["value_of"][previous["topic"]]
        return
    row["topic"] = classify(row["subject_zh"], row["sentence_zh"], row["unit"], row["code"])


def _change(row: dict, event: re.Match) -> None:
    if event.group("cunit") == "%":
        row["change_percent"] = event.group("cnum")
        row["change_direction_word"] = row["change_direction_word"] or event.group("cword")
        return
    row["change_direction_word"] = event.group("cword")
    row["change_amount_as_printed"] = event.group("cnum")
    row["change_unit"] = event.group("cunit")


def _finish(row: dict) -> None:
    s = spec()
    row["topic_zh"], row["topic_en"] = label(row["topic"])
    amount = Decimal(row["amount_as_printed"]) if row["amount_as_printed"] is not None else None
    row["amount"] = plain(amount) if amount is not None else None
    row["amount_yuan"] = plain(to_yuan(amount, row["unit"])) if amount is not None and row["unit"] in s["money_units"] else None
    change = Decimal(row["change_amount_as_printed"]) if row["change_amount_as_printed"] is not None else None
    row["change_amount"] = plain(change) if change is not None else None
    word = row.pop("change_direction_word")
    row["change_word_zh"] = word
    row["change_direction"] = direction(word, change, row["change_percent"])


def direction(word: str | None, change: Decimal | None, percent: str | None) -> str:
    """increase / decrease; none when no change is stated or it is zero; unstated for 增加（减少） of non-zero."""
    s = spec()
    if word is None:
        return "none"
    size = change if change is not None else Decimal(percent or "0")
    if size == 0:
        return "none"
    if word in s["either_words"]:
        return "unstated"
    return "decrease" if word in s["decrease_words"] else "increase"
