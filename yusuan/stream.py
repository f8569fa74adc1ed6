"""Publish a corpus one document at a time: memory stays flat in the number of documents.

In document_id order, each document's Extracted is loaded (from the cache), audited alone (every rule reads
one document), appended to the package's CSV files, checked and inserted into the database, then dropped.
The classifications (from every document's codes) and the rule catalogue come last. Everything is written in
a staging folder and a temporary database, validated, then swapped in (build.swap)."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import check
from .codes import classifications
from .errors import YusuanError
from .load import Loader
from .package import PackageWriter, is_table_kind
from .validate import RowCheck, fast, validate


def publish_entries(entries: list, package_dir: Path, database: Path) -> dict:
    """Write, validate and load the documents of entries (build.Entry, in order); return the counts."""
    from .build import recover, swap

    recover(package_dir)
    staging = package_dir.with_name(f".{package_dir.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    kinds = sorted({name for e in entries for name in e.counts if is_table_kind(name)})
    facts = sum(e.counts.get("facts", 0) for e in entries)
    writer = loader = None
    try:
        writer = PackageWriter(staging, kinds)
        loader = Loader(writer.resources, database)
        checker = RowCheck(writer.resources) if fast(facts) else None  # else frictionless, on the files
        codes: dict[tuple, dict] = {}  # (scheme, code, name, table kind) first seen: all classifications need
        findings = 0
        for entry in entries:
            item = entry.load()
            for c in item.codes:
                codes.setdefault((c["scheme"], c["code"], c["name_zh"], c["table_kind"]), c)
            rows = item.rows | {"findings": check.run(item.rows)}
            findings += len(rows["findings"])
            add(rows, writer, loader, checker)
        add({"classifications": classifications(list(codes.values())), "rules": check.catalogue()}, writer, loader, checker)
        descriptor = writer.close([e.document for e in entries])
        problems = checker.finish() if checker else validate(staging)
        if problems:
            raise YusuanError(staging / "datapackage.json", "", f"the package is not valid: {problems[0]}")
        loader.finish(descriptor)
    except BaseException:
        if writer:
            writer.abort()
        if loader:
            loader.abort()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(staging, package_dir)
    return {"documents": len(entries), "facts": facts, "findings": findings}


def add(rows: dict[str, list[dict]], writer: PackageWriter, loader: Loader, checker: RowCheck | None) -> None:
    if checker:
        checker.add(rows)
    writer.add(rows)
    loader.add(rows)
