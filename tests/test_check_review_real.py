"""Issue 20: what reviewers report that the audit missed (yusuan/check/review.py, text.punctuation's doubled full
stop), each on a real page of the corpus (tests/fixtures/real/audit, pages cut with pypdf, see SOURCES.md).
Each test first asserts what the page prints (values typed from the page), then the finding, and a place on the
same pages where the rule must stay silent. Two kinds (an amount missing before its unit, a comparison with a
year before the year before) print nowhere in the corpus: they are tested on a real page with that one defect
put into its read paragraphs, and on the same page as printed, where they are silent."""

from __future__ import annotations

import copy
import re

import pytest

from yusuan.build import collect
from yusuan.check import audit

from conftest import AUDIT, page_text


@pytest.fixture(scope="module")
def read():
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = collect([AUDIT / name], use_cache=False).rows
        return cache[name]

    return get



def of(findings: list[dict], rule_id: str) -> list[dict]:
    return [f for f in findings if f["rule_id"] == rule_id]


def test_full_stop_printed_twice_is_a_warning(read):
    """深圳 工业和信息化局 pages 11–12: four sentences end 。。 (…相关人才配套经费支出。。). Before: info, hidden from
    `yusuan check`."""
    name = "shenzhen_industry_doubled_stop_2026.pdf"
    assert page_text(name, 2).count("主要用于相关人才配套经费支出。。") == 2
    assert "主要是2025年年初因公出国（境）费用暂未纳入预算数据。。" in page_text(name, 3)
    assert "是相关单位来深开展学习考察、对口交流等活动时的工作性接待支出。。" in page_text(name, 3)
    found = of(audit(read(name)).findings, "text.punctuation")
    assert [(f["page"], f["line"], f["severity"], f["actual"]) for f in found] == [
        (2, 9, "warning", "。。"), (2, 11, "warning", "。。"), (3, 7, "warning", "。。"), (3, 10, "warning", "。。")]
    # every other sentence on the two pages ends with one full stop: nothing else reported
    assert all("。。" in f["message_zh"] for f in found)


def test_growth_over_a_zero_base(read):
    """深圳 口岸办 pages 6–7: 安全生产和应急管理专项经费40.00万元 … 较2025年年初预算增加40万元，增幅100.0%: a new item, its
    prior 0. The other items of the page (对个人和家庭补助支出616.88万元 … 增加60.01万元，增幅10.8%) are silent."""
    name = "shenzhen_ports_zero_base_2026.pdf"
    assert "1.安全生产和应急管理专项经费40.00万元" in page_text(name, 2)
    assert "较2025年年初预算增加40万元，增幅100.0%" in page_text(name, 3)
    assert "较2025年年初预算增加60.01万元，增幅10.8%" in page_text(name, 2)
    [f] = of(audit(read(name)).findings, "yoy.zero_base")
    assert f["severity"] == "warning" and f["subject_zh"] == "安全生产和应急管理专项经费" and f["actual"] == "100.0%"
    assert "上年数为 0" in f["message_zh"] and "over a prior amount of 0" in f["message_en"]


def test_the_same_figure_stated_twice_with_two_values(read):
    """深圳 生态环境局 pages 14–16, 四、深圳市生态环境监测站: 公用经费 857.93 万元 in its overview, （二）公用经费 875.93 万元
    below; the section's 对个人和家庭的补助支出 312.86 is alike in both. 三、监测中心站 states 公用经费 1,009.17 twice
    alike: silent."""
    name = "shenzhen_ecology_figure_twice_2026.pdf"
    assert "公用经费857.93万元" in page_text(name, 3) and "对个人和家庭的补助支出312.86万元" in page_text(name, 3)
    assert "（二）公用经费875.93万元" in page_text(name, 4) and "（三）对个人和家庭补助支出312.86万元" in page_text(name, 4)
    assert page_text(name, 2).count("公用经费1,009.17万元") == 2
    [f] = of(audit(read(name)).findings, "narrative.figure_twice")
    assert (f["page"], f["expected"], f["actual"], f["subject_zh"]) == (4, "857.93", "875.93", "公用经费")
    assert f["section_zh"] == "四、深圳市生态环境监测站" and f["severity"] == "warning"


