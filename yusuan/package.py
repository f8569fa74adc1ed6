"""Write the Frictionless data package: datapackage.json and one CSV per resource, deterministically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from . import __version__
from .knowledge import load
from .project import package_meta
from .schema import bilingual, resource, static_specs, table_spec


def descriptor(resources: list[dict], documents: list[dict]) -> dict:
    meta = package_meta()  # metadata/package.yaml, or what the project's yusuan.toml says
    out = {"name": meta["name"], "profile": "tabular-data-package"}
    out |= bilingual(meta["title_zh"], meta["title_en"], meta["description_zh"], meta["description_en"])
    years = sorted({d["fiscal_year"] for d in documents})
    out |= {
        "homepage": meta["homepage"],
        "version": __version__,
        "keywords": meta["keywords"],
        "licenses": meta["licenses"],
        "contributors": meta["contributors"],
        **({"spatial": meta["spatial"]} if "spatial" in meta else {}),
        "sources": [
            {
                "title": f"{d['department_zh']} {d['fiscal_year']}年{d['phase_zh']}公开 / {d['department_en'] or d['department_zh']}, {d['fiscal_year']} {d['phase']} disclosure",
                "path": d["source_file"],
                "sha256": d["source_sha256"],
            }
            for d in documents
        ],
        "fiscal": meta["fiscal"] | {"fiscalYears": years},
        "resources": resources,
    }
    return out


def specs(kinds: list[str]) -> list[dict]:
    """The static resources (documents, facts, …) and one per table kind seen, in a stable order."""
    static = static_specs()
    head = [s for s in static if s.get("order", 100) < 50]
    tail = [s for s in static if s.get("order", 100) >= 50]
    order = list(load("tables")["kinds"])
    tables = [table_spec(k) for k in sorted(set(kinds), key=order.index)]
    return head + tables + tail


def write(target: Path, rows: dict[str, list[dict]], documents: list[dict]) -> dict:
    """Write every resource with rows (empty resources too) into target; return the descriptor."""
    kinds = [k for k in rows if is_table_kind(k)]
    writer = PackageWriter(target, kinds)
    writer.add(rows)
    return writer.close(documents)


def is_table_kind(name: str) -> bool:
    return "columns" in load("tables")["kinds"].get(name, {})


class PackageWriter:
    """The package written a batch of rows at a time: one open CSV writer per resource (empty resources
    too), rows appended in the order given, datapackage.json at the end."""

    def __init__(self, target: Path, kinds: list[str]):
        target.mkdir(parents=True, exist_ok=True)
        self.target = target
        self.resources = [resource(spec) for spec in specs(kinds)]
        self.columns: dict[str, list[str]] = {}
        self.handles, self.writers = {}, {}
        for res in self.resources:
            names = [f["name"] for f in res["schema"]["fields"]]
            handle = open(target / res["path"], "w", encoding="utf-8", newline="")
            self.handles[res["name"]], self.columns[res["name"]] = handle, names
            self.writers[res["name"]] = csv.writer(handle, lineterminator="\n")
            self.writers[res["name"]].writerow(names)

    def add(self, rows: dict[str, list[dict]]) -> None:
        self.write(self.render(rows))

    def render(self, rows: dict[str, list[dict]]) -> dict[str, list[list[str]]]:
        """The CSV cells of rows per resource, nothing written yet (a document that cannot be rendered is
        dropped whole, none of its rows half-written)."""
        return {name: [[cell(row.get(n)) for n in names] for row in rows.get(name, ())]
                for name, names in self.columns.items() if rows.get(name)}

    def write(self, lines: dict[str, list[list[str]]]) -> None:
        for name, cells in lines.items():
            self.writers[name].writerows(cells)

    def close(self, documents: list[dict]) -> dict:
        """Close the CSV files, write datapackage.json; return the descriptor."""
        self.abort()
        out = descriptor(self.resources, documents)
        text = json.dumps(out, ensure_ascii=False, indent=2) + "\n"
        (self.target / "datapackage.json").write_text(text, encoding="utf-8")
        return out

    def abort(self) -> None:
        failed = None
        for handle in self.handles.values():
            try:
                handle.close()
            except OSError as exc:  # every file closed, the first failure told
                failed = failed or exc
        if failed:
            raise failed


def cell(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)



def write_csv(path: Path, names: list[str], rows: list[dict]) -> None:
    """One CSV file in the package's dialect, at once (for derived packages such as the per-year splits)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([cell(row.get(n)) for n in names] for row in rows)
