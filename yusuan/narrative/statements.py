"""Every figure the narrative states, with its change, base, prior amount, share, reason and code (`statements`).

A paragraph of any narrative part (预算编制说明, 情况说明, 决算说明, 其他相关情况说明, project explanations) is read
left to right as a run of events (metadata/narrative/statements.yaml): a figure (number and unit), a name chain
naming a functional code, a prior amount with its base (2023年当年预算执行数为…, 年初预算为…), the base of a change
(比2024年预算, 与2023年度相比), a change (增加/减少 … amount or percent) or no change (持平), final accounts against
the budget (决算数小于预算数), a completion (完成年初预算的…%), a share (占X%), a reason (主要原因是…), a threshold that
is part of a name (50万元以上), and the end of a sentence. A figure opens a statement named by the words before it;
the rest belongs to the statement it follows, or opens its own when it names its own subject.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from ..amounts import plain, to_yuan
from ..knowledge import load
from . import chains
from .text import Located
from .topics import classify, label

EVENTS = ("ev_reason", "ev_chain", "ev_prior", "ev_versus", "ev_basis", "ev_change", "ev_flat", "ev_completion",
          "ev_share", "ev_threshold", "ev_figure", "ev_end")


@cache
def spec() -> dict:
    return load("narrative/statements")


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@cache
def _events() -> re.Pattern:
    s = spec()
    n = s["number"]
    units = "|".join(re.escape(u) for u in sorted(s["units"], key=len, reverse=True))
    chain = "|".join(c["pattern"].replace("(?P<chain>", f"(?P<chain{i}>") for i, c in enumerate(s["chains"]))
    parts = {
        "ev_reason": s["reason"], "ev_chain": chain, "ev_prior": s["prior"], "ev_versus": s["versus"],
        "ev_basis": s["basis"], "ev_change": s["change"], "ev_flat": s["flat"], "ev_completion": s["completion"],
        "ev_share": s["share"], "ev_threshold": s["threshold"],
        "ev_figure": f"(?P<num>{{number}})\\s*(?P<unit>{units})", "ev_end": s["sentence_end"],
    }
    return re.compile("|".join(f"(?P<{k}>{v.replace('{number}', n)})" for k, v in parts.items()))


@cache
def _figure() -> re.Pattern:
    s = spec()
    units = "|".join(re.escape(u) for u in sorted(s["units"], key=len, reverse=True))
    return re.compile(f"(?:{s['number']})\\s*(?:{units})")


def rows(located: list[Located], info: dict, codes: list[dict] | None = None) -> list[dict]:
    out: list[dict] = []
    known = chains.names(codes or [])
    layout = load("narrative/sections")
    context, section = "", None
    lead = ""  # a heading without a figure, cut from the figure it names ((六)2080505-机关事业…缴费支出 | 442.44万元。)
    for p in narrative(located):
        if (p.part_zh, p.section_zh, p.subsection_zh) != section:
            context, section = "", (p.part_zh, p.section_zh, p.subsection_zh)
        match = next((m for m in (re.match(c, p.bare) for c in spec()["context"]) if m), None)
        if match:
            context = match.group("context")
        elif re.match(layout["project_part"], p.part_zh):
            context = re.match(layout["project_part"], p.part_zh).group("name") or context
        if p.is_heading and not re.search(_figure(), p.bare):
            lead = p.bare
            continue  # a heading that states a figure ((一)本年财政拨款收入515,256.66万元) is read like a paragraph
        continues = out and not re.match(layout["item_start"], p.bare) and (
            out[-1]["part_zh"], out[-1]["section_zh"], out[-1]["subsection_zh"]) == section
        money_only = any(re.search(layout["statements_money_only"], h) for h in (p.part_zh, p.section_zh, p.subsection_zh) if h)
        opens = re.match(f"(?:{spec()['number']})\\s*(?:{'|'.join(map(re.escape, spec()['units']))})", p.bare)
        found, alone = _paragraph(p, info, context, known, out[-1] if continues else None, money_only,
                                  re.sub(layout["item_start"], "", lead) if opens else "")
        lead = ""
        if alone:
            _orphan_reason(p, alone, out)
        for row in found:
            row["statement_no"] = len(out) + 1
            out.append(row)
    for row in out:
        _finish(row, info)
    return out


def narrative(located: list[Located]) -> list[Located]:
    """Every narrative paragraph that may state a figure, whatever part or section it sits in (the part is context,
    never a gate): not the glossary, not a contents page (metadata/narrative/sections.yaml statements_skip)."""
    skip = load("narrative/sections")["statements_skip"]
    return [p for p in located if not any(re.search(skip, h) for h in (p.part_zh, p.section_zh, p.subsection_zh) if h)]


def _orphan_reason(p: Located, reason: str, out: list[dict]) -> None:
    """A reason printed alone (财政拨款收入支出减少的主要原因是项目调整。) explains the changes just stated before it
    in the same section that have no reason yet."""
    for row in reversed(out):
        if (row["part_zh"], row["section_zh"]) != (p.part_zh, p.section_zh) or row["reason_zh"]:
            break
        stated = direction(row["change_direction_word"], _exact(row["change_amount_as_printed"]), row["change_percent_as_printed"])
        if stated in ("increase", "decrease", "unstated"):
            row["reason_zh"] = reason


def _kind(event: re.Match) -> str:
    return next(k for k in EVENTS if event.group(k) is not None)


def _chain(event: re.Match) -> tuple[str, list[str], int]:
    """The chain as printed, its names, and the level it starts at (0 = 类, 1 = 款)."""
    s = spec()
    for i, c in enumerate(s["chains"]):
        text = event.group(f"chain{i}")
        if text is not None:
            return text, [n for n in re.split(c["split"], text) if n], c.get("start", 0)
    raise ValueError(event.group(0))


def _paragraph(p: Located, info: dict, context: str, known: dict, carry: dict | None = None,
               money_only: bool = False, lead: str = "") -> tuple[list[dict], str]:
    """The statements of one paragraph, and the reason it gives before any statement of its own (it explains the
    statements before it); carry is the last statement of the paragraph before when this one continues it (no new
    item): a prior amount or restatement with no subject of its own belongs to it. A reason clause (主要原因是…) is
    read too: a figure or change in it with a subject of its own is a statement of its own."""
    s = spec()
    text = p.bare
    found: list[dict] = []
    cursor = 0
    saved = ""  # the words before a base of comparison: they still name the change that follows it
    current: dict | None = None  # the statement the sentence is about so far
    chain: tuple[str, list[str], int] | None = None  # a name chain waiting for its figure
    prior: dict | None = None  # a prior amount waiting for its figure
    pending_subject = ""  # the subject of that prior amount (一般公共预算财政拨款支出年初预算为…)
    basis: str | None = None  # a base of comparison waiting for its change
    reason_end = -1  # where the reason clause being read ends
    alone = ""  # a reason given before any statement of this paragraph
    for event in _events().finditer(text):
        kind = _kind(event)
        if kind == "ev_threshold":
            continue
        gap = saved + text[cursor:event.start()] or (lead if cursor == 0 else "")
        saved = ""
        in_reason = event.start() < reason_end
        num, unit = event.group("num"), event.group("unit")
        if kind == "ev_prior" and _this_year(event.group("pbase"), info):
            # 2026年年初预算数14,770.62万元 in the 2026 budget is this year's figure, not a prior amount
            kind, num, unit = "ev_figure", event.group("pnum"), event.group("punit")
            gap = gap if _subject(gap, info) else _subject(gap, info, True) or event.group("pbase")
        if money_only and (kind == "ev_figure" and unit not in s["money_units"]
                           or kind == "ev_change" and event.group("cunit") not in s["money_units"]):
            pass  # a count under the organisation's headings (内设机构10个, 人数增加了5人) is staffing's, not a statement
        elif kind == "ev_chain":
            chain = _chain(event)
        elif kind == "ev_basis":
            basis = event.group("bbase")
            saved = gap
        elif kind == "ev_prior":
            subject = _subject(gap, info)
            held = {"prior_amount_as_printed": event.group("pnum"), "prior_unit": event.group("punit"),
                    "prior_basis_zh": event.group("pbase") or event.group("pbase2")}
            target = current or (found[-1] if found else carry)
            if subject or chain or target is None or target["prior_amount_as_printed"] is not None:
                prior, pending_subject = held, subject
            else:
                target.update(held)
                current = target  # the change that follows is the same statement's
        elif kind == "ev_figure":
            subject = _subject(gap, info)
            last = found[-1] if found else carry
            restated = bool(re.match(s["restatement_subject"], subject)) and last is not None
            if restated and last["amount_as_printed"] == num and last["unit"] == unit:
                current = last
            else:
                current = _new(p, info, context, text, event.start(), gap, found)
                current["amount_as_printed"] = num
                current["unit"] = unit
                current["_end"] = event.end()
                generic = bool(re.match(s["generic_subject"], current["subject_zh"]))
                if generic and (chain or pending_subject):
                    current["subject_zh"] = chain[0] if chain else pending_subject
                elif generic and not found and _title(text):  # 1.因公出国（境）费用。2026年预算数69.78万元
                    current["subject_zh"] = _title(text)
                if chain and generic:  # the chain names this figure (…（项）”25.77万元 / …科目1,202.95万元)
                    _coded(current, chain, known)
                chain = None  # a figure with a subject of its own is not the chain's (…（项）:2021年总计预算数为…)
                if prior:
                    current.update(prior)
                    prior, pending_subject = None, ""
                found.append(current)
                if restated:  # the same item restated with another amount: a statement of that item
                    current.update({k: last[k] for k in ("code", "code_source", "code_chain_zh", "topic")})
                else:
                    _settle(current, found)
        elif kind in ("ev_flat", "ev_versus") and in_reason:
            pass  # a reason that something did not change (主要原因是：科普活动经费保持不变) states no figure
        elif kind in ("ev_change", "ev_flat", "ev_versus"):
            subject = _subject(gap, info)
            if re.match(s["generic_subject"], subject):
                subject = ""
            same = next((r for r in reversed(found) if subject and r["subject_zh"] == subject), None)
            opened = _bracketed(text, gap, event.start(), found) if not subject else None
            if opened is not None:  # …运行维护费61.49万元（购置费…；运行维护费…。）比上年增加3.5万元: the total's
                current = opened
            elif same is not None:
                current = same
            elif not subject and not found and carry is not None and not in_reason:
                current = carry
            elif subject or (current is None and not found) or (in_reason and current is None):
                current = _new(p, info, context, text, event.start(), gap, found, in_reason)
                found.append(current)
                _settle(current, found)
            elif current is None:
                # after the sentence: a numbered item's change is the item's (4.研究调研活动166.02万元，主要包括：…。较
                # 2025年年初预算增加28.46万元); otherwise the last figure's without one (…；项目支出148,941.8万元，主要
                # 用于…。比2025年增加8,385.34万元)
                numbered = re.match(load("narrative/sections")["item_start"], text)
                current = found[0] if numbered else next(
                    (r for r in reversed(found) if r["change_direction_word"] is None), found[-1])
            if kind == "ev_change" and _taken(current, event):  # a second change of its own: another statement
                current = _new(p, info, context, text, event.start(), gap, found, True)
                found.append(current)
                _settle(current, found)
            if kind == "ev_change":
                _change(current, event)
            elif kind == "ev_flat":
                current["change_direction_word"] = current["change_direction_word"] or event.group("fword")
                if event.group("fword").startswith("与预算数"):
                    basis = basis or "预算数"
            else:
                current["change_direction_word"] = current["change_direction_word"] or event.group("vword")
                basis = basis or "预算数"
            if basis and current["prior_basis_zh"] is None:
                current["prior_basis_zh"] = basis
            basis = None
        elif kind == "ev_completion" and (current or found or carry):
            row = current or (found[-1] if found else carry)  # a rate printed on its own: the statement before's
            row["completion_percent_as_printed"] = event.group("compnum")
            row["completion_of_zh"] = event.group("compof")
        elif kind == "ev_share" and (current or found or carry):
            row = current or (found[-1] if found else carry)
            row["share_percent_as_printed"] = event.group("snum")
            row["share_of_zh"] = event.group("sof") or None
        elif kind == "ev_reason":
            reason_end = event.end() + len(event.group("reason"))
            if found:
                target = next((r for r in reversed(found) if r["change_direction_word"] is not None and not r["reason_zh"]), found[-1])
                target["reason_zh"] = event.group("reason")
            elif event.group("reason"):
                alone = event.group("reason")
            current, basis = None, None  # what the clause states has a subject of its own
        elif kind == "ev_end":
            current, basis = None, None
        cursor = event.end()
    if prior:  # a prior amount no figure followed: still a figure the narrative states
        row = _new(p, info, context, text, len(text) - 1, "", found)
        row.update(prior, subject_zh=pending_subject)
        found.append(row)
        _settle(row, found)
    return found, alone


def _bracketed(text: str, gap: str, start: int, found: list[dict]) -> dict | None:
    """When the words before a change open with a closing bracket (…费61.49万元（其中…。）比上年增加3.5万元), the
    figure printed just before the matching opening bracket."""
    if not gap.strip() or gap.strip()[0] not in ")）":
        return None
    depth, at = 0, None
    for i in range(max(text.rfind(")", 0, start), text.rfind("）", 0, start)), -1, -1):
        if text[i] in ")）":
            depth += 1
        elif text[i] in "(（":
            depth -= 1
            if depth == 0:
                at = i
                break
    if at is None:
        return None
    return next((r for r in reversed(found) if r.get("_end") is not None and r["_end"] <= at
                 and not text[r["_end"]:at].strip()), None)


def _title(text: str) -> str:
    """The title a numbered item opens with, a sentence of its own without a figure (1.因公出国（境）费用。)."""
    match = re.match(spec()["item_title"], text)
    return match.group("title") if match else ""


def _this_year(base: str | None, info: dict) -> bool:
    """A base of a budget's own year (2026年年初预算数 in the 2026 budget): what follows is this year's figure."""
    year = re.match(r"(\d{4})", base or "")
    return bool(year) and info.get("phase") == "budget" and int(year.group(1)) == info.get("fiscal_year")


def _taken(row: dict, event: re.Match) -> bool:
    """The statement already has a change of this kind (an amount, or a percent) other than this one."""
    if event.group("cunit") == "%":
        return row["change_percent_as_printed"] not in (None, event.group("cnum"))
    return row["change_amount_as_printed"] is not None


def _subject(gap: str, info: dict, clause: bool = False) -> str:
    """The words that name a figure: the last piece of the gap before it; in a reason clause (…纳入预算草案，增加
    1,332.00万元) the last piece that is not empty."""
    s = spec()
    pieces = re.split(s["delimiters"], gap)
    piece = next((x for x in reversed(pieces) if x), "") if clause else pieces[-1]
    body = "|".join(re.escape(n) for n in (info.get("department_short_zh"), info.get("department_zh")) if n)
    prefix = s["subject_prefix"].replace("{body}", f"(?:{body})" if body else "(?!)")
    piece = re.sub(prefix, "", piece)
    piece = re.sub(s["subject_suffix"], "", piece)
    return piece


def _new(p: Located, info: dict, context: str, text: str, start: int, gap: str, found: list[dict], clause: bool = False) -> dict:
    subject = _subject(gap, info, clause)
    code = ""
    match = re.match(spec()["code"], subject)
    if match:
        code, subject = match.group("code"), match.group("rest")
    begin = text.rfind("。", 0, start) + 1
    end = text.find("。", start)
    sentence = text[begin: end + 1 if end >= 0 else len(text)]
    page, line = p.at(start)
    return {
        "document_id": info["document_id"], "page": page, "line": line, "part_zh": p.part_zh,
        "section_zh": p.section_zh, "subsection_zh": p.subsection_zh, "context_zh": context, "topic": None,
        "code": code, "code_source": "printed" if code else None, "code_chain_zh": None, "subject_zh": subject,
        "amount_as_printed": None, "unit": None, "share_percent": None, "share_percent_as_printed": None,
        "share_of_zh": None, "change_direction_word": None, "change_amount_as_printed": None, "change_unit": None,
        "change_percent": None, "change_percent_as_printed": None, "prior_amount_as_printed": None, "prior_unit": None,
        "prior_basis_zh": None, "completion_percent_as_printed": None, "completion_of_zh": None, "reason_zh": None,
        "planned": bool(re.search(spec()["planned"], sentence)), "sentence_zh": sentence,
    }


def _coded(row: dict, chain: tuple[str, list[str], int], known: dict) -> None:
    """The code of the name chain the figure follows: the digits it prints, or the code every name of the chain
    resolves to."""
    printed, names, start = chain
    row["code_chain_zh"] = printed
    digits = chains.printed(printed, start)
    if digits:  # digits printed in the chain are its code (the check compares it with the tables)
        row["code"], row["code_source"] = digits, "printed"
        return
    code = chains.resolve(names, known, start)
    row["code"] = code or ""
    row["code_source"] = "name_chain" if code else "unresolved"
    if not code:
        row["chain_depth"] = len(names) + start


def _settle(row: dict, found: list[dict]) -> None:
    """The topic: from the code of a name chain; from the subject; or, for a bare 价值, from the count it follows."""
    s = spec()
    if row["code_source"] == "name_chain" or row["code_chain_zh"] and row["code_source"] == "printed":
        row["topic"] = classify("", "", row["unit"], row["code"])
        return
    if row["code_source"] == "unresolved":
        row["topic"] = s["chain_topics"][min(row.pop("chain_depth"), 3) - 1]
        return
    previous = found[-2] if len(found) > 1 else None
    if re.match(s["value_subject"], row["subject_zh"]) and previous and previous["topic"] in s["value_of"]:
        row["topic"] = s["value_of"][previous["topic"]]
        return
    row["topic"] = classify(row["subject_zh"], row["sentence_zh"], row["unit"], row["code"])


def _change(row: dict, event: re.Match) -> None:
    if event.group("cunit") == "%":
        row["change_percent_as_printed"] = event.group("cnum")
        row["change_direction_word"] = row["change_direction_word"] or event.group("cword")
        return
    row["change_direction_word"] = event.group("cword")
    row["change_amount_as_printed"] = event.group("cnum")
    row["change_unit"] = event.group("cunit")


def _exact(printed: str | None) -> Decimal | None:
    return _num(printed) if printed is not None else None


def _yuan(amount: Decimal | None, unit: str | None) -> str | None:
    return plain(to_yuan(amount, unit)) if amount is not None and unit in spec()["money_units"] else None


def basis(printed: str | None, info: dict) -> tuple[str | None, int | None]:
    """The key of a base of comparison as printed (metadata/narrative/statements.yaml bases) and its year."""
    if not printed:
        return None, None
    s = spec()
    year_match = re.search(r"(\d{4})", printed)
    fiscal = info.get("fiscal_year")
    kind = next((b["key"] for b in s["bases"] if re.search(b["pattern"], printed)), None)
    if kind is None:
        kind = s["default_basis"].get(info.get("phase"), "prior_budget")
    if year_match:
        year = int(year_match.group(1))
    elif kind == "initial_budget":
        year = fiscal
    else:
        year = fiscal - 1 if isinstance(fiscal, int) else None
    return kind, year


def _finish(row: dict, info: dict) -> None:
    row["topic_zh"], row["topic_en"] = label(row["topic"])
    amount = _exact(row["amount_as_printed"])
    row["amount"] = plain(amount) if amount is not None else None
    row["amount_yuan"] = _yuan(amount, row["unit"])
    change = _exact(row["change_amount_as_printed"])
    row["change_amount"] = plain(change) if change is not None else None
    for key in ("share_percent", "change_percent", "completion_percent"):
        printed = row[f"{key}_as_printed"]
        row[key] = plain(_num(printed)) if printed is not None else None
    prior = _exact(row["prior_amount_as_printed"])
    row["prior_amount"] = plain(prior) if prior is not None else None
    row["prior_amount_yuan"] = _yuan(prior, row["prior_unit"])
    row["prior_basis"], row["prior_year"] = basis(row["prior_basis_zh"], info)
    row.pop("chain_depth", None)
    row.pop("_end", None)
    word = row.pop("change_direction_word")
    row["change_word_zh"] = word
    row["change_direction"] = direction(word, change, row["change_percent"])


def direction(word: str | None, change: Decimal | None, percent: str | None) -> str:
    """increase / decrease; none when no change is stated, it is zero or flat (持平); unstated for 增加（减少） of
    non-zero; for a word without a number (决算数小于预算数) the word's direction."""
    s = spec()
    if word is None or word in s["flat_words"]:
        return "none"
    if change is None and percent is None:
        return "decrease" if word in s["decrease_words"] else "increase" if word in s["increase_words"] else "none"
    size = change if change is not None else Decimal(percent or "0")
    if size == 0:
        return "none"
    if word in s["either_words"]:
        return "unstated"
    return "decrease" if word in s["decrease_words"] else "increase"
