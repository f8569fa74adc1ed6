"""Write the bundled sample as a Word (.docx) and an Excel (.xlsx) file, with real merged cells.

The content comes from the text reader's Document of the sample: its narrative paragraphs and its nine
budget tables. Caption rows printed inside a table (title, 编制部门, 单位：万元) become paragraphs before
it. Header rows get real merges: the spans of the header cells Tika printed once over several columns
are stated below per table (e.g. 功能分类科目编码 over 类/款/项); an empty header cell right under a
header cell of the same columns is the continuation of a vertical merge.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from yusuan.amounts import looks_like_amount
from yusuan.model import Document, Paragraph, Table
from yusuan.paths import bundled_sources
from yusuan.read import read
from yusuan.recognise import match_kind

SAMPLE = bundled_sources()[0]
TABLES = 9  # the nine budget tables; the performance-target forms after them are not written

# Grid spans of header rows that have fewer cells than the table has columns (row index after the
# caption rows are taken out). Read off the sample: 3 = 类/款/项, 2 = 类/款, 4 = 类/款/项 + 科目名称.
SPANS = {
    1: {0: [2, 2]},
    2: {0: [3] + [1] * 9},
    3: {0: [4, 3], 1: [3, 1, 1, 1, 1]},
    4: {0: [2, 5]},
    5: {0: [4, 3], 1: [3, 1, 1, 1, 1]},
    6: {0: [3, 3], 1: [2, 1, 1, 1, 1]},
    7: {0: [3] + [1] * 13},
    8: {0: [1, 1, 3, 1]},
    9: {0: [4, 3], 1: [3, 1, 1, 1, 1]},
}


@dataclass
class GridCell:
    text: str
    column: int
    span: int = 1
    rows: int = 1  # rows covered by a vertical merge starting here
    continued: bool = False  # the continuation of a vertical merge from above


@dataclass
class GridTable:
    number: int
    width: int
    rows: list[list[GridCell]]
    header_rows: int


def sample_document() -> Document:
    return read(SAMPLE)


def items(document: Document | None = None) -> list[str | GridTable]:
    """The sample as a list of paragraphs (str) and the nine tables as grids with merges."""
    document = document or sample_document()
    out: list[str | GridTable] = []
    seen = 0
    for block in document.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                out.append(block.text)
            continue
        if seen >= TABLES:
            continue
        seen += 1
        rows = [[c.text for c in row] for row in block.rows]
        while rows and _caption_row(rows[0]):
            texts = [t for t in rows.pop(0) if t.strip()]
            out.append("    ".join(texts))
        out.append(_grid(seen, rows))
    return out


def _caption_row(row: list[str]) -> bool:
    texts = [t for t in row if t.strip()]
    return bool(texts) and all(match_kind(t) or t.startswith("编制") or "单位：" in t for t in texts)


def _is_data(row: list[str]) -> bool:
    return all(not t.strip() for t in row) or any(looks_like_amount(t) for t in row)


def _grid(number: int, rows: list[list[str]]) -> GridTable:
    header_rows = next(i for i, row in enumerate(rows) if _is_data(row))
    width = Counter(len(r) for r in rows[header_rows:]).most_common(1)[0][0]
    grid: list[list[GridCell]] = []
    for i, texts in enumerate(rows):
        if len(texts) > width:
            assert not any(t.strip() for t in texts[width:]), (number, i, texts)
            texts = texts[:width]
        spans = SPANS[number].get(i, [1] * len(texts)) if i < header_rows else [1] * len(texts)
        assert len(spans) == len(texts), (number, i, texts)
        texts = texts + [""] * (width - sum(spans))
        spans = spans + [1] * (len(texts) - len(spans))
        assert sum(spans) == width, (number, i, spans, width)
        row, column = [], 0
        for text, span in zip(texts, spans):
            row.append(GridCell(text=text, column=column, span=span))
            column += span
        grid.append(row)
    # vertical merges: an empty header cell under a header cell covering the same columns
    for i in range(1, header_rows):
        for cell in grid[i]:
            if cell.text.strip():
                continue
            owner = _owner(grid, i - 1, cell)
            if owner is not None:
                cell.continued = True
                owner.rows += 1
    return GridTable(number=number, width=width, rows=grid, header_rows=header_rows)


def _owner(grid: list[list[GridCell]], i: int, cell: GridCell) -> GridCell | None:
    for above in grid[i]:
        if above.column == cell.column and above.span == cell.span:
            if above.continued:
                return _owner(grid, i - 1, above)
            return above if above.text.strip() else None
    return None


# -- Word -------------------------------------------------------------------------------------------

def write_docx(path: Path, content: list[str | GridTable] | None = None, extras: bool = True) -> Path:
    """The sample as .docx; with extras, a table-of-contents field and a text box are added at the start."""
    import docx

    content = content if content is not None else items()
    document = docx.Document()
    if extras:
        document.add_paragraph("目录")
        titles = [c for c in content if isinstance(c, str) and match_kind(c)]
        _toc(document, [f"表{n}：{t}" for n, t in zip("一二三四五六七八九", titles)])
        _text_box(document, "公开文件")
    for item in content:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        table = document.add_table(rows=len(item.rows), cols=item.width)
        table.style = "Table Grid"
        for r, row in enumerate(item.rows):
            for cell in row:
                if cell.continued:
                    continue
                if cell.span > 1 or cell.rows > 1:
                    table.cell(r, cell.column).merge(table.cell(r + cell.rows - 1, cell.column + cell.span - 1))
        for r, row in enumerate(item.rows):
            for cell in row:
                if not cell.continued and cell.text:
                    table.cell(r, cell.column).text = cell.text
    document.save(path)
    return path


def _toc(document, entries: list[str]) -> None:
    """A TOC field whose shown result lists the table titles with page numbers (as Word writes it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(paragraph, tag: str, **attrs) -> None:
        r = OxmlElement("w:r")
        element = OxmlElement(tag)
        for key, value in attrs.items():
            if key == "text":
                element.text = value
            else:
                element.set(qn(key), value)
        r.append(element)
        paragraph._p.append(r)

    for i, entry in enumerate(entries):
        paragraph = document.add_paragraph()
        if i == 0:
            run(paragraph, "w:fldChar", **{"w:fldCharType": "begin"})
            run(paragraph, "w:instrText", text=' TOC \\o "1-3" \\h \\z \\u ')
            run(paragraph, "w:fldChar", **{"w:fldCharType": "separate"})
        run(paragraph, "w:t", text=entry)
        run(paragraph, "w:tab")
        run(paragraph, "w:t", text=str(i + 3))
        if i == len(entries) - 1:
            run(paragraph, "w:fldChar", **{"w:fldCharType": "end"})


def _text_box(document, text: str) -> None:
    """A paragraph anchoring a text box, written as Word does: DrawingML choice and VML fallback."""
    from docx.oxml import parse_xml

    xml = (
        '<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml">'
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
        '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    document.element.body.insert(len(document.element.body) - 1, parse_xml(xml))


# -- Excel ------------------------------------------------------------------------------------------

def write_xlsx(path: Path, content: list[str | GridTable] | None = None) -> Path:
    """The sample as .xlsx on two sheets (tables 1-4, then 5-9), amounts stored in several ways.

    Tables 1 and 4: numbers whose binary value is one step off the printed decimal (525.8100000000001);
    tables 2 and 3: numbers with the format #,##0.00; table 6: numbers stored as text; others: numbers
    in the General format. Codes with a leading zero (07) are numbers with the format 00.
    """
    import openpyxl

    content = content if content is not None else items()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "第一部分"
    r = 1
    for item in content:
        if isinstance(item, str):
            sheet.cell(r, 1, item)
            r += 1
            continue
        codes = {c.column for row in item.rows[: item.header_rows] for c in row if c.text.strip() in ("类", "款", "项")}
        for i, row in enumerate(item.rows):
            for cell in row:
                if cell.continued:
                    continue
                target = sheet.cell(r + i, cell.column + 1)
                _store(target, cell.text, item.number, i >= item.header_rows, cell.column in codes)
                if cell.span > 1 or cell.rows > 1:
                    sheet.merge_cells(start_row=r + i, start_column=cell.column + 1,
                                      end_row=r + i + cell.rows - 1, end_column=cell.column + cell.span)
        r += len(item.rows) + 1  # an empty row after each table
        if item.number == 4:
            sheet = workbook.create_sheet("第二部分")
            r = 1
    workbook.save(path)
    return path


def _store(target, text: str, table: int, body: bool, code: bool) -> None:
    bare = text.strip()
    if not body or not bare or table == 6 or not bare.replace(".", "", 1).isdigit():
        target.value = text if text else None
        return
    if code:
        target.value = int(bare)
        if bare.startswith("0"):
            target.number_format = "0" * len(bare)
        return
    value = float(bare) if "." in bare else int(bare)
    if table in (1, 4):
        value = math.nextafter(float(value), math.inf)
    target.value = value
    if table in (2, 3):
        target.number_format = "#,##0.00"
