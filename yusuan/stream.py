"""Publish a corpus one document at a time: memory stays flat in the number of documents, and a document that
fails a step fails alone (yusuan.isolation), named with the step; the others are published.

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
from .corpus import CACHE
from .errors import YusuanError
from .load import Loader
from . import outputs
from .package import PackageWriter, is_table_kind
from .progress import timed
from .isolation import StageError, stage, timeout
from .validate import RowCheck, Unsupported, check_rows, descriptor_problems, validate


def publish_entries(entries: list, package_dir: Path, database: Path, stamp: str | None = None,
                    failures: list | None = None, sources: dict | None = None, cache: Path | None = CACHE) -> dict:
    """Write, validate and load the documents of entries (build.Entry, in order), commit package and database
    together (with the build stamp, when given); return the counts. The verdict on the descriptor is kept in
    the folder cache (validate.descriptor_problems; None: asked of frictionless every time).

    Each document goes through its stages alone (its extraction loaded, its classifications, its audit, its
    rows checked against the schema, written, loaded): one that fails a stage is not published, its StageError
    is appended to failures, and the others are. A problem the whole package's validation finds in a
    document's rows fails that document the same way (the package is written again without it). Nothing is
    published when no document is left (the first failure is raised)."""
    failures = [] if failures is None else failures
    entries = list(entries)
    while True:
        try:
            return _publish(entries, package_dir, database, stamp, failures, sources, cache)
        except Blamed as blamed:  # found in the whole package, traced to one document: again without it
            left = [e for e in entries if e is not blamed.entry]
            if len(left) == len(entries):
                raise YusuanError(package_dir, "", f"the package would not be valid: {blamed.error.message}") from None
            failures.append(blamed.error)
            entries, stamp = left, None


class Blamed(Exception):
    """A problem of the whole package traced to one document's rows."""

    def __init__(self, entry, error: StageError):
        super().__init__(str(error))
        self.entry, self.error = entry, error


def _publish(entries: list, package_dir: Path, database: Path, stamp: str | None, failures: list,
             sources: dict | None = None, cache: Path | None = None) -> dict:
    from .build import recover

    recover(package_dir)
    staging = outputs.staging_for(package_dir)
    shutil.rmtree(staging, ignore_errors=True)
    kinds = sorted({name for e in entries for name in e.counts if is_table_kind(name)})
    writer = loader = None
    stamp_staged = outputs.temporary(outputs.stamp_file(database))
    seconds = timeout()
    try:
        writer = PackageWriter(staging, kinds)
        loader = Loader(writer.resources, database)
        checker = checked(writer.resources)
        codes: dict[tuple, dict] = {}  # (scheme, code, name, table kind) first seen: all classifications need
        findings = facts = 0
        published: list = []
        spans: dict[str, list[tuple[int, object]]] = {}  # resource -> (last CSV line of a document, its entry)
        for entry in entries:
            try:
                item, rows = document_rows(entry, writer.resources, seconds)
                source = entry.source
                with stage(source, "package", seconds), timed("package"):
                    lines = writer.render(rows)
                with stage(source, "load", seconds), loader.document(), timed("load"):
                    loader.add(rows)
            except StageError as exc:
                failures.append(exc)
                stamp = None
                continue
            with timed("package"):
                writer.write(lines)
            if checker:
                with timed("validation"):
                    checker.add(rows, values=False)  # document_rows checked its values; across documents: keys
            for c in item.codes:
                codes.setdefault((c.get("scheme"), c.get("code"), c.get("name_zh"), c.get("table_kind")), c)
            for name, records in rows.items():
                if records:
                    last = spans.setdefault(name, [])
                    last.append(((last[-1][0] if last else 1) + len(records), entry))
            findings += len(rows["findings"])
            facts += len(rows.get("facts", ()))
            published.append(entry)
        if not published:
            raise failures[-1] if failures else YusuanError(package_dir, "", "no document to publish")
        add({"classifications": classifications(list(codes.values())), "rules": check.catalogue()}, writer, loader, checker)
        descriptor = writer.close([e.document for e in published])
        with timed("validation"):
            problems = descriptor_problems(descriptor, cache) + checker.finish() if checker else validate(staging)
        if problems:
            entry = blame(problems[0], spans)
            if entry is not None:
                raise Blamed(entry, StageError(entry.source, "validation",
                                               f"its rows would make the package not valid: {problems[0]}"))
            raise YusuanError(package_dir, "", f"the package would not be valid: {problems[0]}")
        build = outputs.content_id(staging)
        descriptor[outputs.BUILD_KEY] = build
        (staging / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        with timed("load"):
            files = loader.seal(descriptor, build)
        counts = {"documents": len(published), "facts": facts, "findings": findings}
        if stamp is not None:
            made = [(database.name, loader.temporary), *((p.name, p) for p in sorted(staging.glob("*")))]
            record = {"stamp": stamp, "counts": counts, "build": build,
                      "refused": [[f.path, f.place, f.message] for f in failures],
                      "outputs": [[name, f.stat().st_size, f.stat().st_mtime_ns] for name, f in made if f.is_file()],
                      "sources": sources or {}}
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


def checked(resources: list[dict]) -> RowCheck | None:
    """The row checks of the package being written (frictionless's checks made as rows are written), or None
    when its schema uses what they do not check: frictionless then validates the written package."""
    try:
        return RowCheck(resources)
    except Unsupported:
        return None


def document_rows(entry, resources: list[dict] | None, seconds: float | None = None) -> tuple:
    """One document's Extracted and the rows it publishes (its findings added), each stage isolated: its
    extraction loaded, its classifications, its audit and, given the package's resources, its rows checked
    against the schema (types, keys) before anything is written. StageError names the file and the stage."""
    source = entry.source
    with stage(source, "loading its extraction", seconds), timed("cache"):
        item = entry.load()
    with stage(source, "classifications", seconds):
        own = classifications(item.codes)
    with stage(source, "audit", seconds), timed("audit"):
        rows = item.rows | {"findings": check.run(item.rows)}
    if resources is not None:
        with stage(source, "validation", seconds), timed("validation"):
            try:
                problems = check_rows({"resources": resources}, rows | {"classifications": own})
            except Unsupported:  # frictionless validates the whole package
                problems = []
        if problems:
            raise StageError(source, "validation", f"its rows would make the package not valid: {problems[0]}")
    return item, rows


def blame(problem: str, spans: dict[str, list[tuple[int, object]]]):
    """The document whose rows hold the CSV line a validation problem names ("facts, row 12: …"), or None."""
    import re

    found = re.match(r"^(\w+), row (\d+)\b", problem)
    if not found:
        return None
    line = int(found[2])
    return next((entry for last, entry in spans.get(found[1], []) if line <= last), None)


def add(rows: dict[str, list[dict]], writer: PackageWriter, loader: Loader, checker: RowCheck | None) -> None:
    if checker:
        checker.add(rows)
    writer.add(rows)
    loader.add(rows)
