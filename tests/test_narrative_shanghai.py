"""The narrative of the Shanghai family as data: every figure of the 预算编制说明 / 决算说明 and 其他相关情况说明 as a
statement, the projects of 项目经费情况说明, the organisation. Every expected value is typed from the printed PDFs
in tests/fixtures/real (pdftotext -layout), never taken from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yusuan.build import extract

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
FILES = {
    "zfban": "sh_putuo_zfban_dept_2025.pdf",
    "wanli": "sh_putuo_wanlijd_dept_2024.pdf",
    "welfare": "sh_putuo_shflyuan_unit_2024.pdf",
    "czj": "sh_putuo_czj_final_2024.pdf",
}
EXPLAINED = r"编制说明$|其他相关情况说明$|^第三部分"


@pytest.fixture(scope="module")
def docs():
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract(REAL / FILES[name]).rows
        return cache[name]

    return get


def S(topic, amount="", unit="万元", code="", word="", change="", pct="", prior="", basis="", share="", done="", planned=False):
    """One expected statement: what the page prints (amounts and percents exactly as printed)."""
    return (topic, code, amount, unit if amount else "", word, change, pct, prior, basis, share, done, planned)


def got(rows: list[dict]) -> list[tuple]:
    keys = ("topic", "code", "amount_as_printed", "unit", "change_word_zh", "change_amount_as_printed", "change_percent_as_printed",
            "prior_amount_as_printed", "prior_basis", "share_percent_as_printed", "completion_percent_as_printed")
    return [tuple(r[k] or "" for k in keys) + (r["planned"],) for r in rows if re.search(EXPLAINED, r["part_zh"])]


def assets(planned_vehicles: dict, held: dict, equipment_held: str = "0", equipment_planned: str = "0") -> list[tuple]:
    """国有资产占有使用情况: vehicles held by kind, equipment over 100万元, then the same planned for purchase."""
    kinds = ["ministerial", "leader", "confidential", "emergency", "law_enforcement", "special", "retired_cadre", "other"]
    out = [S("vehicles_count", held["total"], "辆")] + [S(f"{k}_vehicles_count", held.get(k, "0"), "辆") for k in kinds]
    out.append(S("large_equipment_100", equipment_held, "台（套）"))
    if planned_vehicles:
        out += [S("vehicles_count", planned_vehicles["total"], "辆", planned=True)]
        out += [S(f"{k}_vehicles_count", planned_vehicles.get(k, "0"), "辆", planned=True) for k in kinds]
        out.append(S("planned_large_equipment_100", equipment_planned, "台（套）", planned=True))
    return out


def budget_totals(total, appropriation, change, word, basis, business="0", zero="0"):
    """收入预算 … 支出预算 … of a Shanghai 预算编制说明."""
    return [
        S("total_income", total), S("appropriation_income", appropriation, word=word, change=change, basis=basis),
        S("business_income", business), S("operating_income", zero), S("other_income", zero),
        S("total_expenditure", total), S("appropriation_expenditure", appropriation, word=word, change=change, basis=basis),
        S("general_budget_appropriation", appropriation, word=word, change=change, basis=basis),
        S("government_fund_expenditure", zero, word="持平", basis=basis), S("state_capital_expenditure", zero, word="持平", basis=basis),
    ]


ZFBAN = budget_totals("9,101.68", "9,101.68", "2,389.52", "减少", "prior_budget") + [
    S("function_item", "1,202.95", code="2010301"), S("function_item", "4,614", code="2010302"),
    S("function_item", "380.73", code="2010350"), S("function_item", "2,012", code="2010399"),
    S("function_item", "155.42", code="2080501"), S("function_item", "176.32", code="2080505"),
    S("function_item", "88.16", code="2080506"), S("function_item", "1.48", code="2080599"),
    S("function_item", "78.29", code="2101101"), S("function_item", "31.42", code="2101102"),
    S("function_item", "174.14", code="2210201"), S("function_item", "186.77", code="2210203"),
    S("three_public_total", "867.50", word="持平", basis="prior_budget"), S("outbound", "839", word="持平", basis="prior_budget"),
    S("vehicle_total", "0", word="持平", basis="prior_budget"), S("vehicle_purchase", "0", word="持平", basis="prior_budget"),
    S("vehicle_operation", "0", word="持平", basis="prior_budget"), S("reception", "28.50", word="持平", basis="prior_budget"),
    S("office_running_cost", "213.28"),
    S("procurement_total", "34"), S("procurement_goods", "0"), S("procurement_works", "0"), S("procurement_services", "34"),
    S("sme_reserved", "34"), S("small_micro_reserved", "34"),
    S("performance_units_count", "1", "个"), S("performance_projects_count", "11", "个"), S("performance_projects_amount", "6626"),
] + assets({"total": "0"}, {"total": "0"})

# 2024年当年预算执行数 → 2024年预算安排, with the change in percent against that execution (比2023年预算执行数…)
WANLI_ITEMS = [
    ("2010507", "25.77", "60.13", "减少", "57.14"), ("2012902", "42.60", "45.41", "减少", "6.19"),
    ("2013202", "88.87", "60.79", "增加", "46.19"), ("2013302", "110.60", "114.00", "减少", "2.98"),
    ("2013402", "11.91", "9.00", "增加", "32.33"), ("2013802", "13.52", "14.62", "减少", "7.52"),
    ("2040607", "30.00", "15.00", "增加", "100.00"), ("2049999", "133.30", "130.23", "增加", "2.36"),
    ("2059999", "25.00", "0.00", "增加", "100.00"), ("2060702", "10.00", "10.00", "持平", ""),
    ("2070308", "20.00", "20.00", "持平", ""), ("2080501", "24.31", "20.30", "增加", "19.75"),
    ("2080502", "7.66", "6.26", "增加", "22.36"), ("2080505", "460.85", "357.56", "增加", "28.89"),
    ("2080506", "230.28", "198.60", "增加", "15.95"), ("2080599", "0.39", "0.31", "增加", "25.81"),
    ("2080705", "421.23", "389.59", "增加", "8.12"), ("2081602", "4.44", "4.33", "增加", "2.54"),
    ("2082501", "30.00", "30.00", "持平", ""), ("2089999", "781.24", "1410.22", "减少", "44.60"),
    ("2100717", "20.00", "20.00", "持平", ""), ("2101101", "142.22", "95.16", "增加", "49.45"),
    ("2101102", "160.14", "132.56", "增加", "20.81"), ("2120101", "1660.32", "1899.77", "减少", "12.60"),
    ("2120102", "1759.10", "2083.68", "减少", "15.58"), ("2120104", "604.34", "676.66", "减少", "10.69"),
    ("2120199", "5421.24", "5276.21", "增加", "2.75"), ("2120399", "972.18", "775.00", "增加", "25.44"),
    ("2120501", "599.33", "830.24", "减少", "27.81"), ("2129999", "922.02", "1822.46", "减少", "49.41"),
]
WANLI = budget_totals("15621.11", "15621.11", "876.75", "减少", "prior_budget", business="0.00", zero="0.00") + [
    S("function_item", amount, code=code, word=word, pct=pct, prior=prior, basis="prior_execution")
    for code, amount, prior, word, pct in WANLI_ITEMS
] + [
    # 31. 住房公积金: 350.35万元 in the heading, but 2024年预算安排352.67万元 in the next sentence (the table prints
    # 3,503,499 元): both kept as printed, the second as a statement of the same item; the change is printed after it
    S("function_item", "350.35", code="2210201", prior="348.52", basis="prior_execution"),
    S("function_item", "352.67", code="2210201", word="增加", pct="0.53", basis="prior_execution"),
    S("function_item", "320.17", code="2210203", word="增加", pct="0.64", prior="318.14", basis="prior_execution"),
    S("function_item", "217.72", code="2210399", word="持平", prior="217.72", basis="prior_execution"),
    S("three_public_total", "47.91", word="增加", change="25", basis="prior_budget"),
    S("outbound", "0", word="持平", basis="prior_budget"),
    S("vehicle_total", "46.56", word="增加", change="25", basis="prior_budget"),
    S("vehicle_purchase", "25", word="增加", change="25", basis="prior_budget"),
    S("vehicle_operation", "21.56", word="持平", basis="prior_budget"), S("reception", "1.35", word="持平", basis="prior_budget"),
    S("office_running_cost", "443.18"),
    S("procurement_total", "1662.44"), S("procurement_goods", "93.98"), S("procurement_works", "815.87"),
    S("procurement_services", "752.59"), S("sme_reserved", "664.98"), S("small_micro_reserved", "465.49"),
    S("performance_units_count", "2", "个"), S("performance_projects_count", "50", "个"), S("performance_projects_amount", "5634.81"),
] + assets({"total": "1", "other": "1"}, {"total": "7", "other": "7"})

WELFARE = [
    S("total_income", "1,212.12"), S("appropriation_income", "950.12", word="增加", change="0.46", basis="prior_budget"),
    S("business_income", "262.00"), S("operating_income", "0.00"), S("other_income", "0.00"),
    S("total_expenditure", "1,212.12"), S("appropriation_expenditure", "950.12", word="增加", change="0.46", basis="prior_budget"),
    S("general_budget_appropriation", "950.12", word="增加", change="0.46", basis="prior_budget"),
    S("government_fund_expenditure", "0.00", word="持平", basis="prior_budget"),
    S("state_capital_expenditure", "0.00", word="持平", basis="prior_budget"),
    S("function_item", "53.84", code="2080502", word="减少", pct="1.39", prior="54.60", basis="prior_execution"),
    S("function_item", "76.76", code="2080505", word="增加", pct="8.57", prior="70.70", basis="prior_execution"),
    S("function_item", "38.38", code="2080506", word="增加", pct="8.57", prior="35.35", basis="prior_execution"),
    S("function_item", "738.66", code="2081005", word="增加", pct="3.84", prior="711.34", basis="prior_execution"),
    # printed under the class's former name 医疗卫生与计划生育支出（类）: 210 11 02 in the document's tables
    S("function_item", "50.37", code="2101102", word="增加", pct="14.04", prior="44.17", basis="prior_execution"),
    S("function_item", "33.58", code="2210201", word="减少", pct="0.47", prior="33.74", basis="prior_execution"),
    S("three_public_total", "6.40", word="持平", basis="prior_budget"), S("outbound", "0.00", word="持平", basis="prior_budget"),
    S("vehicle_total", "6.40", word="持平", basis="prior_budget"), S("vehicle_purchase", "0.00", word="持平", basis="prior_budget"),
    S("vehicle_operation", "6.40", word="持平", basis="prior_budget"), S("reception", "0.00", word="持平", basis="prior_budget"),
    S("procurement_total", "120.60"), S("procurement_goods", "0.00"), S("procurement_works", "0.00"), S("procurement_services", "120.60"),
    S("performance_projects_count", "1", "个"), S("performance_projects_amount", "262.00"),
] + assets({"total": "0"}, {"total": "2", "other": "2"})

CZJ_ITEMS = [("2010601", "1511.89", "1560.05", "小于"), ("2010602", "10.00", "10.00", "与预算数基本持平"),
             ("2010607", "135.25", "135.90", "小于"), ("2010608", "449.52", "450.52", "小于"),
             ("2080501", "84.65", "85.55", "小于"), ("2080505", "160.75", "161.62", "小于"), ("2080506", "80.38", "80.81", "小于"),
             ("2080599", "0.94", "0.94", "与预算数基本持平"), ("2101101", "60.99", "62.29", "小于"),
             ("2210201", "187.19", "187.75", "小于"), ("2210203", "258.50", "258.50", "与预算数基本持平")]
CZJ = [
    S("total_income_and_expenditure", "2995.39", word="减少", change="56.95", pct="1.87", basis="prior_final"),
    S("total_income", "2946.25"), S("appropriation_income", "2940.05", share="99.79"), S("other_income", "6.2", share="0.21"),
    S("total_expenditure", "2940.05"), S("basic_expenditure", "2336.91", share="79.49"), S("project_expenditure", "603.14", share="20.51"),
    S("appropriation_total", "0.3", word="持平", basis="prior_final"),
    S("general_budget_appropriation", "2940.05", word="减少", change="63.14", pct="2.10", basis="prior_final", share="100.00"),
    S("general_budget_appropriation", "2940.05"),
    S("function_class", "2106.66", code="201", share="71.73"), S("function_class", "326.72", code="208", share="11.11"),
    S("function_class", "60.99", code="210", share="2.07"), S("function_class", "445.69", code="221", share="15.16"),
    S("general_budget_appropriation", "2940.05", word="小于", prior="2993.92", basis="initial_budget", done="98.20"),
] + [S("function_item", amount, code=code, word=word, prior=prior, basis="initial_budget") for code, amount, prior, word in CZJ_ITEMS] + [
    S("basic_expenditure", "2336.91"), S("personnel", "2152.26"), S("public", "184.65"),
    S("three_public_total", "0.00", prior="0.95", basis="initial_budget", done="0"), S("outbound", "0.00", done="0"),
    S("vehicle_total", "0.00", done="0"), S("reception", "0.00", done="0"),
    S("three_public_total", word="小于", basis="initial_budget"), S("three_public_total", word="持平", basis="prior_final"),
    S("outbound", word="持平"), S("vehicle_total", word="持平"), S("reception", word="持平"),
    S("performance_projects_count", "4", "个"), S("performance_projects_amount", "598.42"),
    S("other", "4", "个"), S("other", "598.42"), S("other", "4", "个"), S("other", "598.42"),
    S("other", "4", "个"), S("other", "0", "个"), S("other", "0", "个"), S("other", "0", "个"),
    S("other", "0", "个"), S("other", "0", "个"), S("other", "0", "个"),
    S("office_running_cost", "184.65", word="增加", change="2.55", pct="1.40", basis="prior_final"),
    S("procurement_total", "251.25"), S("procurement_goods", "4.79"), S("procurement_works", "0"), S("procurement_services", "246.47"),
    S("sme_reserved", "246.47"), S("small_micro_reserved", "0"), S("other", "246.47"), S("other", "0"), S("other", "4.79"),
] + assets({}, {"total": "0"}, equipment_held="2")


@pytest.mark.parametrize("name, expected", [("zfban", ZFBAN), ("wanli", WANLI), ("welfare", WELFARE), ("czj", CZJ)])
def test_every_figure_of_the_explanations(docs, name, expected):
    assert got(docs(name)["statements"]) == expected


def test_codes_named_by_their_names_are_resolved(docs):
    rows = [r for r in docs("zfban")["statements"] if r["code"] == "2010301"]
    assert [(r["code_source"], r["code_chain_zh"]) for r in rows] == [("name_chain", "一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行")]
    welfare = next(r for r in docs("welfare")["statements"] if r["code"] == "2101102")
    assert welfare["code_chain_zh"] == "医疗卫生与计划生育支出（类）行政事业单位医疗（款）事业单位医疗（项）"


def test_bases_years_amounts_and_reasons(docs):
    first = next(r for r in docs("wanli")["statements"] if r["code"] == "2010507")
    assert (first["prior_basis_zh"], first["prior_year"], first["prior_amount"], first["prior_amount_yuan"]) == (
        "2023年当年预算执行数", 2023, "60.13", "601300")
    assert (first["change_direction"], first["change_percent"], first["reason_zh"]) == ("decrease", "57.14", "项目调整")
    income = next(r for r in docs("zfban")["statements"] if r["topic"] == "appropriation_income")
    assert (income["prior_basis_zh"], income["prior_year"], income["amount"], income["amount_yuan"]) == ("2024年预算", 2024, "9101.68", "91016800")
    # 财政拨款收入支出减少的主要原因是项目调整。 — printed on its own, it explains the decreases just stated
    assert [r["reason_zh"] for r in docs("zfban")["statements"] if r["change_direction"] == "decrease"] == ["项目调整"] * 3
    final = next(r for r in docs("czj")["statements"] if r["code"] == "2010601")
    assert (final["prior_year"], final["change_direction"], final["reason_zh"]) == (2024, "decrease", "人员进出及退休变化，减少人员经费开支")
    completion = next(r for r in docs("czj")["statements"] if r["completion_percent_as_printed"] == "98.20")
    assert (completion["completion_percent"], completion["completion_of_zh"]) == ("98.2", "年初预算")
    share = next(r for r in docs("czj")["statements"] if r["share_percent_as_printed"] == "100.00")
    assert (share["share_percent"], share["share_of_zh"]) == ("100", "本年支出合计")


PROJECT_FIELDS = ("name_zh", "summary_zh", "basis_as_printed", "implementer_zh", "plan_zh", "period_zh", "annual_budget_zh", "goal_zh")


def test_projects_of_the_project_explanations(docs):
    [zfban] = docs("zfban")["projects"]
    assert tuple(zfban[k] for k in PROJECT_FIELDS) == (
        "区政府督查及建议提案工作业务经费",
        "主要推进区委、区政府年度重点工作、为民办实事、人大代表建议政协提案办理等工作所需的咨询、设计、调查、技术服务等业务支撑，"
        "确保相关工作能更好提升市民满意度。",
        "《区委、区政府2024年重点工作任务书》和《区政府2024年重点工作任务书》。",
        "主要完成区委、区政府年度重点工作任务书印制工作，使全区各单位进一步明晰自身目标任务，按时间节点推进各项任务。",
        "结合区政府重点工作推进情况，定期开展。", "2025全年度。", "结合区政府重点工作推进情况，根据合同条款，按时拨付资金。",
        "详见单位的项目绩效目标表",
    )
    [wanli] = docs("wanli")["projects"]
    assert wanli["name_zh"] is None  # the heading is only 项目经费情况说明: no name printed
    assert wanli["summary_zh"].startswith("由上海市普陀区人民政府万里街道办事处建设的万里街道社区公共服务中心新建工程")
    assert wanli["basis_documents"] == "沪府规〔2016〕168号；普发改投〔2017〕89号"
    assert wanli["period_zh"] == "第一季度审价、审计 第二季度审价、审计 第三季度支付尾款 第四季度支付尾款。"
    assert wanli["annual_budget_zh"] == ("第一季度用款计划158.05万元，第二季度用款计划158.05万元，第三季度用款计划158.05万元，"
                                         "第四季度用款计划158.05万元。")
    assert docs("welfare")["projects"] == [] and docs("czj")["projects"] == []


def test_organisation(docs):
    functions = docs("zfban")["organisation_functions"]
    assert [f["function_no"] for f in functions] == list(range(1, 15))
    assert functions[13]["text_zh"] == "完成区委、区政府交办的其他任务。"
    assert [f["function_no"] for f in docs("wanli")["organisation_functions"]] == list(range(1, 10))
    assert docs("wanli")["organisation_functions"][0]["text_zh"].startswith("加强党的建设。")
    assert [(o["kind"], o["name_zh"], o["stated_count"]) for o in docs("welfare")["offices"]] == [
        ("office", n, 5) for n in ("院长室", "办公室", "财务室", "后勤部", "护理部")]
    assert [(o["kind"], o["name_zh"]) for o in docs("wanli")["offices"]] == [("budget_unit", n) for n in (
        "上海市普陀区人民政府万里街道办事处（本部）", "上海市普陀区万里街道社区事务受理服务中心", "上海市普陀区万里街道社区党群服务中心",
        "上海市普陀区万里街道城市运行管理中心", "上海市普陀区万里街道经济发展服务中心", "上海市普陀区万里街道综合行政执法队")]
    assert [(s["topic"], s["count"], s["unit"]) for s in docs("zfban")["staffing"]] == [
        ("budget_units", 1, "家"), ("administrative_units", 1, "家"), ("public_institution_units", 1, "家")]
    assert [(s["topic"], s["count"]) for s in docs("welfare")["staffing"]] == [("offices", 5)]


def test_glossary_of_the_family(docs):
    terms = [t["term_zh"] for t in docs("zfban")["glossary"]]
    assert terms == ["财政拨款收入", "事业收入", "事业单位经营收入", "其他收入", "基本支出预算", "项目支出预算", "“三公”经费", "机关运行经费"]
