"""Statements of every family of the corpus: read from every narrative paragraph whatever its part is titled (深圳's
第二部分 部门预算收支总体情况 …, 湖州's 二、2026年…部门预算安排情况说明 with no part at all, 北京's narrative-only files),
with their comparisons (增幅/减幅, 比…执行数, a prior after 比, this year's 年初预算数), figures inside reason clauses,
the first paragraph of a page not glued to the glossary before it, and 主要负责人用车 kept (a vehicle, not a person).

Two documents of each of eight cities, pages cut from /work/shared/real/corpus (tests/fixtures/real/SOURCES.md);
every expected value is typed from the printed page (pdftotext -layout), never taken from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.build import extract
from yusuan.narrative import statements
from yusuan.narrative.text import walk
from yusuan.privacy import redact
from yusuan.read import read

HERE = Path(__file__).resolve().parent / "fixtures" / "real" / "narrative" / "statements"


def rows_of(name: str, department: str) -> list[dict]:
    """The statements of a cut fixture: read, personal details withheld, narrative walked, statements read."""
    document = read(HERE / name)
    redact(document)
    info = {"document_id": "t", "fiscal_year": 2026, "phase": "budget", "department_zh": department}
    return statements.rows(walk(document), info)


def S(subject, amount="", unit="万元", code="", word="", change="", pct="", prior="", basis="", topic=None):
    """One expected statement as printed: subject, amount, unit, code, change word, change amount, change percent,
    prior amount, prior basis (key), and (when given) the topic."""
    return (subject, amount, unit if amount else "", code, word, change, pct, prior, basis) + ((topic,) if topic else ())


def got(rows: list[dict], with_topic: bool = False) -> list[tuple]:
    keys = ("subject_zh", "amount_as_printed", "unit", "code", "change_word_zh", "change_amount_as_printed",
            "change_percent_as_printed", "prior_amount_as_printed", "prior_basis")
    return [tuple(r[k] or "" for k in keys) + ((r["topic"],) if with_topic else ()) for r in rows]


def assert_has(rows: list[dict], expected: list[tuple]) -> None:
    plain, topical = got(rows), got(rows, True)
    for e in expected:
        assert e in (topical if len(e) == 10 else plain), e


# 深圳 ------------------------------------------------------------------------------------------------------------


def test_shenzhen_parts_are_context_not_a_gate():
    """第二部分 部门预算收支总体情况 … 第五部分 财政拨款“三公”经费预算情况: none is titled 情况说明/预算说明."""
    rows = rows_of("sz_gov_office_2026.pdf", "深圳市人民政府办公厅")
    assert_has(rows, [
        S("部门预算收入", "10,192.01", word="增加", change="519.87", pct="5.4", basis="initial_budget", topic="total_income"),
        S("部门预算支出", "10,192.01", word="增加", change="519.87", pct="5.4", basis="initial_budget", topic="total_expenditure"),
        S("机关政务保障", "199.55", word="减少", change="0.05", basis="initial_budget"),
        # 减幅 / 增幅: the percent is kept
        S("市政府值班业务", "24.67", word="减少", change="1.03", pct="4", basis="initial_budget"),
        S("研究调研活动", "166.02", word="增加", change="28.46", pct="20.7", basis="initial_budget"),
        S("预算准备金", "22.69", word="减少", change="35.73", pct="61.2", basis="initial_budget"),
        S("政府公报编辑管理", "200.18", word="持平", basis="initial_budget"),
        S("货物类项目", "9", topic="procurement_goods"),
        S("财政拨款“三公”经费预算", "94.38", word="增加", change="61.2", basis="initial_budget", topic="three_public_total"),
        # 1.因公出国（境）费用。2026年预算数69.78万元: the item's title names the figure
        S("因公出国（境）费用", "69.78", word="增加", change="61.6", basis="initial_budget", topic="outbound"),
        S("公务接待费", "7", word="增加", change="0", basis="initial_budget", topic="reception"),
        S("公务用车运行维护费", "17.6", word="减少", change="0.4", basis="initial_budget", topic="vehicle_operation"),
    ])
    assert len([r for r in rows if r["amount_as_printed"] == "727.67"]) == 2  # the list and （五）项目支出
    assert {r["page"] for r in rows if r["subject_zh"] == "因公出国（境）费用"} == {4}  # printed on the 4th page


def test_shenzhen_amounts_in_a_reason_clause():
    """预算收支增加主要原因说明：1.2026年市级人才专项经费纳入预算草案，增加1,332.00万元；2.…增加84.28万元。"""
    rows = rows_of("sz_justice_2026.pdf", "深圳市司法局")
    assert_has(rows, [
        S("市级人才专项经费纳入预算草案", word="增加", change="1,332.00"),
        S("各直属单位预算准备金统一在局本级编制", word="增加", change="84.28"),
    ])
    supported = next(r for r in rows if r["amount_as_printed"] == "21,796.12" and r["change_amount_as_printed"])
    assert (supported["change_amount_as_printed"], supported["change_percent_as_printed"], supported["prior_basis"]) == (
        "1,749.63", "8.7", "initial_budget")
    assert supported["reason_zh"].startswith("1.2026年市级人才专项经费纳入预算草案")


# 北京 ------------------------------------------------------------------------------------------------------------


def test_beijing_narrative_only_file_builds():
    """审计局 was refused (no budget table and no statement): its contents page ended on 第二部分…预算报表, and the
    whole narrative was read as the tables part."""
    item = extract(HERE / "bj_audit_2026.pdf")
    assert item.document["contents"] == "narrative"
    assert_has(item.rows["statements"], [
        S("收入预算", "32852.05", word="增加", change="2466.43", pct="8.12", prior="30385.62", basis="initial_budget", topic="total_income"),
        # （一）本年财政拨款收入 32365.09 万元: a heading that states a figure
        S("本年财政拨款收入", "32365.09"),
        S("一般公共预算拨款收入", "32365.09", topic="general_budget_appropriation"),
        S("其他收入", "15", topic="other_income"),
        S("上年结转结余", "471.96", topic="prior_balance"),
        S("基本支出预算", "25218.54", topic="basic_expenditure"),
        S("项目支出预算", "7633.51", topic="project_expenditure"),
    ])


def test_beijing_prior_amounts_after_the_base():
    """比2025年初预算数20,292.85万元减少464.27万元，降低2.29%; 比2025年预算收入执行数483,923.17万元增加…"""
    rows = rows_of("bj_sasac_2026.pdf", "北京市人民政府国有资产监督管理委员会")
    assert_has(rows, [
        S("一般公共预算收入", "19,828.57", word="减少", change="464.27", pct="2.29", prior="20,292.85", basis="initial_budget"),
        S("国有资本经营预算收入", "495,836.20", word="增加", change="11,913.03", pct="2.46", prior="483,923.17", basis="prior_execution"),
        S("本年财政拨款收入", "515,256.66"),
        S("财政拨款“三公”经费预算", "175.42", word="减少", change="10.13", pct="5.46", basis="initial_budget"),
    ])
    assert not [r for r in rows if r["code"]]  # 2026度收入预算: a year is not a code


# 上海 ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, department, total, appropriation, change, word", [
    ("sh_transport_2026.pdf", "上海市交通运输局", "40,870", "30,441", "1,500", "增加"),
    ("sh_audit_2026.pdf", "上海市审计局", "19,577", "19,577", "290", "减少"),
])
def test_shanghai_first_paragraph_after_the_glossary(name, department, total, appropriation, change, word):
    """The page after 名词解释 opens with 2026年单位预算编制说明 and 2026年，…收入预算N万元: it was glued to the last
    glossary item, and its figures lost."""
    rows = rows_of(name, department)
    assert_has(rows, [
        S("财政拨款收入", appropriation, word=word, change=change, basis="prior_budget", topic="appropriation_income"),
        S("支出预算", total, topic="total_expenditure"),
        S("财政拨款支出预算", appropriation, word=word, change=change, basis="prior_budget", topic="appropriation_expenditure"),
    ])
    income = [r for r in rows if r["topic"] == "total_income"]
    assert [(r["amount_as_printed"], r["part_zh"]) for r in income] == [(total, "2026年单位预算编制说明")]
    assert not [r for r in rows if r["part_zh"] == "名词解释"]


# 广州 ------------------------------------------------------------------------------------------------------------


def test_guangzhou_changes_with_their_percent():
    rows = rows_of("gz_gov_office_2026.pdf", "广州市人民政府办公厅")
    assert_has(rows, [
        S("公务接待费", "11.26", word="减少", change="100.89", pct="90", basis="prior_budget", topic="reception"),
        S("机关运行经费安排", "1,443.41", word="减少", change="5,553.36", pct="79.4", basis="prior_budget", topic="office_running_cost"),
        S("政府采购安排", "483.05", topic="procurement_total"),
        S("服务类采购预算", "418.75", topic="procurement_services"),
    ])
    purchase = next(r for r in rows if r["topic"] == "vehicle_purchase")
    assert (purchase["amount_as_printed"], purchase["change_amount_as_printed"]) == ("0", "70")


def test_guangzhou_assets_and_commissioned_work():
    rows = rows_of("gz_health_2026.pdf", "广州市卫生健康委员会")
    assert_has(rows, [
        S("机关运行经费安排", "3,814.44", word="减少", change="287.94", pct="7", basis="prior_budget"),
        S("货物类采购预算", "102,713.68", topic="procurement_goods"),
        S("房屋", "2,244,875.43", "平方米", topic="building_area"),
        S("车辆", "605", "辆", topic="vehicles_count"),
        S("一般公共预算安排委托业务费", "6,018.09", word="减少", change="945.52", pct="13.6", basis="prior_budget"),
    ])


# 重庆 ------------------------------------------------------------------------------------------------------------


def test_chongqing_this_years_initial_budget_is_a_figure():
    """（一）收入预算：2026年年初预算数45,369.18万元 in the 2026 budget is this year's figure, not a prior amount."""
    rows = rows_of("cq_publicity_2026.pdf", "中共重庆市委宣传部")
    assert_has(rows, [
        S("收入预算", "45,369.18", topic="total_income"),
        S("支出预算", "45,369.18", word="增加", change="2,734.52", basis="prior_budget", topic="total_expenditure"),
        S("一般公共预算拨款", "37,891.58", word="增加", change="800.94"),
        S("基本支出", "12,899.62", word="增加", change="726.21", basis="prior_budget"),
        # amounts in the reason clause: 主要原因是新增了科技影视产业奖补资金1000万元、压减…专项资金190万元
        S("新增了科技影视产业奖补资金", "1000"),
        S("压减重报广电全媒体体系建设专项资金", "190"),
    ])
    assert not [r for r in rows if r["prior_amount_as_printed"] == "45,369.18"]


