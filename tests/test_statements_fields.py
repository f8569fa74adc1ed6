"""Every field of a statement row right on families it was not written from (issue 19: ≥95% of sampled rows right
in every field). The cases a sampled reading of the corpus found wrong (scripts/sample_statements.py), each with
values typed from the printed page (pdftotext -layout), pages cut from /work/shared/real/corpus
(tests/fixtures/real/SOURCES.md):

- a change after a closing bracket is the figure's printed before the bracket (广州: …运行维护费61.49万元（…。）比上年
  增加3.5万元), not the last figure inside it, and its subject is not the bracket;
- a heading cut from the figure it names ((六)2080505-机关事业单位基本养老保险缴费支出 | 442.44万元。) names it, and the
  hyphen after a printed code is not part of the name (泉州);
- 收、支 / 收入、支出 is one subject, both sides (苏州), and 与上年相比 is a base, not part of the subject;
- 收入较去年减少… (长沙): 较去年 is a base; 事业单位经营服务收入 is operating income;
- 按支出用途分类 人员支出 / 日常公用支出 are personnel and public costs, not functional classes (湖州);
- 共有车辆7台 counts vehicles (北京); 固定资产金额 is the value of fixed assets (广州);
- 涉及财政性资金 after 整体支出纳入绩效目标管理 is the department's whole spending, …合计 after N个项目 the projects' (无锡).
"""

from __future__ import annotations

from test_statements_families import rows_of


def one(rows: list[dict], **where) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, [(r["subject_zh"], r["amount_as_printed"]) for r in found])
    return found[0]


def test_a_change_after_a_closing_bracket_is_the_total_before_it():
    rows = rows_of("gz_planning_2026.pdf", "广州市规划和自然资源局")
    total = one(rows, subject_zh="公务用车购置及运行维护费", amount_as_printed="61.49")
    assert total["topic"] == "vehicle_total"
    assert (total["change_direction"], total["change_amount_as_printed"], total["change_percent_as_printed"]) == (
        "increase", "3.5", "6")
    inside = one(rows, subject_zh="公务用车运行维护费", amount_as_printed="61.49")
    assert (inside["change_amount_as_printed"], inside["change_percent_as_printed"]) == ("3.5", None)
    purchase = one(rows, subject_zh="公务用车购置费", amount_as_printed="0")
    assert (purchase["change_amount_as_printed"], purchase["change_direction"]) == ("0", "none")
    assert not [r for r in rows if r["subject_zh"].startswith(("）", ")"))]
    assert one(rows, subject_zh="公务接待费")["amount_as_printed"] == "14.57"


def test_fixed_assets_value():
    rows = rows_of("gz_planning_2026.pdf", "广州市规划和自然资源局")
    assets = one(rows, subject_zh="固定资产金额")
    assert (assets["amount_as_printed"], assets["unit"], assets["topic"]) == ("192,567.28", "万元", "fixed_assets_value")


def test_a_heading_cut_from_its_figure_names_it_and_the_code_hyphen_is_not_the_name():
    rows = rows_of("qz_gov_office_2026.pdf", "泉州市人民政府办公室")
    pension = one(rows, amount_as_printed="442.44")
    assert (pension["code"], pension["subject_zh"], pension["topic"]) == (
        "2080505", "机关事业单位基本养老保险缴费支出", "function_item")
    medical = one(rows, amount_as_printed="125.11")
    assert (medical["code"], medical["subject_zh"]) == ("2101101", "行政单位医疗")
    retired = one(rows, amount_as_printed="653.08")
    assert (retired["code"], retired["subject_zh"]) == ("2080501", "行政单位离退休")


def test_both_sides_of_a_total_are_one_subject():
    rows = rows_of("su_audit_totals_2026.pdf", "苏州市审计局")
    total = one(rows, amount_as_printed="4,651.67", subject_zh="收入、支出预算总计")
    assert total["topic"] == "total_income_and_expenditure"
    change = one(rows, change_amount_as_printed="47.15", subject_zh="收、支预算总计")
    assert (change["topic"], change["change_direction"], change["change_percent_as_printed"], change["prior_basis"],
            change["prior_year"]) == ("total_income_and_expenditure", "increase", "1.02", "prior_budget", 2025)


def test_compared_with_last_year_and_operating_service_income():
    rows = rows_of("cs_police_2025.pdf", "长沙市公安局")
    rows = [r for r in rows if r["change_amount_as_printed"] == "1316.82"]
    # 收入较去年减少1316.82万元 a paragraph of its own; 支出较去年减少… follows the total it compares (支出预算68632.12万元)
    assert [(r["subject_zh"], r["amount_as_printed"], r["topic"], r["change_direction"], r["change_percent_as_printed"])
            for r in rows] == [("收入", None, "total_income", "decrease", "1.88"),
                               ("支出预算", "68632.12", "total_expenditure", "decrease", "1.88")]
    assert all(r["prior_basis"] == "prior_budget" for r in rows)
    income = one(rows_of("cs_police_2025.pdf", "长沙市公安局"), subject_zh="事业单位经营服务收入")
    assert (income["amount_as_printed"], income["topic"]) == ("0.00", "operating_income")


def test_spending_by_purpose_is_personnel_and_public_not_a_function():
    rows = rows_of("hz_finance_2026.pdf", "湖州市财政局")
    got = {r["subject_zh"]: (r["amount_as_printed"], r["topic"], r["share_percent_as_printed"]) for r in rows
           if "按支出用途分类" in r["sentence_zh"]}
    assert got == {"人员支出": ("4944.99", "personnel", "72.3"), "日常公用支出": ("626.67", "public", "9.2"),
                   "项目支出": ("1266.75", "project_expenditure", "18.5")}


def test_vehicles_counted_in_tai():
    rows = rows_of("bj_healthcare_security_2026.pdf", "北京市医疗保障局")
    vehicles = one(rows, subject_zh="共有车辆")
    assert (vehicles["amount_as_printed"], vehicles["unit"], vehicles["topic"]) == ("7", "台", "vehicles_count")


def test_amounts_under_performance_management():
    rows = rows_of("wx_commerce_2026.pdf", "无锡市商务局")
    overall = one(rows, amount_as_printed="17,466.65")
    projects = one(rows, amount_as_printed="12,796.25")
    assert (overall["subject_zh"], overall["topic"]) == ("涉及财政性资金", "performance_overall_amount")
    assert (projects["subject_zh"], projects["topic"]) == ("涉及财政性资金合计", "performance_projects_amount")
