"""The audit on real pages where it used to give false findings (tests/fixtures/real, see SOURCES.md).

Each test first asserts that the page really prints what used to mislead a rule (so the test can fail), then
that the audit no longer reports it, or reports it once with the severity it deserves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yusuan.build import collect
from yusuan.check import audit
from yusuan.check.engine import config, pattern

REAL = Path(__file__).resolve().parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def rows():
    cache = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = collect([REAL / name]).rows
        return cache[name]

    return get


def page_lines(name: str, page: int) -> list[str]:
    """The printed lines of a page as PDFium gives them (empty past the last page)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(REAL / name))
    try:
        if page > len(pdf):
            return []
        return [t.strip() for t in pdf[page - 1].get_textpage().get_text_range().splitlines() if t.strip()]
    finally:
        pdf.close()


def findings(rows: dict, rule: str | None = None) -> list[dict]:
    return [f for f in audit(rows, only=[rule] if rule else None).findings]


def test_bracket_split_over_two_printed_lines(rows):
    """sh_putuo_shflyuan_unit_2024.pdf p.16: 单价100万元（含）以上设备（不含车 / 辆）0台（套）。"""
    printed = page_lines("sh_putuo_shflyuan_unit_2024.pdf", 16)
    at = next(i for i, t in enumerate(printed) if t.endswith("以上设备（不含车"))
    assert printed[at + 1].startswith("辆）0台（套）")      # the pair is split over two printed lines
    assert [f for f in findings(rows("sh_putuo_shflyuan_unit_2024.pdf"), "text.brackets")] == []


def test_bracket_really_unpaired_still_found():
    from yusuan.check import audit as run

    doc = {"document_id": "d", "fiscal_year": 2026}
    para = lambda line, text: {"document_id": "d", "paragraph_no": line, "line": line, "section_zh": "一", "text": text}  # noqa: E731
    split = [para(1, "置单价100万元（含）以上设备（不含车"), para(2, "辆）0台（套）。")]
    cut = [para(1, "置单价100万元（含）以上设备（不含车"), para(2, "一、部门主要职能")]
    assert run({"documents": [doc], "paragraphs": split}, only=["text.brackets"]).findings == []
    assert [f["actual"] for f in run({"documents": [doc], "paragraphs": cut}, only=["text.brackets"]).findings] == ["（"]


def test_contents_dot_leaders_are_not_template_ellipses(rows):
    """sh_putuo_wanlijd_dept_2024.pdf p.2: 一、部门主要职能 ……………… (the table of contents, as PDFium reads it)."""
    import pypdfium2 as pdfium

    r = dict(rows("sh_putuo_wanlijd_dept_2024.pdf"))
    pdf = pdfium.PdfDocument(str(REAL / "sh_putuo_wanlijd_dept_2024.pdf"))
    printed = [t.strip() for t in pdf[1].get_textpage().get_text_range().splitlines() if t.strip()]
    pdf.close()
    assert printed[0].replace(" ", "") == "目录" and "一、部门主要职能 ……" in printed[1]
    ellipsis = pattern(next(s["pattern"] for s in config()["template_phrases"] if "…" in s["pattern"]))
    assert sum(1 for t in printed if ellipsis.search(t)) >= 15     # every entry has a leader
    toc = [{"document_id": r["documents"][0]["document_id"], "paragraph_no": i, "line": 2000 + i, "page": None,
            "section_zh": None, "is_heading": False, "text": t} for i, t in enumerate(printed, 1)]
    r["paragraphs"] = toc + r["paragraphs"]
    assert findings(r, "text.template_phrase") == []


def test_contents_entries_without_leaders_and_captions_are_not_repeated_paragraphs(rows):
    """sh_housing_talent_unit_2026.pdf: 编制单位：… 单位：元 above each of its tables; p.2 a 目录 of entries."""
    r = rows("sh_housing_talent_unit_2026.pdf")
    caption = "编制单位：上海市住房和城乡建设管理委员会人才开发评价中心"
    pages = [n for n in range(1, 30) if any(t.replace(" ", "").startswith(caption) for t in page_lines("sh_housing_talent_unit_2026.pdf", n))]
    assert len(pages) >= 6                                  # the same caption above each table
    assert findings(r, "text.repeated_paragraph") == []
    assert findings(r, "text.template_phrase") == []


