"""Issue 20, narrative pairing: a statement is held against the table figure of its own code or subject, scope and
basis, on real pages of the corpus where the wrong pairing fired (tests/fixtures/real/audit, see SOURCES.md).
Each test asserts what the pages print (typed from them), that the false finding is gone, and that the rule still
speaks on the same statement when its figure is changed (the pairing is live, not silenced). The false findings
of the audit before are quoted in each docstring; every test fails on it."""

from __future__ import annotations

import copy

import pytest

from yusuan.build import collect
from yusuan.check import audit
from yusuan.check.narrative import class_code, slip
from decimal import Decimal

from conftest import AUDIT, page_text


@pytest.fixture(scope="module")
def rows():
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = collect([AUDIT / name], use_cache=False).rows
        return copy.deepcopy(cache[name])

    return get



def shown(findings: list[dict], prefix: str = "narrative.") -> list[dict]:
    return [f for f in findings if f["severity"] != "info" and f["rule_id"].startswith(prefix)]


def restate(rows: dict, printed: str, page: int | None = None, **changes) -> dict:
    """The statement printed with this amount (on this page), changed (the document misprinting it)."""
    [s] = [s for s in rows["statements"] if s.get("amount_as_printed") == printed and page in (None, s.get("page"))]
    s.update(changes)
    return s


HUZHOU = "huzhou_transport_2026.pdf"


def test_item_under_general_budget_heading_is_held_against_the_general_budget_table(rows):
    """湖州 交通运输局, （五）关于…2026年一般公共预算当年拨款情况说明: （3）教育支出（类）职业教育（款）中等职业教育（项）
    3707.62万元 is 表05 一般公共预算支出表's 3707.62, not 表03 支出总表's 4583.98 (all funds). Before: 18 class_amounts
    errors on 湖州 (this one: 称 2050302 … 3707.62万元，而表03“总计”中 2050302 为 4583.98万元)."""
    assert "（3）教育支出（类）职业教育（款）中等职业教育（项）3707.62万元" in page_text(HUZHOU, 8)
    assert "20503职业教育4583.98" in page_text(HUZHOU, 25)
    assert "20503职业教育3707.62" in page_text(HUZHOU, 30)
    found = audit(rows(HUZHOU)).findings
    assert [f for f in shown(found) if f["rule_id"] == "narrative.class_amounts"] == []
    # live: the same statement misprinted is found, against 表05's 3707.62
    changed = rows(HUZHOU)
    restate(changed, "3707.62", amount="3707.26", amount_as_printed="3707.26", amount_yuan="37072600")
    [f] = [f for f in shown(audit(changed).findings) if f["rule_id"] == "narrative.class_amounts"]
    assert f["code"] == "2050302" and f["expected"] == "3707.62" and f["actual"] == "3707.26"
    assert "表05" in f["message_zh"]


def test_shares_of_the_general_budget_and_of_the_fund_over_their_own_totals(rows):
    """湖州 交通运输局: 教育（类）支出3797.62万元，占7.3% of the 一般公共预算当年拨款 52244.36; 交通运输（类）64463.40 占 46.1%
    of the 政府性基金 139963.40. Before: 14 narrative.shares warnings on 湖州 (称教育（类）占 7.3%，按 3797.62÷201286.11
    应为 1.89%)."""
    text = page_text(HUZHOU, 8)
    assert "2026年一般公共预算当年拨款52244.36万元" in text and "教育（类）支出3797.62万元，占7.3%" in text
    assert "交通运输（类）支出64463.40万元，占46.1%" in page_text(HUZHOU, 11)
    assert shown(audit(rows(HUZHOU)).findings, "narrative.shares") == []
    changed = rows(HUZHOU)
    restate(changed, "3797.62", 8, share_percent="9.3", share_percent_as_printed="9.3")
    [f] = shown(audit(changed).findings, "narrative.shares")
    assert f["expected"] == "7.27" and f["actual"] == "9.3" and "52244.36" in f["message_zh"]


