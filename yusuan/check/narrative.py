"""Narrative against tables: restated figures, shares, class totals and names, projects and their targets."""

from __future__ import annotations

import re
from decimal import Decimal

from ..amounts import UNIT_FACTORS, plain
from ..codes import official
from .codes import _bare, _subsequence, _variant
from .engine import (Document, amount, compare, config, decimals, last_digit, numbers, pattern, rule, same_tolerance,
                     sum_tolerance, table_zh)
from .locate import header, prior_basis, prior_column, table_total, value
from ..model import place, place_zh


def money(s: dict) -> bool:
    return s.get("amount") not in (None, "") and (s.get("unit") or "") in UNIT_FACTORS


def where(s: dict) -> dict:
    return {"section_zh": s.get("section_zh"), "page": s.get("page"), "line": s.get("line"), "subject_zh": s.get("subject_zh"),
            "unit_as_printed": s.get("unit")}


def scope(s: dict) -> str:
    """The funds a statement is about, from the nearest heading that names them (the subsection 关于…政府性基金预算
    支出情况说明 under a section 部门预算安排情况说明): a key of statement_scopes, or 'all'."""
    for heading in (s.get("subsection_zh"), s.get("section_zh")):
        for key, words in config()["statement_scopes"].items():
            if heading and pattern(words).search(heading):
                return key
    return "all"


def _scoped(spec: dict, s: dict) -> list[list[str]]:
    """The spec's figures for the statement's scope: its own entry; the whole-department figure ('all') only for a
    scope that falls back to it (statement_scope_fallback), never a government fund's statement against a total."""
    key = scope(s)
    own = _pairs(spec.get(key))
    if own or key == "all":
        return own or _pairs(spec.get("all"))
    return _pairs(spec.get("all")) if key in config()["statement_scope_fallback"] else []


def target(spec: dict, s: dict) -> list[str] | None:
    found = _scoped(spec, s)
    return found[0] if found else None


def _pairs(value) -> list[list[str]]:
    if not value:
        return []
    return value if isinstance(value[0], list) else [value]


def targets(spec: dict, s: dict) -> tuple[list[list[str]], list[list[str]]]:
    """The table figures a statement restates: its scope's (each spec value is [kind, field] or a list of them,
    the first table the document prints wins), and the other scope's, which may only clear a statement whose
    section the reader did not name (a 财政拨款 list under a heading not read), never accuse one."""
    own = _scoped(spec, s)
    other = [p for key in ("general_budget", "all") for p in _pairs(spec.get(key)) if p not in own]
    return own, other


def _rounds_to(expected: Decimal, s: dict) -> bool:
    """Whether the statement is the table figure rounded (or truncated) to the statement's printed places (3,864万元
    for 3863.9856万元): the same figure at the narrative's precision, no finding at all."""
    from decimal import ROUND_HALF_UP

    from decimal import ROUND_DOWN

    stated = str(s.get("amount_as_printed") or s.get("amount")).replace(",", "")
    places = decimals(stated)
    said = amount(s["amount"]).quantize(last_digit(places))
    # rounded, or truncated rather than rounded (87.708 stated as 87.70): the same figure, no finding
    return said in (expected.quantize(last_digit(places), rounding=ROUND_HALF_UP),
                    expected.quantize(last_digit(places), rounding=ROUND_DOWN))


def actual_yuan(s: dict) -> Decimal:
    return amount(s["amount"]) * UNIT_FACTORS[s["unit"]]


def _printed_in_table(doc: Document, row: dict, yuan: Decimal, tolerance_yuan: Decimal) -> bool:
    """Whether the table of row prints the amount (in yuan, within the tolerance) in some cell of this year (a
    column of an earlier year's budget or outturn is another basis: last year's figure restated is not this year's)."""
    def make():
        out: dict[object, list[Decimal]] = {}
        for f in doc.facts():
            if f.get("amount_yuan") not in (None, "") and not prior_column(doc, f):
                out.setdefault(f.get("table_no"), []).append(Decimal(str(f["amount_yuan"])))
        return out

    return any(abs(v - yuan) <= tolerance_yuan for v in doc.memo("amounts_by_table", make).get(row.get("table_no"), []))


