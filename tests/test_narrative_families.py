"""Statements of another family from paragraphs read from its real PDF (苏州, values typed from the printed pages).

The amount tables of this family do not build yet, so the narrative is read straight from the reader's paragraphs:
its sentences are recognised by the same vocabularies (metadata/narrative/) without any heading of 第X部分.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.narrative import statements
from yusuan.narrative.text import walk
from yusuan.read import read

SUZHOU = Path(__file__).resolve().parent / "fixtures" / "real" / "suzhou_audit_2026.pdf"


@pytest.fixture(scope="module")
def rows():
    info = {"document_id": "suzhou-audit-2026-budget", "fiscal_year": 2026, "phase": "budget", "department_zh": "苏州市审计局"}
    return statements.rows(walk(read(SUZHOU)), info)


def pick(rows, section: str) -> list[tuple]:
    keys = ("topic", "amount_as_printed", "unit", "change_word_zh", "change_amount_as_printed", "change_percent_as_printed",
            "prior_basis", "share_percent_as_printed", "reason_zh")
    return [tuple(r[k] for k in keys) for r in rows if r["section_zh"].startswith(section)]


def test_three_public_meetings_and_training(rows):
    assert pick(rows, "九、") == [
        ("three_public_total", "10", "万元", "减少", "3", None, "prior_budget", None, "三公经费支出下降"),
        ("outbound", "0", "万元", None, None, None, None, "0", None),
        ("vehicle_total", "0", "万元", None, None, None, None, "0", None),
        ("reception", "10", "万元", None, None, None, None, "100", None),
        ("outbound", "0", "万元", "相同", None, None, "prior_budget", None, None),
        ("vehicle_total", "0", "万元", None, None, None, None, None, None),
        ("vehicle_purchase", "0", "万元", "相同", None, None, "prior_budget", None, None),
        ("vehicle_operation", "0", "万元", "相同", None, None, "prior_budget", None, None),
        ("reception", "10", "万元", "减少", "3", None, "prior_budget", None, "公务接待支出下降"),
        ("meeting_cost", "10", "万元", "减少", "7", None, "prior_budget", None, "会议费支出下降"),
        ("training_cost", "43", "万元", "减少", "21.73", None, "prior_budget", None, "培训费支出下降"),
    ]


def test_running_costs_procurement_and_assets(rows):
    assert pick(rows, "十二、") == [("office_running_cost", "395.6", "万元", "减少", "3.61", "0.9", "prior_budget", None, "机关运行经费有所下降")]
    assert pick(rows, "十三、") == [("procurement_total", "188.5", "万元", None, None, None, None, None, None),
                                  ("procurement_goods", "5.5", "万元", None, None, None, None, None, None),
                                  ("procurement_works", "0", "万元", None, None, None, None, None, None),
                                  ("procurement_services", "183", "万元", None, None, None, None, None, None)]
    held = [(r[0], r[1], r[2]) for r in pick(rows, "十四、")]
    assert held == [("vehicles_count", "1", "辆"), ("ministerial_vehicles_count", "0", "辆"), ("leader_vehicles_count", "0", "辆"),
                    ("confidential_vehicles_count", "0", "辆"), ("emergency_vehicles_count", "0", "辆"),
                    ("law_enforcement_vehicles_count", "0", "辆"), ("special_vehicles_count", "0", "辆"),
                    ("retired_cadre_vehicles_count", "0", "辆"), ("other_vehicles_count", "1", "辆"), ("large_equipment_100", "0", "台（套）")]


def test_items_named_by_section_and_item(rows):
    items = [(r["code_chain_zh"], r["amount_as_printed"], r["change_word_zh"], r["change_amount_as_printed"], r["change_percent_as_printed"])
             for r in rows if r["code_chain_zh"] and "（款）" in r["code_chain_zh"]][:3]
    assert items == [("审计事务（款）行政运行（项）", "2,342", "增加", "27.86", "1.2"),
                     ("审计事务（款）一般行政管理事务（项）", "339.5", "减少", "55.03", "13.95"),
                     ("审计事务（款）事业运行（项）", "225.13", "增加", "10.09", "4.69")]
    # without the document's tables (not built yet for this family) 20108 审计事务 is not in the official list:
    # the chain names no code rather than a guessed one, and says its level
    assert {(r["topic"], r["code"], r["code_source"]) for r in rows if r["code_chain_zh"] and "审计事务" in r["code_chain_zh"]} == {
        ("function_item", "", "unresolved")}


def test_offices_and_units_listed_without_a_count():
    from yusuan.narrative import organisation

    listed = organisation.offices(walk(read(SUZHOU)), "suzhou-audit-2026-budget")
    assert [(o["kind"], o["name_zh"], o["stated_count"]) for o in listed] == [("office", n, None) for n in (
        "市委审计委员会办公室秘书处", "办公室", "综合处", "法规与审理处", "内部审计指导监督处", "电子数据审计处", "财政审计处",
        "行政事业审计处", "农业农村审计处", "固定资产投资审计处", "社会保障审计处", "自然资源和生态环境审计处", "金融审计处",
        "企业审计处", "开发区审计处", "人事教育处（离退休干部处）")] + [
        ("budget_unit", "苏州市经济责任审计中心（非独立编制预算单位）", None),  # 本部门下属单位包括：… (p. 3)
        ("budget_unit", "苏州市审计局", 1)]  # 预算单位共计 1 家，具体包括：苏州市审计局。


def test_page_furniture_is_not_narrative():
    texts = [p.bare for p in walk(read(SUZHOU))]
    assert not [t for t in texts if "苏州市审计局2026年度部门预算公开" in t]  # the running header of every page
    assert "-25-" not in texts and "25" not in texts  # page numbers
    assert "2026年度政府采购支出预算总额188.5万元，其中：拟采购货物支出5.5万元、拟采购工程支出0万元、拟采购服务支出183万元。" in texts
