"""The reviewers' checks on hand-made rows: each fixture triggers its rule, its corrected twin does not."""

from __future__ import annotations

from yusuan.check import audit

DOC = {"document_id": "d", "fiscal_year": 2026, "phase": "budget", "phase_zh": "预算",
       "department_zh": "上海市某某局", "department_short_zh": "某某局"}


def para(line, text, heading=False):
    return {"document_id": "d", "paragraph_no": line, "line": line, "section_zh": "四", "is_heading": heading, "text": text}


def run(rule, doc=DOC, **rows):
    return [(f["line"], f["severity"], f["expected"], f["actual"]) for f in audit({"documents": [doc], **rows}, only=[rule]).findings]


def test_stated_comparison_words():
    wrong = "年初预算为135.90万元，支出决算为135.25万元。决算数大于预算数的主要原因：项目增加。"
    right = "年初预算为135.90万元，支出决算为135.25万元。决算数小于预算数的主要原因：项目调减。"
    assert run("narrative.stated_comparison", paragraphs=[para(1, wrong)]) == [(1, "error", "-0.65", "大于")]
    assert run("narrative.stated_comparison", paragraphs=[para(1, right)]) == []
    same = "年初预算为10.00万元，支出决算为9.00万元。决算数与预算数持平。"
    assert run("narrative.stated_comparison", paragraphs=[para(1, same)]) == [(1, "error", "-1", "持平")]


def test_stated_comparison_percent_and_change():
    wrong = "年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的99.20%。决算数小于预算数。"
    right = "年初预算为2993.92万元，支出决算为2940.05万元，完成年初预算的98.20%。决算数小于预算数。"
    assert run("narrative.stated_comparison", paragraphs=[para(1, wrong)]) == [(1, "warning", "98.2", "99.20")]
    assert run("narrative.stated_comparison", paragraphs=[para(1, right)]) == []
    up = "2025年预算执行数为711.34万元，2026年预算安排738.66万元，比2025年预算执行数增加{}%。"
    assert run("narrative.stated_comparison", paragraphs=[para(1, up.format("3.84"))]) == []
    assert run("narrative.stated_comparison", paragraphs=[para(1, up.format("3.70"))]) == [(1, "warning", "3.84", "3.70")]


def statement(prior, amount, direction, change=None, percent=None):
    return {"document_id": "d", "statement_no": 1, "line": 7, "section_zh": "四", "topic": "total_expenditure",
            "subject_zh": "支出预算", "amount": amount, "amount_as_printed": amount, "unit": "万元", "prior_amount": prior,
            "change_direction": direction, "change_amount": change, "change_percent": percent}


def test_statement_comparison_with_prior_amount():
    assert run("narrative.statement_comparison", statements=[statement("100", "90", "increase", "10")]) == [
        (7, "error", "-10", "增加")]
    assert run("narrative.statement_comparison", statements=[statement("100", "110", "increase", "10", "10")]) == []
    assert run("narrative.statement_comparison", statements=[statement("100", "110", "increase", "12")]) == [
        (7, "error", "10", "12")]
    flat = statement("10.00", "9.00", "none") | {"change_word_zh": "持平", "prior_basis": "initial_budget"}
    assert run("narrative.statement_comparison", statements=[flat]) == [(7, "error", "-1", "持平")]
    assert run("narrative.statement_comparison", statements=[flat | {"change_word_zh": "基本持平"}]) == []
    done = statement("2993.92", "2940.05", "decrease") | {"change_word_zh": "小于", "completion_percent": "99.20",
                                                           "completion_percent_as_printed": "99.20"}
    assert run("narrative.statement_comparison", statements=[done]) == [(7, "warning", "98.2", "99.20")]
    assert run("narrative.statement_comparison", statements=[done | {"completion_percent_as_printed": "98.20"}]) == []
    # the text rule leaves sentences to the statement rule once statements carry a prior amount
    text = [para(1, "年初预算为10.00万元，支出决算为9.00万元。决算数与预算数持平。")]
    assert run("narrative.stated_comparison", paragraphs=text, statements=[flat]) == []
    # no prior amount from the narrative stage: nothing checked
    assert run("narrative.statement_comparison", statements=[statement(None, "90", "increase", "10")]) == []


