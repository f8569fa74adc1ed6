"""名词解释 with curated English, and the narrative paragraphs."""

from __future__ import annotations

from conftest import read_csv


def test_eight_terms_with_english(built):
    rows = read_csv(built / "dp" / "glossary.csv")
    assert [r["term_zh"] for r in rows] == ["财政拨款", "一般公共预算", "财政专户管理资金", "其他资金", "基本支出", "项目支出", "“三公”经费", "机关运行经费"]
    assert [r["term_en"] for r in rows] == ["Fiscal appropriations", "General public budget", "Funds managed in special fiscal accounts",
                                           "Other funds", "Basic expenditure", "Project expenditure", "'Three public' expenses", "Office running costs"]
    assert all(r["definition_en"] for r in rows)
    assert rows[0]["definition_zh"] == "指由一般公共预算、政府性基金预算安排的财政拨款数。"
    assert rows[7]["line"] == "2254"


def test_paragraphs(built):
    rows = read_csv(built / "dp" / "paragraphs.csv")
    by_line = {r["line"]: r for r in rows}
    assert [int(r["paragraph_no"]) for r in rows] == list(range(1, len(rows) + 1))
    staffing = by_line["15"]
    assert staffing["part_zh"] == "第一部分昌吉州国资委单位概况" and staffing["section_zh"] == "二、机构设置及人员情况"
    assert staffing["text"].startswith("昌吉州国资委编制数25人")
    procurement = by_line["1518"]
    assert procurement["section_zh"] == "十、其他重要事项的情况说明" and procurement["subsection_zh"] == "（二）政府采购情况"
    assert by_line["1420"]["is_heading"] == "true"
    assert not any("表一" in r["text"] for r in rows)  # the captions of 第二部分 are not narrative
