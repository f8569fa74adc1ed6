"""The Shanghai template family: the four real Putuo disclosures, each table found and its facts as printed.

Every expected value is typed from the printed PDFs (tests/fixtures/real/, copied from the shared material). Each PDF is read once per session.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.build import extract
from yusuan.knowledge import load

REAL = Path(__file__).resolve().parent / "fixtures" / "real"

FILES = {
    "zfban": "sh_putuo_zfban_dept_2025.pdf",
    "wanli": "sh_putuo_wanlijd_dept_2024.pdf",
    "welfare": "sh_putuo_shflyuan_unit_2024.pdf",
    "czj": "sh_putuo_czj_final_2024.pdf",
}


@pytest.fixture(scope="module")
def docs():
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract(REAL / FILES[name])
        return cache[name]

    return get


def tables_found(extracted) -> list[tuple[str, int, str]]:
    """(kind, table number, unit) of every table of amounts, in table-number order."""
    kinds = load("tables")["kinds"]
    found = {(kind, r["table_no"], r["unit_as_printed"])
             for kind, rows in extracted.rows.items() if "columns" in kinds.get(kind, {}) for r in rows}
    return sorted(found, key=lambda t: t[1])


def fact(extracted, kind: str, measure: str, code: str | None = None, name: str | None = None, column_zh: str | None = None) -> dict:
    found = [f for f in extracted.rows["facts"] if f["table_kind"] == kind and f["measure"] == measure
             and (code is None or f["code"] == code) and (name is None or f["name_zh"] == name)
             and (column_zh is None or f["column_zh"] == column_zh)]
    assert len(found) == 1, f"{len(found)} facts for {kind} {measure} {code} {name}"
    return found[0]


def printed(f: dict) -> tuple[int, str, str, str]:
    return f["table_no"], f["amount_as_printed"], f["unit_as_printed"], f["amount_yuan"]


BUDGET_TABLES = [
    ("financial_overview", 1), ("income_budget", 2), ("expenditure_by_function", 3), ("appropriation_overview", 4),
    ("general_budget_expenditure", 5), ("government_fund_expenditure", 6), ("state_capital_expenditure", 7),
    ("general_budget_basic_economic", 8), ("three_public_and_running_costs", 9),
]


@pytest.mark.parametrize("name", ["zfban", "wanli", "welfare"])
def test_budget_tables_found_with_numbers_and_units(docs, name):
    expected = [(kind, no, "万元" if no == 9 else "元") for kind, no in BUDGET_TABLES]
    assert tables_found(docs(name)) == expected


def test_final_accounts_tables_found(docs):
    assert tables_found(docs("czj")) == [
        ("final_overview", 1, "万元"), ("final_income_by_function", 2, "万元"),
        ("final_expenditure_by_function", 3, "万元"), ("appropriation_overview", 4, "万元"),
        ("general_budget_expenditure", 5, "万元"), ("general_budget_basic_final", 6, "万元"),
        ("three_public_final", 7, "万元"), ("government_fund_final", 8, "万元"), ("state_capital_final", 9, "万元"),
    ]


@pytest.mark.parametrize("name, info", [
    ("zfban", {"document_id": "putuo-zfban-2025-budget", "department_zh": "上海市普陀区人民政府办公室", "level_zh": "部门",
               "fiscal_year": 2025, "phase": "budget", "phase_zh": "预算", "fdp_phase": "approved", "template": "shanghai"}),
    ("wanli", {"document_id": "putuo-wanli-2024-budget", "department_zh": "上海市普陀区人民政府万里街道办事处", "level_zh": "部门",
               "fiscal_year": 2024, "phase": "budget", "phase_zh": "预算", "fdp_phase": "approved", "template": "shanghai"}),
    ("welfare", {"document_id": "putuo-welfare-home-2024-budget", "department_zh": "上海市普陀区社会福利院", "level_zh": "单位",
                 "fiscal_year": 2024, "phase": "budget", "phase_zh": "预算", "fdp_phase": "approved", "template": "shanghai"}),
    ("czj", {"document_id": "putuo-finance-2024-final", "department_zh": "上海市普陀区财政局", "level_zh": "部门",
             "fiscal_year": 2024, "phase": "final", "phase_zh": "决算", "fdp_phase": "executed", "template": "shanghai-final"}),
])
def test_document_info(docs, name, info):
    document = docs(name).document
    assert {k: document[k] for k in info} == info
    assert (document["region_zh"], document["region_en"], document["region_code"]) == ("上海市普陀区", "Putuo District, Shanghai", "310107")
    assert document["department_en"]


def test_zfban_facts(docs):
    d = docs("zfban")
    assert printed(fact(d, "financial_overview", "budget", name="收入总计")) == (1, "91,016,775.35", "元", "91016775.35")
    assert printed(fact(d, "financial_overview", "budget", name="四、住房保障支出")) == (1, "3,609,125.22", "元", "3609125.22")
    assert printed(fact(d, "income_budget", "total", code="2010301")) == (2, "12,029,501.84", "元", "12029501.84")
    assert fact(d, "income_budget", "total", code="2010301")["name_zh"] == "行政运行"
    assert printed(fact(d, "income_budget", "fiscal_appropriation", name="合计")) == (2, "91,016,775.35", "元", "91016775.35")
    assert printed(fact(d, "expenditure_by_function", "project", code="2010302")) == (3, "46,140,000.00", "元", "46140000")
    assert printed(fact(d, "appropriation_overview", "general_budget", name="四、住房保障支出")) == (4, "3,609,125.22", "元", "3609125.22")
    assert printed(fact(d, "appropriation_overview", "total", name="一、一般公共预算资金")) == (4, "91,016,775.35", "元", "91016775.35")
    assert printed(fact(d, "general_budget_expenditure", "basic", code="2080501")) == (5, "1,554,220.00", "元", "1554220")
    assert printed(fact(d, "general_budget_basic_economic", "public", code="30217")) == (8, "185,000.00", "元", "185000")
    assert printed(fact(d, "general_budget_basic_economic", "personnel", name="合计")) == (8, "22,473,997.81", "元", "22473997.81")
    assert printed(fact(d, "three_public_and_running_costs", "outbound")) == (9, "839.00", "万元", "8390000")
    assert printed(fact(d, "three_public_and_running_costs", "running_costs")) == (9, "213.28", "万元", "2132800")
    assert fact(d, "three_public_and_running_costs", "running_costs")["column_zh"] == "机关运行经费预算数"
    # the empty tables carry their notes and no amounts
    assert not [f for f in d.rows["facts"] if f["table_kind"] in ("government_fund_expenditure", "state_capital_expenditure")]
    notes = {n["table_no"]: n["text"] for n in d.rows["table_notes"]}
    assert notes[7] == "注:本部门2025年无国有资本经营预算财政拨款安排的预算，故本表为空表。"


def test_wanli_facts(docs):
    d = docs("wanli")
    assert printed(fact(d, "financial_overview", "budget", name="八、城乡社区支出")) == (1, "119,385,303", "元", "119385303")
    assert printed(fact(d, "financial_overview", "budget", name="一、财政拨款收入")) == (1, "156,211,123", "元", "156211123")
    assert printed(fact(d, "expenditure_by_function", "total", name="合计")) == (3, "156,211,123", "元", "156211123")
    assert printed(fact(d, "general_budget_basic_economic", "total", name="合计")) == (8, "99,706,020", "元", "99706020")
    # 津贴补贴 printed 301 | 2 (款 without its zero, page 8): the code is 30102; the per-kind row keeps "2"
    assert printed(fact(d, "general_budget_basic_economic", "personnel", code="30102")) == (8, "16,623,810", "元", "16623810")
    assert printed(fact(d, "three_public_and_running_costs", "vehicle_purchase")) == (9, "25", "万元", "250000")
    assert printed(fact(d, "three_public_and_running_costs", "vehicle_operation")) == (9, "21.56", "万元", "215600")
    assert printed(fact(d, "three_public_and_running_costs", "vehicle_total")) == (9, "46.56", "万元", "465600")


def test_welfare_unit_facts(docs):
    d = docs("welfare")
    # the unit's 财务收支预算总表 has seven columns: 合计, 基本支出 (人员经费, 公用经费), 项目支出
    assert printed(fact(d, "financial_overview", "personnel", name="二、社会保障和就业支出")) == (1, "6,540,674", "元", "6540674")
    assert printed(fact(d, "financial_overview", "public", name="二、社会保障和就业支出")) == (1, "2,120,950", "元", "2120950")
    assert printed(fact(d, "financial_overview", "project", name="支出总计")) == (1, "2,620,000", "元", "2620000")
    assert printed(fact(d, "financial_overview", "budget", name="二、事业收入")) == (1, "2,620,000", "元", "2620000")
    assert printed(fact(d, "income_budget", "business_income", code="2081005")) == (2, "2,620,000", "元", "2620000")
    # 事业单位医疗 printed under class "7": as printed
    assert printed(fact(d, "expenditure_by_function", "total", code="71102")) == (3, "503,724", "元", "503724")
    # table 4 has its title and 编制单位 inside the frame
    assert printed(fact(d, "appropriation_overview", "general_budget", name="二、社会保障和就业支出")) == (4, "8,661,624", "元", "8661624")
    assert printed(fact(d, "general_budget_basic_economic", "personnel", code="30301")) == (8, "421,800", "元", "421800")
    assert fact(d, "general_budget_basic_economic", "personnel", code="303")["name_zh"] == "离退休人员经费"
    assert printed(fact(d, "three_public_and_running_costs", "vehicle_operation")) == (9, "6.4", "万元", "64000")
    assert printed(fact(d, "three_public_and_running_costs", "running_costs")) == (9, "0", "万元", "0")


def test_final_accounts_facts(docs):
    d = docs("czj")
    assert printed(fact(d, "final_overview", "final", name="八、其他收入")) == (1, "6.20", "万元", "62000")
    # 结转和结余 and 总计 are printed in a second frame on the next page: the same table
    assert printed(fact(d, "final_overview", "final", name="年初结转和结余")) == (1, "49.14", "万元", "491400")
    assert [f["amount_as_printed"] for f in d.rows["facts"] if f["table_kind"] == "final_overview" and f["name_zh"] == "总计"] == ["2,995.39", "2,995.39"]
    # the 类/款/项 header row also carries the 合计 row
    total = fact(d, "final_income_by_function", "total", name="合计")
    assert printed(total) == (2, "2,946.25", "万元", "29462500") and total["column_zh"] == "本年收入合计" and total["row_no"] == 1
    assert printed(fact(d, "final_income_by_function", "other_income", code="2010602")) == (2, "6.19", "万元", "61900")
    assert printed(fact(d, "final_expenditure_by_function", "project", code="2010601")) == (3, "8.37", "万元", "83700")
    assert printed(fact(d, "appropriation_overview", "total", name="年初财政拨款结转和结余", column_zh="决算数")) == (4, "21.63", "万元", "216300")
    # rows continued on the next page without a repeated header
    assert printed(fact(d, "appropriation_overview", "general_budget", name="十九、住房保障支出")) == (4, "445.69", "万元", "4456900")
    assert printed(fact(d, "general_budget_expenditure", "total", code="2210203")) == (5, "258.50", "万元", "2585000")
    # two code/name/amount panels side by side
    assert printed(fact(d, "general_budget_basic_final", "final", code="30102")) == (6, "1,238.58", "万元", "12385800")
    assert printed(fact(d, "general_budget_basic_final", "final", code="30228")) == (6, "24.42", "万元", "244200")
    assert fact(d, "general_budget_basic_final", "final", code="30228")["name_zh"] == "工会经费"
    assert printed(fact(d, "general_budget_basic_final", "final", name="公用经费合计")) == (6, "184.65", "万元", "1846500")
    assert fact(d, "general_budget_basic_final", "final", name="人员经费合计")["is_total"]
    assert printed(fact(d, "three_public_final", "reception_budget")) == (7, "0.95", "万元", "9500")
    assert fact(d, "three_public_final", "reception_budget")["column_group_zh"] == "公务接待费"
    assert not [f for f in d.rows["facts"] if f["table_kind"] in ("government_fund_final", "state_capital_final")]
    assert [r["table_no"] for r in d.rows["three_public_final"]] == [7]



@pytest.mark.parametrize("name, errors", [
    ("zfban", set()),
    ("wanli", set()),
    # 事业单位医疗 503,724 printed under class "7" instead of 210: one finding, codes.unknown's (issue 13); the
    # totals of tables 3 and 5 add up once the row is under its class
    ("welfare", set()),
    # 302 商品和服务支出 printed as 171.07 while its 12 items add up to 171.09: within rounding, info (issue 13)
    ("czj", set()),
])
def test_totals_reconcile_or_the_audit_says_where_the_document_does_not(docs, name, errors):
    from yusuan.check import audit

    d = docs(name)
    findings = audit(d.rows | {"documents": [d.document]}).findings
    found = {(f["rule_id"], f["table_no"], f["column_zh"]) for f in findings
             if f["rule_id"].startswith("table.") and f["severity"] in ("error", "warning")}
    assert found == errors
