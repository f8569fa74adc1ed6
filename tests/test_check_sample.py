"""The audit on the bundled sample: its real inconsistencies, and exactly the new ones when one amount changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.build import collect
from yusuan.check import audit
from yusuan.paths import bundled_sources

SAMPLE = bundled_sources()[0]


def key(f: dict) -> tuple:
    return (f["rule_id"], f["table_no"], f["row_no"], f["line"], f["code"], f["expected"], f["actual"])


@pytest.fixture(scope="module")
def sample_findings() -> list[dict]:
    return audit(collect([SAMPLE]).rows).findings


def test_sample_real_inconsistencies(sample_findings):
    found = {key(f) for f in sample_findings if f["severity"] != "info"}
    expected = {
        # 表五 基本支出 420.81 but 表六 (basic expenditure by economic class) totals 525.81
        ("across.totals_agree", 6, 34, None, None, "420.81", "525.81"),
        # 303 (personnel) items printed in the 公用经费 column of 表六
        ("across.economic_split", 6, 32, None, "30309", "0", "0.48"),
        ("across.economic_split", 6, 33, None, "30314", "0", "0.4"),
        # 2080505: 机关事业单位基本医疗 in 表二, 机关事业单位基本养老 in 表三/表五
        ("codes.one_name", 2, 2, None, "2080505", "机关事业单位基本养老", "机关事业单位基本医疗"),
        ("codes.official_name", 2, 2, None, "2080505", "机关事业单位基本养老保险缴费支出", "机关事业单位基本医疗"),
        ("codes.official_name", 6, 9, None, "30108", "机关事业单位基本养老保险缴费", "机关事业单位基本医疗"),
        ("codes.official_name", 6, 31, None, "30299", "其他商品和服务支出", "商品和服务支出"),
        ("codes.duplicate", 6, 6, None, "30107", None, "30107"),
        # printed in 表二, 表三 and 表五: one cause, one finding naming the three tables
        ("codes.unknown", 2, 5, None, "2101109", "2101199", "2101109"),
    }
    assert expected <= found
    [unknown] = [f for f in sample_findings if f["rule_id"] == "codes.unknown"]
    assert "表三" in unknown["message_zh"] and "表五" in unknown["message_zh"]
    assert {k for k in found if k[0].startswith(("across.", "codes.", "table.", "complete."))} == expected


def test_sample_narrative_findings(sample_findings):
    found = {key(f)[0:1] + key(f)[3:] for f in sample_findings if f["rule_id"].startswith(("narrative.", "yoy.", "text.", "xref."))}
    assert ("narrative.figures", 1451, None, "164.36", "59.36") in found          # 公用经费 59.36 vs 表六 164.36
    assert ("yoy.stated_twice", 1442, None, "98.83", "98.82") in found            # basic spending's change twice
    assert ("yoy.percent_base", 1442, None, "30.69", "23.4") in found             # 98.82 / 321.99, not / 420.81
    # all of it under 201, stated at lines 1439 and 1444: one finding naming both
    assert ("narrative.class_amounts", 1439, "201", "0", "525.81") in found
    assert ("narrative.class_amounts", 1444, "201", "0", "525.81") not in found
    [under_201] = [f for f in sample_findings if f["rule_id"] == "narrative.class_amounts" and f["code"] == "201"]
    assert "l.1444" in under_201["message_zh"]
    assert ("narrative.class_names", 1425, "210", "卫生健康支出", "医疗卫生健康支出") in found
    assert ("text.template_phrase", 1511, None, None, "增加（减少）") in found


def test_one_amount_changed_gives_exactly_the_new_findings(tmp_path: Path, sample_findings):
    text = SAMPLE.read_text(encoding="utf-8")
    old = "\t3.5\n\t0.4\n"   # the last two cells of 表八: vehicle operation, reception
    assert text.count(old) == 1
    changed = tmp_path / "three-public-reception-changed.txt"
    changed.write_text(text.replace(old, "\t3.5\n\t0.5\n"), encoding="utf-8")
    after = audit(collect([changed]).rows).findings
    strip = lambda f: key(f) + (f["severity"],)  # noqa: E731
    new = sorted(set(map(strip, after)) - set(map(strip, sample_findings)), key=str)
    gone = set(map(strip, sample_findings)) - set(map(strip, after))
    assert not gone
    assert new == [
        # 表六 30217 公务接待费 0.4, 表八 now 0.5
        ("across.three_public_economic", 6, 23, None, "30217", "0.5", "0.4", "warning"),
        # line 1510: "公务接待费0.4万元" against 表八's 0.5
        ("narrative.figures", 8, None, 1510, None, "0.5", "0.4", "error"),
        # 表八 合计 3.9 ≠ 0 + 3.5 + 0.5
        ("table.row_total", 8, 1, None, None, "4", "3.9", "error"),
    ]


def test_sample_cross_references(sample_findings):
    found = {(f["rule_id"], f["severity"], f["table_no"], f["row_no"], f["line"], f["expected"], f["actual"])
             for f in sample_findings if f["rule_id"].startswith("xref.")}
    assert found == {
        # the performance table of 表七's 微信公众号 names it 微信平台公众号专项资金 (linked by its title)
        ("xref.project_names", "info", 7, 7, 2142, "微信公众号", "微信平台公众号专项资金"),
        # the title of the performance table for 国有企业退休人员社会化管理工作经费 calls it 社会化移交
        ("xref.project_names", "info", 7, 3, 1729, "国有企业退休人员社会化管理工作经费", "国有企业退休人员社会化移交"),
        # the explanation gives 昌州党组[2018]32号 as the basis, the performance table cites 〔2018〕132号
        ("xref.project_basis", "warning", None, None, 1630, "昌州党组〔2018〕32号", "昌州党组〔2018〕132号"),
    }