def test_chongqing_change_after_the_sentence():
    """…；项目支出148,941.8万元，主要用于…等。比2025年增加8,385.34万元: the project expenditure's change."""
    rows = rows_of("cq_science_2026.pdf", "重庆市科学技术局")
    assert_has(rows, [
        S("项目支出", "148,941.8", word="增加", change="8,385.34", basis="prior_budget"),
        S("基本支出", "5,362.42", word="减少", change="5,371.59", basis="prior_budget"),
        S("一般公共预算财政拨款支出", "154,304.22", word="增加", change="3,013.74", basis="prior_budget"),
        S("“三公”经费预算", "207.46", word="减少", change="48.3", basis="prior_budget"),
        S("公务接待费", "54.96", word="减少", change="25.3", basis="prior_budget"),
    ])


# 苏州 and 无锡: 主要负责人用车 is a kind of vehicle --------------------------------------------------------------------


@pytest.mark.parametrize("name, department, vehicles, other, running, change, pct, word", [
    ("su_audit_2026.pdf", "苏州市审计局", "1", "1", "395.6", "3.61", "0.9", "减少"),
    ("su_transport_2026.pdf", "苏州市交通运输局", "126", "6", "379.2", "7.4", "1.91", "减少"),
    ("wx_transport_2026.pdf", "无锡市交通运输局", "0", "0", "190.74", "8.41", "4.22", "减少"),
    ("wx_commerce_2026.pdf", "无锡市商务局", "1", "1", "175.58", "1.17", "0.67", "增加"),
])
def test_leaders_vehicles_are_not_a_name(name, department, vehicles, other, running, change, pct, word):
    rows = rows_of(name, department)
    assert_has(rows, [
        S("一般公共预算机关运行经费预算支出", running, word=word, change=change, pct=pct, basis="prior_budget", topic="office_running_cost"),
        S("共有车辆", vehicles, "辆", topic="vehicles_count"),
        S("主要负责人用车", "0", "辆", topic="leader_vehicles_count"),
        S("其他用车", other, "辆", topic="other_vehicles_count"),
    ])
    assert not [r for r in rows if "〔已隐去〕" in r["sentence_zh"]]