def _restated(doc: Document, spec: dict, s: dict, lookup, printed_only: bool = False):
    """(kind, field, row, expected, tolerance) of the statement's own table, or None when it is not printed or
    when another table's figure agrees with the statement (nothing to report)."""
    own, other = targets(spec, s)
    actual = amount(s["amount"])
    if spec.get("fallback") and any(x.get("topic") == spec.get("fallback_if_stated") and money(x) and amount(x["amount"]) == actual
                                    for x in doc.rows.get("statements", [])):
        own = own + [spec["fallback"]]
    first = None
    for kind, field in own:
        found = lookup(kind, field)
        if found:
            row, total = found
            first = (kind, field, row, in_statement_unit(total, row.get("unit_as_printed"), s),
                     restated_tolerance(row.get(field), row.get("unit_as_printed"), s))
            break
    if first is None:
        return None
    kind, field, row, expected, tol = first
    if printed_only and row.get(field) in (None, ""):
        return None   # the total cell was not read or not printed: nothing to hold the statement against
    if _rounds_to(expected, s):
        return None   # the table's figure rounded to the statement's printed places is the statement
    if printed_only and _printed_in_table(doc, row, actual_yuan(s), tol * UNIT_FACTORS[s["unit"]]):
        return None   # a total restated as the table prints it somewhere (its total row was taken for another)
    ratio = Decimal(str(config()["restated_ratio"]))
    actual = amount(s["amount"])
    if expected and actual and not (ratio < abs(actual / expected) < 1 / ratio) and slip(expected, actual, tol) is None:
        return None   # an order of magnitude apart: the statement is about something else (会议费 under a total's topic)
    for kind, field in (other if not s.get("section_zh") else []):
        found = lookup(kind, field)
        if found:
            row, total = found
            e = in_statement_unit(total, row.get("unit_as_printed"), s)
            if compare(e, actual, restated_tolerance(row.get(field), row.get("unit_as_printed"), s), "error") in (None, "info"):
                return None
    return first


def slip(expected: Decimal, actual: Decimal, tol: Decimal) -> int | None:
    """The power of ten (±1 … ±unit_slip_powers) that makes the stated figure the table's, each rounded to its
    places (1,234.5 stated for 123.45; 12.3456 万元 for 123,456 元 read as 万元): a unit or decimal-point slip, a
    finding, not a statement about something else. None when no power of ten does."""
    if not expected or not actual:
        return None
    for k in range(1, int(config()["unit_slip_powers"]) + 1):
        for power in (k, -k):
            scale = Decimal(10) ** power
            if abs(actual - expected * scale) <= tol * max(scale, Decimal(1)):
                return power
    return None


def _slip_words(expected: Decimal, actual: Decimal, tol: Decimal) -> tuple[str, str]:
    power = slip(expected, actual, tol)
    if power is None:
        return "", ""
    times = plain(Decimal(10) ** abs(power))
    return (f"（相差 {times} 倍：单位或小数点有误）", f" ({times} times apart: a unit or decimal-point slip)")


def in_statement_unit(value: Decimal, table_unit: str | None, s: dict) -> Decimal:
    return value * UNIT_FACTORS.get(table_unit or "万元", Decimal(1)) / UNIT_FACTORS[s["unit"]]


def _figure(doc: Document, kind: str, field: str):
    found = table_total(doc, kind, field)
    if not found:
        return None
    row, total = found
    return row, total


