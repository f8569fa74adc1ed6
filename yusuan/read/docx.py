"""Reader for Word .docx files (python-docx), giving the same blocks as the Tika text reader.

Body paragraphs and tables come in body order. A table row gives one cell per ``w:tc`` element, exactly
what Tika prints: a horizontally merged cell (``gridSpan``) is one cell holding its text once; the
continuation of a vertical merge (``vMerge``) is an empty cell. A cell holding several paragraphs
gives its lines joined with "\\n". Text boxes give their paragraphs after the paragraph anchoring them
(inside a table cell their text joins the cell). The entries a table-of-contents field shows are
generated text, not content, and are left out (they repeat the table titles). ``line`` is a running
position: one step per body paragraph and per table row.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import YusuanError
from ..model import Block, Cell, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_STRIP = " \t\u3000\u00a0\ufeff\r"


def parse(path: Path, data: bytes, encoding: str | None = None) -> tuple[list[Block], str]:
    root = _open(path, data)
    reader = _Reader()
    try:
        reader.container(root)
    except YusuanError:
        raise
    except Exception as exc:  # a damaged document part: one line, never a traceback
        part = damaged_part(data, exc)
        if part:
            raise YusuanError(path, part[0], f"damaged .docx: {part[1]}") from None
        raise YusuanError(path, f"position {reader.position}", f"cannot be read as .docx ({_first_line(exc)})") from None
    return reader.blocks, "utf-8"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def damaged_part(data: bytes, exc: Exception) -> tuple[str, str] | None:
    """The part of an Office package that a failure came from, and why: a part named in the error that the
    package lacks, or the first XML part that cannot be decompressed or parsed. None if no part is to blame."""
    import re

    from lxml import etree

    missing = re.search(r"There is no item named '([^']+)' in the archive", str(exc))
    if missing:
        return f"part {missing.group(1)}", "a part the package needs is missing"
    if "no relationship of type" in str(exc) and "officeDocument" in str(exc):
        return "part _rels/.rels", "the package names no main document (its officeDocument relationship is missing)"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = [i.filename for i in archive.infolist() if i.filename.endswith((".xml", ".rels"))]
    except Exception:  # noqa: BLE001 - the ZIP itself is named by the caller
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    for name in names:
        try:
            content = archive.read(name)
        except Exception as problem:  # noqa: BLE001 - zlib.error, BadZipFile (CRC), EOFError…
            return f"part {name}", f"cannot be decompressed ({_first_line(problem)})"
        try:
            etree.fromstring(content, parser)
        except etree.XMLSyntaxError as problem:
            line, column = problem.position if problem.position else (0, 0)
            reason = " ".join(str(problem.msg or problem).split(", line ")[0].split())  # one line: lxml may end it with \n
            return f"part {name}, line {line}, column {column}", f"not well-formed XML ({reason})"
    return None


MAX_PART = 200 * 1024 * 1024  # bytes one part of an Office package may expand to
MAX_UNPACKED = 400 * 1024 * 1024  # bytes all its parts together may expand to


def unpacked_size_problem(data: bytes, kind: str) -> tuple[str, str] | None:
    """A ZIP bomb, refused before any part is decompressed: the sizes the package declares (Python's zipfile never
    gives more than the declared size of a part) against MAX_PART and MAX_UNPACKED. None when within them, or when
    the package cannot be listed (the caller names that)."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception:  # noqa: BLE001 - BadZipFile and friends: reported by the reader itself
        return None
    mb = 1024 * 1024
    for member in members:
        if member.file_size > MAX_PART:
            return (f"part {member.filename}", f"expands to {member.file_size // mb} MB, more than the {MAX_PART // mb} MB "
                    f"one part of a {kind} may hold (a ZIP bomb?)")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        return "", f"expands to {total // mb} MB, more than the {MAX_UNPACKED // mb} MB a {kind} may hold (a ZIP bomb?)"
    return None


def ole_problem(data: bytes, kind: str, legacy: str) -> str | None:
    """Why an OLE compound file cannot be read: encrypted OOXML or a legacy binary Office file."""
    if not data.startswith(OLE):
        return None
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return f"the {kind} file is password-protected (encrypted); save an unprotected copy"
    return f"a legacy binary {legacy} file, not {kind}; save it as {kind}"


