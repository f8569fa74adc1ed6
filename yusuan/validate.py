"""Validate a data package: with frictionless (the same library as the official CLI: `yusuan validate`, `make
test`), and, in the build, with the same checks made on the rows as they are written (RowCheck), which is faster.

RowCheck makes the checks frictionless makes of a package such as ours: each value's type (integer, number,
year, boolean, date, string) and constraints (required, pattern, enum), blank rows, primary keys (repeated, or
all empty) and foreign keys, compared as typed values as frictionless compares them; the descriptor itself is
validated by frictionless (descriptor_problems: no rows read). It is never laxer than frictionless: where
frictionless reads a value more loosely than our writer writes it (" 12", "1e5", "+1"), the row checks refuse
it. A schema using anything else (another type or format, unique, minimum, missingValues, a dialect…) raises
Unsupported, and the build validates with frictionless instead. tests/test_validate_oracle.py holds the two
verdicts against each other."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from .package import cell


def _frictionless_message(exc: Exception) -> str:
    return "datapackage.json: " + re.sub(r"^\[[\w-]+\]\s*", "", str(exc)).strip()


def validate(package_dir: Path) -> list[str]:
    """Problems frictionless finds in the package, one line each; empty when valid."""
    from frictionless import FrictionlessException, Package, system

    try:
        with system.use_context(trusted=True):
            report = Package(str(package_dir / "datapackage.json")).validate()
    except FrictionlessException as exc:  # a descriptor that cannot be read or is not valid: a problem, not a crash
        return [_frictionless_message(exc)]
    problems = []
    for error in report.errors:
        problems.append(f"datapackage.json: {error.message}")
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            where = f"{task.name}" + (f", row {row}" if row else "")
            problems.append(f"{where}: {error.message}")
    return problems


def descriptor_problems(descriptor: dict, cache: Path | None = None) -> list[str]:
    """What frictionless finds wrong in the descriptor itself (names, profiles, schemas, keys naming fields),
    without reading a row; and a foreign key naming a resource the package does not have.

    With cache (a folder of the build cache), frictionless's verdict is kept there by the digest of what it
    validated (with the code, metadata and libraries that gave it): a build whose descriptor differs from the
    last one's only in its documents' sources gets it without importing frictionless (≈0.4 s). The sources
    are the part left out of what is validated once, and checked each time: frictionless only asks of them
    a list of objects whose title, path and e-mail are strings and whose e-mail is one; any other sources
    (an e-mail, a value not a string) and the whole descriptor goes to frictionless."""
    problems = _frictionless_problems(descriptor, cache)
    names = {r.get("name") for r in descriptor.get("resources", [])}
    for r in descriptor.get("resources", []):
        for fk in r.get("schema", {}).get("foreignKeys", []):
            target = fk["reference"]["resource"]
            if target and target not in names:
                problems.append(f"{r['name']}: foreign key to resource {target!r}, which the package does not have")
    return problems


def _frictionless_problems(descriptor: dict, cache: Path | None) -> list[str]:
    sources = descriptor.get("sources", [])
    plain = isinstance(sources, list) and all(
        isinstance(s, dict) and "email" not in s and all(isinstance(s.get(k, ""), str) for k in ("title", "path"))
        for s in sources)
    if cache is None or not plain:
        return _metadata_validate(descriptor)
    validated = descriptor | {"sources": []} if "sources" in descriptor else descriptor  # the same verdict
    verdict = cache / f"{_verdict_key(validated)}.descriptor.json"
    try:
        return json.loads(verdict.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    problems = _metadata_validate(validated)
    temporary = verdict.with_name(f".{verdict.name}.{os.getpid()}.tmp")
    try:  # a verdict that cannot be kept is made again next time
        cache.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(problems, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, verdict)
    except OSError:
        temporary.unlink(missing_ok=True)
    return problems


def _verdict_key(validated: dict) -> str:
    """The cache file stem of a verdict: our code and metadata (corpus.fingerprint, which cache.prune keeps),
    then the digest of the descriptor validated, Python's version and every library installed beside
    frictionless (their versions are in their dist-info folders' names)."""
    from importlib.util import find_spec

    from .corpus import fingerprint

    site = Path(find_spec("frictionless").origin).parent.parent
    libraries = sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))
    digest = hashlib.sha256(json.dumps([validated, sys.version, libraries], ensure_ascii=False).encode())
    return f"{fingerprint()}-{digest.hexdigest()[:32]}"


