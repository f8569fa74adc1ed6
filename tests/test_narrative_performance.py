"""绩效目标表: the seven tables and every indicator with its printed and parsed target (typed from the sample)."""

from __future__ import annotations

import pytest

from conftest import read_csv

# per table: project as printed, funds total/fiscal/other as printed, linked project_no, link method
GOALS = [
    ("国有企业党建信息智能管理系统", "5", "5", "0", "2", "exact"),
    ("党务干部培训费", "6", "6", "0", "1", "exact"),
    ("国有企业退休人员社会化管理工作经费", "20", "20", "", "3", "exact"),
    ("监督检查专项资金", "10", "10", "0", "4", "exact"),
    ("律师咨询费", "4", "4", "0", "5", "exact"),
    ("年终财务审计费", "57", "57", "", "6", "exact"),
    ("微信平台公众号专项资金", "3", "3", "0", "7", "title_contains"),
]

# table no | level 2 key | indicator | target as printed | comparator | number | unit
INDICATORS = """
1|quantity|平台使用企业|≧16家|>=|16|家
1|quantity|系统运行维护(次）|≧1次|>=|1|次
1|quality|平台维护后信息录入时间提高率（%）|≧20%|>=|20|%
1|quality|系统平台全覆盖率（%）|100%|=|100|%
1|timeliness|开展信息录入管理工作时限|12个月|=|12|个月
1|cost|平台费用|5万元|=|5|万元
1|social_benefit|提高企业信息化资源共享度和社会化水平|提高|||
1|sustainability|平台维护后，信息化水平管理提高|≧25%|>=|25|%
1|satisfaction|平台使用者满意度（%）|≧96%|>=|96|%
2|quantity|培训人数|≧140人|>=|140|人
2|quantity|每年组织培训（期）|≧1期|>=|1|期
2|timeliness|组织培训（天）|≧5天|>=|5|天
2|quality|培训出勤率|≧98%|>=|98|%
2|quality|培训合格率|≧98%|>=|98|%
2|cost|培训费用|6万元|=|6|万元
2|social_benefit|提升业务水平、规范党建服务工作|提升|||
2|sustainability|持续完善管理党务工作|1年|=|1|年
2|satisfaction|培训对象满意度（%）|≧95%|>=|95|%
3|quantity|完成国资监管企业退休人员移交人数（人）|≧15290人|>=|15290|人
3|quantity|对各县市移交工作指导检查（次）|7次|=|7|次
3|quality|人事档案、组织关系移交工作完成率（%）|100%|=|100|%
3|timeliness|人事档案、组织关系移交工作开展、完成时间（月）|12个月|=|12|个月
3|cost|人员档案转接、党组织关系转接、国有资产的划转等工作总成本（万元）|20万元|=|20|万元
3|social_benefit|国有企业退休人员实现社会化管理（%）|100%|=|100|%
3|sustainability|逐渐减轻国有企业负担，促进国有企业更好的参与市场竞争。不断提升社会保障和公共服务水平、提升退休人员的归属感和幸福感。|长期|||
3|satisfaction|国有企业退休人员满意度（%）|95%|=|95|%
4|quantity|每年监督检查（次）|≧4次|>=|4|次
4|quantity|完成审计报告（份）|≧4份|>=|4|份
4|quality|检查覆盖率|100%|=|100|%
4|timeliness|检查天数|≧15天|>=|15|天
4|timeliness|年度检查任务完成时间|≦12月31日|<=||
4|cost|专项审计费用|10万元|=|10|万元
4|economic_benefit|提升企业效益、降低企业债务风险、减少经济损失|≧25%|>=|25|%
4|social_benefit|审计建议采纳率|≧96%|>=|96|%
4|sustainability|问题整改率|≧98%|>=|98|%
4|satisfaction|监管企业对监督检查满意度|≧94%|>=|94|%
5|quantity|聘请律师|4人|=|4|人
5|quantity|开展法律咨询服务|≧1次|>=|1|次
5|quality|提供依据正确率（%）|100%|=|100|%
5|quality|检查合格率（%）|≧98%|>=|98|%
5|timeliness|开展律师咨询服务时限|12个月|=|12|个月
5|cost|法律咨询费用|≦4万|<=|4|万
5|social_benefit|增强法律意识、保护出资人合法权益|增强|||
5|sustainability|长期维护出资人合法权益|1年|=|1|年
5|satisfaction|出资人满意度|≧95%|>=|95|%
6|quantity|对监管企业进行年终审计（家）|4|=|4|家
6|quantity|参与检查人数（人）|≧15|>=|15|人
6|quality|监督检查覆盖率|100%|=|100|%
6|quality|检查财务规范合格率|≧95%|>=|95|%
6|timeliness|审计任务完成时间|12个月|=|12|个月
6|cost|审计费用（万元）|≦57万元|<=|57|万元
6|economic_benefit|为企业挽回经济损失（万元）|≧10万元|>=|10|万元
6|social_benefit|提升国有企业体制改革，为昌吉州经济发展做出贡献|90%|=|90|%
6|sustainability|持续规范直管企业财务制度|1年|=|1|年
6|satisfaction|企业对审计服务满意度|≧95%|>=|95|%
7|quantity|发布信息（条）|≧1600条|>=|1600|条
7|quantity|组织参观学习（人数）|≧400人|>=|400|人
7|quality|信息传播覆盖率|≧95%|>=|95|%
7|timeliness|信息任务发布完成时限|12月份|=|12|月份
7|cost|平台费用成本（万元）|3万元|=|3|万元
7|social_benefit|提高政策、法规知晓率|≧25%|>=|25|%
7|social_benefit|维护社会稳定、加强民族团结|加强|||
7|sustainability|平台发挥作用期限|1年|=|1|年
7|satisfaction|群众对信息宣传满意率|≧95%|>=|95|%
"""


