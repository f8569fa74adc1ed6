"""Validate a written data package with frictionless (the same library as the official CLI)."""

from __future__ import annotations

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