def restated_tolerance(printed: object, table_unit: str | None, s: dict) -> Decimal:
    """A table figure restated in the narrative: each rounded to its own printed places (the narrative's as
    printed, 3,864万元 to whole 万元), in the statement's unit."""
    if not int(config()["tolerance"]["same_last_digits"]):
        return Decimal(0)
    stated = s.get("amount_as_printed") or s.get("amount")
    half = last_digit(decimals(str(stated).replace(",", ""))) / 2
    return (half + same_tolerance(printed, units=[table_unit or "万元"], target=s["unit"])).normalize()


def _said(s: dict) -> str:
    return f"说明“{s.get('section_zh') or ''}”（{place_zh(s.get('page'), s.get('line'))}）"


def _said_en(s: dict) -> str:
    return f"the narrative ({place(s.get('page'), s.get('line'))})"


@rule("narrative.figures", "说明中的金额与表格一致", "Figures restated in the narrative equal the tables", "error",
      "情况说明中复述的收支总额、基本支出、项目支出、人员经费、公用经费、“三公”经费等应与对应表格的合计一致。",
      "Totals, basic and project spending, personnel and public costs, 'three public' expenses… restated in the "
      "narrative should equal the corresponding table totals.",
      needs=["statements", "facts"])
def figures(doc: Document):
    specs = config()["statement_figures"]
    inside = pattern(config()["statement_within_class"])
    for s in doc.rows["statements"]:
        spec = specs.get(s.get("topic"))
        if not spec or not money(s) or s.get("code") or inside.search(s.get("sentence_zh") or ""):
            continue   # personnel costs of one class's line (农林水支出科目83万元，主要用于人员经费18万元) are not the total
        found = _restated(doc, spec, s, lambda kind, field: _figure(doc, kind, field), printed_only=True)
        if not found:
            continue
        actual = amount(s["amount"])
        kind, field, row, expected, tol = found
        sev = compare(expected, actual, tol, spec.get("severity", "error"))
        if not sev:
            continue
        column = header(doc, row["table_no"], row["row_no"], field, kind)
        zh, en = _slip_words(expected, actual, tol)
        yield where(s) | numbers(expected, actual, tol) | {
            "severity": sev, "table_no": row["table_no"], "table_kind": kind, "column_zh": column,
            "message_zh": f"{_said(s)}称{s.get('subject_zh')} {s.get('amount_as_printed') or s['amount']}{s['unit']}，而{table_zh(row['table_no'])}“{column}”合计为 {plain(expected)}{s['unit']}{zh}。",
            "message_en": f"{_said_en(s).capitalize()} states {s.get('subject_zh')} as {s['amount']} {s['unit']} but table "
                          f"{row['table_no']}'s {column} total is {plain(expected)} {s['unit']}{en}.",
        }


def class_part(name: str) -> tuple[str, bool]:
    """The part of a subject that names a class, and whether it is marked as one: the name before （类） in a
    chain (公共安全支出（类）公安（款）其他公共安全支出（项）: the chain's last name is the item's, not the class's),
    else the whole subject, unmarked."""
    m = pattern(config()["class_marker"]).search(name or "")
    return (name[:m.start()], True) if m else (name or "", False)


def class_code(name: str) -> tuple[str | None, str | None]:
    """The functional class a narrative names (code, official name): by its name (the part before （类） in a
    chain), or the class name it ends with, unless what comes before names something inside a class
    (class_item_prefix: 其他公共安全支出 is the item 20499, not a wrong name of 204) or the class is one any
    subject ends with (class_generic: 港航管理其他支出, a project's part, is not class 229 其他支出)."""
    part, marked = class_part(name)
    bare = _bare(part)
    classes = {c: e["name_zh"] for c, e in official("functional").items() if len(c) == 3}
    for code, right in classes.items():
        if _bare(right) in (bare, bare + "支出"):
            return code, right
    item, generic = pattern(config()["class_item_prefix"]), pattern(config()["class_generic"])
    ends = []
    for c, r in classes.items():
        for suffix in (_bare(r), _bare(r).removesuffix("支出")):
            if bare.endswith(suffix) and not (item.search(bare[:-len(suffix)]) or (generic.search(r) and not marked)):
                ends.append((c, r))
                break
    return max(ends, key=lambda cr: len(cr[1])) if ends else (None, None)


