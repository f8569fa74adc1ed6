"""Performance targets of two families whose targets were not parsed, read from pages cut from their real PDFs through
the recogniser (values typed from the printed pages, pdftotext -layout).

长沙 prints the comparator and the unit in columns of their own, the unit first: 三级指标 | 指标值 | 指标值内容 |
评（扣）分标准 | 度量单位 | 指标值类型, and its 项目支出绩效目标表 prints the project, its funds and goal as columns
(单位（项目）名称 | 资金总额 | 绩效目标), the table running over two pages. 重庆 prints no levels: 指标名称 | 指标性质 |
指标值 | 计量单位 | 指标权重(%) | 是否核心, with 项目名称 / 当年预算 / 当年绩效目标 above.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from yusuan.narrative import performance, targets
from yusuan.read import read
from yusuan.recognise import recognise

HERE = Path(__file__).resolve().parent / "fixtures" / "real" / "narrative" / "organisation"


@cache
def rows(name: str):
    document = read(HERE / f"{name}.pdf")
    return performance.rows(document, recognise(document), [], {"document_id": name})


def parsed(indicators: list[dict], target_no: int) -> list[tuple]:
    return [(i["indicator_zh"], i["target_as_printed"], i["comparator"], i["number"], i["unit"])
            for i in indicators if i["target_no"] == target_no]


def test_changsha_project_table_over_two_pages():
    goals, indicators = rows("changsha_education_2026")
    assert [(g["project_zh"], g["funds_total_as_printed"], g["funds_unit"], g["goal_zh"]) for g in goals][:1] == [
        ("经常性运转经费（水电气）", "270.00", "万元", "保障基地正常运转")]
    assert parsed(indicators, 1) == [
        ("水费", "120", "=", "120", "万元"), ("电费", "140", "=", "140", "万元"), ("燃气费", "10", "=", "10", "万元"),
        ("燃气用量", "38.61", "=", "38.61", "万立方"), ("用水量", "92.32", "=", "92.32", "万吨"),
        ("用电量", "653.99", "=", "653.99", "万度"), ("水电气设备运行安全率", "100", "=", "100", "%"),
        ("正常供水电气覆盖率", "100", "=", "100", "%"), ("及时支付", "90", ">=", "90", "%"),
        ("保障基地正常运转", "100", "=", "100", "%"), ("绿化绿植存活率", "100", "=", "100", "%"),
        ("基地各院校人员满意度", "90", ">=", "90", "%")]
    first = next(i for i in indicators if i["target_no"] == 1)
    assert (first["level1_zh"], first["level2_zh"], first["comparator_as_printed"], first["unit_as_printed"], first["unit_source"]) == (
        "成本指标", "经济成本指标", "＝", "万元", "column")


def test_changsha_department_table_comparators_before_values():
    goals, indicators = rows("changsha_education_2026")
    whole = goals[1]
    assert (whole["budget_unit_zh"], whole["funds_total_as_printed"]) == ("长沙职业教育基地综合协调办公室", "656.73")
    assert whole["goal_zh"].startswith("夯实思想政治根基，推进以学促干。")
    assert parsed(indicators, 2)[:8] == [
        ("项目支出", "270", "<=", "270", "万元"), ("基本支出", "386.73", "<=", "386.73", "万元"),
        ("场馆使用次数", "160", ">=", "160", "次"), ("党建情况", "10", ">=", "10", "次"), ("安保情况", "50", "<=", "50", "%"),
        ("基地面积绿化率", "20", ">=", "20", "%"), ("公共区域使用投诉率", "0", "=", "0", "%"), ("维修及时率", "95", ">=", "95", "%")]
    words = [i for i in indicators if i["target_no"] == 2 and i["target_kind"] == "word"]
    assert [(i["indicator_zh"], i["target_as_printed"], i["comparator_as_printed"]) for i in words] == [
        ("行政管理职能正常完成", "无", "定性"), ("有效提升办学环境", "提升", "定性")]


def test_chongqing_tables_without_levels():
    goals, indicators = rows("chongqing_water_2026")
    assert [(g["title_zh"], g["project_zh"], g["funds_total_as_printed"]) for g in goals] == [
        ("2026年部门整体绩效目标表", None, None),
        ("2026年市级重点专项资金绩效目标表（一级项目）", "水库移民后期扶持", "12,700.00"),
        ("2026年市级重点专项资金绩效目标表（一级项目）", "重庆市水利专项资金", "152,992.83")]
    assert goals[0]["goal_zh"].startswith("完善全市水网建设布局，以市级水网为牵引")
    assert goals[1]["goal_zh"].startswith("年度资金实施项目覆盖区县30个以上，支持实施项目数量不少于86个")
    assert parsed(indicators, 1) == [
        ("续建大中型水库", "27", ">=", "27", "座"), ("农村饮水项目受益人口", "150", ">=", "150", "万人次"),
        ("建设农村饮水项目数量", "494", ">=", "494", "个数"), ("断面监测检查对象数量", "684", ">=", "684", "个数"),
        ("实施后扶及移民项目数量", "100", ">=", "100", "个数"), ("后扶资金项目覆盖区县数量", "30", ">=", "30", "个数")]
    assert parsed(indicators, 2) == [
        ("完工项目验收率", "90", ">=", "90", "%"), ("实施项目数量", "86", ">=", "86", "个数"),
        ("项目覆盖区县数量", "30", ">=", "30", "个数"), ("已建工程项目良性运行比例", "90", ">=", "90", "%"),
        ("移民对后期扶持政策实施满意度", "90", ">=", "90", "%"), ("年度预算执行率", "100", "=", "100", "%")]


def test_a_unit_printed_before_its_comparator():
    assert {k: targets.parse("万元≤100")[k] for k in ("comparator", "number", "unit", "unit_source")} == {
        "comparator": "<=", "number": "100", "unit": "万元", "unit_source": "target"}
    assert {k: targets.parse("%≥95")[k] for k in ("comparator", "number", "unit")} == {"comparator": ">=", "number": "95", "unit": "%"}
    assert {k: targets.parse("大于等于95%")[k] for k in ("comparator", "number", "unit")} == {"comparator": ">=", "number": "95", "unit": "%"}


def test_chongqing_project_table_read_for_its_indicators():
    """市级一般性项目绩效目标表 (a project performance table: 序号 | 项目名称 | 当年财政拨款预算金额 | 当年绩效目标 |
    指标名称 | 指标性质 | 指标值 | 计量单位 | 指标权重(%), 单位:万元) gives its project's goal and indicators."""
    path = Path(__file__).resolve().parent / "fixtures" / "real" / "recognition" / "chongqing_weather_projects_2026.pdf"
    document = read(path)
    goals, indicators = performance.rows(document, recognise(document), [], {"document_id": "cq-weather"})
    assert [(g["project_zh"], g["funds_total_as_printed"], g["funds_unit"]) for g in goals] == [("气象事务", "4,902.34", "万元")]
    assert goals[0]["goal_zh"].startswith("1.全力做好")
    assert len(indicators) == 12
    assert parsed(indicators, 1)[:3] == [("气候预测准确率", "68", ">=", "68", "%"), ("气象台站改造数量", "4", ">=", "4", "个"),
                                         ("确保市局各类气象业务及管理工作稳定持续运转", "365", "=", "365", "天数")]
    assert parsed(indicators, 1)[7] == ("综合观测系统装备维修时限(国家地面站)", "36", "<=", "36", "小时")
    assert parsed(indicators, 1)[-1] == ("年度预算执行率", "100", "=", "100", "%")
