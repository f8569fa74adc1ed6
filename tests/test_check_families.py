"""Every rule family on small hand-made rows, each named after the defect it carries: the defective rows give
exactly the findings typed here (rule, table, row, line, expected, actual), their corrected twin none."""

from __future__ import annotations

from yusuan.check import audit

DOC = {"document_id": "d", "template": "xinjiang-2021", "fiscal_year": 2021}
ANY_FACT = [{"document_id": "d", "table_no": 99, "table_kind": "other", "side": "", "row_no": 1, "column_no": 1,
             "code": None, "name_zh": "x", "column_zh": "x", "measure": "total", "amount_yuan": "0",
             "amount_as_printed": "0", "unit_as_printed": "万元", "is_total": False}]


def run(rule: str, **rows) -> list[tuple]:
    found = audit({"documents": [DOC], **rows}, only=[rule]).findings
    return [(f["rule_id"], f["table_no"], f["row_no"], f["line"], f["expected"], f["actual"]) for f in found]


def severities(rule: str, **rows) -> list[str]:
    return [f["severity"] for f in audit({"documents": [DOC], **rows}, only=[rule]).findings]


def fact(table, kind, row, name, amount, code=None, side="expenditure", col=2, total=False):
    return {"document_id": "d", "table_no": table, "table_kind": kind, "side": side, "row_no": row, "column_no": col,
            "code": code, "name_zh": name, "column_zh": "预算数", "measure": "total",
            "amount_yuan": str(int(float(amount) * 10000)), "amount_as_printed": amount, "unit_as_printed": "万元",
            "is_total": total}


def row(table, row_no, **values):
    return {"document_id": "d", "table_no": table, "row_no": row_no, "unit_as_printed": "万元"} | values


# --- within a table -------------------------------------------------------------------------------------

def subtotal_rows(appropriation: str):
    kind = "income_expenditure_overview"
    return [fact(1, kind, 1, "财政拨款（补助）", appropriation, side="income"),
            fact(1, kind, 2, "一般公共预算", "6", side="income"),
            fact(1, kind, 3, "政府性基金预算", "3", side="income")]


def test_subtotal_appropriation_not_its_parts():
    assert run("table.subtotal", facts=subtotal_rows("10")) == [("table.subtotal", 1, 1, None, "9", "10")]
    assert run("table.subtotal", facts=subtotal_rows("9")) == []


def hierarchy_rows(class_amount: str):
    kind = "expenditure_by_function"
    return [fact(3, kind, 1, "资源勘探工业信息等支出", class_amount, code="215"),
            fact(3, kind, 2, "国有资产监管", "3", code="21507"),
            fact(3, kind, 3, "行政运行", "1", code="2150701"),
            fact(3, kind, 4, "一般行政管理事务", "2", code="2150702"),
            fact(3, kind, 5, "工业和信息产业监管", "1.5", code="21508")]


def test_code_hierarchy_class_not_sum_of_sections():
    assert run("table.code_hierarchy", facts=hierarchy_rows("5")) == [("table.code_hierarchy", 3, 1, None, "4.5", "5")]
    assert run("table.code_hierarchy", facts=hierarchy_rows("4.5")) == []


# --- across tables --------------------------------------------------------------------------------------

def test_totals_agree_basic_spending_not_economic_total():
    def rows(economic_total):
        return {"facts": ANY_FACT,
                "general_budget_expenditure": [row(5, 7, name_zh="合计", total="525.81", basic="420.81", project="105")],
                "general_budget_basic_economic": [row(6, 34, name_zh="合计", total=economic_total)]}
    assert run("across.totals_agree", **rows("525.81")) == [("across.totals_agree", 6, 34, None, "420.81", "525.81")]
    assert run("across.totals_agree", **rows("420.81")) == []


def test_totals_agree_department_projects_not_project_table_is_a_warning():
    def rows(table_total):
        return {"facts": ANY_FACT,
                "expenditure_by_function": [row(3, 7, name_zh="合计", total="525.81", basic="420.81", project="105")],
                "general_budget_projects": [row(7, 8, project_zh="合计", total=table_total)]}
    assert run("across.totals_agree", **rows("100")) == [("across.totals_agree", 7, 8, None, "105", "100")]
    assert severities("across.totals_agree", **rows("100")) == ["warning"]
    assert run("across.totals_agree", **rows("105")) == []


