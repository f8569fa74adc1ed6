"""Per-year and per-body downloads: the combined package split into one package per fiscal year or body."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

from .errors import YusuanError
from .package import write_csv

GROUPS = {"year": "fiscal_year", "body": "body_id"}


def split(package_dir: Path, out_dir: Path, by: str = "year") -> list[Path]:
    """Write out_dir/<by>-<value>/ packages; rows follow their document, other resources are copied whole."""
    if by not in GROUPS:
        raise YusuanError(by, "", f"split by one of {', '.join(GROUPS)}")
    descriptor_path = package_dir / "datapackage.json"
    if not descriptor_path.is_file():
        raise YusuanError(package_dir, "", "no datapackage.json (run yusuan build first)")
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    documents = _read(package_dir / "documents.csv")
    groups: dict[str, set[str]] = {}
    for doc in documents:
        key = doc[GROUPS[by]] or doc["document_id"]
        groups.setdefault(key, set()).add(doc["document_id"])
    from .outputs import clean_stale, staging_for

    clean_stale(out_dir, out_dir)  # what splits killed earlier left beside it (their process is dead)
    staging = staging_for(out_dir)  # a name no other split uses
    written = []
    for key, ids in sorted(groups.items()):
        slug = re.sub(r"[^a-z0-9_.-]+", "-", f"{by}-{key}".lower())
        target = staging / slug
        target.mkdir(parents=True)
        part = json.loads(json.dumps(descriptor))
        part["name"] = f"{descriptor['name']}-{slug}"
        label = key
        if by == "body":  # the body's name, not its id
            doc = next(d for d in documents if d["document_id"] in ids)
            label = f"{doc.get('department_zh') or key} / {doc.get('department_en') or doc.get('department_zh') or key}"
        part["title"] = f"{descriptor['title']} ({label})"
        part["sources"] = [s for s in descriptor.get("sources", []) if any(s["path"] == d["source_file"] for d in documents if d["document_id"] in ids)]
        for resource in part["resources"]:
            rows = _read(package_dir / resource["path"])
            names = [f["name"] for f in resource["schema"]["fields"]]
            if "document_id" in names:
                rows = [r for r in rows if r["document_id"] in ids]
            write_csv(target / resource["path"], names, rows)
        (target / "datapackage.json").write_text(json.dumps(part, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(out_dir / slug)
    if out_dir.exists():
        from .build import swap

        swap(staging, out_dir)  # one atomic exchange where the system has it
    else:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(out_dir)
    return written


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