def test_parts_of_a_total_are_of_its_scope(rows):
    """湖州 交通运输局: 支出预算 201286.11万元 (（三）) has parts 人员支出, 日常公用支出, 项目支出 171262.41, 经营支出; the
    一般公共预算基本支出 27428.84 of （六） is not one. Before: narrative.parts error (支出预算 201286.11万元，而
    项目支出+一般公共预算基本支出 = 198691.25). The document's own contradiction stays: 财政拨款收支总预算 192207.76万元
    against 表04's printed 收入总计 42673.03, once."""
    assert "2026年支出预算201286.11万元" in page_text(HUZHOU, 7)
    assert "收入总计42673.03" in page_text(HUZHOU, 29)
    found = shown(audit(rows(HUZHOU)).findings)
    assert [f for f in found if f["rule_id"] == "narrative.parts"] == []
    [f] = [f for f in found if f["rule_id"] == "narrative.figures"]
    assert f["expected"] == "42673.03" and f["actual"] == "192207.76"


def test_ten_fold_difference_is_a_unit_slip_not_another_subject(rows):
    """A statement ten times its table figure (the decimal point one place off) was skipped as being about something
    else (restated_ratio); it is the same figure misprinted: a finding naming the slip."""
    changed = rows(HUZHOU)
    restate(changed, "3707.62", amount="37076.2", amount_as_printed="37076.20", amount_yuan="370762000")
    [f] = [f for f in shown(audit(changed).findings) if f["rule_id"] == "narrative.class_amounts"]
    assert f["expected"] == "3707.62" and "10 倍" in f["message_zh"] and "10 times" in f["message_en"]
    assert slip(Decimal("3707.62"), Decimal("37076.2"), Decimal("0.01")) == 1
    assert slip(Decimal("3707.62"), Decimal("0.370762"), Decimal("0.000001")) == -4
    assert slip(Decimal("3707.62"), Decimal("41000"), Decimal("0.01")) is None   # another figure: still skipped


def test_chain_and_item_names_are_not_class_names(rows):
    """深圳 交通运输局 p.15: 港航管理其他支出1,303.40万元 is a part of the project 港航管理, not class 229 其他支出.
    Before: narrative.class_names warning (类名称“港航管理其他支出”不是 229 的名称“其他支出”). A chain's last name is
    the item's: 其他公共安全支出 names no class; 公共安全支出（类）… is class 204."""
    name = "shenzhen_transport_project_parts_2026.pdf"
    assert "港航管理其他支出1,303.40万元" in page_text(name, 15)
    got = rows(name)
    assert shown(audit(got).findings, "narrative.class_names") == []
    assert class_code("其他公共安全支出") == (None, None)
    assert class_code("港航管理其他支出") == (None, None)
    assert class_code("公共安全支出（类）公安（款）其他公共安全支出（项）")[0] == "204"
    assert class_code("公共安全（类）")[0] == "204"
    assert class_code("教育支出")[0] == "205"
    # a statement naming the item 其他公共安全支出 is not reported as a wrong name of class 204 …
    s = restate(got, "1,303.40", subject_zh="其他公共安全支出")
    assert shown(audit(got).findings, "narrative.class_names") == []
    # … while a class marked as such under a name that is not its own still is
    s["subject_zh"] = "地方公共安全支出（类）"
    [f] = shown(audit(got).findings, "narrative.class_names")
    assert f["code"] == "204" and f["expected"] == "公共安全支出"


def test_three_public_parts_that_add_up_are_its_parts(rows):
    """广州 规划和自然资源局 p.71: “三公”经费162.53万元 = 因公出国（境）费86.47 + 公务用车购置费0 + 运行维护费61.49 +
    公务接待费14.57; the 国内服务费3.2万元 in the reason for the rise of 因公出国（境）费 is not the part. Before:
    narrative.parts error (称财政拨款安排“三公”经费 162.53万元，而 将用于支付因公出国（境）工作的国内服务费+… = 79.26)."""
    name = "guangzhou_planning_three_public_2026.pdf"
    text = page_text(name, 2) + page_text(name, 3)
    assert "财政拨款安排“三公”经费162.53万元" in text and "因公出国（境）费86.47万元" in text
    assert "国内服务费3.2万元" in text and "公务接待费14.57万元" in text
    assert shown(audit(rows(name)).findings, "narrative.parts") == []
    changed = rows(name)
    restate(changed, "86.47", amount="96.47", amount_as_printed="96.47", amount_yuan="964700")
    [f] = shown(audit(changed).findings, "narrative.parts")
    assert f["expected"] == "172.53" and f["actual"] == "162.53"