def test_class_renamed():
    assert run("names.class_renamed", paragraphs=[para(3, "医疗卫生与计划生育支出50.37万元，主要用于人员医疗保险。")]) == [
        (3, "warning", "卫生健康支出", "医疗卫生与计划生育支出")]
    assert run("names.class_renamed", paragraphs=[para(3, "卫生健康支出50.37万元，主要用于人员医疗保险。")]) == []
    old = DOC | {"fiscal_year": 2018}
    assert run("names.class_renamed", doc=old, paragraphs=[para(3, "医疗卫生与计划生育支出50.37万元。")]) == []


def test_disclosure_kind():
    mixed = [para(1, "上海市某某局（部门）主要职能"), para(2, "上海市某某局（部门）机构设置"), para(3, "2026年单位预算编制说明")]
    same = [para(1, "上海市某某局（部门）主要职能"), para(2, "上海市某某局（部门）机构设置"), para(3, "2026年部门预算编制说明")]
    assert run("names.disclosure_kind", paragraphs=mixed) == [(3, "warning", "部门", "单位")]
    assert run("names.disclosure_kind", paragraphs=same) == []


def test_body_name():
    assert run("names.body_name", paragraphs=[para(1, "上海市另一个局（部门）主要职能")]) == [
        (1, "warning", "上海市某某局", "上海市另一个局")]
    assert run("names.body_name", paragraphs=[para(1, "上海市某某局（部门）主要职能")]) == []


def test_document_year():
    assert run("text.document_year", paragraphs=[para(2, "2024年部门预算编制说明")]) == [(2, "warning", "2025、2026", "2024")]
    assert run("text.document_year", paragraphs=[para(2, "2026年部门预算编制说明")]) == []


def test_final_mark():
    cut = "2026年，上海市某某局收入预算3,864万元，其中：财政拨款收入1,628万元，比2025年预算减少25万元"
    assert run("text.final_mark", paragraphs=[para(4, cut), para(5, "五、部门预算表", heading=True)]) == [
        (4, "info", None, cut[-15:])]
    assert run("text.final_mark", paragraphs=[para(4, cut + "。"), para(5, "五、部门预算表", heading=True)]) == []


def facts(table, kind, amount):
    return [{"document_id": "d", "table_no": table, "table_kind": kind, "side": "expenditure", "row_no": 1,
             "column_no": 2, "code": None, "name_zh": "合计", "column_zh": "合计", "measure": "total",
             "amount_yuan": amount, "amount_as_printed": amount, "unit_as_printed": "元", "is_total": True}]


def test_stated_but_blank():
    text = [para(6, "政府性基金拨款支出预算120万元，主要用于公共设施建设。")]
    assert run("complete.stated_but_blank", paragraphs=text, facts=facts(6, "government_fund_expenditure", "0")) == [
        (6, "error", "0", "120")]
    assert run("complete.stated_but_blank", paragraphs=text, facts=facts(6, "government_fund_expenditure", "1200000")) == []


def test_note_against_amounts():
    note = [{"document_id": "d", "table_no": 9, "table_kind": "three_public_and_running_costs", "note_no": 1, "line": 4,
             "text": "注:本部门2026年无“三公”经费和机关运行经费预算，故本表为空表。"}]
    assert run("complete.note_against_amounts", table_notes=note, facts=facts(9, "three_public_and_running_costs", "479100")) == [
        (4, "error", None, "1")]
    assert run("complete.note_against_amounts", table_notes=note, facts=facts(9, "three_public_and_running_costs", "0")) == []


