"""Columns and titles by meaning, the long tail (issue 18): header words printed with a year, a unit or 其中：
around them, tables known by their header words when their title is not, titles printed inside the frame,
and indicator values and weights that are never money.

Every expected value is typed from the printed pages (pdftotext -layout of the PDFs in
tests/fixtures/real/recognition; see tests/fixtures/real/SOURCES.md). Fixtures cut to a few pages are read with recognise + normalise (the pages holding the
document's year and body are not in them); whole documents are built with extract.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.build import extract
from yusuan.model import Cell, Document, Paragraph, Table
from yusuan.normalise import form_facts, normalise
from yusuan.read import read
from yusuan.recognise import Recognised, match_kind, recognise

REAL = Path(__file__).resolve().parent / "fixtures" / "real" / "recognition"  # not built with the other real PDFs: most are pages cut out of a document


def pages_read(name: str) -> tuple[list[Recognised], list[dict]]:
    """The tables of a fixture cut to a few pages, and their facts."""
    document = read(REAL / f"{name}.pdf")
    tables = recognise(document)
    return tables, normalise(document, "test", tables).facts


def only(facts: list[dict], **where) -> dict:
    found = [f for f in facts if all(f.get(k) == v for k, v in where.items())]
    assert len(found) == 1, (where, [(f["name_zh"], f["column_zh"], f["amount_as_printed"]) for f in found])
    return found[0]


@pytest.fixture(scope="module")
def shenzhen():
    return extract(REAL / "shenzhen_xinfang_2026.pdf")


# --- 深圳 (written from): every table read, its columns by meaning ------------------------------------------

def test_shenzhen_every_table_read(shenzhen):
    tables = shenzhen.rows["tables"]
    assert {t["status"] for t in tables} == {"read"}, [(t["title_as_printed"], t["reason_zh"]) for t in tables if t["status"] != "read"]
    kinds = [t["table_kind"] for t in tables]
    # the untitled 重点项目 table of the narrative (二级预算单位名称 | 一级项目名称 | 预算数（万元） | 绩效目标), then 表1 … 表11
    assert kinds[0] == "project_performance"
    assert kinds[1:] == ["income_expenditure_overview", "income_budget", "expenditure_by_function", "basic_expenditure",
                         "project_expenditure", "appropriation_overview", "general_budget_expenditure",
                         "general_budget_expenditure", "three_public_expenses", "government_fund_expenditure",
                         "state_capital_expenditure"]


def test_shenzhen_year_before_budget_and_totals(shenzhen):
    facts = shenzhen.rows["facts"]
    # 表1 收支总表: 收入 > 2026 年预算数 is the budget; 收入总计 and 支出总计 are totals
    income = only(facts, table_no=1, side="income", name_zh="一、财政拨款")
    assert (income["measure"], income["amount_as_printed"], income["amount_yuan"]) == ("budget", "4,676.96", "46769600")
    assert only(facts, table_no=1, side="expenditure", name_zh="信访业务")["measure"] == "budget"
    # 表2 收入总表: 收入总计 is the total, 上年结余、结转 the balance carried over
    row = {f["measure"]: f["amount_as_printed"] for f in facts if f["table_no"] == 2 and f["name_zh"] == "深圳市信访局"}
    assert row["total"] == "4,684.30" and row["carryover_opening"] == "7.34" and row["general_budget"] == "4,676.96"


def test_shenzhen_procurement_columns(shenzhen):
    facts = shenzhen.rows["facts"]
    # 表3 支出总表, row 2014001 行政运行: 支出总计 1,866.84; 2026年政府采购项目 > 小计 152.35, of which 149.35 for SMEs
    row = {f["measure"]: f["amount_as_printed"] for f in facts if f["table_no"] == 3 and f["code"] == "2014001"}
    assert row["total"] == "1,866.84" and row["basic"] == "1,866.84"
    assert row["procurement"] == "152.35"
    assert row["procurement_sme_reserved"] == "149.35"
    assert row["procurement_small_micro_reserved"] == "0.00"


def test_shenzhen_key_projects_untitled(shenzhen):
    facts = shenzhen.rows["facts"]
    social = only(facts, table_kind="project_performance", name_zh="社工服务项目")
    assert (social["measure"], social["amount_as_printed"], social["amount_yuan"], social["side"]) == ("budget", "498.82", "4988200", "expenditure")
    assert only(facts, table_kind="project_performance", name_zh="预算准备金")["amount_as_printed"] == "4.90"


def test_shenzhen_three_public_by_source_keeps_its_parent(shenzhen):
    facts = [f for f in shenzhen.rows["facts"] if f["table_no"] == 9]
    # 公务接待费 > 一般公共预算, row 2026 年: 2.98; 总计 > 一般公共预算 of the same row: 5.58
    reception = [f for f in facts if f["column_group_zh"] == "公务接待费" and f["measure"] == "general_budget"]
    assert [f["amount_as_printed"] for f in reception] == ["2.98", "2.98", "0.00"]
    assert [f["amount_as_printed"] for f in facts if f["column_group_zh"] == "总计" and f["measure"] == "general_budget"] == ["5.58", "5.58", "0.00"]
    assert not any(f["code"] for f in facts)  # 年度 2025 年 is a year, not a code


# --- 长沙 (written from): Hunan header words ----------------------------------------------------------------

def test_changsha_header_words():
    tables, facts = pages_read("changsha_education_2026")
    assert [t.kind for t in tables] == ["income_by_function", "general_budget_basic_economic"]
    assert all(t.status == "read" for t in tables), [t.reasons for t in tables]
    income = {f["measure"]: f["amount_as_printed"] for f in facts if f["table_kind"] == "income_by_function" and f["code"] == "2050399"}
    # 合计 | 本级财政拨款 > 金额 | 其中:经费拨款
    assert income == {"total": "656.73", "fiscal_appropriation": "656.73", "expense_appropriation": "656.73"}
    assert only(facts, table_kind="general_budget_basic_economic", code="302", measure="total")["amount_as_printed"] == "34.98"
    assert only(facts, table_kind="general_budget_basic_economic", code="302", measure="personnel")["amount_as_printed"] == "5.01"  # 人员类
    columns = {c["header"]: c["measure"] for t in tables for c in t.columns if c["role"] == "amount"}
    assert columns["财政专户管理事业收入"] == "fiscal_special_account" and columns["其它收入"] == "other_income"
    assert columns["事业单位经营服务收入"] == "business_operation_income" and columns["上年结转"] == "carryover_opening"


def test_changsha_three_public_header():
    # 长沙 教育局 page 20 as printed: 三公经费预（决）算数（财政拨款） over 小计 … 其中：公务用车运行费
    head = ["小计", "公务接待费", "因公出国（境）费", "公务用车购置及运行费", "其中：公务用车购置", "其中：公务用车运行费"]
    rows = [[Cell("部门名称", 2, 1)] + [Cell("三公经费预（决）算数（财政拨款）", 2, 1)] + [Cell("", 2, 1)] * 5,
            [Cell("", 3, 1)] + [Cell(h, 3, 1) for h in head],
            [Cell("合计", 4, 1), Cell("0.50", 4, 1), Cell("0.50", 4, 1)] + [Cell("", 4, 1)] * 4,
            [Cell("长沙市教育局", 5, 1), Cell("0.50", 5, 1), Cell("0.50", 5, 1)] + [Cell("", 5, 1)] * 4]
    document = Document(path=Path("x.pdf"), sha256="", encoding="utf-8", blocks=[
        Paragraph("2026年一般公共预算“三公”经费支出情况表", 1, 1), Paragraph("单位：万元", 1, 1), Table(rows=rows, line=2, page=1)])
    (item,) = recognise(document)
    assert item.kind == "three_public_expenses" and item.status == "read", item.reasons
    assert [c["measure"] for c in item.columns[1:]] == ["three_public_total", "reception", "outbound", "vehicle_total",
                                                       "vehicle_purchase", "vehicle_operation"]
    facts = normalise(document, "test", [item]).facts
    assert {f["measure"]: f["amount_yuan"] for f in facts if f["name_zh"] == "长沙市教育局"} == {"three_public_total": "5000", "reception": "5000"}


# --- 广州 (written from): a list of projects with their amounts, titled as a form ---------------------------

def test_guangzhou_project_performance_list():
    tables, facts = pages_read("guangzhou_eco_projects_2026")
    # 广州市生态环境局2026年项目支出绩效目标表（含转移支付项目）, printed on both pages: one table
    assert len(tables) == 1
    item = tables[0]
    assert item.kind == "project_performance" and item.status == "read" and item.unit == "万元"
    assert item.title_printed == "广州市生态环境局2026年项目支出绩效目标表（含转移支付项目）"
    measures = [c["measure"] for c in item.columns if c["role"] == "amount"]
    assert measures == ["total", "fiscal_appropriation", "fiscal_special_account", "other_income"]
    total = only(facts, name_zh="合计：", measure="total")
    assert total["is_total"] and (total["amount_as_printed"], total["amount_yuan"]) == ("37,367.86", "373678600")
    assert only(facts, name_zh="合计：", measure="other_income")["amount_as_printed"] == "1,577.77"
    haizhu = only(facts, name_zh="广州市镇（街）园区环保监督检查员经费（海珠区）", measure="fiscal_appropriation")
    assert haizhu["amount_as_printed"] == "619.50" and haizhu["page"] == 1
    assert only(facts, name_zh="广州市镇（街）园区环保监督检查员经费（天河区）", measure="total")["page"] == 2
    # the indicators (实施周期指标值：100% …) are text, never amounts
    assert not any(f["column_zh"] in ("绩效目标", "绩效指标") for f in facts)


# --- 上海 (a title printed inside the frame as the first row) ------------------------------------------------

def test_title_printed_inside_the_frame():
    tables, facts = pages_read("sh_police_unit_appropriation_2026")
    (item,) = tables
    assert item.kind == "appropriation_overview" and item.status == "read"
    assert item.title_printed == "2026年预算单位财政拨款收支预算总表"
    assert item.preparer == "上海市刑事科学技术研究院" and item.unit == "元"
    assert [c["path"][0] for c in item.columns] == ["财政拨款收入"] * 2 + ["财政拨款支出"] * 5  # not the title
    assert only(facts, side="income", name_zh="一、一般公共预算")["amount_as_printed"] == "66,716,064"
    assert only(facts, side="expenditure", name_zh="一、科学技术支出", measure="general_budget")["amount_as_printed"] == "65,733,764"


def test_title_row_cut_at_its_captions():
    rows = [[Cell("2026年预算单位财政拨款收支预算总表编制单位：某某中心单位：元", 1, 1), Cell("", 1, 1), Cell("", 1, 1)],
            [Cell("项目", 2, 1), Cell("预算数", 2, 1), Cell("", 2, 1)],
            [Cell("一、一般公共预算", 3, 1), Cell("1,234", 3, 1), Cell("", 3, 1)]]
    (item,) = recognise(Document(path=Path("x.pdf"), sha256="", encoding="utf-8", blocks=[Table(rows=rows, line=1, page=1)]))
    assert (item.kind, item.unit, item.preparer) == ("appropriation_overview", "元", "某某中心")
    # a first row of one text that is not a title stays a header
    rows = [[Cell("收入", 1, 1), Cell("", 1, 1)], [Cell("项目", 2, 1), Cell("预算数", 2, 1)], [Cell("一、税收", 3, 1), Cell("12.00", 3, 1)]]
    (item,) = recognise(Document(path=Path("x.pdf"), sha256="", encoding="utf-8", blocks=[Table(rows=rows, line=1, page=1)]))
    assert item.columns[1]["path"] == ["收入", "预算数"] and item.title_printed is None


# --- 重庆 (checked on): indicator values and weights are never money ----------------------------------------

def test_untitled_project_list_weights_are_not_money():
    tables, facts = pages_read("chongqing_weather_projects_2026")
    (item,) = tables
    # printed 2026 年市级一般性项目绩效目标表 (一级项目 ), its year and marks in a font drawn below the line (the
    # reader puts them back on the line: tests/test_pdf_drawing.py); a list of projects by its header words either way
    assert (item.kind, item.title_printed) == ("project_performance", "2026年市级一般性项目绩效目标表(一级项目)")
    roles = {c["header"]: c["role"] for c in item.columns}
    assert roles["指标值"] == "text" and roles["指标权重(%)"] == "text"
    assert [(f["name_zh"], f["measure"], f["amount_as_printed"], f["amount_yuan"]) for f in facts] == \
        [("气象事务", "fiscal_appropriation", "4,902.34", "49023400")]


def test_weights_of_an_unknown_table_are_not_facts():
    rows = [[Cell("项目", 1, 1), Cell("指标权重", 1, 1), Cell("分值", 1, 1), Cell("预算数", 1, 1)],
            [Cell("培训项目", 2, 1), Cell("20", 2, 1), Cell("10", 2, 1), Cell("57.00", 2, 1)]]
    document = Document(path=Path("x.pdf"), sha256="", encoding="utf-8", blocks=[Paragraph("单位：万元", 1, 1), Table(rows=rows, line=2, page=1)])
    (item,) = recognise(document)
    assert item.kind is None
    facts = normalise(document, "test", [item]).facts
    assert [(f["column_zh"], f["amount_yuan"]) for f in facts] == [("预算数", "570000")]


def test_form_facts_skip_indicator_columns():
    rows = [[Cell("资金总额：", 1, 1), Cell("57.00", 1, 1), Cell("", 1, 1)],
            [Cell("三级指标", 2, 1), Cell("指标值", 2, 1), Cell("指标权重", 2, 1)],
            [Cell("培训人数", 3, 1), Cell("100", 3, 1), Cell("20", 3, 1)]]
    item = Recognised(kind="performance_targets", title="项目支出绩效目标表", table=Table(rows=rows, line=1, page=1), body=rows, unit="万元")
    facts = form_facts("test", item, {"万元"})
    assert [(f["name_zh"], f["amount_yuan"]) for f in facts] == [("资金总额", "570000")]


# --- 无锡 (checked on): an empty column under a header that names no measure is not an amount ----------------

def test_empty_column_without_a_measure_is_not_an_amount():
    tables, facts = pages_read("wuxi_ndrc_procurement_2026")
    (item,) = tables
    assert item.kind == "procurement" and item.status == "read", item.reasons
    assert {c["header"]: c["role"] for c in item.columns}["采购组织形式"] == "text"
    assert only(facts, name_zh="场景创新促进经费", measure="general_budget")["amount_as_printed"] == "380.00"


# --- titles -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("caption, kind", [
    ("中共深圳市委宣传部（深圳市新闻出版局、深圳市电影局）2026年部门预算一般公共预算支出表", "general_budget_expenditure"),
    ("广州市生态环境局广州市固体废物管理中心2026年部门收支总体情况表", "income_expenditure_overview"),
    ("2026年某某大学单位预算收支总表（单位：万元）", "income_expenditure_overview"),
    ("收支总表（按功能分类）（单位：万元）", "income_expenditure_overview"),
    ("根据规定，编制了收支总表", None),
])
def test_titles_with_long_prefixes_and_suffixes(caption, kind):
    assert match_kind(caption) == kind


def test_shenzhen_overview_totals_add_up(shenzhen):
    from yusuan import check

    # 收入总计 4,684.30 = 本年收入合计 4,676.96 + 上年结余、结转 7.34 (its children 1. 2. printed under it)
    assert not [f for f in check.run(shenzhen.rows) if f.get("rule_id") == "table.column_total"]