def _edited(rows: dict, old: str, new: str) -> dict:
    """The rows with one printed paragraph's words changed (white space of the printed line ignored)."""
    out = copy.deepcopy(rows)
    hits = 0
    for p in out["paragraphs"]:
        squeezed = re.sub(r"\s+", "", p.get("text") or "")
        if old in squeezed:
            p["text"] = squeezed.replace(old, new)
            hits += 1
    assert hits == 1, hits
    return out


def test_comparison_with_a_year_before_the_year_before(read):
    """The 口岸办 page compares its 2026 budget with 较2025年年初预算: silent. The same page with 2024 in one
    comparison (a year left from an older text): one warning naming the place."""
    name = "shenzhen_ports_zero_base_2026.pdf"
    rows = read(name)
    assert "人员经费。较2025年年初预算增加60.01万元" in page_text(name, 2)
    assert of(audit(rows).findings, "text.comparison_year_old") == []
    edited = _edited(rows, "较2025年年初预算增加60.01万元", "较2024年年初预算增加60.01万元")
    [f] = of(audit(edited).findings, "text.comparison_year_old")
    assert (f["actual"], f["expected"], f["page"], f["severity"]) == ("2024", "2025", 2, "warning")
    # 比上年（2024年） names the year before wrongly too
    edited = _edited(rows, "较2025年年初预算增加60.01万元", "比上年（2024年）增加60.01万元")
    assert [f["actual"] for f in of(audit(edited).findings, "text.comparison_year_old")] == ["2024"]
    edited = _edited(rows, "较2025年年初预算增加60.01万元", "比上年（2025年）增加60.01万元")
    assert of(audit(edited).findings, "text.comparison_year_old") == []


def test_amount_missing_before_its_unit(read):
    """The 口岸办 page as printed: silent. With 616.88 deleted (对个人和家庭补助支出万元), one warning; the notes
    that name a unit (广州: 本报表金额转化为万元时…; 深圳 水务局: …保留两位小数后按万元列式) stay silent."""
    name = "shenzhen_ports_zero_base_2026.pdf"
    rows = read(name)
    assert "（三）对个人和家庭补助支出616.88万元，主要是离退休" in page_text(name, 2)
    assert of(audit(rows).findings, "text.amount_missing") == []
    edited = _edited(rows, "（三）对个人和家庭补助支出616.88万元", "（三）对个人和家庭补助支出万元")
    [f] = of(audit(edited).findings, "text.amount_missing")
    assert f["actual"] == "支出万元" and f["page"] == 2 and f["severity"] == "warning"
    edited = _edited(rows, "较2025年年初预算增加60.01万元，增幅10.8%", "较2025年年初预算增加60.01万元，增幅%")
    assert [f["actual"] for f in of(audit(edited).findings, "text.amount_missing")] == ["增幅%"]
    for note in ("注：本报表金额转化为万元时，四舍五入可能存在尾差。",
                 "2026年部门预算中所有数据为“四舍五入”保留两位小数后按万元列式，可能存在部分数据相加不相等的情况。"):
        edited = _edited(rows, "主要是离退休人员经费。", note)
        assert of(audit(edited).findings, "text.amount_missing") == []


def test_template_instruction_left_in(read):
    """深圳 信访局 page 11 prints under its table 备注：涉密项目按要求不予公开。（请核实单位是否有涉 — the template's words to
    the filler (the rest of the sentence is cut at the page's foot). 长沙 教育局 page 20's note …此表如无数字则表示单位无该项
    支出。 tells the reader, not the filler: silent."""
    name = "shenzhen_petitions_instruction_2026.pdf"
    assert "备注：涉密项目按要求不予公开。（请核实单位是否有涉" in page_text(name, 3)
    rows = read(name)
    [f] = of(audit(rows).findings, "text.template_instruction")
    assert f["actual"].startswith("（请核实单位是否有涉") and f["severity"] == "warning"
    assert "模板填写说明未删除" in f["message_zh"] and "instruction to the filler" in f["message_en"]
    note = "注：本表反映部门本年度2026年公共财政拨款\"三公\"经费情况，此表如无数字则表示单位无该项支出。"
    edited = _edited(rows, "（请核实单位是否有涉", note)
    assert of(audit(edited).findings, "text.template_instruction") == []