def _code_amount(doc: Document, kind: str, field: str, code: str):
    """(a row, the amount of code in the table, whether printed), or None when the table cannot say: it prints
    no code of that level (classes by name only), or it is empty. A row printed with a misprinted code of the
    same name (7 11 02 for 2101102) stands for it: codes.unknown reports the code, once."""
    from .codes import misprinted_as

    rows = doc.table(kind)
    if not rows:
        return None
    key = "expenditure_code" if any("expenditure_code" in r for r in rows) else "code"
    hits = [r for r in rows if r.get(key) == code]
    if not hits:
        name_key = "expenditure_name_zh" if key == "expenditure_code" else "name_zh"
        hits = [r for r in rows if r.get(key) and misprinted_as("functional", r[key], re.sub(r"\s+", "", r.get(name_key) or "")) == [code]]
    if not hits and not any(len(str(r.get(key) or "")) == len(code) for r in rows):
        return None
    if not any(r.get(field) not in (None, "") for r in rows):
        return None  # the table prints no such column: it cannot say (an absent column is not 0)
    if any(prior_basis(doc, kind, r, field) for r in hits):
        return None   # the column prints last year's figures: not this year's amount of the code
    total = sum((value(r, field) or Decimal(0) for r in hits), Decimal(0))
    return (hits[0] if hits else rows[0]), total, bool(hits)


@rule("narrative.class_amounts", "说明中的科目金额与表格一致", "Class and item amounts in the narrative equal the tables", "error",
      "说明中按功能分类的类、项列示的金额应等于表格中该编码的金额；把总额写在另一类名下也在此发现。",
      "Amounts the narrative gives for a functional class or item should equal the table's amount for that code; "
      "a total written under another class's name is found here too.",
      needs=["statements", "facts"])
def class_amounts(doc: Document):
    specs = config()["statement_codes"]
    for s in doc.rows["statements"]:
        spec = specs.get(s.get("topic"))
        if not spec or not money(s):
            continue
        code = s.get("code") or (class_code(_own_name_removed(doc, s.get("subject_zh")))[0] if s.get("topic") == "function_class" else None)
        if not code:
            continue
        def lookup(kind, field, code=code):
            found = _code_amount(doc, kind, field, code)
            if found and not found[2]:  # not in this table: a 财政拨款 item may be funded by another budget
                for other in config().get("statement_code_elsewhere", []):
                    alt = _code_amount(doc, other, field, code)
                    if alt and alt[2]:
                        return alt[0], alt[1]
            return (found[0], found[1]) if found else None

        found = _restated(doc, spec, s, lookup)
        if not found:
            continue
        actual = amount(s["amount"])
        kind, field, row, expected, tol = found
        sev = compare(expected, actual, tol, "error")
        if not sev:
            continue
        column = header(doc, row["table_no"], row["row_no"], field, kind)
        zh, en = _slip_words(expected, actual, tol)
        yield where(s) | numbers(expected, actual, tol) | {
            "severity": sev, "table_no": row["table_no"], "table_kind": kind, "column_zh": column, "code": code,
            "message_zh": f"{_said(s)}称 {code} {s.get('subject_zh')} {s.get('amount_as_printed') or s['amount']}{s['unit']}，而{table_zh(row['table_no'])}“{column}”中 {code} 为 {plain(expected)}{s['unit']}{zh}。",
            "message_en": f"{_said_en(s).capitalize()} gives {code} ({s.get('subject_zh')}) as {s['amount']} {s['unit']} "
                          f"but table {row['table_no']}'s {column} for {code} is {plain(expected)} {s['unit']}{en}.",
        }