def test_rounded_items_within_tolerance_are_counted_not_findings(rows):
    """sh_putuo_czj_final_2024.pdf 表六: 302 商品和服务支出 171.07, its 12 items (each to 0.01) add up to 171.09:
    rounding, counted in the document's audit.rounding summary, no finding of its own."""
    found = findings(rows("sh_putuo_czj_final_2024.pdf"))
    assert [f for f in found if f["rule_id"] == "table.code_hierarchy" and f["code"] == "302"] == []
    summary = [f for f in found if f["rule_id"] == "audit.rounding"]
    assert len(summary) == 1 and summary[0]["severity"] == "info" and "302" in summary[0]["message_zh"]


def test_misprinted_code_is_one_finding_naming_the_code(rows):
    """sh_putuo_shflyuan_unit_2024.pdf 表三, 表五: 7 11 02 事业单位医疗 503,724 printed for 210 11 02: one finding
    (one cause) naming both tables."""
    found = findings(rows("sh_putuo_shflyuan_unit_2024.pdf"))
    unknown = [f for f in found if f["rule_id"] == "codes.unknown" and f["actual"] == "71102"]
    assert [(f["table_no"], f["actual"], f["expected"]) for f in unknown] == [(3, "71102", "2101102")]
    assert "表五" in unknown[0]["message_zh"]
    assert [f for f in found if f["rule_id"] == "table.column_total" and f["severity"] != "info"] == []


def test_empty_note_against_printed_amounts(rows):
    """sh_putuo_wanlijd_dept_2024.pdf p.31: 注:本部门2024年无“三公”经费…故本表为空表, over 47.91 … 443.18."""
    f = findings(rows("sh_putuo_wanlijd_dept_2024.pdf"), "complete.note_against_amounts")
    assert [(x["table_no"], x["severity"]) for x in f] == [(9, "error")]


def test_old_class_name_in_a_2024_document(rows):
    """sh_putuo_shflyuan_unit_2024.pdf p.6: 医疗卫生与计划生育支出 (卫生健康支出 since 2019)."""
    f = findings(rows("sh_putuo_shflyuan_unit_2024.pdf"), "names.class_renamed")
    assert {x["actual"] for x in f} == {"医疗卫生与计划生育支出"} and any(x["table_no"] == 1 for x in f)


def test_findings_of_a_pdf_carry_page_and_line(rows):
    f = findings(rows("sh_putuo_shflyuan_unit_2024.pdf"), "text.cut_short")
    assert [(x["page"], x["line"]) for x in f] == [(16, 5)]
    assert f[0]["message_zh"].startswith("第16页第5行")


def test_annotate_marks_each_finding(rows, tmp_path):
    from pypdf import PdfReader

    from yusuan.check.annotate import annotate_all

    r = rows("sh_putuo_shflyuan_unit_2024.pdf")
    found = findings(r)
    written = annotate_all([REAL / "sh_putuo_shflyuan_unit_2024.pdf"], r["documents"], found, tmp_path)
    assert [p.name for p in written] == ["sh_putuo_shflyuan_unit_2024.pdf"]
    pages = PdfReader(written[0]).pages
    notes = [(i + 1, str(a.get_object()["/Contents"]), str(a.get_object().get("/T")))
             for i, p in enumerate(pages) for a in (p.get("/Annots") or [])]
    [(first, summary, _)] = [n for n in notes if n[2].startswith("yusuan 一致性审核")]
    marks = [(i, m) for i, m, title in notes if not title.startswith("yusuan 一致性审核")]
    assert sum(m.count("[") for _, m in marks) >= len(found)
    cut = [i for i, m in marks if "text.cut_short" in m]
    assert cut == [16]                              # 主要原因是。 is on page 16
    assert re.search(r"\[error\] [^(]*\(codes\.unknown\)", " ".join(m for _, m in marks))
    # the first page lists the findings by cause, with counts and pages (issue 20)
    assert first == 1 and summary.startswith("yusuan 一致性审核：")
    assert re.search(r"句子不完整 / Sentences cut short \(text\.cut_short\): 1 \(1 warning\) p\. 16", summary)


