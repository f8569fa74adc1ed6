"""How PDFs draw things, each drawn in a PDF made here from raw operators (``tests/pdf_draw.py``) and, where
the corpus has one, checked on a real page (values typed from ``pdftotext -layout`` of that page)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pdf_draw import grid, line, rect, text, write
from yusuan.model import Paragraph, Table
from yusuan.read import read

PAGES = Path(__file__).resolve().parent / "fixtures" / "real" / "pages"  # pages cut from real PDFs (SOURCES.md)
ROWS = [["科目编码", "科目名称", "合计"],
        ["208", "社会保障和就业支出", "17,711.26"],
        ["20899", "其他社会保障和就业支出", "1,200.00"],
        ["2089901", "其他社会保障和就业支出", "1,200.00"],
        ["206", "科学技术支出", "16,511.26"],
        ["2069903", "转制科研机构", "16,511.26"]]
X = [40, 160, 460, 600]
Y = [500 - 14 * i for i in range(len(ROWS) + 1)]


def _texts(document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def _rows(document) -> list[list[str]]:
    return [[c.text for c in row] for b in document.blocks if isinstance(b, Table) for row in b.rows]


def test_digits_whose_boxes_sit_below_the_line_stay_in_their_title(tmp_path):
    """The digits' font states a descent of a whole size (as 方正 E-BZ does in the 重庆 PDFs): their boxes sit
    a line lower; the title keeps its year."""
    page = (text(100, 540, 20, "重庆市商务委员会") + text(260, 540, 20, "2026", "F2")
            + text(340, 540, 20, "年部门预算情况说明"))
    document = read(write(tmp_path / "year.pdf", [page], deep_descent=-1033))
    assert _texts(document) == ["重庆市商务委员会2026年部门预算情况说明"]


def test_codes_and_amounts_below_the_line_stay_in_their_own_row(tmp_path):
    """Codes and amounts in that font: each row keeps its own name, the last row is not lost."""
    page = grid(X, Y, ROWS, digits_font="F2")
    document = read(write(tmp_path / "rows.pdf", [page], deep_descent=-1033))
    assert _rows(document) == ROWS


def test_real_pages_chongqing_digits_font():
    """重庆 2026 部门预算 draw digits and marks in 方正 E-BZ, whose boxes reach a size below the line: the
    商务委员会's page 1 keeps its year; the 科学技术局's page 11 (表三 收入总体情况表, continued) keeps each name
    in its row and its last row (as pdftotext -layout prints them)."""
    title = read(PAGES / "chongqing_commerce_2026_p1.pdf")
    assert _texts(title)[0] == "重庆市商务委员会2026年部门预算情况说明"
    assert _texts(title)[1:3] == ["一、单位基本情况", "(一)主要职责"]
    rows = [r for r in _rows(read(PAGES / "chongqing_science_2026_p10_p11.pdf")) if r[0][:1].isdigit()]
    empty = ["", "", "", ""]
    assert ["2069903", "转制科研机构", "17,711.26", "17,711.26", "", "", "", "", *empty] in rows
    assert ["2080505", "机关事业单位基本养老保险缴费支出", "424.00", "405.68", "", "", "", "18.32", *empty] in rows
    assert rows[-1] == ["2210201", "住房公积金", "301.00", "301.00", "", "", "", "", *empty]


def test_a_glyph_printed_again_at_its_spot_is_read_once(tmp_path):
    """Fake bold: each glyph printed six times, a few hundredths of its size apart."""
    page = text(100, 500, 16, "表一收入总表", times=6) + text(100, 470, 12, "2200.00", times=6)
    page += text(100, 440, 12, "11,100.00", times=2) + text(160, 410, 12, "11,100.00")
    document = read(write(tmp_path / "bold.pdf", [page]))
    assert _texts(document) == ["表一收入总表", "2200.00", "11,100.00", "11,100.00"]


def test_filled_rectangles_behind_text_are_not_cell_borders(tmp_path):
    """A narrative page with a white rectangle drawn behind every run of text (长沙 draws its narrative pages
    so): paragraphs, no table, and ``人数约400人`` is not a cell."""
    lines = ["一、部门基本概况", "（一）职能职责", "本部门编制人数约", "400", "人。"]
    page = ""
    for i, value in enumerate(lines[:3]):
        page += rect(98, 498 - 20 * i, 14 * len(value) + 4, 18) + text(100, 502 - 20 * i, 14, value)
    page += rect(98 + 14 * 8 + 4, 458, 14 * 3 + 4, 18, fill="0.9 0.9 0.9") + text(100 + 14 * 8 + 6, 462, 14, "400")
    page += rect(98 + 14 * 11 + 8, 458, 14 * 2 + 4, 18) + text(100 + 14 * 11 + 10, 462, 14, "人。")
    document = read(write(tmp_path / "fills.pdf", [page]))
    assert not document.tables
    assert _texts(document)[-1].replace(" ", "") == "本部门编制人数约400人。"


def test_a_rule_drawn_as_a_thin_filled_rectangle_is_a_border(tmp_path):
    """Rules drawn as filled rectangles half a point thick still make the table."""
    page = ""
    for yy in Y:
        page += rect(X[0], yy - 0.25, X[-1] - X[0], 0.5, fill="0 0 0")
    for xx in X:
        page += rect(xx - 0.25, Y[-1], 0.5, Y[0] - Y[-1], fill="0 0 0")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            page += text(X[c] + 2, Y[r + 1] + 4, 9, value)
    document = read(write(tmp_path / "thin.pdf", [page]))
    assert _rows(document) == ROWS


def test_a_real_narrative_page_drawn_over_filled_rectangles():
    """长沙市公安局 2025 部门预算, page 4 (第一部分 部门预算公开说明): text over white rectangles, read as text."""
    document = read(PAGES / "changsha_police_2025_p4.pdf")
    on_page = document.blocks
    assert all(isinstance(b, Paragraph) for b in on_page)
    assert "1、贯彻执行党和国家关于公安工作的方针、政策和法律、法规、规章；指导、检查、监督全市公安工作。" in _texts(document)


def test_a_frame_without_a_top_rule_keeps_its_first_row(tmp_path):
    document = read(write(tmp_path / "open.pdf", [grid(X, Y, ROWS, top_rule=False)]))
    assert _rows(document) == ROWS


def test_doubled_borders_do_not_split_cells(tmp_path):
    document = read(write(tmp_path / "double.pdf", [grid(X, Y, ROWS, double=0.5)]))
    assert _rows(document) == ROWS


def test_a_title_printed_inside_the_frame_is_the_first_row(tmp_path):
    """The table's title in a cell spanning the frame's width: kept as the first row, its text the title."""
    page = line(X[0], 520, X[-1], 520) + line(X[0], 520, X[0], 500) + line(X[-1], 520, X[-1], 500)
    page += text(X[0] + 100, 506, 12, "2026年部门收入总体情况表") + grid(X, Y, ROWS)
    document = read(write(tmp_path / "inside.pdf", [page]))
    rows = _rows(document)
    assert rows[0] == ["2026年部门收入总体情况表", "", ""]
    assert rows[1:] == ROWS


def _ruled_paper(columns: int, rows: int, cell: float = 6.2, gap: float = 3.1) -> str:
    """Squared paper: every side of every cell a short line of its own, each a dash ending ``gap`` points
    before the next (too far to be joined into one rule), as a form of boxes is sometimes drawn."""
    parts = ["0.2 w "]
    for i in range(columns + 1):
        for j in range(rows):
            x, y = 15 + i * cell, 15 + j * cell
            parts.append(f"{x:g} {y:g} m {x:g} {y + cell - gap:g} l ")
    for j in range(rows + 1):
        for i in range(columns):
            x, y = 15 + i * cell, 15 + j * cell
            parts.append(f"{x:g} {y:g} m {x + cell - gap:g} {y:g} l ")
    return "".join(parts) + "S\n"


def test_a_page_of_thousands_of_short_lines_is_read_quickly(tmp_path):
    """Three pages of 25,000 short lines each (no two joined): read in seconds (the reader took a minute)."""
    paper = _ruled_paper(132, 93)
    path = write(tmp_path / "paper.pdf", [paper + text(30, 582, 12, f"第{n}页说明") for n in (1, 2, 3)])
    assert path.stat().st_size < 500_000
    start = time.process_time()  # this process's CPU time: other work on the machine does not count
    document = read(path)
    assert time.process_time() - start < 10
    assert _texts(document) == ["第1页说明", "第2页说明", "第3页说明"]


def test_a_page_drawing_an_absurd_number_of_paths_is_read_as_text_and_said(tmp_path):
    """A page of 300,000 path segments (a 60 KB file): its text is read, no table is looked for, and the
    document says which page (``unruled_pages``); the other pages are read as usual."""
    heavy = "0.2 w " + "20 20 m 24 20 l " * 150_000 + "S\n" + text(30, 560, 12, "第一页")
    ruled = grid(X, Y, ROWS)
    path = write(tmp_path / "heavy.pdf", [heavy, ruled])
    assert path.stat().st_size < 100_000
    start = time.process_time()
    document = read(path)
    assert time.process_time() - start < 20
    assert document.unruled_pages == [1]
    assert _texts(document) == ["第一页"]
    assert _rows(document) == ROWS


def test_a_shaded_cell_keeps_the_border_its_rules_leave_out(tmp_path):
    """A shaded header cell (filled, not stroked) whose sides run along the table's rules carries a piece of
    the frame the rules leave out (上海市发展和改革局 2026, 三公 table: 机关运行经费预算数 spanning three header
    rows, the frame's right rule drawn with a gap beside it): the cell and its text are kept."""
    rows = [["科目", "预算数", "机关运行经费"], ["小计", "人员", ""], ["合计", "1.00", ""], ["一般公共服务", "2.00", "3.00"]]
    y = [500 - 14 * i for i in range(len(rows) + 1)]
    page = rect(X[2], y[3], X[3] - X[2], y[0] - y[3], fill="0.9 0.9 0.9")
    for i, yy in enumerate(y):
        page += line(X[0], yy, X[2] if i in (1, 2) else X[3], yy)
    for xx in X[:3]:
        page += line(xx, y[0], xx, y[-1])
    page += line(X[3], y[0], X[3], y[2]) + line(X[3], y[3], X[3], y[-1])  # a gap beside the third row
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                page += text(X[c] + 2, y[r + 1] + 4, 9, value)
    document = read(write(tmp_path / "shaded.pdf", [page]))
    table = _rows(document)
    assert table[0] == ["科目", "预算数", "机关运行经费"]
    assert table[-1] == ["一般公共服务", "2.00", "3.00"]
