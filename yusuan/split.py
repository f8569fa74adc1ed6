"""Per-year and per-body downloads: the combined package split into one package per fiscal year or body."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

from .errors import YusuanError
from .package import write_csv
from .schema import bilingual

GROUPS = {"year": "fiscal_year", "body": "body_id"}


def split(package_dir: Path, out_dir: Path, by: str = "year") -> list[Path]:
    """Write one package per year or body into out_dir: a folder and its zip, both named for people (the year,
    the body's name as printed, made safe as a file name); rows follow their document, other resources are
    copied whole. Returns the zips."""
    if by not in GROUPS:
        raise YusuanError(by, "", f"split by one of {', '.join(GROUPS)}")
    descriptor_path = package_dir / "datapackage.json"
    if not descriptor_path.is_file():
        raise YusuanError(package_dir, "", "no datapackage.json (run yusuan build first)")
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    documents = _read(package_dir / "documents.csv")
    groups: dict[str, list[dict]] = {}
    for doc in documents:
        groups.setdefault(doc[GROUPS[by]] or doc["document_id"], []).append(doc)
    from .outputs import clean_stale, staging_for

    clean_stale(out_dir, out_dir)  # what splits killed earlier left beside it (their process is dead)
    staging = staging_for(out_dir)  # a name no other split uses
    written, stems = [], set()
    for n, (key, docs) in enumerate(sorted(groups.items()), start=1):
        ids = {d["document_id"] for d in docs}
        zh, en, slug = _label(by, key, docs, n)
        stem = _unique(file_name(zh if by == "body" else key), stems, docs)
        target = staging / stem
        target.mkdir(parents=True)
        part = json.loads(json.dumps(descriptor))
        part["name"] = f"{descriptor['name']}-{slug}"
        part |= bilingual(f"{descriptor.get('title_zh') or descriptor['title']}（{zh}）", f"{descriptor.get('title_en') or descriptor['title']} ({en})",
                          descriptor.get("description_zh"), descriptor.get("description_en"))
        part["yusuan_part"] = {"by": by, "zh": zh, "en": en}
        part["sources"] = [s for s in descriptor.get("sources", []) if any(s["path"] == d["source_file"] for d in docs)]
        for resource in part["resources"]:
            rows = _read(package_dir / resource["path"])
            names = [f["name"] for f in resource["schema"]["fields"]]
            if "document_id" in names:
                rows = [r for r in rows if r["document_id"] in ids]
            write_csv(target / resource["path"], names, rows)
        (target / "datapackage.json").write_text(json.dumps(part, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _zip(target, staging / f"{stem}.zip")
        written.append(out_dir / f"{stem}.zip")
    if out_dir.exists():
        from .build import swap

        swap(staging, out_dir)  # one atomic exchange where the system has it
    else:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(out_dir)
    return written


def _label(by: str, key: str, docs: list[dict], n: int) -> tuple[str, str, str]:
    """The part's name in Chinese and English, and an ASCII slug for its package name."""
    if by == "year":
        return f"{key}年", key, key
    latest = max(docs, key=lambda d: (d.get("fiscal_year") or "", d["document_id"]))  # a body renamed: its latest name
    zh = latest.get("department_zh") or key
    en = latest.get("department_en") or zh
    slug = re.sub(r"[^a-z0-9]+", "-", en.lower()).strip("-")[:60].strip("-")
    if not en.isascii() or "no english name" in en.lower() or not slug:
        slug = f"body-{n}"
    return zh, en, slug


def file_name(text: str) -> str:
    """text as a file name on every system: no path separators, reserved or control characters, no leading dot,
    at most 80 characters."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", text).strip(" ._") or "_"
    return name[:80].rstrip(" .")


def _unique(stem: str, taken: set[str], docs: list[dict]) -> str:
    """stem, or stem with its region (then a number) when another part has it already."""
    candidates = [stem, f"{stem}_{file_name(docs[0].get('region_zh') or '')}"] + [f"{stem}_{i}" for i in range(2, 1000)]
    for candidate in candidates:
        if candidate.lower() not in taken:
            taken.add(candidate.lower())
            return candidate
    raise YusuanError(stem, "", "too many parts of the same name")


def _zip(folder: Path, target: Path) -> None:
    """The part's files as a zip (fixed member times: the same part gives the same zip)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            info = zipfile.ZipInfo(path.name, (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