def test_class_sums_overview_class_not_its_items():
    def rows(overview_amount):
        return {"facts": ANY_FACT,
                "income_expenditure_overview": [row(1, 2, expenditure_code="215", expenditure_name_zh="资源勘探工业信息等支出",
                                                    expenditure_budget=overview_amount)],
                "expenditure_by_function": [row(3, 1, code="2150701", name_zh="行政运行", total="4"),
                                            row(3, 2, code="2150702", name_zh="一般行政管理事务", total="5")]}
    assert run("across.class_sums", **rows("10")) == [("across.class_sums", 1, 2, None, "9", "10")]
    assert run("across.class_sums", **rows("9")) == []


def test_three_public_reception_not_economic_item():
    def rows(reception):
        return {"three_public_expenses": [row(8, 1, total="3.9", outbound="0", vehicle_total="3.5", vehicle_purchase="0",
                                                vehicle_operation="3.5", reception=reception)],
                "general_budget_basic_economic": [row(6, 16, code="30217", name_zh="公务接待费", total="0.4", public="0.4"),
                                                  row(6, 26, code="30231", name_zh="公务用车运行维护费", total="3.5", public="3.5")]}
    assert run("across.three_public_economic", **rows("0.5")) == [("across.three_public_economic", 6, 16, None, "0.5", "0.4")]
    assert severities("across.three_public_economic", **rows("0.5")) == ["warning"]
    assert run("across.three_public_economic", **rows("0.3")) == [("across.three_public_economic", 6, 16, None, "0.3", "0.4")]
    assert severities("across.three_public_economic", **rows("0.3")) == ["error"]   # basic spending above the 三公 item
    assert run("across.three_public_economic", **rows("0.4")) == []


def test_economic_split_subsidy_in_public_costs():
    def rows(column):
        return {"general_budget_basic_economic": [row(6, 32, code="30309", name_zh="奖励金", total="0.48", **{column: "0.48"})]}
    assert run("across.economic_split", **rows("public")) == [("across.economic_split", 6, 32, None, "0", "0.48")]
    assert run("across.economic_split", **rows("personnel")) == []


# --- codes ----------------------------------------------------------------------------------------------

def test_one_name_code_named_two_ways():
    def rows(name_in_income_table):
        return {"facts": ANY_FACT,
                "income_by_function": [row(2, 2, code="2080505", name_zh=name_in_income_table, total="1")],
                "expenditure_by_function": [row(3, 2, code="2080505", name_zh="机关事业单位基本养老", total="1")],
                "general_budget_expenditure": [row(5, 2, code="2080505", name_zh="机关事业单位基本养老", total="1")]}
    assert run("codes.one_name", **rows("机关事业单位基本医疗")) == [
        ("codes.one_name", 2, 2, None, "机关事业单位基本养老", "机关事业单位基本医疗")]
    assert run("codes.one_name", **rows("机关事业单位基本养老")) == []


# --- completeness ---------------------------------------------------------------------------------------

KINDS = ["income_expenditure_overview", "income_by_function", "expenditure_by_function", "appropriation_overview",
         "general_budget_expenditure", "general_budget_basic_economic", "general_budget_projects",
         "three_public_expenses", "government_fund_expenditure"]


def tables_printed(kinds):
    return [fact(n, kind, 1, "合计", "1") for n, kind in enumerate(kinds, start=1)]


def test_tables_government_fund_table_missing():
    assert run("complete.tables", facts=tables_printed(KINDS[:-1])) == [
        ("complete.tables", None, None, None, "政府性基金预算支出情况表", None)]
    assert run("complete.tables", facts=tables_printed(KINDS)) == []


def test_units_table_without_unit():
    def rows(unit):
        return {"facts": ANY_FACT, "three_public_expenses": [row(8, 1, total="3.9") | {"unit_as_printed": unit}]}
    assert run("complete.units", **rows(None)) == [("complete.units", 8, None, None, None, None)]
    assert run("complete.units", **rows("万元")) == []


def test_empty_note_empty_fund_table_without_note():
    def rows(notes):
        return {"facts": ANY_FACT, "government_fund_expenditure": [row(9, 10, name_zh="合计")],
                "table_notes": [{"document_id": "d", "table_no": 7, "table_kind": "general_budget_projects", "note_no": 1,
                                 "line": 1300, "text": "注：项目支出按功能分类列示"}] + notes}
    note = {"document_id": "d", "table_no": 9, "table_kind": "government_fund_expenditure", "note_no": 2, "line": 1414,
            "text": "备注：我单位无政府性基金预算，此表为空表"}
    assert run("complete.empty_note", **rows([])) == [("complete.empty_note", 9, None, None, None, None)]
    assert run("complete.empty_note", **rows([note])) == []


