"""The .docx reader: the sample written as Word with real merged cells gives exactly the text reader's facts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from fixtures_make import SAMPLE, write_docx
from yusuan.build import extract
from yusuan.errors import YusuanError
from yusuan.model import Paragraph
from yusuan.read import read

KEY = ("table_no", "row_no", "code", "name_zh", "column_zh", "measure", "amount_yuan")


def facts(extracted) -> list[tuple]:
    return [tuple(f[k] for k in KEY) for f in extracted.rows["facts"]]


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory) -> Path:
    return write_docx(tmp_path_factory.mktemp("docx") / "changji-sasac-2021-budget.docx")


@pytest.fixture(scope="module")
def from_docx(docx_file):
    return extract(docx_file)


@pytest.fixture(scope="module")
def from_text():
    return extract(SAMPLE)


def test_facts_equal_the_text_readers_exactly(from_docx, from_text):
    assert len(facts(from_text)) > 100
    assert facts(from_docx) == facts(from_text)


def test_values_typed_from_the_document(from_docx):
    by_key = {(f["table_no"], f["code"], f["measure"]): f["amount_yuan"] for f in from_docx.rows["facts"]}
    assert by_key[(6, "30101", "total")] == "1349900"  # 表六 301 01 基本工资 134.99 万元
    assert by_key[(6, "30101", "personnel")] == "1349900"
    assert by_key[(2, "2150701", "total")] == "3552400"  # 表二 215 07 01 行政运行 355.24
    assert by_key[(3, "2150702", "project")] == "1050000"  # 表三 一般行政管理事务 项目支出 105
    three = {f["measure"]: f["amount_yuan"] for f in from_docx.rows["facts"] if f["table_no"] == 8}
    assert three["three_public_total"] == "39000" and three["reception"] == "4000"  # 3.9 and 0.4 万元
    names = {(f["table_no"], f["code"]): f["name_zh"] for f in from_docx.rows["facts"]}
    assert names[(6, "30101")] == "基本工资"


def test_document_info_from_the_narrative(from_docx):
    assert from_docx.document["fiscal_year"] == 2021
    assert from_docx.document["published"] == "2021-02-02"
    assert from_docx.document["phase"] == "budget"
    assert from_docx.document["document_id"] == "changji-sasac-2021-budget"


def test_merged_cells_are_printed_once(docx_file):
    document = read(docx_file)
    table = document.tables[1]  # 表二: 功能分类科目编码 over 类/款/项, the other headers merged downwards
    first, second = ([c.bare for c in row] for row in table.rows[:2])
    assert first == ["功能分类科目编码", "功能分类科目名称", "总计", "一般公共预算拨款", "政府性基金预算拨款",
                     "国有资本经营预算", "财政专户（教育收费）", "事业收入", "事业单位经营收入", "单位其他资金收入"]
    assert second == ["类", "款", "项"] + [""] * 9
    assert [c.bare for c in table.rows[2][:6]] == ["215", "07", "01", "行政运行", "355.24", "355.24"]
    three = document.tables[7]  # 表八: 公务用车购置及运行费 over three columns
    assert [c.bare for c in three.rows[0]] == ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费"]
    assert [c.bare for c in three.rows[1]] == ["", "合计", "合计", "公务用车购置费", "公务用车运行费", ""]


def test_toc_entries_left_out_and_text_box_read_once(docx_file):
    texts = [b.text for b in read(docx_file).blocks if isinstance(b, Paragraph)]
    assert texts[:3] == ["目录", "公开文件", "第一部分   昌吉州国资委单位概况"]
    assert texts.count("部门（单位）收支总体情况表") == 1  # the title before 表一, not the TOC line
    assert not any(t.endswith("\t3") or "收支总体情况表\t" in t for t in texts)


def test_paragraphs_and_tables_in_body_order(docx_file):
    blocks = read(docx_file).blocks
    index = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == "表一：")
    assert [getattr(b, "text", "table") for b in blocks[index: index + 4]] == [
        "表一：", "部门（单位）收支总体情况表", blocks[index + 2].text, "table"]
    assert "单位：万元" in blocks[index + 2].text
    lines = [b.line for b in blocks]
    assert lines == sorted(lines)


def _docx_bytes(docx_file: Path) -> bytes:
    return docx_file.read_bytes()


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("truncated.docx", lambda good: good[: len(good) // 2], "corrupt"),
        ("text.docx", lambda good: "这不是Word文件".encode("utf-8"), "not a .docx"),
        ("encrypted.docx", lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
         + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64, "password-protected"),
        ("legacy.docx", lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Word 97-2003"),
        ("empty.docx", lambda good: b"", "empty"),
    ],
)
def test_bad_input_is_one_line(tmp_path, docx_file, name, make, message):
    bad = tmp_path / name
    bad.write_bytes(make(_docx_bytes(docx_file)))
    with pytest.raises(YusuanError) as caught:
        read(bad)
    assert message in str(caught.value)
    assert str(bad) in str(caught.value) and "\n" not in str(caught.value)


def test_a_workbook_named_docx_and_a_zip_without_word(tmp_path):
    import openpyxl

    workbook = tmp_path / "book.docx"
    openpyxl.Workbook().save(workbook)
    plain = tmp_path / "plain.docx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("hello.txt", "你好")
    for path in (workbook, plain):
        with pytest.raises(YusuanError) as caught:
            read(path)
        assert "\n" not in str(caught.value) and str(path) in str(caught.value)
