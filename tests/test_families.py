"""Template families other than Xinjiang and Putuo: each read by the meaning of its titles and headers.

Every expected value is typed from the printed pages (pdftotext -layout of the PDFs in tests/fixtures/real;
see SOURCES.md). Each PDF is read once per module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.build import extract
from yusuan.model import Cell, Document, Paragraph, Table
from yusuan.normalise import normalise
from yusuan.recognise import match_kind, recognise

REAL = Path(__file__).resolve().parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def docs():
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract(REAL / f"{name}.pdf")
        return cache[name]

    return get


def facts(x, **where) -> list[dict]:
    return [f for f in x.rows["facts"] if all(f.get(k) == v for k, v in where.items())]


def one(x, **where) -> dict:
    found = facts(x, **where)
    assert len(found) == 1, (where, len(found))
    return found[0]


def tables(x) -> dict:
    return {t["number_as_printed"]: t for t in x.rows["tables"] if t["number_as_printed"]}


# --- Suzhou (公开01表 … 公开13表): one-column codes, a one-pair overview, a table over two pages -----------

def test_suzhou_every_numbered_table_read(docs):
    x = docs("suzhou_audit_2026")
    found = tables(x)
    assert list(found) == [f"公开{n:02d}表" for n in range(1, 14)]
    assert {t["status"] for t in found.values()} == {"read"}
    assert found["公开04表"]["title_as_printed"] == "财政拨款收支总表"
    assert found["公开05表"]["table_kind"] == "appropriation_expenditure"  # 财政拨款支出表（功能科目）
    assert found["公开13表"]["table_kind"] == "procurement"
    assert {t["unit_as_printed"] for t in found.values()} == {"万元"}


def test_suzhou_one_pair_overview(docs):
    x = docs("suzhou_audit_2026")
    income = one(x, table_no=1, side="income", name_zh="一、一般公共预算拨款收入")
    assert (income["amount_as_printed"], income["amount_yuan"], income["measure"]) == ("4,651.67", "46516700", "budget")
    spent = one(x, table_no=1, side="expenditure", name_zh="八、社会保障和就业支出")
    assert spent["amount_as_printed"] == "442.09"
    assert one(x, table_no=1, side="expenditure", name_zh="支出总计")["is_total"]


def test_suzhou_codes_in_one_column(docs):
    x = docs("suzhou_audit_2026")
    row = {f["measure"]: f["amount_as_printed"] for f in facts(x, table_no=3, code="2010801")}
    assert row == {"total": "2,342.00", "basic": "2,342.00"}
    assert one(x, table_no=3, code="201", measure="project")["amount_as_printed"] == "339.50"
    assert {f["name_zh"] for f in facts(x, table_no=3, code="2010801")} == {"行政运行"}


def test_suzhou_table_over_two_pages_without_repeated_header(docs):
    x = docs("suzhou_audit_2026")
    # 公开04表 runs onto page 12, which prints no header: one table, the rows of page 12 in it
    assert sum(1 for t in x.rows["tables"] if t["number_as_printed"] == "公开04表") == 1
    housing = one(x, table_no=4, name_zh="（二十）住房保障支出")
    assert housing["amount_as_printed"] == "1,302.95" and housing["side"] == "expenditure"
    assert one(x, table_no=4, name_zh="支出总计")["amount_as_printed"] == "4,651.67"
    assert housing["table_seq"] == one(x, table_no=4, name_zh="（一）一般公共预算拨款")["table_seq"]


def test_suzhou_header_paths_give_measures(docs):
    x = docs("suzhou_audit_2026")
    # 收入总表: 本年收入 > 小计 is this year's income; 合计 printed in the unit-code column labels the total row
    total = one(x, table_no=2, name_zh="合计", column_zh="小计")
    assert (total["measure"], total["column_group_zh"], total["amount_as_printed"]) == ("income_current", "本年收入", "4,651.67")
    assert total["is_total"]
    # 公开09表: 三公 with 会议费 and 培训费 beside it
    row = {f["measure"]: f["amount_as_printed"] for f in facts(x, table_no=9)}
    assert row["three_public_total"] == "10.00" and row["reception"] == "10.00"
    assert row["meeting_fees"] == "10.00" and row["training_fees"] == "43.00"
    assert one(x, table_no=9, measure="vehicle_total")["column_group_zh"] == "公务用车购置及运行维护费"


# --- Huzhou (表01 …): tables over pages with the header repeated, 栏次 rows, one row per unit ----------------

def test_huzhou_repeated_header_and_column_numbering(docs):
    x = docs("huzhou_finance_2026")
    found = tables(x)
    assert list(found) == [f"表{n:02d}" for n in range(1, 12)]
    assert {t["status"] for t in found.values()} == {"read"}
    # 表03 over two pages, header and the ** 1 2 3 numbering row repeated: one table
    assert one(x, table_no=3, code="2210201", measure="total")["amount_as_printed"] == "420.07"
    assert one(x, table_no=3, name_zh="合计", measure="total")["amount_as_printed"] == "6838.41"
    assert not facts(x, amount_as_printed="17")  # the numbering row 1 … 17 of 表02 gives no facts
    # 表01's second page (上年结转结余 … 收入总计) belongs to 表01
    assert one(x, table_no=1, name_zh="收入总计")["amount_as_printed"] == "6838.41"


def test_huzhou_one_row_per_unit(docs):
    x = docs("huzhou_finance_2026")
    unit = one(x, table_no=7, name_zh="湖州市市级财政国库支付中心", measure="reception")
    assert unit["amount_as_printed"] == "0.45" and unit["amount_yuan"] == "4500"
    assert one(x, table_no=7, name_zh="合计", measure="three_public_total")["amount_as_printed"] == "9.30"


# --- Zhuhai (表1 …): codes with the name in the same cell ----------------------------------------------

def test_zhuhai_code_and_name_in_one_cell(docs):
    x = docs("zhuhai_commerce_2026")
    customs = {f["measure"]: f["amount_as_printed"] for f in facts(x, table_no=5, code="20109")}
    assert customs == {"total": "9,182.50", "basic": "0.00", "project": "9,182.50"}
    assert one(x, table_no=5, code="20109", measure="total")["name_zh"] == "海关事务"
    assert one(x, table_no=8, name_zh="行政经费", measure="total")["amount_as_printed"] == "10,884.55"
    assert tables(x)["表8"]["table_kind"] == "administrative_and_three_public"


# --- Shanghai 2026: thousands separators printed irregularly -------------------------------------------

def test_shanghai_irregular_thousands(docs):
    x = docs("sh_hrss_2026")
    assert {t["status"] for t in x.rows["tables"] if t["table_kind"]} == {"read"}
    f = one(x, table_no=1, name_zh="一、社会保障和就业支出", measure="budget")
    assert (f["amount_as_printed"], f["amount_yuan"], f["unit_as_printed"]) == ("125360,898", "125360898", "元")


# --- Quanzhou (一、…): a table the narrative cannot read does not stop the document --------------------

def test_quanzhou_builds_with_unread_tables_said(docs):
    x = docs("quanzhou_gov_office_2026")
    assert one(x, table_kind="income_budget", name_zh="泉州市人民政府办公室", column_zh="总计")["amount_as_printed"] == "5898.74"
    assert one(x, table_kind="income_budget", name_zh="合计", column_zh="总计")["amount_as_printed"] == "15184.81"
    # the performance tables (项目绩效目标表, 部门整体支出绩效目标表) are read by the narrative stage: status read,
    # their funds in performance_goals as printed (资金总额：1778.31; the whole department 8200.95)
    forms = [t for t in x.rows["tables"] if t["table_kind"] == "performance_targets"]
    assert len(forms) == 9 and {t["status"] for t in forms} == {"read"}
    goals = {g["title_zh"]: g for g in x.rows["performance_goals"]}
    assert goals["市级机关保留公务用车委托管理费项目绩效目标表"]["funds_total_as_printed"] == "1778.31"
    assert goals["部门整体支出绩效目标表"]["funds_total_as_printed"] == "8200.95"


# --- Layouts not in our material, on documents built here: three blocks side by side, 6-decimal 万元 -------

def _doc(captions: list[str], rows: list[list[str]]) -> Document:
    blocks = [Paragraph(text=c, line=n + 1) for n, c in enumerate(captions)]
    blocks.append(Table(rows=[[Cell(text=t, line=10 + r) for t in row] for r, row in enumerate(rows)], line=10))
    return Document(path=Path("made.txt"), sha256="0" * 64, encoding="utf-8", blocks=blocks)


def test_three_block_overview_and_six_decimals():
    doc = _doc(["表1-1", "2026年西南大学收支预算总表（按功能分类科目）", "单位：万元"], [
        ["收入", "", "支出（按功能分类）", "", "支出（按经济分类）", ""],
        ["项目", "预算数", "项目", "预算数", "项目", "预算数"],
        ["一、一般公共预算拨款", "1.234567", "教育支出", "1.000000", "工资福利支出", "0.234567"],
        ["收入总计", "1.234567", "支出总计", "1.000000", "支出总计", "0.234567"],
    ])
    [item] = recognise(doc)
    assert (item.kind, item.number_printed, item.table_no) == ("income_expenditure_overview", "表1-1", 1)
    out = normalise(doc, "made", [item])
    got = {(f["side"], f["name_zh"]): (f["amount_yuan"], f["column_no"]) for f in out.facts}
    assert got[("income", "一、一般公共预算拨款")] == ("12345.67", 2)
    assert got[("expenditure", "教育支出")] == ("10000", 4)
    assert got[("expenditure", "工资福利支出")] == ("2345.67", 6)
    assert all(f["is_total"] for f in out.facts if f["name_zh"] in ("收入总计", "支出总计"))


def test_titles_by_their_words():
    assert match_kind("部门公开表1 2026年市级部门收支预算总表") == "income_expenditure_overview"
    assert match_kind("预算02表 收入预算总表") == "income_budget"
    assert match_kind("（三）支出预算总表") == "expenditure_by_function"
    assert match_kind("西南大学2026年一般公共预算支出表") == "general_budget_expenditure"
    assert match_kind("一般公共预算基本支出情况表（按经济分类科目）") == "general_budget_basic_economic"
    assert match_kind("2024年部门“三公”经费和机关运行经费预算表") == "three_public_and_running_costs"
    assert match_kind("这是一段说明，详见收支总表") is None


def test_unknown_header_is_still_a_fact():
    doc = _doc(["表3", "支出总表", "单位：元"], [
        ["科目编码", "科目名称", "合计", "奇怪的列"],
        ["2010801", "行政运行", "100", "7"],
    ])
    [item] = recognise(doc)
    out = normalise(doc, "made", [item])
    odd = next(f for f in out.facts if f["column_no"] == 4)
    assert (odd["measure"], odd["column_zh"], odd["amount_yuan"], odd["code"]) == (None, "奇怪的列", "7", "2010801")
    assert out.found[0]["status"] == "partial" and "奇怪的列" in out.found[0]["reason_zh"]


def test_final_income_with_codes_in_one_column_and_names_in_the_cell():
    # the layout of the Shanghai 收入决算表 that printed 类/款/项 as one column (none of them is in our material)
    doc = _doc(["表二", "2024年度收入决算表", "单位：万元"], [
        ["项目", "", "本年收入合计", "财政拨款收入", "其他收入"],
        ["科目编码", "科目名称", "", "", ""],
        ["栏次", "", "1", "2", "3"],
        ["合计", "", "120.500000", "100.000000", "20.500000"],
        ["208", "社会保障和就业支出", "120.500000", "100.000000", "20.500000"],
        ["2080501 行政单位离退休", "", "120.500000", "100.000000", "20.500000"],
    ])
    [item] = recognise(doc)
    assert item.kind == "final_income_by_function" and item.status == "read"
    out = normalise(doc, "made", [item])
    assert {f["amount_as_printed"] for f in out.facts} == {"120.500000", "100.000000", "20.500000"}  # 栏次 1 2 3 left out
    leaf = {f["measure"]: f["amount_yuan"] for f in out.facts if f["code"] == "2080501"}
    assert leaf == {"total": "1205000", "fiscal_appropriation": "1000000", "other_income": "205000"}
    assert {f["name_zh"] for f in out.facts if f["code"] == "2080501"} == {"行政单位离退休"}
    assert all(f["is_total"] for f in out.facts if f["row_no"] == 1)


def test_superscript_digits_are_not_column_numbers():
    """A header cell printing ²³ (found by the property tests): str.isdigit() says digits, int() refuses them;
    it is not a row numbering the columns (栏次 1 2 3), and reading never stops on it."""
    from yusuan.columns import _numbering_row
    from yusuan.model import Cell

    assert not _numbering_row([Cell("栏次", 1), Cell("²³", 1), Cell("1", 1)])
    assert _numbering_row([Cell("栏次", 1), Cell("1", 1), Cell("2", 1), Cell("3", 1)])
