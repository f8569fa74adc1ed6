"""Two files, one disclosure: Beijing and others publish the narrative (附件1 情况说明) and the tables (附件2 部门预算
报表) as two files. Each builds alone (a narrative-only file gives its statements, projects and organisation;
the audit says its tables are not in it); given together, after extraction, the two files of the same body,
year and phase (the same document_id) become one document: the tables file's facts and tables, and of every
other resource (paragraphs, statements, projects …) the rows of the file that gives more of them."""

from __future__ import annotations

from .errors import YusuanError

# resources a narrative-only file may give (the others are the tables file's own)
NOT_MERGED = ("documents", "facts", "tables", "table_notes")
# resources whose rows of both files are kept, numbered on (what was withheld from either file)
BOTH = {"redactions": "redaction_no"}


def contents(path, info: dict, rows: dict, has_tables: bool) -> None:
    """Say what the file holds (documents.contents): both, tables (no statements read) or narrative; a file
    without tables whose narrative states no budget figure is refused."""
    statements = bool(rows.get("statements"))
    if not has_tables and not statements:
        raise YusuanError(path, "whole document",
                          "no budget table recognised and no budget statement in its text (is this a budget disclosure?)")
    info["contents"] = "narrative" if not has_tables else ("both" if statements else "tables")


def pair(entries: list, result) -> list:
    """Entries with each narrative-only entry merged into the tables entry of the same document_id."""
    by_id: dict[str, list] = {}
    for entry in entries:
        by_id.setdefault(entry.document_id, []).append(entry)
    out = []
    for group in by_id.values():
        narrative = [e for e in group if e.document.get("contents") == "narrative"]
        tables = [e for e in group if e.document.get("contents") in ("tables", "both")]
        if not narrative or not tables:
            out.extend(group)
            continue
        keep, add = tables[0], narrative[0]
        merge(keep, add)
        result.warnings.append(f"{keep.document['source_file']}: its narrative is in {add.document['source_file']} "
                               f"({keep.document_id}); read as one document")
        out.extend(e for e in group if e is not add)
    return out


def merge(keep, add) -> None:
    """The narrative entry's rows added to the tables entry (in memory: the merged document is not cached)."""
    from .build import summarise

    item, other = keep.load(), add.load()
    for name, records in other.rows.items():
        if name in BOTH:
            mine = item.rows.get(name) or []
            last = max((int(r[BOTH[name]]) for r in mine), default=0)
            item.rows[name] = [*mine, *({**r, BOTH[name]: last + n} for n, r in enumerate(records, start=1))]
            continue
        if name in NOT_MERGED or len(item.rows.get(name) or []) >= len(records):
            continue
        item.rows[name] = list(records)
    info = item.rows["documents"][0]
    info["contents"] = "both"
    info["paired_source_file"] = other.document["source_file"]
    info["paired_source_sha256"] = other.document["source_sha256"]
    for field in ("department_zh", "department_en", "region_zh", "region_en", "region_code", "level_zh", "published"):
        if not info.get(field) and other.document.get(field):
            info[field] = other.document[field]
    item.document = info
    item.warnings = [*item.warnings, *other.warnings]
    merged = summarise(item)
    keep.document, keep.counts, keep.warnings = merged.document, merged.counts, merged.warnings
    keep.extracted, keep.cached = item, None
