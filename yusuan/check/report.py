"""Reports of an audit: a readable table for the terminal, JSON and Markdown."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from . import Audit, catalogue

COLUMNS = ("document_id", "severity", "rule_id", "where", "expected", "actual", "difference")


def where(f: dict) -> str:
    """The place of a finding, short: 表六 r34 合计 / 三、… l.215."""
    from .engine import table_zh

    parts = []
    if f.get("table_no") is not None:
        parts.append(table_zh(f["table_no"]))
    elif f.get("table_kind"):
        parts.append(f["table_kind"])
    if f.get("row_no") is not None:
        parts.append(f"r{f['row_no']}")
    if f.get("column_zh"):
        parts.append(str(f["column_zh"]))
    if f.get("code"):
        parts.append(str(f["code"]))
    if f.get("section_zh"):
        parts.append(str(f["section_zh"])[:12])
    if f.get("line") is not None:
        parts.append(f"p.{f['page']} l.{f['line']}" if f.get("page") is not None else f"l.{f['line']}")
    elif f.get("page") is not None:
        parts.append(f"p.{f['page']}")
    return " ".join(parts)


def summary(audit: Audit) -> dict:
    return {"findings": len(audit.findings), "errors": audit.count("error"), "warnings": audit.count("warning"),
            "info": audit.count("info"), "skipped_rules": len(audit.skipped)}


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def shown(audit: Audit, everything: bool = False) -> list[dict]:
    """The findings a reader is shown: errors and warnings, grouped by document (info too with everything)."""
    order = {d: i for i, d in enumerate(dict.fromkeys(f["document_id"] for f in audit.findings))}
    kept = [f for f in audit.findings if everything or f["severity"] != "info"]
    return sorted(kept, key=lambda f: order[f["document_id"]])


def _hidden(audit: Audit, everything: bool) -> str:
    n = 0 if everything else audit.count("info")
    return f" ({n} info not shown: --all shows them)" if n else ""


def terminal(audit: Audit, width: int = 100, everything: bool = False) -> str:
    """Findings as an aligned table, each followed by its message; then skipped rules and a summary. Info
    findings (differences within rounding, variant spellings, notes) only with everything (yusuan check --all)."""
    lines = []
    findings = shown(audit, everything)
    rows = [[str(f.get(c) if c != "where" else where(f)) if (f.get(c) is not None or c == "where") else "" for c in COLUMNS]
            for f in findings]
    if rows:
        widths = [max(_width(c) for c in col) for col in zip(COLUMNS, *rows)]
        lines.append("  ".join(_pad(c, w) for c, w in zip(COLUMNS, widths)).rstrip())
        for f, row in zip(findings, rows):
            lines.append("  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())
            lines += textwrap.wrap(f["message_zh"], width=width // 2, initial_indent="    ", subsequent_indent="    ")
            lines += textwrap.wrap(f["message_en"], width=width, initial_indent="    ", subsequent_indent="    ")
    for s in audit.skipped:
        lines.append(f"skipped {s['rule_id']} ({s['document_id']}): needs {', '.join(s['missing'])}")
    s = summary(audit)
    lines.append(f"{s['findings']} finding(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info"
                 f"{_hidden(audit, everything)}; {s['skipped_rules']} rule(s) skipped")
    return "\n".join(lines)


def as_json(audit: Audit) -> str:
    return json.dumps({"summary": summary(audit), "findings": audit.findings, "skipped": audit.skipped,
                       "rules": catalogue()}, ensure_ascii=False, indent=2) + "\n"


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def markdown(audit: Audit, everything: bool = False) -> str:
    s = summary(audit)
    findings = shown(audit, everything)
    out = ["# 一致性审核 / Consistency audit", "",
           f"{s['findings']} finding(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info"
           f"{_hidden(audit, everything)}.", ""]
    for doc in sorted({f["document_id"] for f in findings}):
        out += [f"## {doc}", "", "| severity | rule | where | expected | actual | difference | message |",
                "|---|---|---|---|---|---|---|"]
        for f in (f for f in findings if f["document_id"] == doc):
            message = f"{_cell(f['message_zh'])}<br>{_cell(f['message_en'])}"
            out.append("| " + " | ".join([_cell(f["severity"]), _cell(f["rule_id"]), _cell(where(f)), _cell(f["expected"]),
                                         _cell(f["actual"]), _cell(f["difference"]), message]) + " |")
        out.append("")
    if audit.skipped:
        out += ["## Skipped rules", ""] + [f"- `{x['rule_id']}` ({x['document_id']}): needs {', '.join(x['missing'])}"
                                           for x in audit.skipped] + [""]
    return "\n".join(out)


def write(path: Path, text: str) -> None:
    from ..errors import YusuanError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise YusuanError(path, "", f"cannot write the report: {exc.strerror}") from None


def rules_table() -> str:
    return "\n".join(f"{r['rule_id']:32} {r['severity']:8} {r['title_zh']} / {r['title_en']}" for r in catalogue())