# 湖州: no part heading at all --------------------------------------------------------------------------------------


def test_huzhou_sections_without_a_part():
    """二、2026年湖州市交通运输局部门预算安排情况说明 is a section; there is no part above it."""
    rows = rows_of("hz_transport_2026.pdf", "湖州市交通运输局")
    assert_has(rows, [
        S("收支总预算", "201286.11", topic="total_income_and_expenditure"),
        S("收入预算", "201286.11", word="增加", change="81487.86", pct="68.02", basis="prior_execution", topic="total_income"),
        S("一般公共预算拨款收入", "52244.36"),
        S("交通运输（类）", "41783.67", code="214", topic="function_class"),
    ])
    assert {r["part_zh"] for r in rows} == {""}


def test_huzhou_a_decrease_on_the_execution():
    rows = rows_of("hz_finance_2026.pdf", "湖州市财政局")
    assert_has(rows, [
        S("收入预算", "6838.41", word="减少", change="772.20", pct="10.1", basis="prior_execution", topic="total_income"),
        S("支出预算", "6838.41", word="减少", change="772.20", pct="10.1", basis="prior_execution", topic="total_expenditure"),
        S("一般公共服务支出", "5356.01", topic="function_class"),
    ])


# Forms of the families not in the corpus (the sentences as the issue quotes them) ---------------------------