def test_seven_performance_tables(built):
    rows = read_csv(built / "dp" / "performance_goals.csv")
    got = [(r["project_zh"], r["funds_total"], r["funds_fiscal"], r["funds_other"], r["project_no"], r["link_method"]) for r in rows]
    assert got == GOALS
    assert {r["budget_unit_zh"] for r in rows} == {"昌吉自治州国有资产监督管理委员会"}
    assert {r["funds_unit"] for r in rows} == {"万元"}
    assert rows[5]["funds_total_yuan"] == "570000"
    assert rows[0]["title_zh"] == "州国资委2021年党建智能管理系统项目支出绩效目标表"
    assert rows[0]["goal_zh"].endswith("计划在2021年继续运行、完成昌吉州国有企业党建智能管理系统维护升级，确保此项工作顺利开展。")
    assert not rows[1]["goal_zh"].startswith("[bookmark")  # a conversion artefact, not printed text


def test_every_indicator_with_its_parsed_target(built):
    rows = read_csv(built / "dp" / "performance_indicators.csv")
    got = [(r["target_no"], r["level2"], r["indicator_zh"], r["target_as_printed"], r["comparator"], r["number"], r["unit"]) for r in rows]
    expected = [tuple(line.split("|")) for line in INDICATORS.strip().splitlines()]
    assert got == expected
    levels = {(r["level1"], r["level2"]) for r in rows}
    assert ("outcome", "social_benefit") in levels and ("output", "cost") in levels
    date = next(r for r in rows if r["target_as_printed"] == "≦12月31日")
    assert (date["target_kind"], date["target_month_day"]) == ("date", "12-31")
    words = {r["target_as_printed"] for r in rows if r["target_kind"] == "word"}
    assert words == {"提高", "提升", "长期", "增强", "加强"}
    from_name = [(r["indicator_zh"], r["unit_source"]) for r in rows if r["unit_source"] == "indicator"]
    assert from_name == [("对监管企业进行年终审计（家）", "indicator"), ("参与检查人数（人）", "indicator")]


@pytest.mark.parametrize("printed, expected", [
    ("≥ 3 次", (">=", "3", "次")), ("不低于90%", (">=", "90", "%")), ("≤2.50万元", ("<=", "2.5", "万元")),
    ("１２个月", ("=", "12", "个月")), ("长期", (None, None, None)),
])
def test_target_parser(printed, expected):
    from yusuan.narrative.targets import parse

    got = parse(printed)
    assert (got["comparator"], got["number"], got["unit"]) == expected


def test_a_malformed_indicator_header_is_a_yusuan_error():
    from pathlib import Path

    from yusuan.errors import YusuanError
    from yusuan.model import Cell, Table
    from yusuan.narrative.performance import read
    from yusuan.model import Document
    from yusuan.recognise import Recognised

    table = Table(rows=[[Cell("一级指标", 3), Cell("二级指标", 3), Cell("三级指标", 3)], [Cell("产出指标", 4), Cell("数量指标", 4), Cell("x", 4)]], line=2)
    item = Recognised(kind="performance_targets", title="某项目绩效目标表", table=table, body=table.rows)
    document = Document(path=Path("bad.txt"), sha256="", encoding="utf-8", blocks=[table])
    with pytest.raises(YusuanError, match="target"):
        read(document, item)