def test_table_note_naming_another_fund(read):
    """苏州 审计局 公开10表 政府性基金预算支出表, its note: 注：本部门无政府性基金预算，也没有使用政府性基金安排的支出，故本表无数据。
    — its own fund: silent. The same note copied from the state capital table (国有资本经营预算 in place of
    政府性基金预算 throughout): one warning naming the table as printed."""
    name = "suzhou_audit_fund_note_2026.pdf"
    text = page_text(name, 2)
    assert "公开10表" in text and "政府性基金预算支出表" in text
    assert "注：本部门无政府性基金预算，也没有使用政府性基金安排的支出，故本表无数据。" in text
    rows = read(name)
    assert of(audit(rows).findings, "table.note_other_fund") == []
    edited = copy.deepcopy(rows)
    [note] = edited["table_notes"]
    note["text"] = "注：本部门无国有资本经营预算，也没有使用国有资本经营预算安排的支出，故本表无数据。"
    [f] = of(audit(edited).findings, "table.note_other_fund")
    assert (f["expected"], f["actual"], f["page"], f["severity"]) == ("政府性基金", "国有资本经营", 2, "warning")
    assert "公开10表" in f["message_zh"] and "表十" not in f["message_zh"]


def test_growth_over_a_zero_base_stated_as_0(read):
    """上海 普陀 万里街道 page 7, item 9: 2023年当年预算执行数为0.00万元，2024年预算安排25.00万元，比2023年预算执行数增加100.00%
    — over 0. Item 7 on the same page (15.00 → 30.00, 增加100.00%) is a true 100%: silent."""
    path = AUDIT.parent / "sh_putuo_wanlijd_dept_2024.pdf"
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        text = re.sub(r"\s+", "", pdf[6].get_textpage().get_text_range())
    finally:
        pdf.close()
    assert "2023年当年预算执行数为0.00万元，2024年预算安排25.00万元，比2023年预算执行数增加100.00%" in text
    assert "2023年当年预算执行数为15.00万元，2024年预算安排30.00万元，比2023年预算执行数增加100.00%" in text
    found = of(audit(collect([path], use_cache=False).rows).findings, "yoy.zero_base")
    assert [(f["page"], f["code"], f["actual"]) for f in found] == [(7, "2059999", "100.00%")]
    assert "上年数为 0" in found[0]["message_zh"] and "None" not in found[0]["message_zh"] + found[0]["message_en"]


def test_a_unit_disclosure_speaking_of_the_department_budget(read):
    """上海 交通运输局 folder, 上海交通职业技术学院 (a 单位预算: 上海市2026年市级单位预算 on its cover), page 21 of the
    original (3 of the cut file): 2026年部门预算安排购置车辆0辆. 上海市信访办公室 prints the same template sentence
    as every other unit of the corpus: 2026年单位预算安排购置车辆0辆 (silent). The rule was written from the issue's
    definition; 上海 is held out for it."""
    name = "shanghai_transport_unit_department_2026.pdf"
    assert page_text(name, 1).startswith("上海市2026年市级单位预算预算单位：上海交通职业技术学院")
    assert "2026年部门预算安排购置车辆0辆，其中：部级领导干部用车0辆" in page_text(name, 3)
    [f] = of(audit(read(name)).findings, "names.unit_speaks_of_department")
    assert (f["page"], f["severity"], f["actual"], f["expected"]) == (3, "warning", "部门预算安排", "单位")
    assert "部门预算安排购置车辆" in f["message_zh"] and "单位预算" in f["message_en"]
    silent = "shanghai_petitions_unit_2026.pdf"
    assert "2026年单位预算安排购置车辆0辆，其中" in page_text(silent, 3)
    assert of(audit(read(silent)).findings, "names.unit_speaks_of_department") == []