def _own_name_removed(doc: Document, name: str) -> str:
    """The subject without the body's own name and the year before it (苏州市审计局2026年国有资本经营预算支出)."""
    name = re.sub(r"\s+", "", name or "")
    for own in sorted({doc.info.get("department_zh") or "", doc.info.get("department_short_zh") or ""}, key=len, reverse=True):
        if own and name.startswith(own):
            name = name[len(own):]
            break
    name = pattern(config()["subject_body_prefix"]).sub("", name)
    return re.sub(r"^(本级)?\d{4}年度?", "", name)


def _same_name(a: str, b: str) -> bool:
    a, b = _bare(a), _bare(b)
    return a == b or _subsequence(a, b) or _subsequence(b, a)


@rule("narrative.class_names", "说明中的科目名称属于其编码", "Names in the narrative belong to their code", "warning",
      "说明中提到的类、项名称应是该编码的名称（官方名称或表中印刷的名称），名称与编码不符说明其中之一有误。",
      "A class or item name used in the narrative should be its code's name (official, or as printed in the "
      "tables); a name that does not fit the code means one of them is wrong.",
      needs=["statements"])
def class_names(doc: Document):
    generic = pattern(config()["generic_subjects"])
    for s in doc.rows["statements"]:
        topic, name = s.get("topic"), s.get("subject_zh") or ""
        name = _own_name_removed(doc, name)
        if len(name) <= 2 or generic.fullmatch(name):
            continue   # 预算安排, 事务 name no class: nothing to compare
        if topic == "function_class" and not s.get("code"):
            code, right = class_code(name)
            name = class_part(name)[0]
            if code and _bare(right) != _bare(name) and _bare(right) != _bare(name) + "支出":
                yield where(s) | {"code": code, "expected": right, "actual": name,
                                  "message_zh": f"{_said(s)}的类名称“{name}”不是 {code} 的名称“{right}”。",
                                  "message_en": f"{_said_en(s).capitalize()} names class {code} {name}; its name is {right}."}
        elif topic in ("function_item", "function_class") and s.get("code"):
            code = s["code"]
            right = official("functional").get(code, {}).get("name_zh")
            names = [right] if right else sorted({r.get("name_zh") for k in ("expenditure_by_function", "general_budget_expenditure",
                                                                              "income_by_function") for r in doc.table(k) if r.get("code") == code and r.get("name_zh")})
            if names and not any(_same_name(name, n) for n in names):
                yield where(s) | {"code": code, "expected": names[0], "actual": name,
                                  "message_zh": f"{_said(s)}称 {code} 为“{name}”，该编码的名称为“{names[0]}”。",
                                  "message_en": f"{_said_en(s).capitalize()} calls {code} {name}; the code's name is {names[0]}."}


def _percent_ok(computed: Decimal, stated: Decimal, places: int, spread: Decimal = Decimal(0)) -> bool:
    """A stated percentage agrees with the computed one when it is that figure rounded or truncated to the places
    printed (23.998 → 24.0 or 23.9), or within percent_last_digits units of the last printed place, widened by
    spread: what the rounding of the amounts it is computed from allows (percent_spread)."""
    from decimal import ROUND_DOWN, ROUND_HALF_UP

    unit = last_digit(places)
    if stated in (computed.quantize(unit, rounding=ROUND_HALF_UP), computed.quantize(unit, rounding=ROUND_DOWN)):
        return True
    return abs(computed - stated) < unit * Decimal(str(config()["tolerance"]["percent_last_digits"])) + spread


def percent_spread(part: Decimal, part_printed: object, whole: Decimal, whole_printed: object, unit: str | None = "万元") -> Decimal:
    """How far part / whole × 100 may move when both are rounded to their printed places (half a unit each;
    integers count as printed to the unit's usual places): 100 × (h_part / whole + part × h_whole / whole²)."""
    from .engine import _places

    if not whole:
        return Decimal(0)
    hp = last_digit(_places([str(part_printed or "").replace(",", "")], unit)) / 2
    hw = last_digit(_places([str(whole_printed or "").replace(",", "")], unit)) / 2
    return 100 * (hp / abs(whole) + abs(part) * hw / (whole * whole))