def column(amounts, total, unit):
    rows = [{"document_id": "d", "table_no": 3, "table_kind": "expenditure_by_function", "side": "expenditure",
             "row_no": i, "column_no": 5, "code": None, "name_zh": f"x{i}", "column_zh": "合计", "measure": "total",
             "amount_yuan": a if unit == "元" else str(int(float(a) * 10000)), "amount_as_printed": a,
             "unit_as_printed": unit, "is_total": False} for i, a in enumerate(amounts, 1)]
    t = dict(rows[0], row_no=len(amounts) + 1, name_zh="合计", is_total=True, amount_as_printed=total,
             amount_yuan=total if unit == "元" else str(int(float(total) * 10000)))
    return rows + [t]


def test_tolerance_follows_printed_precision():
    # tables in 元 printed to the 元: independently rounded figures 1 元 apart are rounding, info
    found = audit({"documents": [DOC], "facts": column(["100", "201"], "300", "元")}, only=["table.column_total"]).findings
    assert [(f["rule_id"], f["severity"], f["difference"], f["tolerance"]) for f in found] == [("audit.rounding", "info", "-1", "1")]
    found = audit({"documents": [DOC], "facts": column(["100", "205"], "300", "元")}, only=["table.column_total"]).findings
    assert [f["severity"] for f in found] == ["error"]
    # twelve items to 0.01 万元: 0.02 apart is within rounding (13 figures, 6 half-units each side)
    items = ["14.26"] * 11 + ["14.23"]
    found = audit({"documents": [DOC], "facts": column(items, "171.07", "万元")}, only=["table.column_total"]).findings
    assert [(f["rule_id"], f["difference"]) for f in found] == [("audit.rounding", "-0.02")]


def test_as_of_date():
    assert run("text.as_of_date", paragraphs=[para(9, "截至2024年8月31日，本部门共有车辆6辆。")]) == [
        (9, "warning", "2025", "截至2024年8月31日")]
    assert run("text.as_of_date", paragraphs=[para(9, "截至2025年8月31日，本部门共有车辆6辆。")]) == []
    final = DOC | {"phase": "final", "phase_zh": "决算", "fiscal_year": 2024}
    assert run("text.as_of_date", doc=final, paragraphs=[para(9, "截至2024年12月31日，共有车辆6辆。")]) == []
    assert run("text.as_of_date", doc=final, paragraphs=[para(9, "截至2023年12月31日，共有车辆6辆。")]) == [
        (9, "warning", "2024", "截至2023年12月31日")]


def test_repeated_paragraph_not_a_title_repeated_on_slices():
    title = "2026年预算单位收入预算总表（续表）编制单位上海市数据局"       # a clipped title on each slice page
    sentence = "本单位2026年无政府性基金预算财政拨款安排的预算，故本表为空表，特此说明情况。"
    assert run("text.repeated_paragraph", paragraphs=[para(1, title), para(2, "x"), para(3, title)]) == []
    assert run("text.repeated_paragraph", paragraphs=[para(1, sentence), para(2, "二、其他", heading=True),
                                                       para(3, sentence)]) == [(3, "warning", None, sentence[:40])]


def test_table_findings_take_the_page_of_their_row():
    rows = column(["1.5", "2"], "3.6", "万元")
    for r in rows:
        r |= {"page": 7, "line": 10 + r["row_no"]}
    found = audit({"documents": [DOC], "facts": rows}, only=["table.column_total"]).findings
    assert [(f["page"], f["line"], f["row_no"]) for f in found] == [(7, 13, 3)]
    tables = [{"document_id": "d", "table_seq": 1, "table_no": 3, "page": 5}]
    found = audit({"documents": [DOC], "facts": column(["1.5", "2"], "3.6", "万元"), "tables": tables},
                  only=["table.column_total"]).findings
    assert [(f["page"], f["line"]) for f in found] == [(5, None)]


def by_function(row_no, total, basic, project):
    return {"document_id": "d", "table_no": 3, "row_no": row_no, "unit_as_printed": "万元", "code": f"20101{row_no:02d}",
            "name_zh": f"x{row_no}", "total": total, "basic": basic, "project": project}


