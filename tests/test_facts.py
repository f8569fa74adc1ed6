"""Every amount printed in the nine tables of the sample is a fact, with its table, row, column and amount.

The expected values below were typed from the document (yusuan/samples/changji-sasac-2021-budget.txt).
"""

from __future__ import annotations

from collections import Counter

from conftest import read_csv

# table | code (or -) | row label | column header = amount as printed, …
PRINTED = """
1 | - | 财政拨款（补助） | 预算数=525.81
1 | - | 一般公共预算 | 预算数=525.81
1 | 208 | 社会保障和就业支出 | 预算数=34.47
1 | 210 | 卫生健康支出 | 预算数=31.1
1 | 215 | 资源勘探工业信息等支出 | 预算数=460.24
1 | - | 收入总计 | 预算数=525.81
1 | - | 支出总计 | 预算数=525.81
2 | 2150701 | 行政运行 | 总计=355.24 一般公共预算拨款=355.24
2 | 2080505 | 机关事业单位基本医疗 | 总计=34.47 一般公共预算拨款=34.47
2 | 2101101 | 行政单位医疗 | 总计=23.34 一般公共预算拨款=23.34
2 | 2101103 | 公务员医疗补助 | 总计=7.42 一般公共预算拨款=7.42
2 | 2101109 | 其它行政事业单位医疗支出 | 总计=0.34 一般公共预算拨款=0.34
2 | 2150702 | 一般行政管理事务 | 总计=105 一般公共预算拨款=105
2 | - | 合计 | 总计=525.81 一般公共预算拨款=525.81
3 | 2150701 | 行政运行 | 合计=355.24 基本支出=355.24
3 | 2080505 | 机关事业单位基本养老 | 合计=34.47 基本支出=34.47
3 | 2101101 | 行政单位医疗 | 合计=23.34 基本支出=23.34
3 | 2101103 | 公务员医疗补助 | 合计=7.42 基本支出=7.42
3 | 2101109 | 其它行政事业单位医疗支出 | 合计=0.34 基本支出=0.34
3 | 2150702 | 一般行政管理事务 | 合计=105 项目支出=105
3 | - | 合计 | 合计=525.81 基本支出=420.81 项目支出=105
4 | - | 财政拨款（补助） | 合计=525.81
4 | - | 一般公共预算 | 合计=525.81
4 | 208 | 社会保障和就业支出 | 合计=34.47 一般公共预算=34.47
4 | 210 | 卫生健康支出 | 合计=31.1 一般公共预算=31.1
4 | 215 | 资源勘探工业信息等支出 | 合计=460.24 一般公共预算=460.24
4 | - | 收入总计 | 合计=525.81
4 | - | 支出总计 | 合计=525.81 一般公共预算=525.81
5 | 2150701 | 行政运行 | 合计=355.24 基本支出=355.24
5 | 2080505 | 机关事业单位基本养老 | 合计=34.47 基本支出=34.47
5 | 2101101 | 行政单位医疗 | 合计=23.34 基本支出=23.34
5 | 2101103 | 公务员医疗补助 | 合计=7.42 基本支出=7.42
5 | 2101109 | 其它行政事业单位医疗支出 | 合计=0.34 基本支出=0.34
5 | 2150702 | 一般行政管理事务 | 合计=105 项目支出=105
5 | - | 合计 | 合计=525.81 基本支出=420.81 项目支出=105
6 | 30101 | 基本工资 | 合计=134.99 人员经费=134.99
6 | 30102 | 津贴补贴 | 合计=45.51 人员经费=45.51
6 | 30103 | 奖金 | 合计=9.4 人员经费=9.4
6 | 30106 | 伙食补助费 | 合计=31.5 人员经费=31.5
6 | 30107 | 基础性绩效工资 | 合计=17.79 人员经费=17.79
6 | 30107 | 奖励性绩效工资 | 合计=10.26 人员经费=10.26
6 | 30113 | 住房公积金 | 合计=25.85 人员经费=25.85
6 | 30199 | 其它工资福利支出 | 合计=20.58 人员经费=20.58
6 | 30108 | 机关事业单位基本医疗 | 合计=34.47 人员经费=34.47
6 | 30110 | 职工基本医疗保险 | 合计=23.34 人员经费=23.34
6 | 30111 | 公务员医疗补助缴费 | 合计=7.42 人员经费=7.42
6 | 30112 | 其它社会保障费 | 合计=0.34 人员经费=0.34
6 | 30201 | 办公费 | 合计=4.41 公用经费=4.41
6 | 30202 | 印刷费 | 合计=0.3 公用经费=0.3
6 | 30206 | 电费 | 合计=1.8 公用经费=1.8
6 | 30207 | 邮电费 | 合计=1.5 公用经费=1.5
6 | 30208 | 取暖费 | 合计=6.15 公用经费=6.15
6 | 30209 | 物业管理费 | 合计=8.5 公用经费=8.5
6 | 30211 | 差旅费 | 合计=0.9 公用经费=0.9
6 | 30213 | 维修费 | 合计=0.36 公用经费=0.36
6 | 30214 | 租赁费 | 合计=2.11 公用经费=2.11
6 | 30216 | 培训费 | 合计=0.24 公用经费=0.24
6 | 30217 | 公务接待费 | 合计=0.4 公用经费=0.4
6 | 30224 | 被装购置费 | 合计=0.05 公用经费=0.05
6 | 30226 | 劳务费 | 合计=0.2 公用经费=0.2
6 | 30227 | 委托业务费 | 合计=0.58 公用经费=0.58
6 | 30228 | 工会经费 | 合计=2.7 公用经费=2.7
6 | 30229 | 福利费 | 合计=6.21 公用经费=6.21
6 | 30231 | 公务用车运行维护费 | 合计=3.5 公用经费=3.5
6 | 30239 | 其它交通费用 | 合计=0.2 公用经费=0.2
6 | 30299 | 商品和服务支出 | 合计=123.37 公用经费=123.37
6 | 30309 | 奖励金 | 合计=0.48 公用经费=0.48
6 | 30314 | 对个人和家庭补助 | 合计=0.4 公用经费=0.4
6 | - | 合计 | 合计=525.81 人员经费=361.45 公用经费=164.36
7 | 2150702 | 党务干部培训费 | 项目支出合计=6 商品和服务支出=6
7 | 2150702 | 国有企业党建信息智能管理系统 | 项目支出合计=5 商品和服务支出=5
7 | 2150702 | 国有企业退休人员社会化管理工作经费 | 项目支出合计=20 商品和服务支出=20
7 | 2150702 | 监督检查专项资金 | 项目支出合计=10 商品和服务支出=10
7 | 2150702 | 律师咨询费 | 项目支出合计=4 商品和服务支出=4
7 | 2150702 | 年终财务审计费 | 项目支出合计=57 商品和服务支出=57
7 | 2150702 | 微信公众号 | 项目支出合计=3 商品和服务支出=3
7 | - | 合计 | 项目支出合计=105 商品和服务支出=105
8 | - | - | 合计=3.9 因公出国（境）费=0 合计=3.5 公务用车购置费=0 公务用车运行费=3.5 公务接待费=0.4
"""