def _metadata_validate(descriptor: dict) -> list[str]:
    from frictionless import FrictionlessException, Package

    try:
        return [f"datapackage.json: {e.message}" for e in Package.metadata_validate(descriptor)]
    except FrictionlessException as exc:
        return [_frictionless_message(exc)]


def check_rows(descriptor: dict, rows: dict[str, list[dict]]) -> list[str]:
    """The checks frictionless makes of the rows of this package, made on the rows before they are written."""
    checker = RowCheck(descriptor["resources"])
    checker.add(rows)
    return checker.finish()


class Unsupported(Exception):
    """The schema uses something the row checks do not check: frictionless must validate this package."""


_TYPES = {
    "string": None,
    "integer": r"^-?\d+$",
    "year": r"^\d{4}$",
    "number": r"^-?(\d+(\.\d+)?|\.\d+)$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
}
_FIELD_KEYS = {"name", "type", "title", "title_zh", "title_en", "description", "description_zh", "description_en",
               "constraints", "bareNumber", "trueValues", "falseValues", "columnType", "format", "example", "rdfType"}
_RESOURCE_KEYS = {"name", "path", "profile", "title", "title_zh", "title_en", "description", "description_zh",
                  "description_en", "format", "mediatype", "encoding", "schema", "fiscal", "sources", "licenses"}
_DEFAULT_TRUE, _DEFAULT_FALSE = ["true", "True", "TRUE", "1"], ["false", "False", "FALSE", "0"]


def supported(resources: list[dict]) -> None:
    """Raise Unsupported when a resource's schema uses what the row checks do not check."""
    for r in resources:
        schema = r.get("schema", {})
        extra = set(r) - _RESOURCE_KEYS or set(schema) - {"fields", "primaryKey", "foreignKeys"}
        if extra or r.get("format", "csv") != "csv" or r.get("encoding", "utf-8").lower() not in ("utf-8", "utf8"):
            raise Unsupported(f"{r.get('name')}: {sorted(extra) or r.get('format') or r.get('encoding')}")
        for f in schema.get("fields", []):
            constraints = f.get("constraints", {})
            if (set(f) - _FIELD_KEYS or f.get("type") not in (*_TYPES, "boolean")
                    or f.get("format", "default") != "default" or f.get("bareNumber", True) is not True
                    or set(constraints) - {"required", "pattern", "enum"}
                    or (("enum" in constraints or "pattern" in constraints) and f["type"] != "string")):
                raise Unsupported(f"{r.get('name')}.{f.get('name')}")


