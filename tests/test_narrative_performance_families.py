"""Performance target tables of other families, read from the real PDF (values typed from the printed pages).

泉州 prints one 项目绩效目标表 per project as a text table: 专项资金情况（万元） with 资金总额/财政拨款/其他资金 beside their
amounts, 项目实施期目标 beside its text, and 一级/二级/三级指标 with 目标值 (成本指标 is a first level of its own).
The document's amount tables do not build yet (another family's layouts), so the tables are taken from the reader
as the recogniser takes a narrative table: the caption printed before it names the kind.
"""

from __future__ import annotations

from pathlib import Path

from yusuan.model import Paragraph, squash
from yusuan.narrative import targets
from yusuan.narrative.performance import read as read_table
from yusuan.read import read
from yusuan.recognise import Recognised, match_kind

QUANZHOU = Path(__file__).resolve().parent / "fixtures" / "real" / "quanzhou_gov_office_2026.pdf"


def performance_tables(path: Path) -> list[tuple[dict, list[dict]]]:
    document = read(path)
    out, caption = [], None
    for block in document.blocks:
        if isinstance(block, Paragraph):
            caption = block.text.strip() or caption
            continue
        if caption and match_kind(caption) == "performance_targets":
            item = Recognised(kind="performance_targets", title=squash(caption), table=block, body=block.rows)
            out.append(read_table(document, item))
        caption = None
    return out


def test_quanzhou_project_tables():
    tables = performance_tables(QUANZHOU)
    assert len(tables) == 8
    head, indicators = tables[0]
    assert (head["title_zh"], head["funds_unit"], head["funds_total_as_printed"], head["funds_fiscal_as_printed"],
            head["funds_other_as_printed"]) == ("市级机关保留公务用车委托管理费项目绩效目标表", "万元", "1778.31", "1778.31", "0.00")
    assert head["goal_zh"] == "优化平台驾驶员、车辆配比，提高车辆使用效益，有效保障市直机关单位日常公务出行。"
    assert [(i["level1_zh"], i["level2_zh"], i["indicator_zh"], i["target_as_printed"]) for i in indicators] == [
        ("成本指标", "经济成本指标", "预算执行率", "≥90%"),
        ("产出指标", "时效指标", "目标完成率", "≥90%"),
        ("产出指标", "数量指标", "财政支出项目完成率", "≥90%"),
        ("产出指标", "质量指标", "政府采购项目合规率", "=100%"),
        ("效益指标", "经济效益指标", "固定资产利用率", "≥100%"),
        ("满意度指标", "服务对象满意度指标", "公车使用单位满意率", "≥90%"),
    ]
    head, indicators = tables[1]
    assert (head["title_zh"], head["funds_total_as_printed"], head["funds_fiscal_as_printed"], head["funds_other_as_printed"]) == (
        "市行政中心保安服务项目绩效目标表", "4200.00", "0.00", "4200.00")
    assert [(i["indicator_zh"], i["target_as_printed"]) for i in indicators] == [
        ("保安服务费标准控制率", "≤100%"), ("服务响应及时率", "≥90%"), ("保安服务覆盖率", "≥90%"),
        ("政府采购项目合规率", "=100%"), ("安全事故发生数", "=0起"), ("保安服务满意率", "≥90%")]


def test_targets_of_the_family_parsed():
    assert {k: targets.parse("=0起")[k] for k in ("comparator", "number", "unit", "unit_known")} == {
        "comparator": "=", "number": "0", "unit": "起", "unit_known": True}
    assert {k: targets.parse("≤100%")[k] for k in ("comparator", "number", "unit")} == {"comparator": "<=", "number": "100", "unit": "%"}
    assert {k: targets.parse("≥13459.00(平方米)")[k] for k in ("comparator", "number", "unit")} == {
        "comparator": ">=", "number": "13459", "unit": "平方米"}
    assert targets.parse("按时完成")["target_kind"] == "word"
    assert (targets.parse("≥1,000个")["number"], targets.parse("≥1,000个")["unit"]) == ("1000", "个")