def parse(*lines: str) -> list[dict]:
    from yusuan.model import Document, Paragraph

    blocks = [Paragraph("二、2026年部门预算安排情况说明", 1)] + [Paragraph(t, n) for n, t in enumerate(lines, start=2)]
    document = Document(Path("x.txt"), "0" * 64, "utf-8", blocks)
    return statements.rows(walk(document), {"document_id": "t", "fiscal_year": 2026, "phase": "budget"})


def test_digits_printed_in_a_chain_are_its_code():
    rows = parse("（1）一般公共服务支出（201类）人大事务（01款）行政运行（01项）120.50万元，比2025年执行减少3.2万元，减幅2.6%。",
                 "（2）一般公共服务支出（201类）人大事务（20101款）代表工作（2010104项）30.00万元，变化0万元。")
    assert [(r["code"], r["code_source"], r["amount_as_printed"], r["topic"], r["change_direction"], r["change_amount_as_printed"],
             r["change_percent_as_printed"], r["prior_basis"], r["prior_year"]) for r in rows] == [
        ("2010101", "printed", "120.50", "function_item", "decrease", "3.2", "2.6", "prior_execution", 2025),
        ("2010104", "printed", "30.00", "function_item", "none", "0", None, None, None)]


def test_the_privacy_filter_keeps_vehicles_and_hides_names():
    from yusuan.privacy import scrub

    assert scrub("其中，副部（省）级及以上领导用车0辆、主要负责人用车0辆、机要通信用车2辆")[0] == (
        "其中，副部（省）级及以上领导用车0辆、主要负责人用车0辆、机要通信用车2辆")
    assert scrub("主要负责人：王小明 电话：13912345678")[0] == "主要负责人：〔已隐去〕 电话：〔已隐去〕"
    assert scrub("单位负责人 李四")[0] == "单位负责人：〔已隐去〕"


def test_a_rate_printed_on_its_own_belongs_to_the_statement_before():
    rows = parse("1、一般公共服务支出（类）财政事务（款）行政运行（项）。年初预算为1560.05万元，支出决算为1511.89万元。",
                 "完成年初预算的96.91%。",
                 "2.其他支出0万元，比上年减少20万元，变动原因主要为项目结束。")
    assert [(r["amount_as_printed"], r["prior_amount_as_printed"], r["completion_percent_as_printed"], r["change_amount_as_printed"],
             r["reason_zh"]) for r in rows] == [("1511.89", "1560.05", "96.91", None, None), ("0", None, None, "20", "项目结束")]
