"""Publish a corpus one document at a time: memory stays flat in the number of documents.

In document_id order, each document's Extracted is loaded (from the cache), audited alone (every rule reads
one document), appended to the package's CSV files, checked and inserted into the database, then dropped.
The classifications (from every document's codes) and the rule catalogue come last. Everything is written in
a staging folder and a temporary database (names unique to this build), validated, stamped with one build
id, then committed together (yusuan.outputs.commit: the reader sees the old pair or the new pair)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import check
from .codes import classifications
from .errors import YusuanError
from .load import Loader
from . import outputs
from .package import PackageWriter, is_table_kind
from .validate import RowCheck, fast, validate


def publish_entries(entries: list, package_dir: Path, database: Path, stamp: str | None = None) -> dict:
    """Write, validate and load the documents of entries (build.Entry, in order), commit package and database
    together (with the build stamp, when given); return the counts."""
    from .build import recover

    recover(package_dir)
    staging = outputs.staging_for(package_dir)
    shutil.rmtree(staging, ignore_errors=True)
    kinds = sorted({name for e in entries for name in e.counts if is_table_kind(name)})
    facts = sum(e.counts.get("facts", 0) for e in entries)
    writer = loader = None
    stamp_staged = outputs.temporary(outputs.stamp_file(database))
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
        build = outputs.content_id(staging)
        descriptor[outputs.BUILD_KEY] = build
        (staging / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        files = loader.seal(descriptor, build)
        counts = {"documents": len(entries), "facts": facts, "findings": findings}
        if stamp is not None:
            made = [(database.name, loader.temporary), *((p.name, p) for p in sorted(staging.glob("*")))]
            record = {"stamp": stamp, "counts": counts, "build": build,
                      "outputs": [[name, f.stat().st_size, f.stat().st_mtime_ns] for name, f in made if f.is_file()]}
            stamp_staged.write_text(json.dumps(record), encoding="utf-8")
            files.append((stamp_staged, outputs.stamp_file(database)))
        else:
            outputs.stamp_file(database).unlink(missing_ok=True)
        outputs.commit(build, staging, package_dir, files, database)
    except BaseException:
        if outputs.journal_for(database).is_file():  # committed: a later build or reader finishes it
            raise
        for undo in (writer and writer.abort, loader and loader.abort):
            try:
                if undo:
                    undo()
            except OSError:  # closing a file on a full disk fails too: what matters is removing it
                pass
        shutil.rmtree(staging, ignore_errors=True)
        stamp_staged.unlink(missing_ok=True)
        raise
    return counts


def add(rows: dict[str, list[dict]], writer: PackageWriter, loader: Loader, checker: RowCheck | None) -> None:
    if checker:
        checker.add(rows)
    writer.add(rows)
    loader.add(rows)
