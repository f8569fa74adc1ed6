"""Validate a written data package with frictionless (the same library as the official CLI)."""

from __future__ import annotations

import re
from pathlib import Path


def validate(package_dir: Path) -> list[str]:
    """Problems frictionless finds in the package, one line each; empty when valid."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(package_dir / "datapackage.json")).validate()
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
    "integer": re.compile(r"^-?\d+$"),
    "year": re.compile(r"^\d{4}$"),
    "number": re.compile(r"^-?(\d+(\.\d+)?|\.\d+)$"),
    "boolean": re.compile(r"^(true|false)$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


def fast_validation(rows: dict[str, list[dict]]) -> bool:
    return len(rows.get("facts", [])) > FRICTIONLESS_LIMIT


def check_rows(descriptor: dict, rows: dict[str, list[dict]]) -> list[str]:
    """The checks frictionless makes of this package (types, constraints, primary and foreign keys), made on
    the rows before they are written: the same verdict, faster. `yusuan validate` and `make test` run
    frictionless itself."""
    from .package import cell

    problems: list[str] = []
    keys: dict[str, set] = {}
    for resource in descriptor["resources"]:
        schema, name = resource["schema"], resource["name"]
        fields = schema["fields"]
        checks = []
        for f in fields:
            constraints = f.get("constraints", {})
            pattern = re.compile(constraints["pattern"]) if "pattern" in constraints else None
            checks.append((f["name"], _TYPES.get(f["type"]), pattern, set(constraints.get("enum", [])) or None))
        primary = schema.get("primaryKey", [])
        seen = keys.setdefault(name, set())
        for number, row in enumerate(rows.get(name, []), start=2):
            for field_name, type_re, pattern, enum in checks:
                value = cell(row.get(field_name))
                if value == "":
                    continue
                if (type_re and not type_re.match(value)) or (pattern and not pattern.fullmatch(value)) or (enum and value not in enum):
                    problems.append(f"{name}, row {number}: value {value!r} of field {field_name} does not fit the schema")
            if primary:
                key = tuple(cell(row.get(k)) for k in primary)
                if key in seen:
                    problems.append(f"{name}, row {number}: primary key {key} repeated")
                seen.add(key)
    for resource in descriptor["resources"]:
        for fk in resource["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"] or resource["name"]
            wanted = {tuple(cell(r.get(k)) for k in fk["reference"]["fields"]) for r in rows.get(target, [])}
            for number, row in enumerate(rows.get(resource["name"], []), start=2):
                key = tuple(cell(row.get(k)) for k in fk["fields"])
                if all(k == "" for k in key):
                    continue
                if key not in wanted:
                    problems.append(f"{resource['name']}, row {number}: foreign key {key} not in {target}")
    return problems
