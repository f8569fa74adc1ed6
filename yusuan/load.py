"""Load the data package into SQLite with sqlite-utils: same tables, keys, indexes, views; atomically."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import sqlite_utils

from .knowledge import load as metadata
from .search import index

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "NUMERIC", "boolean": "INTEGER", "date": "TEXT", "year": "INTEGER"}


def convert(value: object, type_: str) -> object:
    """A CSV/record value as the SQLite value: exact numbers stay exact (integer when whole)."""
    if value is None or value == "":
        return None
    if type_ == "number":  # exact digits as written by the package stage ("5258100", "525.81")
        text = str(value)
        if "." not in text and "e" not in text.lower():
            return int(text)
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else float(text)
    if type_ in ("integer", "year"):
        return int(value)
    if type_ == "boolean":
        return 1 if value in (True, "true") else 0
    return str(value)


def create(db: sqlite_utils.Database, resource: dict) -> None:
    schema = resource["schema"]
    columns = ",\n  ".join(f"[{f['name']}] {SQL_TYPES[f['type']]}" for f in schema["fields"])
    constraints = ""
    if schema.get("primaryKey"):
        constraints += ",\n  PRIMARY KEY (" + ", ".join(f"[{k}]" for k in schema["primaryKey"]) + ")"
    for fk in schema.get("foreignKeys", []):
        other = fk["reference"]["resource"] or resource["name"]
        constraints += (
            f",\n  FOREIGN KEY (" + ", ".join(f"[{k}]" for k in fk["fields"]) + f") REFERENCES [{other}] ("
            + ", ".join(f"[{k}]" for k in fk["reference"]["fields"]) + ")"
        )
    db.execute(f"CREATE TABLE [{resource['name']}] (\n  {columns}{constraints}\n)")
    for f in schema["fields"]:
        if f["name"] in ("code", "document_id", "table_kind", "measure", "scheme", "parent_code"):
            db[resource["name"]].create_index([f["name"]], if_not_exists=True)


def _text(value: object) -> object:
    return None if value is None or value == "" else str(value)


def _whole(value: object) -> object:
    return value if type(value) is int else convert(value, "integer")


def converter(type_: str):
    """convert(value, type_) as a function of the value alone (the type's branch chosen once per column)."""
    if type_ in ("string", "date"):
        return _text
    if type_ in ("integer", "year"):
        return _whole
    return lambda value: convert(value, type_)


def insert(db: sqlite_utils.Database, resource: dict, records: list[dict]) -> None:
    """Insert the rows with one prepared statement (sqlite-utils' insert_all inspects every value: slow)."""
    fields = resource["schema"]["fields"]
    names = ", ".join(f"[{f['name']}]" for f in fields)
    marks = ", ".join("?" for _ in fields)
    plan = [(f["name"], converter(f["type"])) for f in fields]
    db.conn.executemany(
        f"INSERT INTO [{resource['name']}] ({names}) VALUES ({marks})",
        ([to(r.get(name)) for name, to in plan] for r in records),
    )


def load_package(descriptor: dict, rows: dict[str, list[dict]], target: Path) -> None:
    """Build the database at target from the package's descriptor and rows, via a temporary file."""
    loader = Loader(descriptor["resources"], target)
    try:
        loader.add(rows)
        loader.finish(descriptor)
    except BaseException:
        loader.abort()
        raise


# an index of the facts of each printed table by side and code: the views look up the other rows of a row's table
# (leaf_facts: a longer code of the same table; the materialized views: its rows of other measures) and would
# otherwise scan every document's facts of one measure (34 s to materialize the views of a 135-document corpus,
# growing with its square; 122 s to count leaf_facts)
TABLE_INDEX = "idx_facts_table_code"


class Loader:
    """The database built a batch of rows at a time in a temporary file (one transaction), then views,
    search indexes and checks, and only then renamed to the target (finish) or removed (abort)."""

    def __init__(self, resources: list[dict], target: Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        self.resources, self.target = resources, target
        self.temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        self.temporary.unlink(missing_ok=True)
        self.db = sqlite_utils.Database(self.temporary)
        try:
            with self.db.conn:  # one transaction: each statement on its own would be synced to disk alone
                self.db.conn.execute("BEGIN")
                for resource in resources:
                    create(self.db, resource)
        except BaseException:
            self.abort()
            raise

    def add(self, rows: dict[str, list[dict]]) -> None:
        for resource in self.resources:
            records = rows.get(resource["name"])
            if records:
                insert(self.db, resource, records)

    @contextmanager
    def document(self):
        """Rows added inside are one document's: all of them stay, or (on an exception) none."""
        conn = self.db.conn
        if not conn.in_transaction:
            conn.execute("BEGIN")
        conn.execute("SAVEPOINT document")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO document")
            conn.execute("RELEASE document")
            raise
        conn.execute("RELEASE document")

    def finish(self, descriptor: dict) -> None:
        """Seal the database and put it (and its descriptor copy) in place."""
        for staged, target in self.seal(descriptor):
            os.replace(staged, target)

    def seal(self, descriptor: dict, build: str | None = None) -> list[tuple[Path, Path]]:
        """Views, search indexes, statistics and checks; the build id as PRAGMA user_version; the descriptor
        copy staged beside it. Returns the (staged file, target) pairs a commit renames into place."""
        db, target = self.db, self.target
        with db.conn:
            db.execute(f"CREATE INDEX [{TABLE_INDEX}] ON [facts] (document_id, table_no, table_kind, side, code)")
            for name, view in metadata("views").items():
                if view.get("materialize"):  # computed once here (a window over every document is slow per query)
                    db.execute(f"CREATE TABLE [{name}] AS SELECT * FROM ({view['sql']})")
                    db.execute(f"CREATE INDEX [idx_{name}_document_id] ON [{name}] (document_id)")
                else:
                    db.execute(f"CREATE VIEW [{name}] AS {view['sql']}")
            index(db)
        db.execute("ANALYZE")  # statistics, so SQLite picks the document_id index for one document's rows
        db.execute("PRAGMA foreign_keys = ON")
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign key violations in the database: {problems[:3]}")
        if build:
            db.execute(f"PRAGMA user_version = {int(build, 16)}")
        db.close()
        descriptor_copy = target.with_suffix(".datapackage.json")
        staged = descriptor_copy.with_name(f".{descriptor_copy.name}.{os.getpid()}.tmp")
        self.staged = staged
        staged.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
        return [(self.temporary, target), (staged, descriptor_copy)]

    def abort(self) -> None:
        try:
            self.db.close()
        finally:
            self.temporary.unlink(missing_ok=True)
            self.temporary.with_name(self.temporary.name + "-journal").unlink(missing_ok=True)
        if getattr(self, "staged", None):
            self.staged.unlink(missing_ok=True)


def read_descriptor(package_dir: Path) -> dict:
    return json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