class RowCheck:
    """check_rows made a batch of rows at a time (a corpus build gives one document's rows at a time).

    Only keys are kept: every key of a resource that a foreign key references, and, for other resources,
    the primary keys of the current first key part (the document) and the first parts already done (rows
    come grouped by document). Each check reports its first bad row, in the order check_rows always gave."""

    def __init__(self, resources: list[dict]):
        supported(resources)
        self.resources = resources
        self.numbers = {r["name"]: 1 for r in resources}  # CSV line of the last row seen (header is line 1)
        self.found: dict[tuple, str] = {}  # place in the report -> problem
        self.types = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in resources}
        self.plans = {r["name"]: [(f, *plan(f)) for f in r["schema"]["fields"]] for r in resources}
        referenced = {(fk["reference"]["resource"] or r["name"], tuple(fk["reference"]["fields"]))
                      for r in resources for fk in r["schema"].get("foreignKeys", [])}
        self.targets: dict[tuple, set] = {ref: set() for ref in referenced}
        self.primary = {r["name"]: Keys() for r in resources if r["schema"].get("primaryKey")}
        self.missing: dict[tuple, dict] = {}  # foreign key not (yet) found -> first CSV line

    def key(self, name: str, fields) -> callable:
        """The function giving a row's key as frictionless compares it: typed values, None where empty."""
        parts = [(k, _typed(self.types[name][k]) if k in self.types[name] else _as_text) for k in fields]
        if len(parts) == 1:
            (k, typed), = parts
            return lambda row: (typed(row.get(k)),)
        return lambda row: tuple([typed(row.get(k)) for k, typed in parts])

    def add(self, rows: dict[str, list[dict]], values: bool = True) -> None:
        """Check a batch of rows; with values False only their keys (their values were checked alone)."""
        for order, resource in enumerate(self.resources):
            name, schema = resource["name"], resource["schema"]
            records = rows.get(name, [])
            if not records:
                continue
            start = self.numbers[name] + 1
            columns = []
            for position, (f, tests, enum) in enumerate(self.plans[name] if values else ()):
                column = [cell(r.get(f["name"])) for r in records]
                columns.append(column)
                self.fields(order, position, name, f, tests, enum, column, start)
            if values and (order, 0, -1) not in self.found:
                blank = next((i for i, row in enumerate(zip(*columns)) if not any(row)), None)
                if blank is not None:
                    self.found[(order, 0, -1)] = f"{name}, row {start + blank}: blank row (every cell empty)"
            for (target, fields), keys in self.targets.items():
                if target == name:
                    key = self.key(name, fields)
                    keys.update(key(r) for r in records)
            primary = schema.get("primaryKey", [])
            if primary and (order, 1) not in self.found:
                key = self.key(name, primary)
                for number, r in enumerate(records, start=start):
                    k = key(r)
                    if all(v is None for v in k):
                        self.found[(order, 1)] = f"{name}, row {number}: primary key {k} is empty"
                        break
                    if not self.primary[name].add(k):
                        self.found[(order, 1)] = f"{name}, row {number}: primary key {tuple('' if v is None else str(v) for v in k)} repeated"
                        break
            self.numbers[name] += len(records)
        for order, resource in enumerate(self.resources):
            records = rows.get(resource["name"], [])
            start = self.numbers[resource["name"]] - len(records) + 1
            for n, fk in enumerate(resource["schema"].get("foreignKeys", [])):
                ref = (fk["reference"]["resource"] or resource["name"], tuple(fk["reference"]["fields"]))
                wanted, missing = self.targets[ref], self.missing.setdefault((order, n), {})
                key = self.key(resource["name"], fk["fields"])
                for number, row in enumerate(records, start=start):
                    k = key(row)
                    if k not in wanted and any(v is not None for v in k):
                        missing.setdefault(k, number)

    def fields(self, order: int, position: int, name: str, f: dict, tests: list, enum: set, values: list[str],
               start: int) -> None:
        present = [v for v in values if v != ""]
        if f.get("constraints", {}).get("required") and len(present) < len(values):
            place = (order, 0, position, -1)
            if place not in self.found:
                bad = values.index("")
                self.found[place] = f"{name}, row {bad + start}: field {f['name']} is required, and empty"
        if not present:
            return
        joined = "\n".join(present)
        lines = joined.count("\n") == len(present) - 1  # no value holds a line break: one match for the column
        for number, (test, all_of) in enumerate(tests):
            place = (order, 0, position, number)
            if place not in self.found and not (lines and all_of is not None and all_of.fullmatch(joined)):
                bad = next((i for i, v in enumerate(values) if v != "" and not test(v)), None)
                if bad is not None:
                    self.found[place] = f"{name}, row {bad + start}: value {values[bad]!r} of field {f['name']} does not fit the schema"
        place = (order, 0, position, 9)
        if enum and place not in self.found and not set(present) <= enum:
            bad = next(i for i, v in enumerate(values) if v != "" and v not in enum)
            self.found[place] = f"{name}, row {bad + start}: value {values[bad]!r} of field {f['name']} is not one of {sorted(enum)}"

    def finish(self) -> list[str]:
        """Every problem found, foreign keys checked against all rows given."""
        for (order, n), missing in self.missing.items():
            resource = self.resources[order]
            fk = resource["schema"]["foreignKeys"][n]
            target = fk["reference"]["resource"] or resource["name"]
            wanted = self.targets[(target, tuple(fk["reference"]["fields"]))]
            still = sorted((number, key) for key, number in missing.items() if key not in wanted)
            if still:
                number, key = still[0]
                shown = tuple("" if v is None else str(v) for v in key)
                self.found[(len(self.resources) + order, n)] = f"{resource['name']}, row {number}: foreign key {shown} not in {target}"
        return [self.found[place] for place in sorted(self.found)]


