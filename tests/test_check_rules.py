"""Rules on small hand-made rows: each fixture triggers its rule, its corrected twin does not."""

from __future__ import annotations

from yusuan.check import audit

DOC = {"document_id": "d", "template": "xinjiang-2021", "fiscal_year": 2021}


def run(rule: str, **rows) -> list[tuple]:
    found = audit({"documents": [DOC], **rows}, only=[rule]).findings
    return [(f["rule_id"], f["table_no"], f["row_no"], f["line"], f["expected"], f["actual"]) for f in found]


def fact(row, col, amount, total=False, code=None, name="x", table=3, unit="万元"):
    return {"document_id": "d", "table_no": table, "table_kind": "expenditure_by_function", "side": "expenditure",
            "row_no": row, "column_no": col, "code": code, "name_zh": "合计" if total else name, "column_zh": "合计",
            "measure": "total", "amount_yuan": str(int(float(amount) * 10000)), "amount_as_printed": amount,
            "unit_as_printed": unit, "is_total": total}


def test_column_total():
    rows = [fact(1, 5, "1.5", code="2150701"), fact(2, 5, "2", code="2150702")]
    assert run("table.column_total", facts=rows + [fact(3, 5, "3.6", total=True)]) == [("table.column_total", 3, 3, None, "3.5", "3.6")]
    assert run("table.column_total", facts=rows + [fact(3, 5, "3.5", total=True)]) == []


def test_row_total():
    def row(total):
        return {"document_id": "d", "table_no": 3, "row_no": 1, "unit_as_printed": "万元", "code": "2150701",
                "name_zh": "行政运行", "total": total, "basic": "1", "project": "2"}
    facts = [fact(1, 5, "3", code="2150701")]
    assert run("table.row_total", facts=facts, expenditure_by_function=[row("4")]) == [("table.row_total", 3, 1, None, "3", "4")]
    assert run("table.row_total", facts=facts, expenditure_by_function=[row("3")]) == []


def statement(line, topic, amount, change=None, percent=None, direction="increase"):
    return {"document_id": "d", "statement_no": line, "line": line, "section_zh": "三、支出", "topic": topic,
            "code": None, "subject_zh": topic, "amount": amount, "amount_as_printed": amount, "unit": "万元",
            "change_direction": direction if change else "none", "change_amount": change, "change_percent": percent,
            "share_percent": None, "sentence_zh": "", "reason_zh": ""}


def test_percent_base():
    wrong = [statement(10, "basic_expenditure", "120", "20", "16.7")]   # 20/120: the current year as base
    right = [statement(10, "basic_expenditure", "120", "20", "20")]     # 20/100
    assert run("yoy.percent_base", statements=wrong) == [("yoy.percent_base", None, None, 10, "20", "16.7")]
    assert run("yoy.percent_base", statements=right) == []


def test_stated_twice():
    a = statement(10, "basic_expenditure", "120", "20")
    assert run("yoy.stated_twice", statements=[a, statement(20, "basic_expenditure", "120", "20.01")]) == [
        ("yoy.stated_twice", None, None, 20, "20", "20.01")]
    assert run("yoy.stated_twice", statements=[a, statement(20, "basic_expenditure", "120", "20")]) == []


def paragraph(line, text):
    return {"document_id": "d", "paragraph_no": line, "line": line, "part_zh": "", "section_zh": "八", "text": text}


def test_text_rules():
    assert run("text.template_phrase", paragraphs=[paragraph(5, "因公出国（境）费增加（减少）0万元。")]) == [
        ("text.template_phrase", None, None, 5, None, "增加（减少）")]
    assert run("text.template_phrase", paragraphs=[paragraph(5, "因公出国（境）费减少0万元。")]) == []
    assert run("text.brackets", paragraphs=[paragraph(6, "规定（昌州国资发2015号，每年开展")]) == [
        ("text.brackets", None, None, 6, "（…）", "（")]
    assert run("text.brackets", paragraphs=[paragraph(6, "规定（昌州国资发2015号），每年开展")]) == []
    assert run("text.cut_short", paragraphs=[paragraph(7, "增加10万元，主要原因是。")]) == [
        ("text.cut_short", None, None, 7, None, "主要原因是。")]
    assert run("text.years", paragraphs=[paragraph(8, "2021年预算比2021年增加5万元。")]) == [
        ("text.years", None, None, 8, "<2021", "2021")]
    assert run("text.years", paragraphs=[paragraph(8, "2021年预算比2020年增加5万元。")]) == []