@rule("narrative.shares", "占比与金额一致", "Shares (占 X%) agree with the amounts", "warning",
      "说明中“占 X%”应等于该金额除以其总额（如基本支出占支出总额），按所印位数四舍五入或截断。",
      "A stated share (占 X%) should be the amount divided by its whole (basic spending over total spending, "
      "say), rounded or truncated to the digits printed.",
      needs=["statements", "facts"])
def shares(doc: Document):
    bases = config()["share_base"]
    specs = config()["statement_figures"]
    for s in doc.rows["statements"]:
        base_topic = bases.get(s.get("topic"))
        if not base_topic or s.get("share_percent") in (None, "") or not money(s):
            continue
        found = next((f + (field,) for kind, field in targets(specs[base_topic], s)[0] for f in [_figure(doc, kind, field)] if f), None)
        if not found or not found[1]:
            continue
        whole = in_statement_unit(found[1], found[0].get("unit_as_printed"), s)
        raw = amount(s["amount"]) / whole * 100
        if raw >= 100:
            continue   # the figure is the whole, or larger than it: the share is of another whole than the topic's
        computed = raw.quantize(Decimal("0.01"))
        stated = amount(s["share_percent"])
        places = decimals(s["share_percent"])
        spread = percent_spread(amount(s["amount"]), s.get("amount_as_printed") or s["amount"], whole, None, s.get("unit"))
        if _percent_ok(raw, stated, places, spread):
            continue
        other = _share_base(doc, s, stated, places)
        base_zh = f"；所印百分比是以{other.get('subject_zh')} {other['amount']}为基数算出的" if other else ""
        base_en = f"; the printed share divides by {other.get('subject_zh')} ({other['amount']})" if other else ""
        yield where(s) | numbers(computed, stated) | {
            "unit_as_printed": "%", "tolerance": plain(last_digit(places)),
            "message_zh": f"{_said(s)}称{s.get('subject_zh')}占 {s['share_percent']}%，按 {s['amount']}÷{plain(whole)} 应为 {plain(computed)}%{base_zh}。",
            "message_en": f"{_said_en(s).capitalize()} gives {s.get('subject_zh')} a share of {s['share_percent']}%; "
                          f"{s['amount']} / {plain(whole)} is {plain(computed)}%{base_en}.",
        }


def _share_base(doc: Document, s: dict, stated: Decimal, places: int) -> dict | None:
    """Another amount stated in the same section (same unit) over which the printed share is right: the share was
    taken of the wrong whole (项目支出 over 基本支出 rather than over the total)."""
    for other in doc.rows["statements"]:
        if (other is s or other.get("section_zh") != s.get("section_zh") or other.get("unit") != s.get("unit")
                or not money(other) or amount(other.get("amount")) in (None, Decimal(0))):
            continue
        if amount(other["amount"]) == amount(s["amount"]):
            continue
        if _percent_ok(amount(s["amount"]) / amount(other["amount"]) * 100, stated, places, Decimal(0)):
            return other
    return None


@rule("narrative.parts", "说明中的分项之和等于总额", "Parts stated in the narrative add up to their total", "error",
      "同一段说明中的总额应等于其分项之和（“三公”经费 = 各项；政府采购 = 货物 + 工程 + 服务；基本支出 = 人员经费 + 公用经费）。",
      "A total stated in the narrative should equal the parts stated with it ('three public' = its items; "
      "procurement = goods + works + services; basic = personnel + public costs).",
      needs=["statements"])
