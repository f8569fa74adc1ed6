"""Classification codes: levels, parents, official names (metadata/codes/*.tsv) and the codes a build saw."""

from __future__ import annotations

import csv
from functools import cache

from .paths import METADATA

LEVELS = {3: ("类", "class"), 5: ("款", "section"), 7: ("项", "item")}


@cache
def official(scheme: str) -> dict[str, dict]:
    path = METADATA / "codes" / f"{scheme}.tsv"
    with open(path, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return {row["code"]: row for row in rows}


def parent(code: str) -> str | None:
    return code[:-2] if len(code) > 3 else None


def classifications(seen: list[dict]) -> list[dict]:
    """One row per (scheme, code) printed, plus every parent implied, sorted by scheme and code."""
    rows: dict[tuple[str, str], dict] = {}
    for item in seen:
        key = (item["scheme"], item["code"])
        row = rows.setdefault(key, {"names": [], "kinds": [], "printed": True})
        if item["name_zh"] and item["name_zh"] not in row["names"]:
            row["names"].append(item["name_zh"])
        if item["table_kind"] not in row["kinds"]:
            row["kinds"].append(item["table_kind"])
    for scheme, code in list(rows):
        up = parent(code)
        while up:
            rows.setdefault((scheme, up), {"names": [], "kinds": [], "printed": False})
            up = parent(up)
    out = []
    for (scheme, code), row in sorted(rows.items()):
        level = LEVELS.get(len(code), ("", ""))
        name = row["names"][0] if row["names"] else official(scheme).get(code, {}).get("name_zh")
        up = parent(code)
        out.append({
            "class_id": f"{scheme}:{code}",
            "scheme": scheme,
            "code": code,
            "level": level[0] or None,
            "level_en": level[1] or None,
            "parent_code": up,
            "parent_id": f"{scheme}:{up}" if up else None,
            "name_zh": name,
            "names_printed": " | ".join(row["names"]) or None,
            "printed": row["printed"],
            "table_kinds": " | ".join(row["kinds"]) or None,
        })
    return out