def coded(table, row, code, name):
    return {"document_id": "d", "table_no": table, "row_no": row, "unit_as_printed": "万元", "code": code,
            "name_zh": name, "total": "1", "personnel": "1", "public": None}


def test_codes():
    facts = [fact(1, 4, "1")]
    twice = [coded(6, 1, "30107", "绩效工资"), coded(6, 2, "30107", "绩效工资")]
    assert run("codes.duplicate", facts=facts, general_budget_basic_economic=twice) == [("codes.duplicate", 6, 2, None, None, "30107")]
    assert run("codes.duplicate", facts=facts, general_budget_basic_economic=twice[:1]) == []
    assert run("codes.unknown", facts=facts, general_budget_basic_economic=[coded(6, 1, "30198", "x")]) == [
        ("codes.unknown", 6, 1, None, None, "30198")]
    assert run("codes.official_name", facts=facts, general_budget_basic_economic=[coded(6, 1, "30299", "商品和服务支出")]) == [
        ("codes.official_name", 6, 1, None, "其他商品和服务支出", "商品和服务支出")]
    assert run("codes.official_name", facts=facts, general_budget_basic_economic=[coded(6, 1, "30299", "其他商品和服务支出")]) == []


def test_skipped_is_visible():
    result = audit({"documents": [DOC], "facts": [fact(1, 4, "1")]}, only=["complete.empty_note"])
    assert result.skipped == [{"rule_id": "complete.empty_note", "document_id": "d", "missing": ["table_notes"]}]


def severities(rule: str, **rows) -> list[tuple]:
    found = audit({"documents": [DOC], **rows}, only=[rule]).findings
    return [(f["severity"], f["expected"], f["actual"], f["difference"], f["tolerance"]) for f in found]


def rounding(**rows) -> list[tuple]:
    """The document's audit.rounding summary: (count, largest difference, its tolerance)."""
    found = audit({"documents": [DOC], **rows}).findings
    return [(f["actual"], f["difference"], f["tolerance"]) for f in found if f["rule_id"] == "audit.rounding"]


def test_a_sum_off_by_rounding_is_counted_not_a_finding_and_beyond_it_the_rules_severity():
    """1.5 + 2 printed to two places: a total of 3.51 may be rounding (counted in the document's audit.rounding
    summary, no finding of its own), 3.52 is not (error), 3.5 agrees."""
    rows = [fact(1, 5, "1.5", code="2150701"), fact(2, 5, "2", code="2150702")]
    assert severities("table.column_total", facts=rows + [fact(3, 5, "3.51", total=True)]) == [("info", None, "1", "0.01", "0.01")]
    assert rounding(facts=rows + [fact(3, 5, "3.49", total=True)]) == [("1", "-0.01", "0.01")]
    assert severities("table.column_total", facts=rows + [fact(3, 5, "3.52", total=True)]) == [("error", "3.5", "3.52", "0.02", "0.01")]
    assert severities("table.column_total", facts=rows + [fact(3, 5, "3.48", total=True)]) == [("error", "3.5", "3.48", "-0.02", "0.01")]
    assert severities("table.column_total", facts=rows + [fact(3, 5, "3.50", total=True)]) == []
    assert rounding(facts=rows + [fact(3, 5, "3.50", total=True)]) == []


def test_a_row_total_off_by_rounding_is_counted_and_beyond_it_an_error():
    def row(total):
        return {"document_id": "d", "table_no": 3, "row_no": 1, "unit_as_printed": "万元", "code": "2150701",
                "name_zh": "行政运行", "total": total, "basic": "1.25", "project": "2"}
    facts = [fact(1, 5, "3", code="2150701")]
    assert severities("table.row_total", facts=facts, expenditure_by_function=[row("3.26")]) == [("info", None, "1", "0.01", "0.01")]
    assert severities("table.row_total", facts=facts, expenditure_by_function=[row("3.27")]) == [("error", "3.25", "3.27", "0.02", "0.01")]


