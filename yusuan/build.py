"""The whole pipeline: read → recognise → normalise → package → validate → load, published atomically."""

from __future__ import annotations

import glob
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import check, narrative
from .codes import classifications
from .describe import describe
from .errors import YusuanError
from .normalise import normalise
from .privacy import redact
from .paths import DATABASE, DATAPACKAGE, bundled_sources
from .read import READERS, read
from .recognise import recognise


@dataclass
class Extracted:
    """Everything one document gives, as rows per resource."""

    document: dict
    rows: dict[str, list[dict]]
    codes: list[dict]


@dataclass
class BuildResult:
    documents: list[dict] = field(default_factory=list)
    failures: list[YusuanError] = field(default_factory=list)  # one per source that failed
    duplicates: list[str] = field(default_factory=list)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    descriptor: dict = field(default_factory=dict)


def expand(sources: list[str] | None) -> list[Path]:
    """Files, folders (searched for readable files) and globs, in a stable order; bundled sample if none."""
    if not sources:
        return bundled_sources()
    paths: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            paths += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS)
        elif any(ch in source for ch in "*?[") and not path.exists():
            paths += sorted(Path(p) for p in glob.glob(source, recursive=True) if Path(p).is_file())
        else:
            paths.append(path)
    return paths


def extract(path: Path, encoding: str | None = None, keep_personal: bool = False) -> Extracted:
    """One source file through read, redact, recognise, normalise and the narrative."""
    document = read(path, encoding)
    redactions = redact(document, keep=keep_personal)
    tables = recognise(document)
    if not any(t.columns for t in tables):
        raise YusuanError(path, "whole document", "no budget table recognised (is this a budget disclosure?)")
    info = describe(document, tables)
    normalised = normalise(document, info["document_id"], tables)
    rows = {"documents": [info], "facts": normalised.facts} | normalised.tables
    for name, records in narrative.extract(document, tables, info).items():
        rows.setdefault(name, []).extend(records)
    if redactions:
        rows["redactions"] = [r | {"document_id": info["document_id"]} for r in redactions]
    return Extracted(document=info, rows=rows, codes=normalised.codes)


def collect(paths: list[Path], encoding: str | None = None, keep_personal: bool = False) -> BuildResult:
    result = BuildResult()
    seen: dict[str, str] = {}
    extracted: list[Extracted] = []
    for path in paths:
        try:
            item = extract(path, encoding, keep_personal)
        except YusuanError as exc:
            result.failures.append(exc)
            continue
        digest = item.document["source_sha256"]
        if digest in seen or item.document["document_id"] in seen.values():
            result.duplicates.append(f"{path}: the same document as {seen.get(digest, item.document['document_id'])}, skipped")
            continue
        seen[digest] = str(path)
        extracted.append(item)
    extracted.sort(key=lambda e: e.document["document_id"])
    for item in extracted:
        for name, records in item.rows.items():
            result.rows.setdefault(name, []).extend(records)
    result.rows["classifications"] = classifications([c for e in extracted for c in e.codes])
    result.documents = [e.document for e in extracted]
    result.rows["findings"] = check.run(result.rows)
    return result


def publish(result: BuildResult, package_dir: Path = DATAPACKAGE, database: Path = DATABASE) -> None:
    """Write the package and the database into temporary places, validate, then swap them in."""
    from .load import load_package
    from .package import write
    from .validate import validate

    recover(package_dir)
    staging = package_dir.with_name(f".{package_dir.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        result.descriptor = write(staging, result.rows, result.documents)
        problems = validate(staging)
        if problems:
            raise YusuanError(staging / "datapackage.json", "", f"the package is not valid: {problems[0]}")
        load_package(result.descriptor, result.rows, database)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(staging, package_dir)


def swap(staging: Path, package_dir: Path) -> None:
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


def build(sources: list[str] | None = None, package_dir: Path = DATAPACKAGE, database: Path = DATABASE,
          encoding: str | None = None, keep_personal: bool = False) -> BuildResult:
    result = collect(expand(sources), encoding, keep_personal)
    if not result.documents:
        if result.failures:
            raise result.failures[0]
        raise YusuanError(", ".join(sources or []) or "sources", "", "no source files found")
    publish(result, package_dir, database)
    return result