def test_text_cut_at_a_page_foot(read):
    """北京 人力资源和社会保障局 pages 4–5: page 4 ends 9.…协调劳动者维权工作，依法查处相关重大案件。 and page 5 opens
    10.完成市委、市政府交办的其他任务。 — silent as printed (and nothing in the corpus is cut at a page's foot). With
    the page's last words cut (…协调劳动者维权工作) the paragraph stops at the foot and page 5 opens a new item: found.
    The same cut in the middle of a page, followed on that page by another paragraph, is text.final_mark's (info)."""
    name = "beijing_hrss_narrative_2026.pdf"
    assert page_text(name, 4).endswith("协调劳动者维权工作，依法查处相关重大案件。")
    assert page_text(name, 5).startswith("-5-10.完成市委、市政府交办的其他任务。")   # its number, then item 10
    rows = read(name)
    assert of(audit(rows).findings, "text.cut_at_page_foot") == []
    cut = _edited(rows, "协调劳动者维权工作，依法查处相关重大案件。", "协调劳动者维权工作，依法查处")
    [f] = of(audit(cut).findings, "text.cut_at_page_foot")
    assert (f["page"], f["severity"], f["actual"]) == (4, "warning", "，协调劳动者维权工作，依法查处")   # the last 15 characters
    assert "第5页" in f["message_zh"] and "page 5" in f["message_en"]


def test_a_blank_page_between_two_tables(read):
    """上海 数据局 (上海市2026年市级单位预算), page 11 of 22 prints nothing, between 2026年预算单位收入预算总表 (page 10)
    and 2026年预算单位支出预算总表 (page 12): the only blank page inside a document of the corpus (pdftotext, every
    page of the 165 files). Cut file: pages 1, 10, 11, 12. The other cut files of the folder have no blank page."""
    name = "shanghai_data_blank_page_2026.pdf"
    assert "预算单位收入预算总表" in page_text(name, 2) and "预算单位支出预算总表" in page_text(name, 4)
    assert page_text(name, 3) == ""
    rows = read(name)
    assert rows["documents"][0]["blank_pages"] == "3"
    [f] = of(audit(rows).findings, "complete.blank_pages")
    assert (f["page"], f["severity"]) == (3, "warning")
    assert "第3页为空白页" in f["message_zh"] and "Page 3 prints nothing" in f["message_en"]
    for other in ("shanghai_petitions_unit_2026.pdf", "beijing_hrss_narrative_2026.pdf"):
        assert read(other)["documents"][0]["blank_pages"] is None
        assert of(audit(read(other)).findings, "complete.blank_pages") == []


def test_a_class_name_older_than_the_fiscal_year(read):
    """上海 文化和旅游局执法总队 2026, page 12 (2 of the cut file), 财政拨款收支预算总表: 一、文化旅游体育与传媒支出, the
    name of class 207 since the 2019 classification: silent. The same row with the name used until 2018
    (文化体育与传媒支出, renamed_classes in metadata/rules.yaml) is found, with the name it should have."""
    name = "shanghai_culture_class_207_2026.pdf"
    assert "一、文化旅游体育与传媒支出" in page_text(name, 2)
    rows = read(name)
    assert of(audit(rows).findings, "names.class_renamed") == []
    old = copy.deepcopy(rows)
    hits = [f for f in old["facts"] if f.get("name_zh") == "一、文化旅游体育与传媒支出"]
    assert hits
    for f in hits:
        f["name_zh"] = "一、文化体育与传媒支出"
    [f] = of(audit(old).findings, "names.class_renamed")
    assert (f["expected"], f["actual"], f["severity"]) == ("文化旅游体育与传媒支出", "文化体育与传媒支出", "warning")
    assert "2019年起为“文化旅游体育与传媒支出”" in f["message_zh"]