# --- narrative against the tables -----------------------------------------------------------------------

def statement(line, topic, amount, subject=None, code=None, share=None, section="三、支出预算情况说明", unit="万元",
              change=None, percent=None, direction="increase", reason=""):
    return {"document_id": "d", "statement_no": line, "line": line, "section_zh": section, "topic": topic, "code": code,
            "subject_zh": subject or topic, "amount": amount, "amount_as_printed": amount, "unit": unit,
            "share_percent": share, "change_direction": direction if change else "none", "change_amount": change,
            "change_percent": percent, "sentence_zh": "", "reason_zh": reason}


def test_figures_public_costs_restated_wrong():
    """The sample's line 1451, under 六、关于昌吉州国资委2021年一般公共预算基本支出情况说明: 公用经费 59.36 against 表六's
    164.36. The same 公用经费 stated for the whole department (a section naming no fund, 湖州's 按支出用途分类 of all
    funds) is not held against the general budget's table."""
    def rows(stated, section="六、关于昌吉州国资委2021年一般公共预算基本支出情况说明"):
        return {"facts": ANY_FACT, "statements": [statement(1451, "public", stated, "公用经费", section=section)],
                "general_budget_basic_economic": [row(6, 34, name_zh="合计", total="525.81", personnel="361.45", public="164.36")]}
    assert run("narrative.figures", **rows("59.36")) == [("narrative.figures", 6, None, 1451, "164.36", "59.36")]
    assert run("narrative.figures", **rows("164.36")) == []
    assert run("narrative.figures", **rows("59.36", section="（三）关于2026年支出预算情况说明")) == []


def test_class_amounts_total_under_another_class():
    def rows(subject):
        return {"facts": ANY_FACT, "statements": [statement(1444, "function_class", "525.81", subject)],
                "income_expenditure_overview": [row(1, 2, expenditure_code="215", expenditure_name_zh="资源勘探工业信息等支出",
                                                    expenditure_budget="525.81")]}
    assert run("narrative.class_amounts", **rows("一般公共服务支出")) == [("narrative.class_amounts", 1, None, 1444, "0", "525.81")]
    assert run("narrative.class_amounts", **rows("资源勘探工业信息等支出")) == []


def test_class_names_name_not_of_its_code():
    assert run("narrative.class_names", statements=[statement(1425, "function_class", "1", "医疗卫生健康支出")]) == [
        ("narrative.class_names", None, None, 1425, "卫生健康支出", "医疗卫生健康支出")]
    assert run("narrative.class_names", statements=[statement(1425, "function_class", "1", "卫生健康支出")]) == []
    item = statement(1445, "function_item", "1", "机关事业单位医疗", code="2080505")
    assert run("narrative.class_names", statements=[item]) == [
        ("narrative.class_names", None, None, 1445, "机关事业单位基本养老保险缴费支出", "机关事业单位医疗")]
    assert run("narrative.class_names", statements=[item | {"subject_zh": "机关事业单位基本养老保险缴费"}]) == []


def test_shares_project_share_wrong():
    def rows(share):
        return {"facts": ANY_FACT, "statements": [statement(1434, "project_expenditure", "105", "项目支出", share=share)],
                "income_expenditure_overview": [row(1, 31, income_item_zh="收入总计", income_budget="525.81",
                                                    expenditure_name_zh="支出总计", expenditure_budget="525.81")]}
    assert run("narrative.shares", **rows("25")) == [("narrative.shares", None, None, 1434, "19.97", "25")]
    assert run("narrative.shares", **rows("20")) == []      # 19.97 printed to whole percent
    assert run("narrative.shares", **rows("19.97")) == []


def test_parts_three_public_total_not_its_items():
    def rows(total):
        section = "八、“三公”经费情况说明"
        return {"statements": [statement(1508, "three_public_total", total, "“三公”经费", section=section),
                               statement(1509, "outbound", "0", section=section),
                               statement(1510, "vehicle_operation", "3.5", section=section),
                               statement(1511, "reception", "0.45", section=section)]}
    assert run("narrative.parts", **rows("3.9")) == [("narrative.parts", None, None, 1508, "3.95", "3.9")]
    assert run("narrative.parts", **rows("3.95")) == []


