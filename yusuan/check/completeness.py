"""Completeness: the tables the template expects are present, units are printed, empty tables say why."""

from __future__ import annotations

from ..knowledge import load
from .engine import Document, config, rule, table_zh
from .locate import field_measures, kind_en, kind_zh


def present_kinds(doc: Document) -> dict[str, int]:
    """Table kinds printed in the document → table number."""
    kinds = {}
    for name, records in doc.rows.items():
        if name in load("tables")["kinds"] and records and records[0].get("table_no") is not None:
            kinds[name] = records[0]["table_no"]
    for f in doc.facts():
        kinds.setdefault(f["table_kind"], f["table_no"])
    return kinds


@rule("complete.tables", "模板要求的表齐全", "Every table the template expects is present", "error",
      "文件所属模板（metadata/templates.yaml）要求的每一张表都应公开，没有数据的表也应以空表公开并说明。",
      "Every table of the document's template (metadata/templates.yaml) should be published; a table with no "
      "data is published empty, with a note.",
      needs=["facts"])
def tables(doc: Document):
    template = load("templates").get(doc.info.get("template") or "")
    if not template:
        return
    present = present_kinds(doc)
    for kind in template["tables"]:
        if kind in present or load("tables")["kinds"].get(kind, {}).get("narrative"):
            continue
        yield {"table_kind": kind, "expected": kind_zh(kind),
               "message_zh": f"模板 {doc.info.get('template')} 要求的“{kind_zh(kind)}”未找到。",
               "message_en": f"The {kind_en(kind)} that template {doc.info.get('template')} expects was not found."}


@rule("complete.units", "表格印刷金额单位", "Tables print their unit", "warning",
      "每张金额表都应印刷金额单位（单位：万元），否则读者无法知道金额的量级。",
      "Every table of amounts should print its unit (单位：万元); without it a reader cannot tell the amounts' scale.",
      needs=["facts"])
def units(doc: Document):
    for kind, table_no in sorted(present_kinds(doc).items(), key=lambda kv: kv[1] or 0):
        records = doc.table(kind) or [f for f in doc.facts(kind)]
        if not field_measures(kind) or any(r.get("unit_as_printed") for r in records):
            continue
        yield {"table_no": table_no, "table_kind": kind,
               "message_zh": f"{table_zh(table_no)}“{kind_zh(kind)}”未印刷金额单位。",
               "message_en": f"Table {table_no} ({kind_en(kind)}) prints no unit."}


@rule("complete.empty_note", "空表附说明", "An empty table carries its note", "warning",
      "没有数据的表（如无政府性基金预算）应以空表公开，并在表下说明原因。规则需要表注（table_notes）。",
      "A table without data (no government fund budget, say) is published empty with a note saying why. The "
      "rule needs the tables' notes (resource table_notes).",
      needs=["table_notes"])
def empty_note(doc: Document):
    notes = {n["table_no"] for n in doc.rows.get("table_notes", []) if (n.get("text") or "").strip()}
    present = present_kinds(doc)
    amounts = {f["table_no"] for f in doc.facts() if f.get("amount_yuan") not in (None, "", "0")}
    for kind in config()["note_expected_for"]:
        table_no = present.get(kind)
        if table_no is None or table_no in amounts or table_no in notes:
            continue
        yield {"table_no": table_no, "table_kind": kind,
               "message_zh": f"{table_zh(table_no)}“{kind_zh(kind)}”为空表，但没有说明原因的表注。",
               "message_en": f"Table {table_no} ({kind_en(kind)}) is empty but carries no note saying why."}