def _open(path: Path, data: bytes):
    problem = ole_problem(data, ".docx", "Word 97-2003 (.doc)")
    if problem:
        raise YusuanError(path, "", problem)
    if not data.startswith(b"PK"):
        raise YusuanError(path, "", "not a .docx file (a .docx is a ZIP package; this file is not one)")
    too_large = unpacked_size_problem(data, ".docx")
    if too_large:
        raise YusuanError(path, *too_large)
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise YusuanError(path, "", f"damaged .docx: the ZIP package is corrupt ({exc})") from None
        except PackageNotFoundError as exc:
            raise YusuanError(path, "", f"not a .docx package ({exc})") from None
        except ValueError as exc:  # another Office package (e.g. an .xlsx named .docx)
            raise YusuanError(path, "", f"not a Word document: {_first_line(exc)}") from None
    except YusuanError:
        raise
    except Exception as exc:
        part = damaged_part(data, exc)
        if part:
            raise YusuanError(path, part[0], f"damaged .docx: {part[1]}") from None
        raise YusuanError(path, "", f"damaged .docx ({_first_line(exc)})") from None
    return document.element.body


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.position = 0
        self.fields: list[dict] = []  # open complex fields: instruction text, separated yet

    # -- body ------------------------------------------------------------------------------------
    def container(self, element) -> None:
        """Paragraphs and tables of a body, content control, text box or cell, in order."""
        for child in element:
            tag = child.tag
            if tag == W + "p":
                self.position += 1
                text, boxes = self.paragraph(child)
                text = text.strip(_STRIP + "\n")
                if text:
                    self.blocks.append(Paragraph(text=text, line=self.position))
                for box in boxes:
                    self.container(box)
            elif tag == W + "tbl":
                self.table(child)
            elif tag in (W + "sdt", W + "customXml", W + "sdtContent", W + "ins", W + "smartTag"):
                inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if inner is not None:
                    self.container(inner)
            elif tag == MC + "AlternateContent":
                choice = child.find(MC + "Choice")
                if choice is not None:
                    self.container(choice)

    def table(self, tbl) -> None:
        rows: list[list[Cell]] = []
        start = self.position + 1
        for tr in _children(tbl, "tr"):
            self.position += 1
            rows.append([self.cell(tc, self.position) for tc in _children(tr, "tc")])
        if rows:
            self.blocks.append(Table(rows=rows, line=start))

    def cell(self, tc, line: int) -> Cell:
        props = tc.find(W + "tcPr")
        if props is not None:
            for merge in ("vMerge", "hMerge"):
                mark = props.find(W + merge)
                if mark is not None and mark.get(W + "val", "continue") != "restart":
                    return Cell(text="", line=line)  # continuation of a merged cell: printed once, above
        lines = [part.strip(_STRIP) for part in self.cell_lines(tc)]
        return Cell(text="\n".join(part for part in lines if part), line=line)

    def cell_lines(self, element) -> list[str]:
        lines: list[str] = []
        for child in element:
            tag = child.tag
            if tag == W + "p":
                text, boxes = self.paragraph(child)
                lines += text.split("\n")
                for box in boxes:
                    lines += self.cell_lines(box)
            elif tag == W + "tbl":  # a table nested in a cell: its text, cell by cell
                for tr in _children(child, "tr"):
                    for tc in _children(tr, "tc"):
                        lines += self.cell_lines(tc)
            elif tag in (W + "sdt", W + "customXml", W + "sdtContent"):
                inner = child.find(W + "sdtContent") if tag == W + "sdt" else child
                if inner is not None:
                    lines += self.cell_lines(inner)
        return lines

    # -- runs --------------------------------------------------------------------------------------
    def paragraph(self, p) -> tuple[str, list]:
        """The text of a paragraph as shown, and the text boxes anchored in it."""
        parts: list[str] = []
        boxes: list = []
        self._walk(p, parts, boxes)
        return "".join(parts), boxes

    def _in_toc(self) -> bool:
        return any(f["separated"] and _is_toc(f["instr"]) for f in self.fields)

    def _walk(self, element, parts: list[str], boxes: list) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):  # comments, processing instructions
                continue
            if tag == W + "t":
                if not self._in_toc():
                    parts.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                if not self._in_toc():
                    parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                if not self._in_toc() and child.get(W + "type") in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    self.fields.append({"instr": "", "separated": False})
                elif kind == "separate" and self.fields:
                    self.fields[-1]["separated"] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif tag == W + "instrText":
                if self.fields:
                    self.fields[-1]["instr"] += child.text or ""
            elif tag == W + "fldSimple":
                if not _is_toc(child.get(W + "instr", "")):
                    self._walk(child, parts, boxes)
            elif tag == W + "txbxContent":
                boxes.append(child)
            elif tag == MC + "AlternateContent":
                chosen = child.find(MC + "Choice")
                if chosen is None:
                    chosen = child.find(MC + "Fallback")
                if chosen is not None:
                    self._walk(chosen, parts, boxes)
            elif tag in (MC + "Fallback", W + "del", W + "moveFrom", W + "pPr", W + "rPr", W + "delText"):
                continue
            else:
                self._walk(child, parts, boxes)


def _is_toc(instruction: str) -> bool:
    words = instruction.split()
    return bool(words) and words[0].upper() == "TOC"


def _children(element, name: str) -> list:
    """Rows of a table or cells of a row, also when wrapped in content controls or custom XML."""
    found = []
    for child in element:
        if child.tag == W + name:
            found.append(child)
        elif child.tag in (W + "sdt", W + "customXml", W + "sdtContent"):
            inner = child.find(W + "sdtContent") if child.tag == W + "sdt" else child
            if inner is not None:
                found += _children(inner, name)
    return found