def test_direction_increase_where_figures_fall():
    down = statement(1433, "basic_expenditure", "420.81", "基本支出", change="-98.83", percent="-19")
    assert run("yoy.direction", statements=[down]) == [("yoy.direction", None, None, 1433, None, "increase")]
    # a reason naming a part that fell is no finding (4 of 4 false on the corpus: 无新增阶段性项目, 福利费科目取消)
    reason = statement(1433, "basic_expenditure", "420.81", "基本支出", change="98.83", reason="人员减少")
    assert run("yoy.direction", statements=[reason]) == []
    right = statement(1433, "basic_expenditure", "420.81", "基本支出", change="98.83", reason="人员增加")
    assert run("yoy.direction", statements=[right]) == []


# --- text -----------------------------------------------------------------------------------------------

def paragraph(line, text):
    return {"document_id": "d", "paragraph_no": line, "line": line, "part_zh": "", "section_zh": "八", "text": text}


def test_punctuation_doubled_full_stop():
    assert run("text.punctuation", paragraphs=[paragraph(9, "公务接待费0.4万元。。")]) == [
        ("text.punctuation", None, None, 9, None, "。。")]
    assert run("text.punctuation", paragraphs=[paragraph(9, "公务接待费0.4万元。")]) == []


def test_repeated_paragraph_printed_twice():
    text = "2021年本部门无政府性基金预算拨款安排的支出，政府性基金预算支出情况表为空表。"
    assert run("text.repeated_paragraph", paragraphs=[paragraph(20, text), paragraph(30, text)]) == [
        ("text.repeated_paragraph", None, None, 30, None, text[:40])]
    assert run("text.repeated_paragraph", paragraphs=[paragraph(20, text), paragraph(30, text.replace("2021", "2020"))]) == []


# --- cross-references: projects --------------------------------------------------------------------------

def project_table(*names_amounts):
    rows = [row(7, n, code="2150702", name_zh="一般行政管理事务", project_zh=name, total=amount)
            for n, (name, amount) in enumerate(names_amounts, start=1)]
    total = sum(int(a) for _, a in names_amounts)
    return rows + [row(7, len(rows) + 1, project_zh="合计", total=str(total))]


def project(no, line, name, table_row, stated, table, method="exact", explained=None, basis=None):
    return {"document_id": "d", "project_no": no, "line": line, "name_zh": name, "explained_name_zh": explained or name,
            "table_name_zh": name, "link_method": method, "link_confidence": 1.0, "table_no": 7 if table_row else None, "table_row_no": table_row,
            "stated_amount": stated, "table_amount": table, "unit": "万元", "basis_documents": basis}


def goal(no, line, title, name, project_no, funds, goal_text="", method="exact", confidence=1.0):
    return {"document_id": "d", "target_no": no, "line": line, "title_zh": title, "project_zh": name,
            "project_no": project_no, "link_method": method, "link_confidence": confidence, "funds_unit": "万元",
            "funds_total": funds, "funds_total_as_printed": funds, "goal_zh": goal_text}


def test_projects_amount_and_presence():
    rows = project_table(("党务干部培训费", "6"), ("律师咨询费", "4"))
    wrong = [project(1, 1453, "党务干部培训费", 1, "5", "6"), project(2, 1485, "律师咨询费", 2, None, "4", method="table_only"),
             project(3, 1490, "调研经费", None, "2", None, method="unlinked")]
    assert run("xref.projects", projects=wrong, general_budget_projects=rows) == [
        ("xref.projects", 7, 1, 1453, "6", "5"),
        ("xref.projects", 7, 2, 1485, "律师咨询费", None),
        ("xref.projects", None, None, 1490, None, "调研经费")]
    right = [project(1, 1453, "党务干部培训费", 1, "6", "6"), project(2, 1485, "律师咨询费", 2, "4", "4")]
    assert run("xref.projects", projects=right, general_budget_projects=rows) == []


def test_performance_count_projects_not_in_table():
    rows = project_table(("党务干部培训费", "6"), ("律师咨询费", "4"))
    said = [statement(1529, "performance_projects_count", "3", unit="个"), statement(1529, "performance_projects_amount", "12")]
    assert run("xref.performance_count", statements=said, general_budget_projects=rows) == [
        ("xref.performance_count", 7, None, 1529, "2", "3"), ("xref.performance_count", 7, None, 1529, "10", "12")]
    said = [statement(1529, "performance_projects_count", "2", unit="个"), statement(1529, "performance_projects_amount", "10")]
    assert run("xref.performance_count", statements=said, general_budget_projects=rows) == []


