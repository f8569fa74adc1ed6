"""Classification codes as printed in separate 类/款/项 cells: joined into the row's code, kept per part in the
per-table resources, listed in the classifications; a part that is not digits is refused with its place."""

from __future__ import annotations


from conftest import SAMPLE, read_csv
from yusuan.build import extract


def test_code_parts_per_table_and_joined(built):
    rows = read_csv(built / "dp" / "general_budget_basic_economic.csv")
    # 表六 first row: 301 | 01 | 基本工资 | 134.99
    first = rows[0]
    assert (first["code_class"], first["code_section"], first["code"], first["name_zh"], first["total"]) == ("301", "01", "30101", "基本工资", "134.99")
    classes = {r["class_id"]: r for r in read_csv(built / "dp" / "classifications.csv")}
    assert classes["economic:30101"]["printed"] == "true" and classes["economic:30101"]["names_printed"] == "基本工资"
    assert classes["functional:2150701"]["names_printed"] == "行政运行"


def test_a_code_part_with_a_letter_is_said_and_the_code_left_unknown(tmp_path):
    """表六 row 1 printed 3O1 | 01 | 基本工资: the table is read in part, the reason names the cell, and the
    row's code is not guessed (never 01 or 3O101); its amounts stay facts."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count("\t301\n\t01\n\t基本工资") == 1
    source = tmp_path / "code-with-a-letter.txt"
    source.write_text(text.replace("\t301\n\t01\n\t基本工资", "\t3O1\n\t01\n\t基本工资"), encoding="utf-8")
    rows = extract(source).rows
    [six] = [t for t in rows["tables"] if t["table_no"] == 6]
    assert (six["status"], six["reason_en"]) == ("partial", "row 1: code part 类 is not digits: '3O1'; the row's code was not read")
    first = [(f["code"], f["name_zh"], f["amount_as_printed"]) for f in rows["facts"] if f["table_no"] == 6 and f["row_no"] == 1]
    assert first == [(None, "基本工资", "134.99")] * 2