def test_the_same_change_stated_twice_has_no_rounding_excuse():
    """same_last_digits is 0: a change of 20 stated elsewhere as 20.01 is an error, not rounding."""
    a = statement(10, "basic_expenditure", "120", "20")
    assert severities("yoy.stated_twice", statements=[a, statement(20, "basic_expenditure", "120", "20.01")]) == [
        ("error", "20", "20.01", "0.01", "0")]


def test_a_percentage_two_hundredths_off_is_found():
    """50 more than 300 is 16.666…%: 16.67 (rounded) and 16.6 or 16.7 (one place) agree; 16.65 and 16.69 do not."""
    def said(percent):
        return run("yoy.percent_base", statements=[statement(10, "basic_expenditure", "350", "50", percent)])
    assert said("16.67") == [] and said("16.7") == [] and said("16.6") == [] and said("17") == []
    assert said("16.65") == [("yoy.percent_base", None, None, 10, "16.67", "16.65")]
    assert said("16.69") == [("yoy.percent_base", None, None, 10, "16.67", "16.69")]
    assert said("16.64") == [("yoy.percent_base", None, None, 10, "16.67", "16.64")]
    assert said("16.4") == [("yoy.percent_base", None, None, 10, "16.67", "16.4")]


def test_which_rules_apply_to_which_template():
    """metadata/rules.yaml: Shanghai documents exclude across.class_sums (classes printed by name only), its
    决算 also across.totals_agree; a template not listed gets `default` (no across.* rules)."""
    from yusuan.check.engine import applies

    assert applies("across.class_sums", "xinjiang-2021") is True
    assert applies("across.class_sums", "shanghai") is False
    assert applies("across.totals_agree", "shanghai") is True
    assert applies("across.totals_agree", "shanghai-final") is False
    assert applies("table.row_total", "shanghai-final") is True
    assert applies("across.totals_agree", "a-template-nobody-listed") is False
    assert applies("table.row_total", None) is True
    assert applies("complete.units", None) is True
    assert applies("complete.empty_note", None) is False


def test_amounts_compared_across_units_exactly():
    """A Shanghai narrative in 万元 against its tables in 元 (91,016,775.35 元 is 9,101.677535 万元)."""
    from decimal import Decimal

    from yusuan.check.engine import in_unit, last_digit, same_tolerance, sum_tolerance

    assert in_unit(Decimal("91016775.35"), "元", "万元") == Decimal("9101.677535")
    assert in_unit(Decimal("213.28"), "万元", "元") == Decimal("2132800")
    assert in_unit(Decimal("1.5"), "亿元", "千元") == Decimal("150000")
    assert in_unit(Decimal("525.81"), "万元", "万元") == Decimal("525.81")
    assert in_unit(Decimal("525.81"), None, "元") == Decimal("525.81")
    assert in_unit(Decimal("525.81"), "万元", None) == Decimal("525.81")
    assert last_digit(2) == Decimal("0.01") and last_digit(0) == Decimal("1")
    # tolerances in the finest printed place, integers counted as printed to two places
    assert sum_tolerance("105", "420.81") == Decimal("0.01")
    assert sum_tolerance("105", "0.125") == Decimal("0.001")
    # the same amount printed twice, each rounded on its own: half a unit of each one's last digit
    # (105 counted as 105.00: 0.005; 0.125: 0.0005)
    assert same_tolerance("105", "0.125") == Decimal("0.0055")


def test_finding_numbers_and_table_names():
    from decimal import Decimal

    from yusuan.check.engine import numbers, table_zh

    assert numbers(Decimal("420.81"), Decimal("525.81"), Decimal("0.01")) == {
        "expected": "420.81", "actual": "525.81", "difference": "105", "tolerance": "0.01"}
    assert numbers(None, Decimal("3.9")) == {"expected": None, "actual": "3.9"}
    assert numbers(Decimal("3.9"), None) == {"expected": "3.9", "actual": None}
    assert [table_zh(n) for n in (1, 5, 9, 10, 11, 19, 20, 23, 99)] == [
        "表一", "表五", "表九", "表十", "表十一", "表十九", "表二十", "表二十三", "表九十九"]
    assert table_zh(None) == "表?" and table_zh("x") == "表?" and table_zh("6") == "表六"
