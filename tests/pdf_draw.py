"""PDFs drawn in a test from raw operators: text in a standard CJK font (STSong-Light, UniGB-UCS2-H, which
PDFium maps to Unicode without the font embedded), lines and rectangles. Helpers for the drawing mechanisms of
the PDF reader (``tests/test_pdf_drawing.py``) and the metamorphic test."""

from __future__ import annotations

import zlib
from pathlib import Path

WIDTH, HEIGHT = 842, 595  # A4 landscape, points


def text(x: float, y: float, size: float, string: str, font: str = "F1", times: int = 1) -> str:
    """Text with its baseline at (x, y) from the page's bottom left, each character one em wide; with
    ``times`` each glyph is printed that many times, each a fiftieth of an em right of the last (fake bold,
    in one text object)."""
    if times == 1:
        codes = "".join(f"{ord(ch):04X}" for ch in string)
        return f"BT /{font} {size} Tf {x:.2f} {y:.2f} Td <{codes}> Tj ET\n"
    parts = []
    for ch in string:
        glyph = f"<{ord(ch):04X}>"
        parts.append(" 980 ".join([glyph] * times) + f" {20 * (times - 1)}")
    return f"BT /{font} {size} Tf {x:.2f} {y:.2f} Td [{' '.join(parts)}] TJ ET\n"


def line(x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> str:
    return f"{width} w {x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S\n"


def rect(x: float, y: float, w: float, h: float, fill: str = "1 1 1", stroke: bool = False) -> str:
    """A rectangle filled in an RGB colour (white by default), stroked too when asked."""
    return f"q {fill} rg {x:.2f} {y:.2f} {w:.2f} {h:.2f} re {'B' if stroke else 'f'} Q\n"


def _font(number: int, name: str, descent: int) -> list[bytes]:
    """Objects of a Type0 font over STSong-Light, its descriptor stating ``descent`` (thousandths of an em)."""
    return [
        f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        f"/DescendantFonts [{number + 1} 0 R] >>".encode(),
        f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 "
        f"/FontDescriptor {number + 2} 0 R >>".encode(),
        f"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 {descent} 1000 880] "
        f"/ItalicAngle 0 /Ascent 880 /Descent {descent} /CapHeight 880 /StemV 93 >>".encode(),
    ]


def write(path: Path, pages: list[str], deep_descent: int = -120) -> Path:
    """A PDF of these content streams, one page each. ``F1`` is the font with a usual descent (-120); ``F2``
    the same font whose descriptor states ``deep_descent`` (a digits font whose boxes sit below the line)."""
    objects: list[bytes] = [b"", b""]  # catalog, pages: filled below
    fonts_at = len(objects) + 1
    objects += _font(fonts_at, "F1", -120)
    objects += _font(fonts_at + 3, "F2", deep_descent)
    kids = []
    for content in pages:
        data = zlib.compress(content.encode("latin-1"))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream")
        stream = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Contents {stream} 0 R "
                       f"/Resources << /Font << /F1 {fonts_at} 0 R /F2 {fonts_at + 3} 0 R >> >> >>".encode())
        kids.append(f"{len(objects)} 0 R")
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    path.write_bytes(serialise(objects))
    return path


def serialise(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def grid(x: list[float], y: list[float], rows: list[list[str]], size: float = 9, font: str = "F1",
         top_rule: bool = True, double: float = 0.0, digits_font: str | None = None, rise: float = 4.0) -> str:
    """A ruled table: column lines at ``x``, row lines at ``y`` (top to bottom, from the page's bottom), the
    text of each cell at its left, on a baseline a third of the row up. Without ``top_rule`` the frame has no
    line above its first row; with ``double`` every line is drawn twice, that many points apart. Text made of
    digits, commas and points is drawn in ``digits_font`` when given (a font whose boxes sit below the line)."""
    out = []
    for i, yy in enumerate(y):
        if i == 0 and not top_rule:
            continue
        out.append(line(x[0], yy, x[-1], yy))
        if double:
            out.append(line(x[0], yy - double, x[-1], yy - double))
    for xx in x:
        out.append(line(xx, y[0], xx, y[-1]))
        if double:
            out.append(line(xx + double, y[0], xx + double, y[-1]))
    for r, row in enumerate(rows):
        baseline = y[r + 1] + rise
        for c, value in enumerate(row):
            if not value:
                continue
            numeric = digits_font and all(ch in "0123456789,." for ch in value)
            out.append(text(x[c] + 2, baseline, size, value, digits_font if numeric else font))
    return "".join(out)
