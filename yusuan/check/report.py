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


def document_name(info: dict | None, document_id: str) -> tuple[str, str]:
    """A document as a reader knows it (zh, en): its body, year and kind, and the file it was read from."""
    if not info:
        return document_id, document_id
    year = info.get("fiscal_year") or ""
    kind_en = {"budget": "budget", "final": "final accounts"}.get(info.get("phase") or "", info.get("phase") or "")
    zh = f"{info.get('department_zh') or ''}{f'{year}年' if year else ''}{info.get('phase_zh') or ''}".strip()
    en = " ".join(str(x) for x in (info.get("department_en") or info.get("department_zh"), year, kind_en) if x)
    source = info.get("source_file")
    return (f"{zh}（{source}）" if source else zh) or document_id, (f"{en} ({source})" if source else en) or document_id


def _counts(findings: list[dict]) -> tuple[str, str]:
    n = {s: sum(f["severity"] == s for f in findings) for s in ("error", "warning", "info")}
    zh = "，".join(f"{label} {n[s]}" for s, label in (("error", "错误"), ("warning", "警告"), ("info", "提示")) if n[s])
    en = ", ".join(f"{n[s]} {s}{'s' if n[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info") if n[s])
    return zh, en


def grouped(audit: Audit, everything: bool = False) -> list[tuple[str, list[tuple[dict, list[dict]]]]]:
    """The findings shown, one group per document (in the audit's order), inside it one per cause (rule, in
    order of severity, then as found): [(document_id, [(rule, findings)])], rule as in the catalogue."""
    rules = {r["rule_id"]: r for r in catalogue()}
    rank = {"error": 0, "warning": 1, "info": 2}
    out = []
    findings = shown(audit, everything)
    for doc in dict.fromkeys(f["document_id"] for f in findings):
        mine = [f for f in findings if f["document_id"] == doc]
        by_rule: dict[str, list[dict]] = {}
        for f in mine:
            by_rule.setdefault(f["rule_id"], []).append(f)
        causes = sorted(by_rule.items(), key=lambda kv: min(rank.get(f["severity"], 3) for f in kv[1]))
        out.append((doc, [(rules.get(r, {"rule_id": r, "title_zh": r, "title_en": r}), fs) for r, fs in causes]))
    return out


def terminal(audit: Audit, width: int = 100, everything: bool = False, documents: list[dict] | None = None) -> str:
    """Findings grouped by document, then by cause (rule) with their counts; each an aligned row followed by its
    message; then skipped rules and a summary. Info findings (differences within rounding, variant spellings,
    notes) only with everything (yusuan check --all)."""
    lines = []
    infos = {d["document_id"]: d for d in documents or []}
    columns = tuple(c for c in COLUMNS if c not in ("document_id", "rule_id"))
    for doc, causes in grouped(audit, everything):
        everything_here = [f for _, fs in causes for f in fs]
        zh, en = document_name(infos.get(doc), doc)
        czh, cen = _counts(everything_here)
        lines += ["", f"== {zh}：{czh}", f"   {en}: {cen}  [{doc}]"]
        for rule, findings in causes:
            rzh, ren = _counts(findings)
            lines.append(f"-- {rule['rule_id']} {rule['title_zh']} / {rule['title_en']}：{rzh} / {ren}")
            rows = [[str(f.get(c) if c != "where" else where(f)) if (f.get(c) is not None or c == "where") else "" for c in columns]
                    for f in findings]
            widths = [max(_width(c) for c in col) for col in zip(columns, *rows)]
            lines.append("   " + "  ".join(_pad(c, w) for c, w in zip(columns, widths)).rstrip())
            for f, row in zip(findings, rows):
                lines.append("   " + "  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip())
                lines += textwrap.wrap(f["message_zh"], width=width // 2, initial_indent="      ", subsequent_indent="      ")
                lines += textwrap.wrap(f["message_en"], width=width, initial_indent="      ", subsequent_indent="      ")
    if lines:
        lines.append("")
    for s in audit.skipped:
        lines.append(f"skipped {s['rule_id']} ({s['document_id']}): needs {', '.join(s['missing'])}")
    s = summary(audit)
    lines.append(f"{s['findings']} finding(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info"
                 f"{_hidden(audit, everything)}; {s['skipped_rules']} rule(s) skipped")
    return "\n".join(lines).lstrip("\n")


def as_json(audit: Audit) -> str:
    return json.dumps({"summary": summary(audit), "findings": audit.findings, "skipped": audit.skipped,
                       "rules": catalogue()}, ensure_ascii=False, indent=2) + "\n"


def _cell(value: object) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def markdown(audit: Audit, everything: bool = False, documents: list[dict] | None = None) -> str:
    """One section per document (its findings counted), one subsection per cause (rule) with its count, then the
    findings of that cause as a table."""
    s = summary(audit)
    infos = {d["document_id"]: d for d in documents or []}
    out = ["# 一致性审核 / Consistency audit", "",
           f"{s['findings']} finding(s): {s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info"
           f"{_hidden(audit, everything)}.", ""]
    for doc, causes in grouped(audit, everything):
        zh, en = document_name(infos.get(doc), doc)
        czh, cen = _counts([f for _, fs in causes for f in fs])
        out += [f"## {doc}", "", f"{zh}：{czh}<br>{en}: {cen}", ""]
        for rule, findings in causes:
            rzh, ren = _counts(findings)
            out += [f"### {_cell(rule['title_zh'])} / {_cell(rule['title_en'])} (`{rule['rule_id']}`): {rzh} / {ren}", "",
                    "| severity | rule | where | expected | actual | difference | message |", "|---|---|---|---|---|---|---|"]
            for f in findings:
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