def test_project_names_differ_between_table_explanation_and_performance_table():
    rows = project_table(("微信公众号", "3"), ("国有企业退休人员社会化管理工作经费", "20"))
    projects = [project(1, 1501, "微信公众号", 1, "3", "3"),
                project(2, 1469, "国有企业退休人员社会化管理工作经费", 2, "20", "20", method="similar_name_same_amount",
                        explained="退休人员移交经费")]
    goals = [goal(7, 2142, "州国资委2021年微信公众号项目支出绩效目标表", "微信平台公众号专项资金", 1, "3",
                  method="title_contains", confidence=0.75),
             goal(3, 1729, "州国资委2021年国有企业退休人员社会化移交项目支出绩效目标表",
                  "国有企业退休人员社会化管理工作经费", 2, "20")]
    found = audit({"documents": [DOC], "general_budget_projects": rows, "projects": projects, "performance_goals": goals},
                  only=["xref.project_names"]).findings
    assert [(f["severity"], f["table_no"], f["row_no"], f["line"], f["expected"], f["actual"]) for f in found] == [
        ("warning", 7, 2, 1469, "国有企业退休人员社会化管理工作经费", "退休人员移交经费"),    # neither shortens the other
        ("info", 7, 1, 2142, "微信公众号", "微信平台公众号专项资金"),                        # a longer form of the name
        ("info", 7, 2, 1729, "国有企业退休人员社会化管理工作经费", "国有企业退休人员社会化移交"),  # the title's name
    ]
    assert "title_contains" in found[1]["message_zh"] and "title_contains" in found[1]["message_en"]
    same = [goal(7, 2142, "州国资委2021年微信公众号项目支出绩效目标表", "微信公众号", 1, "3")]
    assert run("xref.project_names", general_budget_projects=rows, projects=projects[:1], performance_goals=same) == []


def test_performance_funds_not_the_project_amount():
    rows = project_table(("年终财务审计费", "57"))
    projects = [project(1, 1493, "年终财务审计费", 1, "57", "57")]

    def goals(funds):
        return [goal(6, 2033, "州国资委2021年终财务审计项目支出绩效目标表", "年终财务审计费", 1, funds)]
    assert run("xref.performance_funds", general_budget_projects=rows, projects=projects, performance_goals=goals("75")) == [
        ("xref.performance_funds", 7, 1, 2033, "57", "75")]
    assert run("xref.performance_funds", general_budget_projects=rows, projects=projects, performance_goals=goals("57")) == []


def test_project_basis_cited_with_another_number():
    projects = [project(1, 1453, "党务干部培训费", 1, "6", "6", basis="昌州党组〔2018〕32号")]

    def goals(cited):
        return [goal(2, 1630, "州国资委2021年党务干部集中培训费支出绩效目标表", "党务干部培训费", 1, "6",
                     goal_text=f"根据关于认真组织学习的通知（{cited}），通过学习")]
    assert run("xref.project_basis", projects=projects, performance_goals=goals("昌州党组〔2018〕132号")) == [
        ("xref.project_basis", None, None, 1630, "昌州党组〔2018〕32号", "昌州党组〔2018〕132号")]
    assert run("xref.project_basis", projects=projects, performance_goals=goals("昌州党组[2018]32号")) == []
    assert run("xref.project_basis", projects=projects, performance_goals=goals("昌州党办字〔2019〕55号")) == []  # another document


def test_performance_funds_total_is_not_fiscal_plus_other():
    def goals(total, fiscal, other):
        g = goal(1, 1530, "州国资委2021年党建智能管理系统项目支出绩效目标表", "国有企业党建信息智能管理系统", 1, total)
        return [g | {"funds_fiscal": fiscal, "funds_other": other}]
    assert run("xref.performance_funds_split", performance_goals=goals("5", "4", "0")) == [
        ("xref.performance_funds_split", None, None, 1530, "4", "5")]
    assert run("xref.performance_funds_split", performance_goals=goals("5", "5", None)) == []   # 其他资金 left blank
    assert run("xref.performance_funds_split", performance_goals=goals("20", "15", "5")) == []
