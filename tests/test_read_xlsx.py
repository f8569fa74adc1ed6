"""The .xlsx reader: the sample as a workbook (merged cells, numbers stored as numbers and as text)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from fixtures_make import SAMPLE, write_xlsx
from yusuan.build import extract
from yusuan.errors import YusuanError
from yusuan.model import Paragraph, Table
from yusuan.read import read
from yusuan.read.xlsx import shown

KEY = ("table_no", "row_no", "code", "name_zh", "column_zh", "measure", "amount_yuan")


def facts(extracted) -> list[tuple]:
    return [tuple(f[k] for k in KEY) for f in extracted.rows["facts"]]


@pytest.fixture(scope="module")
def xlsx_file(tmp_path_factory) -> Path:
    return write_xlsx(tmp_path_factory.mktemp("xlsx") / "changji-sasac-2021-budget.xlsx")


@pytest.fixture(scope="module")
def from_xlsx(xlsx_file):
    return extract(xlsx_file)


def test_facts_equal_the_text_readers_exactly(from_xlsx):
    expected = facts(extract(SAMPLE))
    assert len(expected) > 100
    assert facts(from_xlsx) == expected


def test_values_typed_from_the_document(from_xlsx):
    by_key = {(f["table_no"], f["code"], f["measure"]): f for f in from_xlsx.rows["facts"]}
    assert by_key[(6, "30101", "total")]["amount_yuan"] == "1349900"  # 134.99 stored as text
    assert by_key[(6, "30101", "total")]["amount_as_printed"] == "134.99"
    assert by_key[(2, "2150701", "total")]["amount_yuan"] == "3552400"  # 355.24 with format #,##0.00
    assert by_key[(3, "2150702", "project")]["amount_as_printed"] == "105.00"  # 105 shown as 105.00
    totals = [f for f in from_xlsx.rows["facts"] if f["table_no"] == 1 and f["measure"] == "budget" and f["is_total"]]
    assert {f["amount_as_printed"] for f in totals} == {"525.81"}  # stored as 525.8100000000001
    assert {f["amount_yuan"] for f in totals} == {"5258100"}
    assert from_xlsx.document["fiscal_year"] == 2021 and from_xlsx.document["published"] == "2021-02-02"


def test_merged_header_text_in_the_top_left_cell_only(xlsx_file):
    tables = read(xlsx_file).tables
    assert [c.bare for c in tables[1].rows[0][:5]] == ["功能分类科目编码", "", "", "功能分类科目名称", "总计"]
    assert [c.bare for c in tables[1].rows[1][:5]] == ["类", "款", "项", "", ""]
    assert [c.bare for c in tables[1].rows[2][:3]] == ["215", "07", "01"]  # 07 stored as 7 with format 00
    assert [c.bare for c in tables[0].rows[0]] == ["收入", "", "支出", ""]
    assert len(tables) == 9


def test_several_tables_on_a_sheet_with_titles_as_paragraphs(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet["A1"] = "一般公共预算“三公”经费支出情况表"
    sheet.merge_cells("A1:D1")
    sheet["A2"] = "单位：万元"
    for row in (["合计", "因公出国（境）费", "公务接待费", "备注"], [3.9, 0, 0.4, None], [None, None, None, None]):
        sheet.append(row)
    sheet.delete_rows(5)
    sheet["A6"] = "表二"
    sheet.append(["项目", "金额"])
    sheet.append(["一般公共预算", "525.81"])  # a number stored as text
    sheet.append([None, None])
    sheet.append(["合计", 1234567.5])
    sheet["B10"].number_format = "#,##0.00"
    sheet.append([])
    sheet.append(["注：本表无政府性基金预算。"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    blocks = read(path).blocks
    shape = [("P", b.text) if isinstance(b, Paragraph) else ("T", [[c.text for c in r] for r in b.rows]) for b in blocks]
    assert shape == [
        ("P", "Sheet1"),
        ("P", "一般公共预算“三公”经费支出情况表"),
        ("P", "单位：万元"),
        ("T", [["合计", "因公出国（境）费", "公务接待费", "备注"], ["3.9", "0", "0.4", ""]]),
        ("P", "表二"),
        ("T", [["项目", "金额"], ["一般公共预算", "525.81"], ["", ""], ["合计", "1,234,567.50"]]),
        ("P", "注：本表无政府性基金预算。"),
    ]
    assert all(isinstance(b, (Paragraph, Table)) for b in blocks)
    # places: sheet 1, the row where each block starts (the sheet's name at row 0); 表二's 合计 is row 10
    assert [(b.page, b.line) for b in blocks] == [(1, 0), (1, 1), (1, 2), (1, 3), (1, 6), (1, 7), (1, 12)]
    assert (blocks[5].rows[-1][0].page, blocks[5].rows[-1][0].line) == (1, 10)


@pytest.mark.parametrize(
    "value, number_format, expected",
    [
        (525.8100000000001, "General", "525.81"),
        (0.1 + 0.2, "General", "0.3"),
        (134.99, "General", "134.99"),
        (6, "0.00", "6.00"),
        (7, "00", "07"),
        (1234567.5, "#,##0.00", "1,234,567.50"),
        (-2.5, "#,##0.00;(#,##0.00)", "(2.50)"),
        (3.456, "0.0#", "3.46"),
        (3.5, "0.0#", "3.5"),
        (5258100, "General", "5258100"),
    ],
)
def test_numbers_come_out_as_shown(value, number_format, expected):
    assert shown(value, number_format) == expected


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("truncated.xlsx", "half", "corrupt"),
        ("text.xlsx", "这不是Excel文件", "not a .xlsx"),
        ("encrypted.xlsx", "encrypted", "password-protected"),
        ("legacy.xlsx", "ole", "Excel 97-2003"),
        ("empty.xlsx", "", "empty"),
        ("word.xlsx", "zip", "not a readable .xlsx"),
    ],
)
def test_bad_input_is_one_line(tmp_path, name, content, message):
    bad = tmp_path / name
    if content == "half":
        good = tmp_path / "good.xlsx"
        openpyxl.Workbook().save(good)
        data = good.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif content == "encrypted":
        bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"))
    elif content == "ole":
        bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    elif content == "zip":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
    else:
        bad.write_bytes(content.encode("utf-8"))
    with pytest.raises(YusuanError) as caught:
        read(bad)
    assert message in str(caught.value)
    assert str(bad) in str(caught.value) and "\n" not in str(caught.value)