def test_check_command_names_document_and_place_and_annotates(tmp_path):
    from typer.testing import CliRunner

    from yusuan.cli import app

    pdf = REAL / "sh_putuo_shflyuan_unit_2024.pdf"
    result = CliRunner().invoke(app, ["check", str(pdf), "--annotate", str(tmp_path / "marked")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # one heading per document, then one per cause (rule) with its count, then its findings (issue 20)
    [doc] = [i for i, x in enumerate(lines) if x.startswith("== ")]
    assert "sh_putuo_shflyuan_unit_2024.pdf" in lines[doc] and "[putuo-welfare-home-2024-budget]" in lines[doc + 1]
    cause = next(i for i, x in enumerate(lines) if x.startswith("-- text.cut_short "))
    assert "句子不完整 / Sentences cut short" in lines[cause] and lines[cause].endswith("警告 1 / 1 warning")
    assert lines[cause + 2].split()[0] == "warning" and "p.16 l.5" in lines[cause + 2]
    assert f"annotated: {tmp_path / 'marked' / pdf.name}" in result.output
    assert (tmp_path / "marked" / pdf.name).read_bytes()[:5] == b"%PDF-"


def test_stray_quote_named_at_the_line_that_prints_it():
    """Issue 20: text.brackets named the first line of the reflowed paragraph; it names the printed line of the
    unpaired mark (the sentence runs on from line 4 to line 6 of page 3, the stray “ is on line 6)."""
    from yusuan.check import audit as run

    doc = {"document_id": "d", "fiscal_year": 2026}
    para = lambda line, text: {"document_id": "d", "paragraph_no": line, "page": 3, "line": line,  # noqa: E731
                               "section_zh": "一", "text": text}
    printed = [para(4, "主要职能是负责全市人力资源和社会保障工作，"), para(5, "组织实施职业能力考试，完成年度"),
               para(6, "“技能提升行动项目建设和验收。")]
    found = run({"documents": [doc], "paragraphs": printed}, only=["text.brackets"]).findings
    assert [(f["actual"], f["page"], f["line"]) for f in found] == [("“", 3, 6)]
    assert found[0]["message_zh"].startswith("第3页第6行")


def test_blank_table_explained_by_the_text_is_silent(rows):
    """sh_hrss_2026.pdf p.15: 表六 2026年预算单位政府性基金预算支出功能分类预算表 prints its header and 合计 with no
    figure; the text (p.5) says 政府性基金拨款支出预算为0: the table is empty with its explanation, not a finding."""
    name = "sh_hrss_2026.pdf"
    page = "".join(page_lines(name, 15)).replace(" ", "")
    assert "2026年预算单位政府性基金预算支出功能分类预算表" in page and "功能分类科目名称合计基本支出项目支出" in page
    assert not re.search(r"\d", page.split("分类预算表")[1])   # no figure below the title
    r = rows(name)
    assert any("政府性基金拨款支出预算为0" in re.sub(r"\s", "", p["text"] or "") for p in r["paragraphs"])
    assert findings(r, "complete.blank_table") == []


def test_blank_table_without_explanation_is_a_warning(rows):
    """The same real page with the explanation taken out of the text (the defect reviewers report: a blank table
    that does not say why): one warning, on 表六 at p.15, and on 表七 (国有资本经营, p.16) whose sentence goes too."""
    r = dict(rows("sh_hrss_2026.pdf"))
    said = re.compile(r"政府性基金拨款支出预算为0|国有资本经营预算拨款支出预算为0")
    r["paragraphs"] = [p | {"text": said.sub("", re.sub(r"\s", "", p["text"] or ""))} for p in r["paragraphs"]]
    found = findings(r, "complete.blank_table")
    assert [(f["severity"], f["table_no"], f["page"]) for f in found] == [("warning", 6, 15), ("warning", 7, 16)]
    assert "2026年预算单位政府性基金预算支出功能分类预算表" in found[0]["message_zh"]


def test_blank_table_with_its_note_is_silent():
    """湖州 财政局 表08 (huzhou_finance_2026.pdf): 注：湖州市财政局2026年没有使用政府性基金预算拨款安排的支出，故本表无数据
    — the table says it is empty and why; the vocabulary of metadata/rules.yaml (blank_table.said_empty) reads it."""
    said = pattern(config()["blank_table"]["said_empty"])
    assert said.search("注：湖州市财政局2026年没有使用政府性基金预算拨款安排的支出，故本表无数据")
    assert said.search("注：本表本年无发生额。")
    assert said.search("注：本表反映部门本年度政府性基金预算收入支出情况，此表如无数字则表示单位无该项支出。")
    assert not said.search("注：本表反映部门本年度一般公共预算财政拨款支出情况。")