def test_row_totals_failing_on_most_rows_are_one_finding():
    shifted = [by_function(i, str(10 * i), None, str(i)) for i in range(1, 6)]      # totals in another column
    found = audit({"documents": [DOC], "facts": column(["1"], "1", "万元"), "expenditure_by_function": shifted}, only=["table.row_total"]).findings
    assert [(f["severity"], f["row_no"], f["actual"]) for f in found] == [("warning", 1, "5/5")]
    one = [by_function(i, str(i + 1), "1", str(i)) for i in range(1, 5)] + [by_function(5, "9", "1", "5")]
    found = audit({"documents": [DOC], "facts": column(["1"], "1", "万元"), "expenditure_by_function": one}, only=["table.row_total"]).findings
    assert [(f["severity"], f["row_no"]) for f in found] == [("error", 5)]
    # no part printed or read: nothing to add up
    bare = [by_function(1, "10", None, None)]
    assert audit({"documents": [DOC], "facts": column(["1"], "1", "万元"), "expenditure_by_function": bare}, only=["table.row_total"]).findings == []


def test_a_table_not_read_gives_no_sum_findings():
    tables = [{"document_id": "d", "table_seq": 1, "table_no": 3, "status": "partial"}]
    rows = column(["1.5", "2"], "3.6", "万元")
    assert audit({"documents": [DOC], "facts": rows, "tables": tables}, only=["table.column_total"]).findings == []
    assert len(audit({"documents": [DOC], "facts": rows}, only=["table.column_total"]).findings) == 1


def test_same_paragraph_under_two_headings_is_the_template():
    text = "（一）人员经费1,941.88万元。主要包括：基本工资、津贴补贴、奖金、机关事业单位基本养老保险缴费。"
    a = dict(para(1, text), section_zh="六、财政拨款基本支出预算情况说明")
    b = dict(para(9, text), section_zh="八、一般公共预算基本支出预算情况说明")
    assert run("text.repeated_paragraph", paragraphs=[a, b]) == []
    assert run("text.repeated_paragraph", paragraphs=[a, dict(a, line=5, paragraph_no=5)]) == [(5, "warning", None, text[:40])]


def test_column_rows_repeating_the_total_are_not_parts():
    rows = column(["188.50", "188.50", "188.50"], "188.50", "万元")      # one figure on each of a project's rows
    assert audit({"documents": [DOC], "facts": rows}, only=["table.column_total"]).findings == []
    sub = column(["100", "20", "30"], "130", "万元")
    sub[1]["name_zh"] = "本年收入合计"                                     # a subtotal printed among the rows
    assert audit({"documents": [DOC], "facts": sub}, only=["table.column_total"]).findings == []
    assert len(audit({"documents": [DOC], "facts": column(["100", "20", "30"], "130", "万元")},
                     only=["table.column_total"]).findings) == 1


def test_row_identity_not_checked_where_the_table_prints_other_columns():
    row = by_function(1, "30", "10", "5")
    extra = column(["1"], "1", "万元")
    assert len(audit({"documents": [DOC], "facts": extra, "expenditure_by_function": [row]}, only=["table.row_total"]).findings) == 1
    extra[0] |= {"measure": "subsidy_to_affiliates", "amount_yuan": "150000"}   # 对附属单位补助支出 printed too
    assert audit({"documents": [DOC], "facts": extra, "expenditure_by_function": [row]}, only=["table.row_total"]).findings == []


def test_class_name_after_the_body_name_and_year():
    s = {"document_id": "d", "statement_no": 1, "line": 3, "section_zh": "十一", "topic": "function_class", "code": None,
         "subject_zh": "苏州市审计局2026年国有资本经营预算支出", "amount": "0", "amount_as_printed": "0", "unit": "万元"}
    assert run("narrative.class_names", statements=[s]) == []
    wrong = s | {"subject_zh": "苏州市审计局2026年医疗卫生健康支出"}
    assert [(x[2], x[3]) for x in run("narrative.class_names", statements=[wrong])] == [("卫生健康支出", "医疗卫生健康支出")]


