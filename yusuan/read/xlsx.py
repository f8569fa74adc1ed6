"""Reader for Excel .xlsx workbooks (openpyxl), giving the same blocks as the other readers.

Each visible sheet is read over its used range, row by row. Its name comes first as a paragraph (sheet
names often carry a table's number or title). A row with one filled cell outside a table is a paragraph
(a title, 编制单位, 单位：万元); a row with two or more filled cells starts a table. Within a table every
row belongs to it, until empty rows: after them a row with several filled cells (or one filled cell not
in the table's first column, or an amount) continues the table, the empty rows kept as empty rows, while
a lone text in the first column is a paragraph again and ends the table. A row whose only text is a
cell merged across the whole table is a paragraph too (a note).

A merged range gives its text in its top-left cell and empty cells elsewhere. Numbers stored as numbers
come out as the digits Excel shows: the cell's number format decides the decimals (``0.00`` shows 6 as
6.00, ``00`` shows 7 as 07); the General format shows at most 15 significant digits, so binary
artefacts such as 525.8100000000001 never appear. Numbers stored as text are kept as written. Formulas
give the value Excel saved with the file. ``page`` is the sheet's number (1-based, in workbook order),
``line`` the row number on it (0 for the sheet's name).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ..amounts import looks_like_amount
from ..errors import YusuanError
from ..model import Block, Cell, Paragraph, Table
from .docx import _first_line, damaged_part, ole_problem, unpacked_size_problem

_STRIP = " \t\u3000\u00a0\ufeff\r"
# Limits (issue 22, item 6: 4.9 KB with cells at A1 and XFD1048576 exhausted memory; 10M cells took 2.1 GB): cells
# a workbook may hold (counted in its XML before it is loaded), cells merged ranges may cover, and how far from A1
# a value may stand. A budget sheet holds a few thousand cells within a few hundred rows and a few dozen columns.
MAX_CELLS = 2_000_000
MAX_ROWS = 200_000
MAX_COLUMNS = 2_000
_CELL = re.compile(rb"<c[\s>/]")
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_LITERAL = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_DIGITS = re.compile(r"([#0?,]*[#0?])(\.([#0?]*))?|\.([#0?]+)")


def parse(path: Path, data: bytes, encoding: str | None = None) -> tuple[list[Block], str]:
    workbook = _open(path, data)
    blocks: list[Block] = []
    try:
        number = 0
        for sheet in workbook.worksheets:
            number += 1
            if sheet.sheet_state != "visible":
                continue
            blocks += _sheet(path, sheet, number)
    except YusuanError:
        raise
    except Exception as exc:
        raise YusuanError(path, f"sheet {number}", f"cannot be read as .xlsx ({_first_line(exc)})") from None
    return blocks, "utf-8"


def _open(path: Path, data: bytes):
    problem = ole_problem(data, ".xlsx", "Excel 97-2003 (.xls)")
    if problem:
        raise YusuanError(path, "", problem)
    if not data.startswith(b"PK"):
        raise YusuanError(path, "", "not a .xlsx file (a .xlsx is a ZIP package; this file is not one)")
    too_large = unpacked_size_problem(data, ".xlsx")
    if too_large:
        raise YusuanError(path, *too_large)
    too_many = cells_problem(data)
    if too_many:
        raise YusuanError(path, *too_many)
    try:
        import openpyxl

        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except zipfile.BadZipFile as exc:
        raise YusuanError(path, "", f"damaged .xlsx: the ZIP package is corrupt ({exc})") from None
    except Exception as exc:  # not a workbook (e.g. a .docx named .xlsx), or a damaged part
        part = damaged_part(data, exc)
        if part:
            raise YusuanError(path, part[0], f"not a readable .xlsx workbook: {part[1]}") from None
        raise YusuanError(path, "", f"not a readable .xlsx workbook ({_first_line(exc)})") from None


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def cells_problem(data: bytes) -> tuple[str, str] | None:
    """(part, message) when the worksheets hold more than MAX_CELLS cells, or merge more, counted in their XML a
    chunk at a time before openpyxl loads anything (it makes an object of every cell a merged range covers)."""
    cells = merged = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                    continue
                rest = b""  # bytes not yet scanned: a match is counted when it starts before the margin
                with archive.open(info) as handle:
                    while True:
                        chunk = handle.read(1 << 20)
                        text = rest + chunk
                        edge = len(text) if not chunk else max(len(text) - 64, 0)
                        cells += sum(1 for m in _CELL.finditer(text) if m.start() < edge)
                        for m in _MERGE.finditer(text):
                            if m.start() < edge and m.group(3):
                                merged += (abs(int(m.group(4)) - int(m.group(2))) + 1) * \
                                          (abs(_column_number(m.group(3)) - _column_number(m.group(1))) + 1)
                        rest = text[edge:]
                        if not chunk:
                            break
                if cells > MAX_CELLS or merged > MAX_CELLS:
                    what = f"{cells:,} cells" if cells > MAX_CELLS else f"merged ranges covering {merged:,} cells"
                    return info.filename, f"holds {what}, more than the {MAX_CELLS:,} yusuan reads (a workbook built to exhaust memory?)"
    except Exception:  # noqa: BLE001 - a damaged package (bad ZIP, bad deflate data, …) is told when it is opened
        return None
    return None


def _filled(sheet):
    """The sheet's cells that exist, row by row (openpyxl's iter_rows makes every cell of the used range, which a
    single value at XFD1048576 makes 17 billion)."""
    cells = getattr(sheet, "_cells", None)
    if cells is None:
        return (cell for row in sheet.iter_rows() for cell in row)
    return (cells[key] for key in sorted(cells))


def _sheet(path: Path, sheet, number: int) -> list[Block]:
    blocks: list[Block] = [Paragraph(text=sheet.title.strip(_STRIP), line=0, page=number)] \
        if sheet.title.strip(_STRIP) else []
    if sheet.max_row == 1 and sheet.max_column == 1 and sheet.cell(1, 1).value is None:
        return blocks
    merged = {}  # top-left (row, column) -> (last row, last column)
    for cells in sheet.merged_cells.ranges:
        merged[(cells.min_row, cells.min_col)] = (cells.max_row, cells.max_col)
    rows: dict[int, dict[int, str]] = {}
    for cell in _filled(sheet):
        if cell.value is None:
            continue
        if cell.row > MAX_ROWS or cell.column > MAX_COLUMNS:
            raise YusuanError(path, f"sheet {number} cell {cell.coordinate}", f"a value beyond row {MAX_ROWS:,} or column "
                                                                              f"{MAX_COLUMNS:,} (a sheet built to exhaust memory?)")
        text = _text(path, sheet, cell)
        if text:
            rows.setdefault(cell.row, {})[cell.column] = text

    table: list[int] = []  # row numbers of the table being read
    pending: list[int] = []  # empty rows seen inside it

    def close() -> None:
        nonlocal table, pending
        if table:
            blocks.append(_table(table, rows, merged, number))
        table, pending = [], []

    for r in range(1, max(rows, default=0) + 1):
        filled = rows.get(r, {})
        if not filled:
            if table:
                pending.append(r)
            continue
        if len(filled) == 1:
            (column, text), = filled.items()
            first = min(c for n in table for c in rows.get(n, {})) if table else column
            wide = merged.get((r, column), (r, column))[1] - column + 1
            width = (max(c for n in table for c in rows.get(n, {})) - first + 1) if table else 0
            lone = not table or (
                (pending and column <= first and not looks_like_amount(text)) or (width > 1 and wide >= width)
            )
            if lone:
                close()
                blocks.append(Paragraph(text=_lines(text), line=r, page=number))
                continue
        table += pending + [r]
        pending = []
    close()
    return blocks


def _table(numbers: list[int], rows: dict[int, dict[int, str]], merged: dict, sheet: int) -> Table:
    columns = [c for n in numbers for c in rows.get(n, {})]
    for n in numbers:
        for c in list(rows.get(n, {})):
            last = merged.get((n, c))
            if last:
                columns.append(last[1])
    first, last = min(columns), max(columns)
    grid = [
        [Cell(text=_lines(rows.get(n, {}).get(c, "")), line=n, page=sheet) for c in range(first, last + 1)] for n in numbers
    ]
    return Table(rows=grid, line=numbers[0], page=sheet)


def _lines(text: str) -> str:
    parts = [part.strip(_STRIP) for part in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(part for part in parts if part)


def _text(path: Path, sheet, cell) -> str:
    value = cell.value
    if isinstance(value, str):
        if value.startswith("#") and cell.data_type == "e":
            raise YusuanError(path, f"sheet {sheet.title!r}, cell {cell.coordinate}", f"Excel error value {value}")
        return value.strip(_STRIP)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return shown(value, cell.number_format or "General")
    return str(value).strip(_STRIP)


def shown(value: int | float, number_format: str) -> str:
    """A number as Excel shows it under a number format (the digits, no float artefacts)."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        exact = Decimal(format(value, ".15g"))  # Excel keeps 15 significant digits
    else:
        exact = Decimal(value)
    sections = number_format.split(";")
    section = sections[1] if exact < 0 and len(sections) > 1 else sections[0]
    negative_section = exact < 0 and len(sections) > 1
    bare = _LITERAL.sub("", section)
    if bare.strip().lower() in ("general", "@", "") or not re.search(r"[0#?]", bare):
        return _plain(exact)
    if "%" in bare:
        exact *= 100
    if re.search(r"[eE][+-]", bare):
        return _plain(exact)
    match = _DIGITS.search(bare)
    if not match:
        return _plain(exact)
    whole = match.group(1) or ""
    fraction = match.group(3) if match.group(1) else match.group(4) or ""
    fraction = fraction or ""
    try:
        rounded = exact.quantize(Decimal(1).scaleb(-len(fraction)), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return _plain(exact)
    sign = "-" if rounded < 0 and not negative_section else ""
    rounded = abs(rounded)
    digits = format(rounded, "f")
    integer, _, decimals = digits.partition(".")
    keep = len(fraction.rstrip("#?"))  # 0 places always shown, # places only when not zero
    decimals = decimals[:keep] + decimals[keep:].rstrip("0")
    minimum = whole.replace(",", "").count("0")
    integer = integer.lstrip("0").rjust(minimum, "0") if integer != "0" or minimum else ""
    if integer == "" and not decimals:
        integer = "0"
    if "," in whole and integer:
        integer = f"{int(integer):,}".rjust(len(integer), "0") if integer.isdigit() else integer
    text = integer + ("." + decimals if decimals else "")
    prefix = re.sub(r"[^()\-+]", "", bare[: match.start()])  # printed signs and brackets, e.g. (#,##0.00)
    suffix = re.sub(r"[^)%]", "", bare[match.end():])
    return sign + prefix + text + suffix


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
