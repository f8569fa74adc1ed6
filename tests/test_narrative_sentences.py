"""Sentences of the narrative, parsed from reflowed paragraphs (texts typed from the printed Shanghai pages), and the
reflowing of printed lines itself."""

from __future__ import annotations

from pathlib import Path

from yusuan.model import Document, Paragraph
from yusuan.narrative import statements
from yusuan.narrative.text import walk

INFO = {"document_id": "t", "fiscal_year": 2024, "phase": "budget", "department_zh": "上海市普陀区人民政府万里街道办事处"}
CODES = [{"scheme": "functional", "code": "201", "name_zh": "一般公共服务支出"},
         {"scheme": "functional", "code": "20105", "name_zh": "统计信息事务"},
         {"scheme": "functional", "code": "2010507", "name_zh": "专项普查活动"}]


def parse(*lines: str, title: str = "2024年部门预算编制说明", pdf: bool = True, codes=CODES) -> list[dict]:
    blocks = [Paragraph(title, 1)] + [Paragraph(text, n) for n, text in enumerate(lines, start=2)]
    document = Document(Path("x.pdf" if pdf else "x.txt"), "0" * 64, "utf-8", blocks)
    return statements.rows(walk(document), INFO, codes)


def test_an_item_broken_across_printed_lines():
    rows = parse("1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元，主要用于专项普查活动。2023年当年预算执行",
                 "数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%。主要原因是：项目调整。")
    assert [(r["code"], r["code_source"], r["amount_as_printed"], r["prior_amount_as_printed"], r["prior_basis"], r["prior_year"],
             r["change_direction"], r["change_percent_as_printed"], r["reason_zh"]) for r in rows] == [
        ("2010507", "name_chain", "25.77", "60.13", "prior_execution", 2023, "decrease", "57.14", "项目调整")]


def test_a_chain_that_resolves_to_nothing_names_no_code():
    rows = parse("1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元，主要用于专项普查活动。", codes=[])
    assert [(r["topic"], r["code"], r["code_source"]) for r in rows] == [("function_item", "", "unresolved")]


def test_final_accounts_against_the_initial_budget():
    rows = parse("1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：局本部人员经费及公用经费等的基本支出。年初预算为 1560.05 万元，支出决算为1511.89万元。 决算数小于预算数的主要原因：人员进出及退休变化，减少人员经费开支。",
                 title="第三部分上海市普陀区财政局2024年度部门决算情况", codes=[
                     {"scheme": "functional", "code": "20106", "name_zh": "财政事务"}, {"scheme": "functional", "code": "2010601", "name_zh": "行政运行"}])
    assert [(r["code"], r["amount_as_printed"], r["prior_amount_as_printed"], r["prior_basis"], r["change_word_zh"], r["change_direction"],
             r["reason_zh"]) for r in rows] == [
        ("2010601", "1511.89", "1560.05", "initial_budget", "小于", "decrease", "人员进出及退休变化，减少人员经费开支")]


def test_flat_and_a_prior_amount_alone():
    """A paragraph that opens no new item continues the statement before it; one under its own heading stands alone."""
    rows = parse("2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元。其中：", "（一）因公出国（境）费0万元，比2023年预算持平。主要原因是因公出国（境）费保持不变。",
                 "二、机关运行经费预算", "2023年当年预算执行数为60.13万元。")
    assert [(r["topic"], r["amount_as_printed"], r["change_word_zh"], r["change_direction"], r["change_amount_as_printed"], r["prior_basis"],
             r["prior_amount_as_printed"], r["reason_zh"]) for r in rows] == [
        ("three_public_total", "47.91", "增加", "increase", "25", "prior_budget", None, None),
        ("outbound", "0", "持平", "none", None, "prior_budget", None, "因公出国（境）费保持不变"),
        ("other", None, None, "none", None, "prior_execution", "60.13", None)]


def test_printed_lines_are_reflowed_only_for_pdf():
    lines = ("2024年，上海市普陀区人民政府万里街道办事处收入预算15621.11万元，其中：财政拨款收入15621.11万元，比2023年预算减少",
             "876.75万元；事业收入0.00万元；事业单位经营收入0.00万元；其他收入0.00万元。")
    pdf = parse(*lines)
    assert [(r["topic"], r["change_amount_as_printed"]) for r in pdf][:2] == [("total_income", None), ("appropriation_income", "876.75")]
    text = parse(*lines, pdf=False)  # a text source's lines are its paragraphs: nothing joined
    assert [(r["topic"], r["change_amount_as_printed"]) for r in text][:2] == [("total_income", None), ("appropriation_income", None)]