def expected() -> Counter:
    out = Counter()
    for line in PRINTED.strip().splitlines():
        table, code, name, amounts = (part.strip() for part in line.split("|"))
        for pair in amounts.split():
            column, amount = pair.split("=")
            out[(table, "" if code == "-" else code, "" if name == "-" else name, column, amount)] += 1
    return out


def test_every_printed_amount_is_a_fact_and_nothing_else(built):
    facts = read_csv(built / "dp" / "facts.csv")
    got = Counter((f["table_no"], f["code"], f["name_zh"], f["column_zh"], f["amount_as_printed"]) for f in facts)
    assert got == expected()


def test_amounts_in_yuan_are_exact(built):
    facts = read_csv(built / "dp" / "facts.csv")
    by_key = {(f["table_no"], f["code"], f["column_zh"]): f for f in facts if f["code"]}
    assert by_key[("2", "2150701", "总计")]["amount_yuan"] == "3552400"
    assert by_key[("6", "30202", "合计")]["amount_yuan"] == "3000"
    assert by_key[("6", "30224", "合计")]["amount_yuan"] == "500"
    assert by_key[("4", "210", "合计")]["amount_yuan"] == "311000"
    totals = {(f["table_no"], f["side"], f["column_zh"]): f["amount_yuan"] for f in facts if f["is_total"] == "true"}
    assert totals[("1", "income", "预算数")] == "5258100"
    assert totals[("3", "expenditure", "基本支出")] == "4208100"
    assert all(f["unit_as_printed"] == "万元" for f in facts)


def test_printed_zero_is_a_fact_and_empty_cell_is_not(built):
    facts = read_csv(built / "dp" / "facts.csv")
    three_public = [(f["column_zh"], f["measure"], f["amount_yuan"]) for f in facts if f["table_no"] == "8"]
    assert three_public == [
        ("合计", "three_public_total", "39000"),
        ("因公出国（境）费", "outbound", "0"),
        ("合计", "vehicle_total", "35000"),
        ("公务用车购置费", "vehicle_purchase", "0"),
        ("公务用车运行费", "vehicle_operation", "35000"),
        ("公务接待费", "reception", "4000"),
    ]
    assert not [f for f in facts if f["table_no"] == "9"]  # 表九 is printed empty


def test_sides_measures_and_totals(built):
    facts = read_csv(built / "dp" / "facts.csv")
    table1 = {(f["name_zh"], f["side"], f["is_total"]) for f in facts if f["table_no"] == "1"}
    assert ("收入总计", "income", "true") in table1
    assert ("支出总计", "expenditure", "true") in table1
    assert ("社会保障和就业支出", "expenditure", "false") in table1
    assert {f["side"] for f in facts if f["table_no"] == "2"} == {"income"}
    measures = Counter(f["measure"] for f in facts if f["table_no"] == "6")
    assert measures == Counter(total=34, personnel=13, public=22)
    econ = {f["column_code"] for f in facts if f["table_no"] == "7" and f["measure"] == "econ_302"}
    assert econ == {"302"}
    subtotals = [(f["table_no"], f["name_zh"]) for f in facts if f["is_subtotal"] == "true"]
    assert subtotals == [("1", "财政拨款（补助）"), ("4", "财政拨款（补助）")]
