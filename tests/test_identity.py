"""Every document known by its body (issue 18, items 3 and 4): body, region, level, year and phase from the
document's own cover and titles; non-disclosures refused saying what they are; a bureau's list of bodies;
narrative-only files; a narrative file and a tables file of one disclosure read as one document.

Values are typed from the printed pages of real documents (tests/fixtures/real/identity/, SOURCES.md)."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from yusuan import names
from yusuan.build import build, extract
from yusuan.describe import identify, read_title
from yusuan.errors import YusuanError
from yusuan.read import read

HERE = Path(__file__).resolve().parent / "fixtures" / "real"
FIX = HERE / "identity"
OWN = FIX / "wuxi_education_own_2026.pdf"    # cover: 2026 年度 / 无锡市教育局（本级） / 单位预算公开
DEPT = FIX / "wuxi_education_dept_2026.pdf"  # cover: 2026 年度无锡市教育局部门预算公开


def rows(folder: Path, name: str) -> list[dict]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_wuxi_cover_over_three_lines_names_the_body_its_level_and_region():
    doc = extract(OWN).document
    assert doc["department_zh"] == "无锡市教育局（本级）"
    assert doc["level_zh"] == "本级"
    assert (doc["region_zh"], doc["region_en"], doc["region_code"]) == ("江苏省无锡市", "Wuxi, Jiangsu Province", "320200")
    assert doc["department_en"] == "Education Bureau of Wuxi (own unit)"
    assert (doc["fiscal_year"], doc["phase"], doc["year_source"]) == (2026, "budget", "title")
    assert doc["document_id"] == f"{doc['body_id']}-2026-budget" and doc["body_id"].startswith("320200-")


def test_wuxi_own_unit_is_part_of_the_department():
    """无锡市教育局（本级） is part of 无锡市教育局: its parent_body_id is the department's body_id, so a sum over
    bodies can leave it out (the 科学技术支出 43,950.00 万元 is printed by both)."""
    own, dept = extract(OWN), extract(DEPT)
    assert dept.document["department_zh"] == "无锡市教育局" and dept.document["level_zh"] == "部门"
    assert dept.document["parent_body_id"] is None
    assert own.document["parent_body_id"] == dept.document["body_id"]
    printed = {f["amount_as_printed"] for f in own.rows["facts"]}
    assert "43,950.00" in printed or "43950.00" in printed


def test_the_unit_line_is_never_part_of_the_name():
    """单位：无锡市教育局（本级）  单位：万元 and 部门名称：广州市交通运输局 单位：万元: the name ends before the unit."""
    for path in (OWN, DEPT):
        doc = extract(path).document
        assert "单位" not in doc["department_zh"].replace("（本级）", "") and "万元" not in doc["department_zh"]


def test_same_body_same_id_and_stable():
    assert names.slug("无锡市教育局") == names.slug(" 无锡市教育局 ") == extract(DEPT).document["body_id"]
    assert names.slug("无锡市教育局(本级)") == names.slug("无锡市教育局（本级）")


@pytest.mark.parametrize("line, parts", [
    ("2026 年度泉州市公安局部门预算", {"year": "2026", "body": "泉州市公安局", "level": "部门", "phase": "预算"}),
    ("XX市XX局2026年部门预算", {"year": "2026", "body": "XX市XX局", "level": "部门", "phase": "预算"}),
    ("无锡市应急管理综合行政执法监督局 2026 年度单位预算公开", {"year": "2026", "level": "单位", "phase": "预算"}),
    ("北京市信访办公室部门 2026 年度部门预算", {"body": "北京市信访办公室", "year": "2026"}),
    ("上海市2026年市级单位预算", {"region": "上海市", "tier": "市级", "level": "单位", "phase": "预算"}),
    ("２０２５年度某某区财政局部门决算", {"year": "2025", "body": "某某区财政局", "phase": "决算"}),
    # the running head of 北京市审计局's 附件1 (../corpus/002_北京), the attachment's label glued on
    ("附件：北京市审计局2026年度部门预算信息公开", {"body": "北京市审计局", "year": "2026", "level": "部门"}),
    ("附件1：北京市审计局 2026 年度部门预算", {"body": "北京市审计局", "year": "2026", "phase": "预算"}),
])
def test_title_lines(line, parts):
    found = read_title(line)
    assert found is not None and {k: found.get(k) for k in parts} == parts


@pytest.mark.parametrize("line", [
    "2025年部门预算执行情况良好，收入增加。",      # a narrative sentence
    "（二）公务接待费。2026 年预算数 3.55 万元",    # a statement
    "泉气函〔2024〕31 号",                          # a file number
    "2026年1月",                                    # a date
])
def test_not_title_lines(line):
    assert read_title(line) is None


def test_year_from_the_title_not_the_narrative():
    """北京市人民政府国有资产监督管理委员会 / 2026 部门预算情况的说明 (page 1, its year without 年); the narrative
    on the same page compares with 2025 年初预算数 20,292.85 万元: the year is 2026."""
    document = read(FIX / "beijing_sasac_narrative_p1_2026.pdf")
    title = identify(document, [])
    assert (title.year, title.year_source, title.phase_zh) == (2026, "title", "预算")
    assert title.body == "北京市人民政府国有资产监督管理委员会" and title.narrative


def test_file_name_never_wins_over_the_cover(tmp_path):
    """The crawler named 长沙's 2025 budget 2026年…2025年部门预算.pdf; a cover's year wins over any file name."""
    renamed = tmp_path / "2027年无锡市教育局2025年部门预算.pdf"
    shutil.copy(OWN, renamed)
    assert extract(renamed).document["fiscal_year"] == 2026


def test_an_evaluation_report_is_refused_saying_what_it_is():
    """长沙市财政项目支出绩效评价报告 (2020 年度 …国企改革稳定专项资金绩效评价), crawled as a 2026 budget."""
    with pytest.raises(YusuanError) as error:
        extract(FIX / "changsha_sasac_evaluation_2020.pdf")
    message = str(error.value)
    assert "\n" not in message and "performance evaluation report" in message and "绩效评价报告" in message


def test_beijing_narrative_only_builds_with_its_statements():
    """北京市公安局 2026 年度部门预算信息公开, the 情况说明 half only: page 4 prints 2026 年度收入预算 866561.92 万元,
    page 5 1.一般公共预算拨款收入 841579.92 万元 and 9.其他收入 2428.74 万元."""
    item = extract(FIX / "beijing_police_narrative_2026.pdf")
    doc = item.document
    assert (doc["department_zh"], doc["region_code"], doc["level_zh"], doc["fiscal_year"]) == ("北京市公安局", "110000", "部门", 2026)
    assert doc["department_en"] == "Public Security Bureau of Beijing"
    assert doc["contents"] == "narrative" and not item.rows["facts"]
    stated = {(s["page"], s["subject_zh"], s["amount_as_printed"]) for s in item.rows["statements"]}
    assert {(4, "收入预算", "866561.92"), (5, "一般公共预算拨款收入", "841579.92"), (5, "其他收入", "2428.74")} <= stated


def test_narrative_only_finding_and_labels(tmp_path):
    result = build([str(FIX / "beijing_police_narrative_2026.pdf")], package_dir=tmp_path / "dp",
                   database=tmp_path / "yusuan.db", progress=False)
    assert not result.failures
    findings = [f for f in rows(tmp_path / "dp", "findings") if f["rule_id"] == "complete.tables_elsewhere"]
    assert len(findings) == 1 and findings[0]["severity"] == "info"
    assert "预算表格不在其中" in findings[0]["message_zh"] and "tables are not in it" in findings[0]["message_en"]


def _split(source: Path, pages: list[int], target: Path) -> Path:
    reader, writer = PdfReader(source), PdfWriter()
    for n in pages:
        writer.add_page(reader.pages[n - 1])
    writer.write(target)
    return target


def test_a_narrative_file_and_a_tables_file_become_one_document(tmp_path):
    """苏州市审计局 2026 年度部门预算公开 split in two as Beijing publishes it: pages 1-2 and 8-22 (cover, contents,
    the 13 tables) and pages 1-7 and 23-33 (cover, contents, 部门概况 and 情况说明)."""
    source = HERE / "suzhou_audit_2026.pdf"
    sources = tmp_path / "sources"
    sources.mkdir()
    tables = _split(source, [1, 2, *range(8, 23)], sources / "附件2_部门预算报表.pdf")
    narrative = _split(source, [*range(1, 8), *range(23, 34)], sources / "附件1_情况说明.pdf")
    assert extract(narrative).document["contents"] == "narrative"
    assert extract(tables).document["contents"] == "tables"
    result = build([str(narrative), str(tables)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", progress=False)
    assert not result.failures and not result.duplicates
    documents = rows(tmp_path / "dp", "documents")
    assert len(documents) == 1
    doc = documents[0]
    assert (doc["department_zh"], doc["contents"], doc["source_file"], doc["paired_source_file"]) == (
        "苏州市审计局", "both", "附件2_部门预算报表.pdf", "附件1_情况说明.pdf")
    # page 9 of the original, 公开01表 收支总表: 一般公共预算拨款收入 4,651.67, 一般公共服务支出 2,906.63
    printed = {f["amount_as_printed"].replace(",", "") for f in rows(tmp_path / "dp", "facts")}
    assert {"4651.67", "2906.63"} <= printed
    statements = rows(tmp_path / "dp", "statements")  # the narrative file's statements, under the one document
    assert statements and {s["document_id"] for s in statements} == {doc["document_id"]}
    assert not [f for f in rows(tmp_path / "dp", "findings") if f["rule_id"] == "complete.tables_elsewhere"]


def test_of_two_files_of_one_document_the_whole_is_kept_whatever_the_names(tmp_path):
    """A part of 苏州市审计局 2026 年度部门预算公开 (cover, contents and its first tables, pages 1-2 and 8-10) under a
    name that sorts first, and the whole document: the whole is published, the part is named as skipped (the
    corpus's 广州市生态环境局 appendix of project targets once stood for its whole budget this way)."""
    source = HERE / "suzhou_audit_2026.pdf"
    sources = tmp_path / "sources"
    sources.mkdir()
    part = _split(source, [1, 2, 8, 9, 10], sources / "a_附件.pdf")
    whole = sources / "b_部门预算.pdf"
    shutil.copyfile(source, whole)
    result = build([str(part), str(whole)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", progress=False)
    assert not result.failures
    assert [d.split(":")[0] for d in result.duplicates] == ["a_附件.pdf"]
    documents = rows(tmp_path / "dp", "documents")
    assert [d["source_file"] for d in documents] == ["b_部门预算.pdf"]
    # page 18 of the whole, 公开09表 “三公”经费、会议费、培训费支出表: 会议费 10.00, 培训费 43.00
    on_18 = {f["amount_as_printed"] for f in rows(tmp_path / "dp", "facts") if f["page"] == "18"}
    assert {"10.00", "43.00"} <= on_18


def test_a_bureau_list_of_bodies_overrides_and_links(tmp_path, monkeypatch):
    """bodies.yaml in the project folder names the department and its own unit; the documents row says what
    the list says, and 本级 is linked to the department by parent_body_id."""
    (tmp_path / "bodies.yaml").write_text(
        "- {name: 无锡市教育局, id: wuxi-edu, english: Wuxi Municipal Education Bureau, level: 部门, region: '320200'}\n"
        "- {name: 无锡市教育局（本级）, id: wuxi-edu-own, short: 市教育局本级, english: Wuxi Municipal Education Bureau (own unit),"
        " level: 本级, parent: wuxi-edu}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = build([str(OWN), str(DEPT)], package_dir=tmp_path / "datapackage", database=tmp_path / "build" / "yusuan.db",
                   progress=False)
    assert not result.failures
    documents = {d["body_id"]: d for d in rows(tmp_path / "datapackage", "documents")}
    assert set(documents) == {"wuxi-edu", "wuxi-edu-own"}
    own = documents["wuxi-edu-own"]
    assert (own["document_id"], own["parent_body_id"], own["department_en"], own["department_short_zh"], own["level_zh"]) == (
        "wuxi-edu-own-2026-budget", "wuxi-edu", "Wuxi Municipal Education Bureau (own unit)", "市教育局本级", "本级")
    assert documents["wuxi-edu"]["parent_body_id"] == "" and documents["wuxi-edu"]["region_zh"] == "江苏省无锡市"
    # a sum across bodies that leaves out the parts of a body already counted (the 43,950.00 万元 once)
    db = sqlite3.connect(tmp_path / "build" / "yusuan.db")
    parents = {r[0] for r in db.execute("select parent_body_id from documents where parent_body_id is not null and parent_body_id != ''")}
    assert parents == {"wuxi-edu"}


def test_a_bad_bodies_list_is_one_line(tmp_path, monkeypatch):
    (tmp_path / "bodies.yaml").write_text("- {name: 无锡市教育局, levle: 部门}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(YusuanError) as error:
        extract(DEPT)
    assert "bodies.yaml" in str(error.value) and "levle" in str(error.value) and "\n" not in str(error.value)


def test_regions_never_guessed():
    assert names.region_of("普陀区财政局") is None            # 上海 and 舟山 both have a 普陀区
    assert names.region_of("上海交通职业技术学院") is None     # a short form is not a region
    assert names.region_of("上海市普陀区财政局").code == "310107"
    assert names.region_of("中国共产党广州市委员会宣传部").code == "440100"
    assert names.english("上海交通职业技术学院") is None
    assert names.fallback_en("上海交通职业技术学院").startswith("上海交通职业技术学院 (")


@pytest.mark.parametrize("name, what", [
    # 惠州市民政局关于贯彻实施…评估办法 / 的通知 / 惠民发〔2026〕10 号 (page 1), crawled as a 2026 budget
    ("huizhou_civil_affairs_notice_2026.pdf", "a notice (通知"),
    # 济南市审计局政府信息公开申请表 (page 1), crawled as a 2026 budget
    ("jinan_audit_request_form.pdf", "an information disclosure request form (政府信息公开申请表"),
])
def test_notices_and_forms_are_refused_saying_what_they_are(name, what):
    with pytest.raises(YusuanError) as error:
        extract(FIX / name)
    assert what in str(error.value) and "\n" not in str(error.value)
