"""Validate a written data package with frictionless (the same library as the official CLI)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


def validate(package_dir: Path) -> list[str]:
    """Problems frictionless finds in the package, one line each; empty when valid."""
    from frictionless import FrictionlessException, Package, system

    try:
        with system.use_context(trusted=True):
            report = Package(str(package_dir / "datapackage.json")).validate()
    except FrictionlessException as exc:  # a descriptor that cannot be read or is not valid: a problem, not a crash
        return ["datapackage.json: " + re.sub(r"^\[[\w-]+\]\s*", "", str(exc)).strip()]
    problems = []
    for error in report.errors:
        problems.append(f"datapackage.json: {error.message}")
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            where = f"{task.name}" + (f", row {row}" if row else "")
            problems.append(f"{where}: {error.message}")
    return problems


FRICTIONLESS_LIMIT = 20000  # rows of facts above which the build checks the rows itself (frictionless is slow)

_TYPES = {
    "integer": r"^-?\d+$",
    "year": r"^\d{4}$",
    "number": r"^-?(\d+(\.\d+)?|\.\d+)$",
    "boolean": r"^(true|false)$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
}


def fast(facts: int) -> bool:
    return facts > FRICTIONLESS_LIMIT


def check_rows(descriptor: dict, rows: dict[str, list[dict]]) -> list[str]:
    """The checks frictionless makes of this package (types, constraints, primary and foreign keys), made on
    the rows before they are written: the same verdict, faster (one regular expression per column).
    `yusuan validate` and `make test` run frictionless itself."""
    checker = RowCheck(descriptor["resources"])
    checker.add(rows)
    return checker.finish()


class RowCheck:
    """check_rows made a batch of rows at a time (a corpus build gives one document's rows at a time).

    Only keys are kept: every key of a resource that a foreign key references, and, for other resources,
    the primary keys of the current first key part (the document) and the first parts already done (rows
    come grouped by document). Each check reports its first bad row, in the order check_rows always gave."""

    def __init__(self, resources: list[dict]):
        self.resources = resources
        self.numbers = {r["name"]: 1 for r in resources}  # CSV line of the last row seen (header is line 1)
        self.found: dict[tuple, str] = {}  # place in the report -> problem
        referenced = {(fk["reference"]["resource"] or r["name"], tuple(fk["reference"]["fields"]))
                      for r in resources for fk in r["schema"].get("foreignKeys", [])}
        self.targets: dict[tuple, set] = {ref: set() for ref in referenced}
        self.primary = {r["name"]: Keys() for r in resources if r["schema"].get("primaryKey")}
        self.missing: dict[tuple, dict] = {}  # foreign key not (yet) found -> first CSV line

    def add(self, rows: dict[str, list[dict]]) -> None:
        from .package import cell

        for order, resource in enumerate(self.resources):
            name, schema = resource["name"], resource["schema"]
            records = rows.get(name, [])
            if not records:
                continue
            start = self.numbers[name] + 1
            for position, f in enumerate(schema["fields"]):
                self.fields(order, position, name, f, [cell(r.get(f["name"])) for r in records], start)
            for (target, fields), keys in self.targets.items():
                if target == name:
                    keys.update(tuple(cell(r.get(k)) for k in fields) for r in records)
            primary = schema.get("primaryKey", [])
            if primary and (order, 1) not in self.found:
                for number, r in enumerate(records, start=start):
                    key = tuple(cell(r.get(k)) for k in primary)
                    if not self.primary[name].add(key):
                        self.found[(order, 1)] = f"{name}, row {number}: primary key {key} repeated"
                        break
            self.numbers[name] += len(records)
        for order, resource in enumerate(self.resources):
            records = rows.get(resource["name"], [])
            start = self.numbers[resource["name"]] - len(records) + 1
            for n, fk in enumerate(resource["schema"].get("foreignKeys", [])):
                ref = (fk["reference"]["resource"] or resource["name"], tuple(fk["reference"]["fields"]))
                wanted, missing = self.targets[ref], self.missing.setdefault((order, n), {})
                for number, row in enumerate(records, start=start):
                    key = tuple(cell(row.get(k)) for k in fk["fields"])
                    if key not in wanted and any(k != "" for k in key):
                        missing.setdefault(key, number)

    def fields(self, order: int, position: int, name: str, f: dict, values: list[str], start: int) -> None:
        tests, enum = plan(f)
        present = [v for v in values if v != ""]
        joined = "\n".join(present)
        for number, (test, all_of) in enumerate(tests):
            place = (order, 0, position, number)
            if place not in self.found and present and not all_of.fullmatch(joined):
                bad = next(i for i, v in enumerate(values) if v != "" and not test.fullmatch(v))
                self.found[place] = f"{name}, row {bad + start}: value {values[bad]!r} of field {f['name']} does not fit the schema"
        place = (order, 0, position, 2)
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
                self.found[(len(self.resources) + order, n)] = f"{resource['name']}, row {number}: foreign key {key} not in {target}"
        return [self.found[place] for place in sorted(self.found)]


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> tuple[re.Pattern, re.Pattern]:
    """A value's pattern, and the pattern of every value joined by newlines (one match for a column)."""
    one = pattern.strip("^$")
    return re.compile(pattern), re.compile(f"(?:{one})(?:\n(?:{one}))*")


def plan(f: dict) -> tuple[list[tuple[re.Pattern, re.Pattern]], set]:
    """A field's tests (its type's pattern, its own pattern) and its enum."""
    constraints = f.get("constraints", {})
    patterns = [p for p in (_TYPES.get(f["type"]), constraints.get("pattern")) if p]
    return [_compiled(p) for p in patterns], set(constraints.get("enum", []))


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
