"""The whole pipeline: read → recognise → normalise → package → validate → load, published atomically."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import check, narrative
from .codes import classifications
from .corpus import CACHE
from . import bodies, pairing
from .describe import describe, identify
from .errors import YusuanError, printable
from .isolation import write_log
from .knowledge import load
from .model import Document, place, place_zh
from .normalise import form_facts, found, normalise
from .privacy import redact
from .progress import timed
from .paths import BUILD, DATABASE, DATAPACKAGE, bundled_sources
from . import outputs as out
from .read import READERS, read
from .recognise import recognise
from .stream import publish_entries


@dataclass
class Extracted:
    """Everything one document gives, as rows per resource."""

    document: dict
    rows: dict[str, list[dict]]
    codes: list[dict]
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    documents: list[dict] = field(default_factory=list)
    failures: list[YusuanError] = field(default_factory=list)  # one per source that failed
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    unchanged: bool = False  # nothing changed since the last build: nothing was redone
    changed: list[Path] = field(default_factory=list)  # sources edited while this build read them
    counts: dict = field(default_factory=dict)
    digests: dict = field(default_factory=dict)  # every source's hash, of the bytes this build read
    stats: dict = field(default_factory=dict)  # every source's signature (stat) taken before those bytes were read


def expand(sources: list[str] | None, notes: list[str] | None = None) -> list[Path]:
    """Files, folders (searched for readable files) and globs, in a stable order; bundled sample if none. A file
    of a folder that is a link to somewhere outside the folder is not read; a line for `notes` says so."""
    if not sources:
        return bundled_sources()
    paths: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            inside = os.path.realpath(path)
            for p in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS):
                target = os.path.realpath(p)
                if os.path.commonpath([inside, target]) != inside:
                    if notes is not None:
                        notes.append(f"{printable(str(p))}: a link to {printable(target)}, outside {printable(str(path))}; "
                                     "not read (name it to read it)")
                    continue
                paths.append(p)
        elif any(ch in source for ch in "*?[") and not path.exists():
            paths += sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        else:
            paths.append(path)
    return paths


def extract(path: Path, encoding: str | None = None, keep_personal: bool = False) -> Extracted:
    """One source file through read, redact, recognise, normalise and the narrative."""
    with timed("read"):
        document = read(path, encoding, cover=lambda blocks: _refuse_early(path, blocks, keep_personal))
    with timed("recognise"):
        redactions = redact(document, keep=keep_personal)
        tables, warnings = screen(path, recognise(document))
        title = identify(document, tables)  # a file whose title says it is something else is refused here
        has_tables = any(t.kind and t.columns and t.status != "not_read" for t in tables)
        if not has_tables and not title.narrative:
            raise YusuanError(path, "whole document", "no budget table recognised (is this a budget disclosure?)")
        info = describe(document, tables, title)
        normalised = normalise(document, info["document_id"], tables)
    rows = {"documents": [info], "facts": normalised.facts, "tables": normalised.found} | normalised.tables
    with timed("narrative"):
        narrated = _narrative(document, tables, info, normalised.codes)
    for name, records in narrated.items():
        rows.setdefault(name, []).extend(records)
    units = {t.unit for t in tables if t.unit and t.columns}
    for t in tables:  # a form the narrative cannot read: its amounts are still facts
        if t.kind and t.status == "not_read" and not t.columns and load("tables")["kinds"][t.kind].get("narrative"):
            rows["facts"].extend(form_facts(info["document_id"], t, units))
    rows["tables"] = found(info["document_id"], tables)
    pairing.contents(path, info, rows, has_tables)  # a narrative-only file: its statements, or refused
    notes = [
        {"document_id": info["document_id"], "table_seq": t.seq, "table_no": t.table_no, "table_kind": t.kind, "note_no": n, "page": page,
         "line": line, "text": text}
        for t in tables if t.kind and t.columns for n, (line, text, page) in enumerate(t.notes, start=1)
    ]
    if notes:
        rows["table_notes"] = notes
    if redactions:
        rows["redactions"] = [r | {"document_id": info["document_id"]} for r in redactions]
    return Extracted(document=info, rows=rows, codes=normalised.codes, warnings=warnings)


def _refuse_early(path: Path, blocks: list, keep_personal: bool) -> None:
    """A file whose first page says it is not a disclosure (a notice, a circular …) refused as soon as that page
    is read for good, with the answer `identify` gives once it is all read (the same cover lines, redacted the
    same way): a folder of downloads holds many such files, each read whole before."""
    first = Document(path=path, sha256="", encoding="utf-8", blocks=blocks)
    redact(first, keep=keep_personal)
    identify(first, [])


def _narrative(document, tables: list, info: dict, codes: list) -> dict:
    """The narrative rows; a table the narrative cannot read is marked not_read (the reason is the error)
    and the narrative is read without it, so one table never stops the document."""
    tables = list(tables)
    while True:
        try:
            return narrative.extract(document, tables, info, codes)
        except YusuanError as exc:
            culprit = next((t for t in tables if exc.place.startswith(t.place)), None)
            if culprit is None:
                raise
            culprit.fail("not_read", f"说明部分无法读取此表：{exc.message}", f"the narrative stage cannot read this table: {exc.message}")
            tables.remove(culprit)


def screen(path: Path, tables: list) -> tuple[list, list[str]]:
    """Tables worth normalising, each with its status: an unrecognised table is said so (a warning; its
    amounts are still read), a table printed twice identically is read once, a second table of the same
    kind and number with other contents is not read (the reason says so)."""
    kept, warnings, seen = [], [], {}
    for table in tables:
        if table.kind is None:
            first = next((c.clean for row in table.table.rows for c in row if c.clean), "")
            warnings.append(f"{path}: table at {place(table.table.page, table.table.line)} ({first[:30]!r}) not recognised"
                            + (", amounts read by their headers" if table.columns else ", skipped"))
        elif table.columns and table.table_no is not None:
            key = (table.kind, table.table_no)
            content = [[c.clean for c in row] for row in table.body]
            if key in seen:
                other, other_content = seen[key]
                if content == other_content:
                    warnings.append(f"{path}: {table.place} printed twice (also at {place(other.table.page, other.table.line)}); read once")
                    table.columns = []
                    table.fail("not_read", f"与{place_zh(other.table.page, other.table.line)}的表相同（重复印刷），只读一次",
                               f"printed twice identically (also at {place(other.table.page, other.table.line)}); read once")
                elif len(table.columns) < len(other.columns) and table.unit in (None, other.unit):
                    warnings.append(f"{path}: {table.place}: the last columns of the table at {place(other.table.page, other.table.line)} "
                                    f"printed apart; not joined, not read")
                    table.columns = []
                    table.fail("not_read", f"{place_zh(other.table.page, other.table.line)}所在表的其余各列另印一块（无行名称，无法与各行对应），未读",
                               f"the remaining columns of the table at {place(other.table.page, other.table.line)}, printed apart without the "
                               f"row labels (they cannot be matched to its rows); not read")
                else:
                    warnings.append(f"{path}: {table.place} printed twice with different contents (also at line "
                                    f"{other.table.line}); the second not read")
                    table.columns = []
                    table.fail("not_read", f"同一表号再次印刷而内容不同（另见{place_zh(other.table.page, other.table.line)}），未读",
                               f"printed twice with different contents (also at {place(other.table.page, other.table.line)}); not read")
            else:
                seen[key] = (table, content)
        kept.append(table)
    return kept, warnings


@dataclass
class Entry:
    """One extracted document as a corpus build keeps it in memory: its documents row, the rows it has per
    resource, its warnings, and where its Extracted is (a cache file, or here when it may not be cached)."""

    document: dict
    counts: dict[str, int]
    warnings: list[str]
    cached: Path | None = None
    extracted: Extracted | None = None
    fresh: bool = False  # extracted (and cached) by this build
    path: str | None = None  # the source as given to this build (failures name it)

    @property
    def document_id(self) -> str:
        return self.document["document_id"]

    @property
    def source(self) -> str:
        return getattr(self, "path", None) or self.document.get("source_file") or self.document_id

    def load(self) -> Extracted:
        from .corpus import load_file

        item = self.extracted or load_file(self.cached)
        if item is None:
            raise YusuanError(self.source, "", f"cached extraction lost: {self.cached}")
        return item


def summarise(item: Extracted) -> Entry:
    return Entry(item.document, {name: len(records) for name, records in item.rows.items()}, item.warnings)


def extract_entry(path: Path, encoding: str | None, keep_personal: bool, options: tuple | None, cache_dir: Path) -> Entry:
    """extract(), stored in the cache (the Entry first, readable alone) unless options is None. The cache key
    comes from the very bytes that were parsed (their hash is the document's source_sha256)."""
    from .corpus import cache_key, store

    item = extract(path, encoding, keep_personal)
    entry = summarise(item)
    entry.fresh, entry.path = True, str(path)
    if options is None:
        entry.extracted = item
    else:
        key = cache_key(item.document["source_sha256"], options)
        try:
            entry.cached = store(key, item, cache_dir, head=entry)
        except OSError as exc:
            raise out.output_error(exc, cache_dir) from None
    return entry


def survey(paths: list[Path], encoding: str | None = None, keep_personal: bool = False,
           workers: int | None = None, progress: bool | None = None, use_cache: bool = True,
           cache_dir: Path | None = None, reuse: bool = True) -> tuple[BuildResult, list[Entry]]:
    """Extract every source (cached by content hash, in parallel); one Entry per distinct document, in
    document_id order, the Extracted kept on disk (in memory with keep_personal or without the cache).
    With reuse False (--force) no cache entry is read; a cache entry that does not match its key is discarded."""
    from .corpus import CACHE, cache_key, load_cached, prune, run_all, source_digest
    from .progress import Progress

    cache_dir = cache_dir or CACHE
    use_cache = use_cache and not keep_personal  # personal details are never written to disk by the cache
    if use_cache:
        prune(cache_dir)
    result = BuildResult()
    seen: dict[str, Path] = {}
    todo: list[tuple[Path, str | None, tuple | None]] = []
    digests: dict[Path, str | None] = {}
    result.digests = digests
    for path in paths:
        result.stats[path] = signature(path)  # before the bytes are read: a later edit changes it
        with timed("hashing sources"):
            digest = source_digest(path)
        digests[path] = digest
        if digest and digest in seen:
            result.duplicates.append(f"{path}: the same document as {seen[digest]}, skipped")
            continue
        if digest:
            seen[digest] = path
        sidecar = source_digest(path.with_name(path.name + ".url"))  # the original's address (describe.source_url)
        options = (encoding, keep_personal, path.name, sidecar, bodies.digest())  # a cached extraction is keyed by all it reads
        todo.append((path, digest, options if use_cache else None))
    bar = Progress(len(todo), progress)
    entries: list[Entry] = []
    jobs, parsed = [], []
    for path, digest, options in todo:
        key = cache_key(digest, options) if (digest and options and reuse) else None
        entry = load_cached(key, cache_dir, head=True) if key else None
        if isinstance(entry, Entry) and cache_key(entry.document.get("source_sha256", ""), options) != key:
            (cache_dir / f"{key}.pickle").unlink(missing_ok=True)  # not what its key says: never used
            entry = None
        if isinstance(entry, Entry):
            entry.cached, entry.path = cache_dir / f"{key}.pickle", str(path)
            entries.append(entry)
            bar.step()
        else:
            jobs.append((path, encoding, keep_personal, options, cache_dir))
            parsed.append((path, digest))
    with timed("extracting (in the workers)"):
        outcomes = run_all(jobs, extract_entry, workers or os.cpu_count() or 1,
                           lambda r: bar.step(isinstance(r, YusuanError)))
    fatal = next((o for o in outcomes.values() if isinstance(o, out.OutputError)), None)
    if fatal:
        for o in outcomes.values():
            if isinstance(o, Entry) and o.cached:
                o.cached.unlink(missing_ok=True)
        raise fatal
    for i in range(len(jobs)):
        if isinstance(outcomes[i], YusuanError):
            result.failures.append(outcomes[i])
        else:
            entries.append(outcomes[i])
            path, digest = parsed[i]
            if outcomes[i].document["source_sha256"] != digest:
                result.changed.append(path)
                result.warnings.append(f"{path}: changed while it was being read; built from the bytes read, read again next build")
    entries = pairing.pair(entries, result)  # a narrative file and a tables file of one disclosure: one document
    by_id: dict[str, Entry] = {}
    # two files of one document (body, year, phase): the one that gives more facts is kept, whatever the names
    # (a 140-page appendix of project targets must not stand for the whole budget because its name sorts first)
    for entry in sorted(entries, key=lambda e: (e.document_id, -e.counts.get("facts", 0), e.document["source_file"])):
        other = by_id.get(entry.document_id)
        if other:
            result.duplicates.append(f"{entry.document['source_file']}: the same document as {other.document['source_file']} "
                                     f"({entry.document_id}: {entry.counts.get('facts', 0)} facts against "
                                     f"{other.counts.get('facts', 0)}), skipped")
            continue
        by_id[entry.document_id] = entry
    for entry in by_id.values():
        result.warnings.extend(entry.warnings)
    result.documents = [e.document for e in by_id.values()]
    return result, list(by_id.values())


def collect(paths: list[Path], encoding: str | None = None, keep_personal: bool = False,
            workers: int | None = None, progress: bool | None = None, use_cache: bool = True,
            cache_dir: Path | None = None, log: Path | None = None) -> BuildResult:
    """Extract every source, merge all rows in memory (result.rows), run the audit; the tracebacks of
    internal errors go to the folder log (default build/) as yusuan.log."""
    from .isolation import StageError, write_log
    from .stream import document_rows

    result, entries = survey(paths, encoding, keep_personal, workers, progress, use_cache, cache_dir)
    codes, kept = [], []
    for entry in entries:  # each document alone: one that fails a stage is named, the others are audited
        try:
            item, rows = document_rows(entry, None)
        except StageError as exc:
            result.failures.append(exc)
            continue
        kept.append(entry.document)
        codes += item.codes
        for name, records in rows.items():
            result.rows.setdefault(name, []).extend(records)
    result.documents = kept
    result.rows["classifications"] = classifications(codes)
    result.rows.setdefault("findings", [])
    result.rows["rules"] = check.catalogue()
    write_log(log or BUILD, result.failures)
    return result


def swap(staging: Path, package_dir: Path) -> None:
    """Put staging in place of package_dir in one atomic step where the system can (renameat2 exchange),
    else by two renames (recover() undoes a kill between them); the previous package is removed."""
    if package_dir.exists() and out._exchange(staging, package_dir):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = package_dir.with_name(f".{package_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if package_dir.exists():
        package_dir.rename(old)
    staging.rename(package_dir)
    shutil.rmtree(old, ignore_errors=True)


def recover(package_dir: Path) -> None:
    """Put back the previous package if a build was killed between the two renames of swap()."""
    old = package_dir.with_name(f".{package_dir.name}.old")
    if not package_dir.exists() and old.exists():
        old.rename(package_dir)


def stamp(paths: list[Path], package_dir: Path, options: tuple, read: dict | None = None,
          known: dict | None = None, sources: dict | None = None, stats: dict | None = None) -> str:
    """What a build depends on: code, metadata, options, and every source's content (`read`: the hashes of
    the bytes the build read, the stamp it writes; else the files as they are now, to compare).

    Change detection is by content whenever a file's stat changed: a source whose signature (size, mtime_ns,
    inode, device) is the one `known` (the last stamp's "sources") recorded with its hash is not read again;
    any other is hashed. Given `sources`, it is filled with the signatures to record: each taken before the
    bytes hashed were read (`stats` for the sources the build read), and only when trusted (see signature)."""
    from . import corpus

    known = known or {}

    def digest(p: Path, before: list | None = None) -> str | None:
        sig = signature(p) if before is None else before
        if read is not None and p in read:
            value = read[p]
        else:
            last = known.get(str(p))
            value = last[4] if sig is not None and sig[4] and last and last[:4] == sig[:4] else corpus.source_digest(p)
        taken_before = before is not None or read is None or p not in read  # else a stat after the bytes read
        if sources is not None and sig is not None and sig[4] and value is not None and taken_before:
            sources[str(p)] = [*sig[:4], value]
        return value

    from .project import read as project

    stats = stats or {}
    digests = sorted(f"{p}:{digest(p, stats.get(p))}:{digest(p.with_name(p.name + '.url'))}" for p in paths)
    return f"{corpus.fingerprint()}|{options!r}|{package_dir.resolve()}|{bodies.digest()}|{project().digest}|" + "|".join(digests)


RACY = 2_000_000_000  # ns: a file modified this close to when its stat was taken may change again unseen


def signature(path: Path) -> list | None:
    """A file's size, mtime_ns, inode and device, and whether they can be trusted to tell a change: not when
    the file was modified less than RACY before the stat (an edit within the same timestamp tick, of the same
    size, would keep them): such a file is hashed again next time. None when there is no such file."""
    now = time.time_ns()
    try:
        s = path.stat()
    except OSError:
        return None
    return [s.st_size, s.st_mtime_ns, s.st_ino, s.st_dev, s.st_mtime_ns + RACY < now]


def outputs(package_dir: Path, database: Path) -> list:
    """Size and modification time of what a build wrote: a stamp holds only while they are untouched."""
    files = [database, *sorted(package_dir.glob("*"))]
    return [[f.name, f.stat().st_size, f.stat().st_mtime_ns] for f in files if f.is_file()]


def build(sources: list[str] | None = None, package_dir: Path = DATAPACKAGE, database: Path = DATABASE,
          encoding: str | None = None, keep_personal: bool = False, workers: int | None = None,
          progress: bool | None = None, force: bool = False, project: Path | None = None) -> BuildResult:
    """Build the package and the database from the sources; nothing is redone when nothing changed.

    The project folder (its yusuan.toml and list of bodies) is project, else the folder holding package_dir.

    One build at a time per output (a lock); what killed builds left is removed; package and database are
    committed together (yusuan.outputs). An output that cannot be written stops the build with one line
    naming the folder and the cause; what this build wrote is removed, the previous outputs stay whole."""
    package_dir, database = Path(package_dir), Path(database)
    outside: list[str] = []
    paths = expand(sources, outside)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        with out.lock(package_dir, database), bodies.project(Path(project or package_dir.resolve().parent).resolve()):
            out.clean_stale(package_dir, database)
            recover(package_dir)
            result = _build(sources, paths, package_dir, database, encoding, keep_personal, workers, progress, force)
            result.warnings[:0] = outside
            return result
    except OSError as exc:
        raise out.output_error(exc, database.parent) from None
    except sqlite3.OperationalError as exc:  # SQLite's own words for a full disk or a read-only folder
        if "full" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
            cause = "No space left on device" if "full" in str(exc) else str(exc)
            raise out.OutputError(database.parent, "", f"cannot write here ({cause})") from None
        raise


def refusal(failure: YusuanError) -> bool:
    """A file refused for what it holds (not a budget, a scan, damaged…): refused again while it is unchanged."""
    return type(failure) is YusuanError


def _build(sources, paths, package_dir, database, encoding, keep_personal, workers, progress, force) -> BuildResult:
    stamp_file = out.stamp_file(database)
    notes = []
    if not force and package_dir.is_dir() and database.is_file() and stamp_file.is_file():
        try:
            previous = json.loads(stamp_file.read_text(encoding="utf-8"))
            known = previous.get("sources") if isinstance(previous.get("sources"), dict) else None
            current = stamp(paths, package_dir, (encoding, keep_personal), known=known)
            fresh = previous.get("stamp") == current and previous.get("outputs") == outputs(package_dir, database)
        except (ValueError, AttributeError, TypeError, IndexError):
            notes.append(f"{stamp_file}: damaged build stamp, ignored (everything is rebuilt)")
            fresh = False
        if fresh:  # the files refused last time are refused again (the same bytes, code and options)
            refused = [YusuanError(*f) for f in previous.get("refused", [])]
            return BuildResult(unchanged=True, counts=previous["counts"], failures=refused)
    cache_dir = None if "YUSUAN_CACHE" in os.environ else database.parent / "cache" / "extract"
    result, entries = survey(paths, encoding, keep_personal, workers, progress, cache_dir=cache_dir, reuse=not force)
    result.warnings[:0] = notes
    if not entries:
        write_log(database.parent, result.failures)
        if len(result.failures) > 1:
            return result  # nothing to publish (no counts): every failure is told, the previous outputs stay
        if result.failures:
            raise result.failures[0]
        raise YusuanError(", ".join(sources or []) or "sources", "", "no source files found")
    try:
        # stamped when nothing can turn out otherwise next time: no file changed while read, every failure a
        # refusal of the file's content (not a time or memory limit, not an internal error: those are retried)
        whole = not result.changed and all(refusal(f) for f in result.failures)
        failed = len(result.failures)
        sources: dict = {}
        written = stamp(paths, package_dir, (encoding, keep_personal), result.digests, sources=sources,
                        stats=result.stats)  # of the bytes read, with their files' signatures before reading
        with timed("publishing"):
            result.counts = publish_entries(entries, package_dir, database, written if whole else None,
                                            result.failures, sources=sources,
                                            cache=None if keep_personal else cache_dir or CACHE)  # nothing cached of such a build
    except BaseException:
        for entry in entries:
            if entry.fresh and entry.cached:
                entry.cached.unlink(missing_ok=True)  # a disk left full by the cache helps nobody
        write_log(database.parent, result.failures)
        raise
    dropped = {f.path for f in result.failures[failed:]}
    result.documents = [e.document for e in entries if e.source not in dropped]
    write_log(database.parent, result.failures)
    return result