def _text(value: str):
    return None if value == "" else value


def _as_text(value: object):
    """_text(cell(value)), without the calls for a string."""
    if type(value) is str:
        return value or None
    return None if value is None else _text(cell(value))


def _typed(f: dict):
    """A row's value (as given, not yet written) as frictionless compares the CSV cell written from it."""
    cast = _cast(f)
    if cast is _text:
        return _as_text
    if f["type"] in ("integer", "year"):
        return lambda value: value if type(value) is int else cast(cell(value))
    return lambda value: cast(cell(value))


def _cast(f: dict):
    """A key part's value as frictionless compares it (an integer as an int, a number as a Decimal…); a value
    that is not of its type is compared as written (its type error is reported anyway)."""
    kind = f["type"]
    if kind in ("integer", "year"):
        convert = int
    elif kind == "number":
        convert = Decimal
    elif kind == "boolean":
        truth = {v: True for v in f.get("trueValues", _DEFAULT_TRUE)} | {v: False for v in f.get("falseValues", _DEFAULT_FALSE)}
        convert = truth.__getitem__
    else:
        return _text

    def cast(value: str):
        if value == "":
            return None
        try:
            return convert(value)
        except (ValueError, KeyError, InvalidOperation):
            return value
    return cast


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> tuple:
    """A value's test, and the pattern of every value joined by newlines (one match for a column)."""
    one = pattern.strip("^$")
    return re.compile(pattern).fullmatch, re.compile(f"(?:{one})(?:\n(?:{one}))*")


def _date(value: str) -> bool:
    try:
        datetime.strptime(value, "%Y-%m-%d")  # frictionless's own reading of a date (format "default")
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


def plan(f: dict) -> tuple[list[tuple], set]:
    """A field's tests (its type's, its own pattern's), each a (test of one value, pattern of the joined
    column or None), and its enum."""
    constraints = f.get("constraints", {})
    tests = []
    if f["type"] == "boolean":
        words = [*f.get("trueValues", _DEFAULT_TRUE), *f.get("falseValues", _DEFAULT_FALSE)]
        tests.append(_compiled("^(" + "|".join(re.escape(w) for w in words) + ")$"))
    elif f["type"] == "date":
        tests.append((_date, None))
    elif _TYPES.get(f["type"]):
        tests.append(_compiled(_TYPES[f["type"]]))
    if constraints.get("pattern"):
        tests.append(_compiled(constraints["pattern"]))
    return tests, set(constraints.get("enum", []))


class Keys:
    """Primary keys seen, grouped by their first part: only the current group's keys are kept, and the
    first parts of the groups done. add() is False for a key seen before, or whose group was done before."""

    def __init__(self):
        self.group: object = None
        self.keys: set = set()
        self.done: set = set()

    def add(self, key: tuple) -> bool:
        if key[0] != self.group:
            if key[0] in self.done:
                return False
            if self.group is not None:
                self.done.add(self.group)
            self.group, self.keys = key[0], set()
        if key in self.keys:
            return False
        self.keys.add(key)
        return True