def parts(doc: Document):
    statements = [s for s in doc.rows["statements"] if money(s)]
    for spec in config()["statement_sums"]:
        totals = [s for s in statements if s.get("topic") == spec["total"]]
        for total in totals:
            found = _parts_of(statements, total, spec, totals)
            if found is None:
                continue
            expected = sum((_in_unit_of(s, total) for s in found.values()), Decimal(0))
            actual = amount(total["amount"])
            tol = sum_tolerance(total.get("amount"), *[s.get("amount") for s in found.values()])
            if len(found) < len(spec["parts"]) and expected <= actual + tol:
                continue   # a part not stated (or not read) may be the rest: only parts above the total contradict it
            sev = compare(expected, actual, tol, "error")
            if sev and sev != "info" and _explained(statements, total, found, actual - expected, tol):
                continue   # the rest is another part the section states (年终结转结余 beside basic and project)
            if sev:
                names = "+".join(s.get("subject_zh") or s["topic"] for s in found.values())
                yield where(total) | numbers(expected, actual, tol) | {
                    "severity": sev,
                    "message_zh": f"{_said(total)}称{total.get('subject_zh')} {total['amount']}{total['unit']}，而 {names} = {plain(expected)}。",
                    "message_en": f"{_said_en(total).capitalize()} states {total.get('subject_zh')} as {total['amount']} but its "
                                  f"parts add up to {plain(expected)}.",
                }


def _in_unit_of(s: dict, total: dict) -> Decimal:
    return amount(s["amount"]) * UNIT_FACTORS[s["unit"]] / UNIT_FACTORS[total["unit"]]


def _parts_of(statements: list[dict], total: dict, spec: dict, totals: list[dict]) -> dict | None:
    """The parts stated with a total: the part topics of the spec, each the nearest after the total in its section
    (before the next total of the topic: 政府采购总额 A：货物、工程、服务；其中一般公共预算拨款政府采购 B：货物、工程、服务),
    else the nearest before it; every part when all are stated, else the most found (None for fewer than two).
    Parts are of the total's scope (一般公共预算基本支出 is not a part of the department's 支出预算); where a topic
    has several figures in the window (因公出国（境）费 86.47 and, in its reason, 国内服务费 3.2), the ones that
    add up to the total are its parts, else the one named most plainly (the shortest subject), then the nearest."""
    section = [s for s in statements if s.get("section_zh") == total.get("section_zh")]
    i = next(k for k, s in enumerate(section) if s is total)
    later = [s for s in section[i + 1:]]
    stop = next((k for k, s in enumerate(later) if s in totals), len(later))
    own = scope(total)
    best = None
    for window in (later[:stop], list(reversed(section[:i]))):
        found: dict[str, list[dict]] = {}
        for s in window:
            if s in totals:
                break
            if s.get("topic") in spec["parts"] and scope(s) == own:
                found.setdefault(s["topic"], []).append(s)
        chosen = _fitting(found, total) or {k: min(v, key=lambda s: len(s.get("subject_zh") or "")) for k, v in found.items()}
        if len(chosen) == len(spec["parts"]):
            return chosen
        best = chosen if len(chosen) > len(best or {}) else best
    return best if best and len(best) >= 2 else None


def _fitting(found: dict[str, list[dict]], total: dict, most: int = 64) -> dict | None:
    """One figure of each topic such that they add up to the total (within rounding), or None."""
    from itertools import product

    topics = list(found)
    count = 1
    for k in topics:
        count *= len(found[k])
    if count <= 1 or count > most:
        return None
    actual = amount(total["amount"])
    for pick in product(*(found[k] for k in topics)):
        expected = sum((_in_unit_of(s, total) for s in pick), Decimal(0))
        if abs(expected - actual) <= sum_tolerance(total.get("amount"), *[s.get("amount") for s in pick]):
            return dict(zip(topics, pick))
    return None


def _explained(statements: list[dict], total: dict, found: dict, rest: Decimal, tol: Decimal) -> bool:
    """Whether another amount stated in the total's section (not a part, not the total) is the difference."""
    used = {id(s) for s in found.values()} | {id(total)}
    return any(id(s) not in used and s.get("section_zh") == total.get("section_zh") and s.get("unit")
               and abs(_in_unit_of(s, total) - rest) <= tol for s in statements)
