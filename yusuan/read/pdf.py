"""Reader for PDF files with a text layer (PDFium, through pypdfium2), giving the same blocks as the other readers.

Ruled tables are found from their lines; the text lines outside them are paragraphs, in reading order
(top to bottom on each page), so the title and the 单位 printed above a table come right before it. A
cell covered by a merged cell is empty; text wrapped onto several lines in a cell is joined. A table that
runs onto the next page (nothing but a page number in between, same number of columns) is one table:
the header rows the next page repeats are dropped. Lines that are only a page number are left out; a line
printed slightly out of line with another (sharing more than half its height) is merged into it. Text
that is in the file but not shown (outside the crop box, or cut off by its clipping path on a page that
draws text outside itself, as a sheet printed in slices does) is not read.

A PDF without a text layer (a scan) or whose glyphs have no mapping to characters gets a YusuanError saying
so: such a file would give wrong text and wrong numbers; so does a password-protected one.
``page`` is the 1-based page; ``line`` the line on it, counted from the top, where each printed text line
and each table row is one line (a paragraph and a table are at their first line; a table continued from an
earlier page keeps the page and line of each of its rows).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from ..amounts import looks_like_amount
from ..errors import YusuanError
from ..model import Block, Cell, Paragraph, Table
from . import pdf_grid, pdf_page, pdf_reflow, pdf_text
from .docx import _first_line

_PAGE_NUMBER = re.compile(r"^[-—－–\s]*(第\s*)?\d{1,4}(\s*页)?[-—－–\s]*$|^\d+\s*/\s*\d+$")


def parse(path: Path, data: bytes, encoding: str | None = None, cover=None) -> tuple[list[Block], str]:
    """The blocks of the PDF (and its encoding, image, unruled and blank pages). Given ``cover``, a function of the
    blocks of the first pages, it is called as soon as the first page with text and the next are read, when
    what follows cannot change that first page's paragraphs (see _first_pages): it may refuse the file (raise
    YusuanError) before the rest is read."""
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        if re.match(rb"(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|meta)\b", data[:1024], re.I):
            raise YusuanError(path, "", "not a PDF file: a web page (HTML) saved under a .pdf name; "
                                        "the disclosure is usually the file it links to")
        raise YusuanError(path, "", "not a PDF file (no %PDF header)")
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
    except ImportError as exc:  # pragma: no cover - installed with yusuan
        raise YusuanError(path, "", f"pypdfium2 is not installed ({exc})") from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if raw.FPDF_GetLastError() == raw.FPDF_ERR_PASSWORD:
            raise YusuanError(path, "", "the PDF is password-protected; save an unprotected copy") from None
        raise YusuanError(path, "", f"damaged PDF ({_first_line(exc)})") from None
    blocks: list[Block] = []
    shapes: dict[int, pdf_reflow.Shape] = {}
    number = 0
    try:
        characters = unmapped = 0
        images: list[int] = []
        unruled: list[int] = []  # pages drawing too many paths to look for ruled tables on
        blank: list[int] = []    # pages printing nothing (no character, no picture over the page)
        lines: dict[int, int] = {}  # printed text lines by page
        for number in range(1, len(pdf) + 1):
            page = pdf[number - 1]
            try:
                page_blocks, chars, missing = _page(page, number, shapes, unruled)
                if not chars and pdf_page.image_covered(page):
                    images.append(number)
                elif not chars and not page_blocks:
                    blank.append(number)
            finally:
                page.close()
            characters += chars
            unmapped += missing
            _append(blocks, page_blocks)
            lines[number] = sum(1 for b in page_blocks if isinstance(b, Paragraph))
            if cover is not None and number < len(pdf):
                first = _first_pages(blocks, shapes, lines, number)
                if first is not None:
                    cover(first)
                    cover = None
                elif any(lines.values()) and number > min(n for n, count in lines.items() if count):
                    cover = None  # the first page with text could still change: no early look
    except YusuanError:
        raise
    except Exception as exc:
        raise YusuanError(path, f"page {number}", f"cannot be read as PDF ({_first_line(exc)})") from None
    finally:
        pdf.close()
    if characters == 0:
        raise YusuanError(path, "whole document", "the PDF has no text layer (a scanned image?); it needs OCR first")
    if unmapped and unmapped * 20 >= characters:  # glyphs without a character mapping
        raise YusuanError(path, "whole document",
                          f"the PDF's text layer is unusable: {unmapped} glyphs are codes without a character "
                          "mapping, so text and numbers cannot be read; convert the original file, or OCR it")
    for block in blocks:
        if isinstance(block, Table):
            block.__dict__.pop("starts", None)
            block.__dict__.pop("columns", None)
    return pdf_reflow.reflow(blocks, shapes), "utf-8", images, unruled, blank


def _first_pages(blocks: list[Block], shapes: dict, lines: dict[int, int], number: int) -> list[Block] | None:
    """The paragraphs and tables of the pages read so far, joined into paragraphs on copies, when the page read
    last follows the first page with text and nothing after it can change that page's paragraphs: both pages
    print three lines or more (a page of fewer takes its margins from the other pages) and no paragraph begun
    on the first page is still open at the end of the second (the next page could go on with it). Else None."""
    pages = [n for n, count in lines.items() if count]
    if not pages or number != pages[0] + 1 or lines[pages[0]] < 3 or lines[number] < 3:
        return None
    copies = [copy.copy(b) for b in blocks]  # reflow joins lines into the first one's block: not the real ones
    moved = {id(c): shapes[id(b)] for b, c in zip(blocks, copies) if id(b) in shapes}
    still_open: list = []
    flowed = pdf_reflow.reflow(copies, moved, still_open)
    if still_open and still_open[0].page is not None and still_open[0].page <= pages[0]:
        return None
    return flowed


def _page(page, number: int, shapes: dict, unruled: list[int]) -> tuple[list[Block], int, int]:
    place = pdf_page.frame(page)
    page_size = tuple(round(v) for v in page.get_size())
    textpage = page.get_textpage()
    try:
        chars, unmapped = pdf_page.characters(textpage, place, pdf_page.visible_box(page))
    finally:
        textpage.close()
    try:
        found = pdf_grid.find(pdf_page.edges(page, place))
    except pdf_page.TooManyPaths:  # read as text; the page is said to be drawn too heavily to find tables on
        found = []
        unruled.append(number)
    boxes = [t.bbox for t in found]
    items: list[tuple[float, Block]] = []
    placed = pdf_grid.centred(chars) if found else []
    for t in found:
        rows = [[_cell(value) for value in row] for row in pdf_grid.contents(t, placed, _cell_text)]
        # where each cell starts: a table continued on the next page is aligned on these
        starts = [[None if box is None else box[0] for box in row] for row in t.rows]
        while rows and not any(rows[0]):  # empty rows above a title printed inside the frame
            rows, starts = rows[1:], starts[1:]
        if rows:
            items.append((t.bbox[1], (rows, starts)))
    for line in _free_lines(chars, boxes):
        content = line["text"].strip()
        if content and not _PAGE_NUMBER.match(content):
            size = max(c["size"] for c in line["chars"])
            items.append((line["top"], (content, pdf_reflow.Shape(line["x0"], line["x1"], size, number, page_size))))
    items.sort(key=lambda item: item[0])
    blocks: list[Block] = []
    line = 1  # each text line and each table row is a line of the page, counted from the top
    for _, item in items:
        if isinstance(item[0], str):
            paragraph = Paragraph(text=item[0], line=line, page=number)
            shapes[id(paragraph)] = item[1]
            blocks.append(paragraph)
            line += 1
        else:
            rows, starts = item
            table = Table(rows=[[Cell(text=c, line=line + r, page=number) for c in row] for r, row in enumerate(rows)],
                          line=line, page=number)
            table.starts = starts  # type: ignore[attr-defined]  # used by _append, then removed
            blocks.append(table)
            line += len(rows)
    return blocks, len(chars), unmapped


def _free_lines(chars: list[dict], boxes: list[tuple]) -> list[dict]:
    """The page's text lines that do not lie in a table (their centre outside every table's box)."""
    out = []
    for line in _lines(_outside(chars, boxes)):
        middle = (line["top"] + line["bottom"]) / 2
        if not any(x0 - 1 <= (line["x0"] + line["x1"]) / 2 <= x1 + 1 and top - 1 <= middle <= bottom + 1
                   for x0, top, x1, bottom in boxes):
            out.append(line)
    return out


def _outside(chars: list[dict], boxes: list[tuple]) -> list[dict]:
    """The characters whose lines may lie outside the tables: the page's, less those of a table's box when
    leaving them out provably changes no line outside it (table text is read from the cells; lines were made of it
    only to be dropped). A table's characters (each box within the table's frame, 1 point out) are left out when
    every other character of the page lies more than TOLERANCE above or below all of them: then no line of the
    page mixes them with others (lines group characters whose tops lie within TOLERANCE), no line of theirs
    overlaps another's height (where _lines would merge it), and each of their lines lies inside the frame, where
    it is dropped. On a page printing rotated text (read in runs of its own) all characters are kept."""
    if not boxes or not all(c["upright"] for c in chars):
        return chars
    inside: set[int] = set()
    for x0, top, x1, bottom in boxes:
        x0, top, x1, bottom = x0 - 1, top - 1, x1 + 1, bottom + 1
        mine = [c for c in chars if x0 <= c["x0"] and c["x1"] <= x1 and top <= c["top"] and c["bottom"] <= bottom]
        if not mine:
            continue
        low = min(c["top"] for c in mine) - pdf_text.TOLERANCE
        high = max(c["bottom"] for c in mine) + pdf_text.TOLERANCE
        ids = {id(c) for c in mine}
        if all(c["bottom"] < low or c["top"] > high for c in chars if id(c) not in ids):
            inside |= ids
    return [c for c in chars if id(c) not in inside] if inside else chars


def _cell_text(chars: list[dict]) -> str:
    """A cell's text: its printed lines, a line printed slightly out of line with another (quotes or figures
    in a font whose boxes sit off the line) merged into it as on the page."""
    tops = [c["top"] for c in chars]
    if max(tops) - min(tops) <= pdf_text.TOLERANCE:  # one printed line: the common case
        found = pdf_text.line_text(chars)
        return pdf_text.text(chars) if found is None else found
    found = pdf_text.words(chars)
    printed = pdf_text.lines(chars, found)
    lines = _merged(printed)
    if len(lines) == len(printed):
        return pdf_text.text(chars, found)
    return "\n".join(line["text"] for line in lines)


def _lines(chars: list[dict]) -> list[dict]:
    """The page's text lines; a line printed slightly out of line with another (a year or figures set a few
    points lower, quotes on their own baseline) is merged into it, its characters placed by position."""
    return _merged(pdf_text.lines(chars))


def _merged(printed: list[dict]) -> list[dict]:
    """Printed lines (pdf_text.lines, left as they are) with those printed slightly out of line merged."""
    lines = sorted(printed, key=lambda l: l["top"])
    out: list[dict] = []
    for line in lines:
        host = next((o for o in reversed(out[-3:]) if _overlap(o, line)), None)
        if host is None:
            out.append(dict(line))
            continue
        chars = sorted(host["chars"] + line["chars"], key=lambda c: c["x0"])
        host.update(chars=chars, x0=min(host["x0"], line["x0"]), x1=max(host["x1"], line["x1"]),
                    top=min(host["top"], line["top"]), bottom=max(host["bottom"], line["bottom"]), merged=True)
    for line in out:
        if line.pop("merged", False):
            line["text"] = _joined(line["chars"])
    return out


def _overlap(a: dict, b: dict) -> bool:
    """Whether two lines share more than half the height of the smaller one."""
    shared = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return shared > 0.5 * min(a["bottom"] - a["top"], b["bottom"] - b["top"])


def _joined(chars: list[dict]) -> str:
    text, previous = "", None
    for c in chars:
        if previous is not None and c["x0"] - previous["x1"] > 0.5 * min(c["size"], previous["size"]):
            text += " "
        text += c["text"]
        previous = c
    return text


def _cell(value: str | None) -> str:
    if not value:
        return ""
    return "".join(part.strip() for part in value.splitlines())


def _append(blocks: list[Block], page_blocks: list[Block]) -> None:
    """Add a page's blocks; a table opening the page continues the table that closed the last page
    when it repeats that table's header rows, starts with amounts, or has the same columns and does not start
    with a title printed inside the frame (one cell, in the first column)."""
    if page_blocks and blocks and isinstance(page_blocks[0], Table) and isinstance(blocks[-1], Table):
        previous, table = blocks[-1], page_blocks[0]
        rows, starts = table.rows, table.starts  # type: ignore[attr-defined]
        repeated = _repeated(rows, previous.rows)
        rest = [r for r in rows[repeated:] if any(c.bare for c in r)]
        filled = [n for n, c in enumerate(rest[0]) if c.bare] if rest else []
        same_grid = table.width == previous.width and bool(filled) and (len(filled) > 1 or filled[0] > 0)
        if repeated or (rest and any(looks_like_amount(c.text) for c in rest[0])) or same_grid:
            if table.width != previous.width:
                rows = [_align(row, start, previous) for row, start in zip(rows, starts)]
            previous.rows.extend(rows[repeated:])
            page_blocks = page_blocks[1:]
    for block in page_blocks:
        if isinstance(block, Table):
            columns = sorted({x for row in block.starts for x in row if x is not None})  # type: ignore[attr-defined]
            block.columns = columns  # type: ignore[attr-defined]
    blocks.extend(page_blocks)


def _repeated(rows: list[list[Cell]], first: list[list[Cell]]) -> int:
    """How many of a continuation's first rows repeat the header of the table it continues: the rows that
    open that table, or those after its title rows printed inside the frame (the title not repeated)."""
    best = 0
    for start in range(min(len(first), 4)):
        n = 0
        while n < len(rows) and start + n < len(first) and \
                [c.bare for c in rows[n]] == [c.bare for c in first[start + n]]:
            n += 1
        if n > best and (start == 0 or any(c.bare for row in rows[:n] for c in row)):
            best = n
        if start == 0 and n:
            break  # the continuation repeats the table's opening rows: as before
    return best


def _align(row: list[Cell], start: list, previous: Table) -> list[Cell]:
    """A row of a continuation found with other column lines, placed under the previous table's columns."""
    columns = getattr(previous, "columns", [])
    out = [Cell(text="", line=row[0].line if row else 0, page=row[0].page if row else None)
           for _ in range(previous.width)]
    for cell, x in zip(row, start):
        if x is None or not cell.text:
            continue
        index = max([i for i, c in enumerate(columns) if c <= x + 2] or [0])
        if index < len(out):
            out[index] = cell
    return out