def test_stated_twice_is_about_one_subject():
    def st(line, subject, change):
        return {"document_id": "d", "statement_no": line, "line": line, "section_zh": "一", "topic": "income_other",
                "code": None, "subject_zh": subject, "amount": "0", "amount_as_printed": "0", "unit": "万元",
                "change_direction": "decrease", "change_amount": change, "change_percent": None}
    two = [st(1, "（5）事业收入", "141.86"), st(2, "（7）上级补助收入", "914.34")]
    assert run("yoy.stated_twice", statements=two) == []
    same = [st(1, "（5）事业收入", "141.86"), st(2, "事业收入", "141.68")]
    assert [x[3] for x in run("yoy.stated_twice", statements=same)] == ["-141.68"]


def test_running_head_between_pages_does_not_cut_a_paragraph():
    head = "苏州市审计局2026年度单位预算公开"

    def on(page, line, text, **more):
        return dict(para(line, text, **more), page=page, section_zh="二")

    rows = [on(n, 1, head) for n in range(1, 5)]
    body = [on(2, 10, "深化审计管理体制改革，优化审计资源配置，充实加强一线审计力量，推进审计全覆盖，构建集中统"),
            on(3, 2, "一高效的审计监督体系，提高审计质量。"),
            on(3, 3, "- 3 -")]
    doc = DOC | {"source_file": "x.pdf"}
    ordered = sorted(rows + body, key=lambda r: (r["page"], r["line"]))
    assert run("text.final_mark", doc=doc, paragraphs=ordered) == []
    assert run("text.final_mark", doc=doc, paragraphs=[body[0], on(2, 11, "三、主要工作", heading=True)]) == [
        (10, "info", None, "深化审计管理体制改革，优化审计资源配置，充实加强一线审计力量，推进审计全覆盖，构建集中统"[-15:])]


def test_rows_with_their_subtotals_are_not_compared():
    nested = column(["192207.76", "52244.36", "139963.40", "432.00"], "192639.76", "万元")   # 财政拨款 and its two parts
    assert audit({"documents": [DOC], "facts": nested}, only=["table.column_total"]).findings == []
    short = column(["100", "50"], "160", "万元")                                             # a row missing
    assert [f["severity"] for f in audit({"documents": [DOC], "facts": short}, only=["table.column_total"]).findings] == ["error"]


def test_a_total_restated_as_printed_in_its_table_is_not_contradicted():
    overview = [{"document_id": "d", "table_no": 1, "row_no": 9, "unit_as_printed": "万元", "income_item_zh": "收入总计",
                 "income_budget": "42673.03", "expenditure_code": None, "expenditure_name_zh": "支出总计", "expenditure_budget": "42673.03"}]
    printed = [dict(column(["1"], "1", "万元")[0], table_no=1, table_kind="financial_overview", amount_yuan="1922077600",
                    amount_as_printed="192207.76", name_zh="一、财政拨款")]
    s = {"document_id": "d", "statement_no": 1, "line": 21, "section_zh": "二", "topic": "total_income", "code": None,
         "subject_zh": "财政拨款收支总预算", "amount": "192207.76", "amount_as_printed": "192207.76", "unit": "万元"}
    assert run("narrative.figures", statements=[s], facts=printed, financial_overview=overview) == []
    other = [dict(printed[0], amount_yuan="1500000000")]
    assert [x[1] for x in run("narrative.figures", statements=[s], facts=other, financial_overview=overview)] == ["error"]


def test_a_table_read_in_part_is_a_reading_notice_not_a_finding():
    """Issue 20: reading notices belong in the tables resource; a partial table is never a finding, and the totals
    across tables leave it out."""
    tables = [{"document_id": "d", "table_seq": 1, "table_no": 3, "table_kind": "expenditure_by_function", "status": "partial",
               "reason_zh": "一行缺少金额", "reason_en": "a row without its amounts", "facts": 2}]
    rows = column(["1.5", "2"], "3.6", "万元")
    found = audit({"documents": [DOC], "facts": rows, "tables": tables}).findings
    assert [f["rule_id"] for f in found if f["rule_id"].startswith(("complete.table", "table."))] == []
