"""第三部分: every stated figure, with its topic, amount, share, change and reason (typed from the sample)."""

from __future__ import annotations

import pytest

from conftest import read_csv


@pytest.fixture(scope="module")
def statements(built):
    return read_csv(built / "dp" / "statements.csv")


def find(rows, topic, amount=None, **more):
    hits = [r for r in rows if r["topic"] == topic and (amount is None or r["amount"] == amount)
            and all(r[k] == v for k, v in more.items())]
    assert hits, (topic, amount, more)
    return hits


# topic, amount (as printed), unit, how many times the narrative states it
STATED = [
    ("total_income_and_expenditure", "525.81", "万元", 1),
    ("total_income", "525.81", "万元", 1),
    ("total_expenditure", "525.81", "万元", 1),
    ("general_budget_income", "525.81", "万元", 2),
    ("appropriation_total", "525.81", "万元", 1),
    ("general_budget_appropriation", "525.81", "万元", 3),
    ("basic_expenditure", "420.81", "万元", 3),
    ("project_expenditure", "105", "万元", 2),
    ("personnel", "361.45", "万元", 1),
    ("public", "59.36", "万元", 1),
    ("three_public_total", "3.9", "万元", 1),
    ("outbound", "0", "万元", 1),
    ("vehicle_purchase", "0", "万元", 2),
    ("vehicle_operation", "3.5", "万元", 1),
    ("reception", "0.4", "万元", 1),
    ("office_running_cost", "59.36", "万元", 1),
    ("procurement_total", "89.41", "万元", 1),
    ("procurement_goods", "10.71", "万元", 1),
    ("procurement_works", "0", "万元", 1),
    ("procurement_services", "78.7", "万元", 1),
    ("sme_reserved", "0", "万元", 1),
    ("small_micro_reserved", "0", "万元", 1),
    ("building_area", "32", "平方米", 1),
    ("building_value", "5.44", "万元", 1),
    ("vehicles_count", "1", "辆", 1),
    ("vehicles_value", "48.98", "万元", 1),
    ("general_vehicles_count", "1", "辆", 1),
    ("general_vehicles_value", "48.98", "万元", 1),
    ("law_enforcement_vehicles_count", "0", "辆", 1),
    ("law_enforcement_vehicles_value", "0", "万元", 1),
    ("other_vehicles_count", "0", "辆", 1),
    ("other_vehicles_value", "0", "万元", 1),
    ("furniture_value", "19.42", "万元", 1),
    ("other_assets_value", "63.76", "万元", 1),
    ("large_equipment_50", "0", "台（套）", 1),
    ("large_equipment_100", "0", "台（套）", 1),
    ("planned_large_equipment_50", "0", "台（套）", 1),
    ("planned_large_equipment_100", "0", "台（套）", 1),
    ("performance_projects_count", "7", "个", 1),
    ("performance_projects_amount", "105", "万元", 1),
]


@pytest.mark.parametrize("topic, amount, unit, times", STATED)
def test_every_stated_figure(statements, topic, amount, unit, times):
    hits = find(statements, topic, amount)
    assert len(hits) == times
    assert {h["unit"] for h in hits} == {unit}


def test_functional_items_by_code_stated_twice(statements):
    items = [(r["code"], r["amount"]) for r in statements if r["topic"] == "function_item"]
    expected = [("2150701", "355.24"), ("2080505", "34.47"), ("2101101", "23.34"), ("2101103", "7.42"),
                ("2101109", "0.34"), ("2150702", "105")]
    assert items == expected + expected
    classes = [(r["subject_zh"], r["amount"]) for r in statements if r["topic"] == "function_class"]
    assert ("社会保障和就业支出", "34.47") in classes and ("资源勘探工业信息等支出", "460.24") in classes
    assert ("医疗卫生健康支出", "31.1") in classes and ("卫生健康支出", "31.1") in classes


def test_amounts_are_exact_yuan_and_only_for_money(statements):
    row = find(statements, "personnel", "361.45")[0]
    assert row["amount_yuan"] == "3614500" and row["amount_as_printed"] == "361.45"
    assert find(statements, "building_area")[0]["amount_yuan"] == ""


def test_shares_changes_and_reasons(statements):
    income = find(statements, "general_budget_income", share_percent="100")[0]
    assert (income["change_direction"], income["change_amount"], income["change_unit"]) == ("increase", "118.83", "万元")
    assert income["reason_zh"] == "人员经费和项目资金的增加"
    assert income["section_zh"] == "二、关于昌吉州国资委2021年收入预算情况说明"
    basic = find(statements, "basic_expenditure", share_percent="80")[0]
    assert (basic["change_amount"], basic["reason_zh"]) == ("98.83", "实有人员增加，基本支出预算资金增加")
    basic5 = find(statements, "basic_expenditure", change_amount="98.82")[0]
    assert (basic5["change_percent"], basic5["reason_zh"]) == ("23.4", "2021年实有人数增加")
    project5 = find(statements, "project_expenditure", change_amount="20", change_percent="19")[0]
    assert project5["reason_zh"] == "项目增加"
    assert find(statements, "project_expenditure", share_percent="20")[0]["reason_zh"] == "项目预算资金增加"
    total = find(statements, "general_budget_appropriation", change_amount="118.83")[0]
    assert total["change_percent"] == "22.6" and total["reason_zh"].startswith("实有人数增加")
    running = find(statements, "office_running_cost")[0]
    assert (running["change_direction"], running["change_amount"], running["change_percent"]) == ("increase", "19.53", "32.9")
    assert running["reason_zh"] == "2021年实有人数增加，公用经费增加"
    assert running["subsection_zh"] == "（一）机关运行经费情况"


def test_three_public_changes_stated_without_an_amount(statements):
    total = find(statements, "three_public_total", amount="")[0]
    assert (total["change_direction"], total["change_amount"], total["change_word_zh"]) == ("decrease", "0.5", "（减少）")
    outbound = find(statements, "outbound", amount="")[0]
    assert (outbound["change_direction"], outbound["change_amount"]) == ("none", "0")
    assert outbound["reason_zh"] == "没有发生因公出国费用"
    operation = find(statements, "vehicle_operation", amount="")[0]
    assert (operation["change_direction"], operation["change_amount"], operation["reason_zh"]) == ("decrease", "0.38", "每年金额递减")
    reception = find(statements, "reception", amount="")[0]
    assert (reception["change_direction"], reception["change_amount"]) == ("decrease", "0.12")


def test_numbering_sentences_and_project_context(statements):
    assert [int(r["statement_no"]) for r in statements] == list(range(1, len(statements) + 1))
    assert all(r["sentence_zh"] for r in statements)
    amounts = [(r["context_zh"], r["amount"]) for r in statements if r["topic"] == "project_amount"]
    assert amounts == [("党务干部培训费", "6"), ("国有企业党建信息智能管理系统", "5"), ("国有企业退休人员社会化管理工作经费", "20"),
                       ("监督检查专项资金", "10"), ("律师咨询费", "4"), ("年终财务审计费", "57"), ("微信公众号", "3")]
