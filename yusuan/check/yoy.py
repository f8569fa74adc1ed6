"""Year-on-year statements: a stated change and percentage agree; the same change stated twice agrees."""

from __future__ import annotations

from decimal import Decimal

from ..amounts import plain
from .engine import Document, amount, compare, config, decimals, last_digit, numbers, pattern, rule, same_tolerance
from .narrative import _percent_ok, _said, _said_en, percent_spread, where
from ..model import place, place_zh


def _signed(s: dict) -> Decimal | None:
    change = amount(s.get("change_amount"))
    if change is None:
        return None
    return -change if s.get("change_direction") == "decrease" else change


@rule("yoy.percent_base", "增减百分比以上年数为基数", "A stated percentage is the change over the prior year", "warning",
      "增长（下降）百分比 = 增减额 ÷ 上年数，上年数 = 本年数 − 增减额；用本年数作基数是常见错误，发现时指出所用基数。",
      "A percentage change is the change over the prior year's amount (current − change); dividing by the current "
      "amount is a common mistake, and the finding says which base was used.",
      needs=["statements"])
def percent_base(doc: Document):
    for s in doc.rows["statements"]:
        current, change, stated = amount(s.get("amount")), _signed(s), amount(s.get("change_percent"))
        if current is None or change is None or stated is None or s.get("unit") == "%":
            continue
        if _amount_is_base(s):   # 比2025年年初预算数125462.47万元增加8670.86万元: the amount read is the base
            current = current + change
        prior = current - change
        if prior == 0:
            continue
        places = decimals(s["change_percent"])
        raw = abs(change) / prior * 100
        expected = raw.quantize(Decimal("0.01"))
        spread = percent_spread(abs(change), s.get("change_amount_as_printed") or s.get("change_amount"), prior,
                                s.get("amount_as_printed") or s.get("amount"), s.get("unit"))
        if _percent_ok(raw, stated, places, spread):
            continue
        bases = {"current": (current, "本年数", "the current amount"), "prior_plus": (current + change, "本年数加增减额", "current plus change")}
        used = next(((zh, en) for key, (b, zh, en) in bases.items() if b and _percent_ok((abs(change) / b * 100).quantize(Decimal("0.01")), stated, places)), None)
        base_zh = f"所印百分比是以{used[0]}为基数算出的" if used else "所印百分比与任何常见基数都不符"
        base_en = f"the printed percentage divides by {used[1]}" if used else "the printed percentage fits no usual base"
        yield where(s) | numbers(expected, stated) | {
            "unit_as_printed": "%", "tolerance": plain(last_digit(places)),
            "message_zh": f"{_said(s)}：{s.get('subject_zh')}本年 {s['amount']}，增减 {s['change_amount']}，上年应为 {plain(prior)}，百分比应为 {plain(expected)}%，印刷为 {s['change_percent']}%；{base_zh}。",
            "message_en": f"{_said_en(s).capitalize()}: {s.get('subject_zh')} is {s['amount']} with a change of {s['change_amount']}, "
                          f"so the prior year was {plain(prior)} and the change {plain(expected)}%, not {s['change_percent']}%; {base_en}.",
        }


def _amount_is_base(s: dict) -> bool:
    """Whether the sentence prints the statement's amount as the base it compares with (比…X万元增加…)."""
    import re

    printed = str(s.get("amount_as_printed") or "")
    sentence = re.sub(r"\s+", "", s.get("sentence_zh") or "")
    if not printed or not sentence:
        return False
    return bool(re.search(config()["base_amount"].replace("AMOUNT", re.escape(printed)), sentence))


def _subject(s: dict) -> str:
    """What a statement is about, as printed, without numbering (（7）上级补助收入 and （5）事业收入 are two things
    even when the narrative stage gives them one topic)."""
    import re

    return re.sub(r"^[（(]?[\d一二三四五六七八九十]+[）)、.．]?|\s+", "", s.get("subject_zh") or "")


@rule("yoy.stated_twice", "同一增减额两处一致", "The same change stated twice agrees", "error",
      "同一金额（同一主题、同一本年数）的比上年增减在说明中出现两次时应相同。",
      "Where the narrative states the change of the same amount (same topic and current amount) twice, the two "
      "should be the same.",
      needs=["statements"])
def stated_twice(doc: Document):
    first: dict[tuple, dict] = {}
    for s in doc.rows["statements"]:
        change = _signed(s)
        if change is None or amount(s.get("amount")) is None or not s.get("topic"):
            continue
        key = (s["topic"], s.get("code"), amount(s["amount"]), s.get("unit"), _subject(s))
        if key not in first:
            first[key] = s
            continue
        earlier = first[key]
        expected = _signed(earlier)
        tol = Decimal(0)  # one text stating one change twice: no independent rounding between them
        sev = compare(expected, change, tol, "error")
        if sev:
            yield where(s) | numbers(expected, change, tol) | {
                "severity": sev,
                "message_zh": f"{_said(s)}称{s.get('subject_zh')}比上年增减 {plain(change)}，而{place_zh(earlier.get('page'), earlier.get('line'))}为 {plain(expected)}。",
                "message_en": f"{_said_en(s).capitalize()} gives the change of {s.get('subject_zh')} as {plain(change)} but "
                              f"{place(earlier.get('page'), earlier.get('line'))} gives {plain(expected)}.",
            }


@rule("yoy.direction", "增减方向与数字一致", "The direction described fits the figures", "warning",
      "说明“增加”时增减额和百分比应为正，“减少”时为负；方向写反或与数字矛盾需核对。",
      "Where the narrative says 增加 (increase) the change and the percentage are positive, where 减少 negative; "
      "a direction that contradicts the figures needs checking.",
      needs=["statements"])
def direction(doc: Document):
    import re

    for s in doc.rows["statements"]:
        d = s.get("change_direction")
        change, pct = amount(s.get("change_amount")), amount(s.get("change_percent"))
        sentence = s.get("sentence_zh") or ""
        contradicts = any(v is not None and v < 0 for v in (change, pct)) and d in ("increase", "decrease")
        if d == "increase" and re.search(r"(增长|增加)\s*-", sentence):
            contradicts = True
        # a reason naming a part that moved the other way (人员减少 under an increase) is no finding: on the ledger
        # of the corpus all four such hints were false (无新增…, 福利费科目取消 under an increase, another fund's 增加)
        if contradicts:
            yield where(s) | {
                "actual": d, "message_zh": f"{_said(s)}：{s.get('subject_zh')}的增减方向（{d}）与数字或原因矛盾：{sentence[:60]}",
                "message_en": f"{_said_en(s).capitalize()}: the direction given for {s.get('subject_zh')} ({d}) contradicts its figures or reason.",
            }
