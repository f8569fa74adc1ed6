"""The consistency audit: rules over the extracted rows, giving findings (never changing the data).

Each rule is a small unit (engine.rule) in one of the family modules; metadata/rules.yaml holds the
tolerances, which rules apply to which template, and the reviewer's knowledge the rules use."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import YusuanError
from . import across, claims, codes, completeness, identity, narrative, reading, review, tables, text, xref, yoy  # noqa: F401  (registers the rules)
from .engine import _LABELS, RULES, SEVERITIES, Document, applies, name_tables_en, printed_labels, rule

FIELDS = ("finding_id", "rule_id", "severity", "document_id", "table_no", "table_kind", "row_no", "column_zh",
          "code", "section_zh", "page", "line", "subject_zh", "expected", "actual", "difference", "tolerance",
          "unit_as_printed", "message_zh", "message_en")


@dataclass
class Audit:
    findings: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)   # rule_id, document_id, missing (what it needs)
    not_applicable: list[dict] = field(default_factory=list)  # rule_id, document_id, template
    rounding: list[dict] = field(default_factory=list)  # the comparisons within rounding each audit.rounding counts

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f["severity"] == severity)


def documents(rows: dict[str, list[dict]]) -> list[Document]:
    """Each document's rows: every resource's rows grouped by document_id (one pass over all rows)."""
    mine: dict[str, dict[str, list[dict]]] = {info["document_id"]: {} for info in rows.get("documents", [])}
    for name, records in rows.items():
        if name in ("documents", "findings"):
            continue
        for r in records:
            own = mine.get(r.get("document_id"))
            if own is not None:
                own.setdefault(name, []).append(r)
    return [Document(info=info, rows=mine[info["document_id"]]) for info in rows.get("documents", [])]


def audit(rows: dict[str, list[dict]], only: list[str] | None = None) -> Audit:
    """Run every rule (or the rule ids in only) that applies to each document's template.

    Differences that rounding of the printed figures allows are not findings: each document's are counted in one
    `audit.rounding` summary (severity info). Findings of one cause (the same figures, code or words in several
    tables or columns, as when two tables repeat each other) are one finding naming every place. Tables are named
    as the document prints their numbers (公开06表, 表6)."""
    result = Audit()
    for doc in documents(rows):
        token = _LABELS.set(printed_labels(doc))
        try:
            result.findings += _document_findings(doc, only, result)
        finally:
            _LABELS.reset(token)
    return result


def _document_findings(doc: Document, only: list[str] | None, result: Audit) -> list[dict]:
    template = doc.info.get("template")
    raw: list[dict] = []
    rounding: list[dict] = []
    for rule in RULES.values():
        if only is not None and rule.id not in only:
            continue
        if not applies(rule.id, template):
            result.not_applicable.append({"rule_id": rule.id, "document_id": doc.id, "template": template})
            continue
        missing = [need for need in rule.needs if not doc.has(need)]
        if missing:
            result.skipped.append({"rule_id": rule.id, "document_id": doc.id, "missing": missing})
            continue
        try:
            found = list(rule.function(doc))
        except (InvalidOperation, ValueError, KeyError, TypeError) as exc:
            raise YusuanError(doc.id, f"rule {rule.id}", f"cannot check these rows: {type(exc).__name__}: {exc}") from None
        for item in found:
            row = {name: None for name in FIELDS}
            row |= {"rule_id": rule.id, "severity": rule.severity, "document_id": doc.id}
            row |= {k: v for k, v in item.items() if k in FIELDS and v is not None}
            _table_place(row, doc)
            (rounding if within_rounding(row) else raw).append(row)
    out = group_by_cause(raw)
    if rounding:
        out.append(rounding_summary(doc, rounding))
        result.rounding += rounding
    for n, row in enumerate(out, start=1):
        row["finding_id"] = f"{doc.id}:{n:04d}"
        row["message_en"] = name_tables_en(row.get("message_en") or "")
    return out


ROUNDING = "audit.rounding"


@rule(ROUNDING, "差额在四舍五入范围内", "Differences within rounding", "info",
      "各金额分别四舍五入到所印位数：n 个分项之和与其合计可相差至多 (n+1)×半个末位单位，同一金额在两处印刷可各差半个末位；"
      "在此范围内的差额不是问题，每份文件只在此汇总计数。",
      "Each amount is rounded to the places printed: the sum of n parts may differ from its total by up to (n+1) "
      "half units of the last digit, the same figure printed twice by half a unit each; such differences are not "
      "problems, and each document only counts them here.",
      needs=[])
def _rounding_rule(doc: Document):
    return iter(())   # the audit adds the summary (rounding_summary) from the other rules' comparisons


def within_rounding(row: dict) -> bool:
    """A comparison a rule marked info because its difference is within the rounding tolerance."""
    if row.get("severity") != "info" or row.get("tolerance") in (None, "") or row.get("difference") in (None, ""):
        return False
    try:
        return abs(Decimal(str(row["difference"]))) <= Decimal(str(row["tolerance"]))
    except InvalidOperation:
        return False


def rounding_summary(doc: Document, rows: list[dict]) -> dict:
    """One info finding per document counting its differences within rounding, with the largest."""
    from .report import where

    largest = max(rows, key=lambda r: abs(Decimal(str(r["difference"]))))
    ordered = sorted(rows, key=lambda r: -abs(Decimal(str(r["difference"]))))   # the largest first
    places = list(dict.fromkeys(where(r) for r in ordered))
    shown = "；".join(places[:5]) + ("……" if len(places) > 5 else "")
    return {name: None for name in FIELDS} | {
        "rule_id": ROUNDING, "severity": "info", "document_id": doc.id, "actual": str(len(rows)),
        "difference": largest["difference"], "tolerance": largest["tolerance"], "unit_as_printed": largest.get("unit_as_printed"),
        "subject_zh": f"{len(rows)} 处",
        "message_zh": f"{len(rows)} 处差额在各金额四舍五入所允许的范围内（最大 {largest['difference']}），不列为问题：{shown}。",
        "message_en": f"{len(rows)} difference(s) within what rounding of the printed figures allows (largest "
                      f"{largest['difference']}); not findings: {shown}.",
    }


_CAUSE = ("rule_id", "severity", "code", "subject_zh", "expected", "actual", "difference", "unit_as_printed")


def group_by_cause(found: list[dict]) -> list[dict]:
    """Findings of one cause as one: the same rule, code, subject and figures at several places (one code printed
    twice in three tables, two tables that repeat each other, the same difference in two columns of a row). The
    first place keeps the finding; its messages name the others."""
    from .report import where

    groups: dict[tuple, list[dict]] = {}
    order: list[tuple] = []
    for i, f in enumerate(found):
        valued = any(f.get(k) not in (None, "") for k in ("expected", "actual", "difference"))
        key = tuple(str(f.get(k)) for k in _CAUSE) if valued else ("one", i)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(f)
    out = []
    for key in order:
        first, *others = groups[key]
        if others:
            also = "；".join(dict.fromkeys(where(o) for o in others))
            first = first | {"message_zh": f"{first['message_zh']}（同一问题也见于：{also}）",
                             "message_en": f"{first['message_en']} (the same at: {also})"}
        out.append(first)
    return out


def _table_place(row: dict, doc: Document) -> None:
    """The page (and line) of a finding in a table, when the rows say where the table or its row is printed:
    facts with page and line (the row's), or the tables resource (the table's first page)."""
    if row.get("page") is not None or row.get("table_no") is None:
        return

    def index():
        rows, tables = {}, {}
        for f in doc.facts():
            if f.get("page") is not None:
                rows.setdefault((f.get("table_no"), f.get("row_no")), (f["page"], f.get("line")))
                tables.setdefault(f.get("table_no"), (f["page"], None))
        for t in doc.rows.get("tables", []):
            if t.get("page") is not None:
                tables.setdefault(t.get("table_no"), (t["page"], None))
        return rows, tables

    rows, tables = doc.memo("table_places", index)
    found = rows.get((row["table_no"], row.get("row_no"))) or tables.get(row["table_no"])
    if found:
        row["page"] = found[0]
        if row.get("line") is None and found[1] is not None:
            row["line"] = found[1]


def run(rows: dict[str, list[dict]]) -> list[dict]:
    """Findings rows (resource `findings`) for every document in rows."""
    return audit(rows).findings


def catalogue() -> list[dict]:
    """The rules as rows (resource `rules`), in a stable order."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return [r.catalogue_row() for r in sorted(RULES.values(), key=lambda r: (r.id.split(".")[0], order[r.severity], r.id))]
