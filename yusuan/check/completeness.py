"""Completeness: the tables the template expects are present, units are printed, empty tables say why."""

from __future__ import annotations

from decimal import Decimal

from ..knowledge import load
from .engine import Document, config, pattern, rule, table_zh
from .locate import field_measures, kind_en, kind_zh
from .text import _SPACE, paragraphs


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


@rule("complete.blank_table", "空表未说明", "A blank table that does not say why", "warning",
      "印有表名和表头而表体没有任何数字（全部为空，或只有 0、-）的表，若表注和说明都未写明原因（“本表无数据”“本单位无政府性基金"
      "预算”“政府性基金拨款支出预算为0”），多为漏填或排版时丢失了内容（常见于目录之后）。",
      "A table whose title and header are printed but whose body has no figure at all (every cell empty, or only 0 "
      "and -), while neither its note nor the text says why (本表无数据, no government fund budget, the fund's "
      "budget stated as 0): usually the figures were left out in filling or lost in layout (often right after the "
      "contents).",
      needs=["tables"])
def blank_table(doc: Document):
    spec = config()["blank_table"]
    said, nil = pattern(spec["said_empty"]), spec["nil"]
    counted = {}
    for f in doc.facts():
        counted.setdefault(f.get("table_seq"), False)
        if f.get("amount_yuan") not in (None, "") and Decimal(str(f["amount_yuan"])) != 0:
            counted[f.get("table_seq")] = True
    notes: dict[object, str] = {}
    for n in doc.rows.get("table_notes", []):
        notes[n.get("table_seq")] = notes.get(n.get("table_seq"), "") + _SPACE.sub("", n.get("text") or "")
    narrative = [p["text"] for p in paragraphs(doc)]
    on_page: dict[object, str] = {}
    for p in doc.rows.get("paragraphs", []):
        on_page[p.get("page")] = on_page.get(p.get("page"), "") + _SPACE.sub("", p.get("text") or "")
    for t in doc.rows["tables"]:
        kind = t.get("table_kind")
        if (t.get("status") != "read" or counted.get(t.get("table_seq")) or kind in spec["not_amounts"]
                or not t.get("title_as_printed")):
            continue   # read in part or not at all (our reading, not the document); figures printed; no amounts
        if said.search(notes.get(t.get("table_seq"), "")) or said.search(on_page.get(t.get("page"), "")):
            continue   # the table says it is empty and why
        part = spec["part_of"].get(kind)
        if part and not any(counted_in(doc, part["kind"], part["column"])):
            continue   # the table it details prints that part nil (基本支出 blank: all of it is 项目支出)
        fund = spec["funds"].get(kind)
        if fund and any(pattern(nil.replace("FUND", fund)).search(text) for text in narrative):
            continue   # the text says the fund has nothing (政府性基金拨款支出预算为0, 没有使用国有资本经营预算拨款)
        title = _SPACE.sub("", t["title_as_printed"])
        yield {"table_no": t.get("table_no"), "table_kind": kind, "page": t.get("page"), "line": t.get("line"),
               "subject_zh": title[:40], "actual": "0",
               "message_zh": f"{table_zh(t.get('table_no'))}（{title}，第{t.get('page')}页）印有表头而没有任何数字，"
                             f"表注和说明都未写明原因：是否漏填？",
               "message_en": f"Table {t.get('table_no')} ({title}, page {t.get('page')}) prints its header but no "
                             f"figure, and neither its note nor the text says why: were the figures left out?"}


def counted_in(doc: Document, kind: str, column: str):
    """Whether each figure of a table kind's column (by its printed header) is other than 0, one per figure."""
    for f in doc.facts():
        if f.get("table_kind") == kind and column in (f.get("column_zh") or "") and f.get("amount_yuan") not in (None, ""):
            yield Decimal(str(f["amount_yuan"])) != 0
