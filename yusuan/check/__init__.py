"""The consistency audit: rules over the extracted rows, giving findings (never changing the data).

Each rule is a small unit (engine.rule) in one of the family modules; metadata/rules.yaml holds the
tolerances, which rules apply to which template, and the reviewer's knowledge the rules use."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import InvalidOperation

from ..errors import YusuanError
from . import across, claims, codes, completeness, identity, narrative, reading, tables, text, xref, yoy  # noqa: F401  (registers the rules)
from .engine import RULES, SEVERITIES, Document, applies

FIELDS = ("finding_id", "rule_id", "severity", "document_id", "table_no", "table_kind", "row_no", "column_zh",
          "code", "section_zh", "page", "line", "subject_zh", "expected", "actual", "difference", "tolerance",
          "unit_as_printed", "message_zh", "message_en")


@dataclass
class Audit:
    findings: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)   # rule_id, document_id, missing (what it needs)
    not_applicable: list[dict] = field(default_factory=list)  # rule_id, document_id, template

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
    """Run every rule (or the rule ids in only) that applies to each document's template."""
    result = Audit()
    for doc in documents(rows):
        template = doc.info.get("template")
        n = 0
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
                n += 1
                row = {name: None for name in FIELDS}
                row |= {"rule_id": rule.id, "severity": rule.severity, "document_id": doc.id}
                row |= {k: v for k, v in item.items() if k in FIELDS and v is not None}
                row["finding_id"] = f"{doc.id}:{n:04d}"
                _table_place(row, doc)
                result.findings.append(row)
    return result


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
