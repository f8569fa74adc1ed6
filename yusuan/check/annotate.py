"""A copy of each PDF with every finding marked at its place (internal output for the people who fix the
documents; never published): a highlight over the text the finding is about, carrying the message, or a note
at the top of the page when the text cannot be found.

The place is found with PDFium: on the finding's page (or, for a table finding, the pages of the document) the
first of its search texts (the quoted passage, the printed amount, the code, the row's name). The first page
carries a note listing the document's findings by cause (rule), with counts and pages."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import YusuanError

COLOURS = {"error": "ff0000", "warning": "ff9900", "info": "3399ff"}


def _grouped(amount: str) -> str:
    """2946.25 → 2,946.25 (tables print thousands separators)."""
    sign, _, rest = amount.rpartition("-")
    whole, dot, frac = rest.partition(".")
    if not (whole.isascii() and whole.isdigit()):
        return amount
    return f"{sign}{int(whole):,}{dot}{frac}"


def search_texts(f: dict) -> list[str]:
    """What to look for on the page, most specific first."""
    out = []
    quoted = re.findall(r"[：:]([^：:。]{6,})$", f.get("message_zh") or "")
    for q in quoted:
        out.append(q.strip("…")[:12])
    subject = re.sub(r"\s+", "", f.get("subject_zh") or "")
    if f.get("table_no") is None and subject:
        out.append(subject[:12])
    for value in (f.get("actual"), f.get("expected")):
        if value and re.fullmatch(r"-?\d+(\.\d+)?", str(value)):
            out += [_grouped(str(value)), str(value)]
        elif value and len(str(value)) >= 2:
            out.append(str(value)[:12])
    if f.get("code"):
        out.append(str(f["code"]))
    if subject:
        out.append(subject[:8])
    return [s for s in dict.fromkeys(out) if len(s) >= 2]


def _find(pdf, pages: list[int], texts: list[str]):
    """(page index, (left, bottom, right, top)) of the first text found on the pages, or None."""
    for text in texts:
        for index in pages:
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                hit = textpage.search(text, match_case=False).get_next()
                if hit:
                    start, count = hit
                    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
                    return index, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                   max(b[2] for b in boxes), max(b[3] for b in boxes))
            finally:
                textpage.close()
    return None


def causes(findings: list[dict]) -> tuple[str, dict[str, tuple[str, str]]]:
    """The document's findings by cause, for a note on its first page (zh and en, one line per cause with its
    count and pages, errors first), and each rule's titles."""
    from . import catalogue

    rules = {r["rule_id"]: (r["title_zh"], r["title_en"]) for r in catalogue()}
    rank = {"error": 0, "warning": 1, "info": 2}
    by_rule: dict[str, list[dict]] = {}
    for f in findings:
        by_rule.setdefault(f["rule_id"], []).append(f)
        rules.setdefault(f["rule_id"], (f["rule_id"], f["rule_id"]))
    if not by_rule:
        return "", rules
    n = {s: sum(f["severity"] == s for f in findings) for s in rank}
    head_zh = "，".join(f"{label} {n[s]}" for s, label in (("error", "错误"), ("warning", "警告"), ("info", "提示")) if n[s])
    head_en = ", ".join(f"{n[s]} {s}" for s in rank if n[s])
    lines = [f"yusuan 一致性审核：{head_zh} / consistency audit: {head_en}"]
    for rule, fs in sorted(by_rule.items(), key=lambda kv: min(rank.get(f["severity"], 3) for f in kv[1])):
        pages = sorted({f["page"] for f in fs if isinstance(f.get("page"), int)})
        where = f" p. {', '.join(str(p) for p in pages[:8])}{'…' if len(pages) > 8 else ''}" if pages else ""
        severities = ", ".join(f"{sum(f['severity'] == s for f in fs)} {s}" for s in rank if any(f["severity"] == s for f in fs))
        lines.append(f"• {rules[rule][0]} / {rules[rule][1]} ({rule}): {len(fs)} ({severities}){where}")
    return "\n".join(lines), rules


def annotate(path: Path, findings: list[dict], out: Path) -> Path:
    """Write out/<name> : the PDF at path with its findings marked. Returns the written file."""
    import pypdfium2 as pdfium
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText, Highlight
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    try:
        pdf = pdfium.PdfDocument(str(path))
        writer = PdfWriter(clone_from=str(path))
    except Exception as exc:  # noqa: BLE001 — any unreadable PDF is one clear line
        raise YusuanError(path, "", f"cannot open the PDF to annotate it: {exc}") from None
    n = len(pdf)
    unplaced: dict[int, list[str]] = {}
    summary, titles = causes(findings)
    for f in findings:
        zh, en = titles[f["rule_id"]]
        text = f"[{f['severity']}] {zh} / {en} ({f['rule_id']}): {f.get('message_zh') or ''} / {f.get('message_en') or ''}"
        page = f.get("page")
        pages = [page - 1] if isinstance(page, int) and 0 < page <= n else list(range(n))
        found = _find(pdf, pages, search_texts(f))
        if not found:
            unplaced.setdefault(pages[0], []).append(text)
            continue
        index, (left, bottom, right, top) = found
        quad = ArrayObject([FloatObject(v) for v in (left, top, right, top, left, bottom, right, bottom)])
        mark = Highlight(rect=(left, bottom, right, top), quad_points=quad, highlight_color=COLOURS.get(f["severity"], "ffff00"))
        mark[NameObject("/Contents")] = TextStringObject(text)
        mark[NameObject("/T")] = TextStringObject(f"yusuan {f['rule_id']}")
        writer.add_annotation(page_number=index, annotation=mark)
    for index, texts in unplaced.items():
        width, height = (float(v) for v in pdf[index].get_size())
        note = FreeText(text="\n".join(texts), rect=(18, height - 18 - 14 * min(len(texts), 10), width - 18, height - 18),
                        font_size="8pt", border_color="ff0000")
        note[NameObject("/Contents")] = TextStringObject("\n".join(texts))
        writer.add_annotation(page_number=index, annotation=note)
    if n and summary:
        width, height = (float(v) for v in pdf[0].get_size())
        lines = summary.splitlines()
        note = FreeText(text=summary, rect=(18, 18, width - 18, 18 + 11 * min(len(lines), 30) + 8),
                        font_size="8pt", border_color="666666")
        note[NameObject("/Contents")] = TextStringObject(summary)
        note[NameObject("/T")] = TextStringObject("yusuan 一致性审核 / consistency audit")
        writer.add_annotation(page_number=0, annotation=note)
    pdf.close()
    out.mkdir(parents=True, exist_ok=True)
    target = out / path.name
    if target.resolve() == path.resolve():
        raise YusuanError(target, "", "the annotated copy would overwrite its source; choose another folder")
    try:
        with open(target, "wb") as handle:
            writer.write(handle)
    except OSError as exc:
        raise YusuanError(target, "", f"cannot write the annotated copy: {exc.strerror}") from None
    return target


def annotate_all(paths: list[Path], documents: list[dict], findings: list[dict], out: Path) -> list[Path]:
    """An annotated copy of each PDF among paths that has findings (matched by file name, then sha256)."""
    by_doc: dict[str, list[dict]] = {}
    for f in findings:
        by_doc.setdefault(f["document_id"], []).append(f)
    pdfs = {p.name: p for p in paths if p.suffix.lower() == ".pdf"}
    written = []
    for info in documents:
        path = pdfs.get(Path(str(info.get("source_file") or "")).name)
        if path is None or info["document_id"] not in by_doc:
            continue
        written.append(annotate(path, by_doc[info["document_id"]], out))
    return written
