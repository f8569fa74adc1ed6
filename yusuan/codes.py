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


def scheme_for(code: object, declared: object = None) -> str | None:
    """The scheme of a printed code, or None when it is not a classification code: 3, 5 or 7 digits whose first
    digit names a scheme (metadata/tables.yaml scheme_by_first_digit: 2 functional, 3 and 5 economic), and the
    scheme its column declares, when one is declared, must be that one. A year (2026), a count read from a
    sentence (400), a child printed with its own two digits only (01) are not codes: never guessed."""
    from .columns import scheme_of

    if not isinstance(code, str) or not code.isascii() or not code.isdigit() or len(code) not in LEVELS:
        return None
    by_digits = scheme_of(code)
    if by_digits is None or (declared and declared != by_digits):
        return None
    return by_digits


def classifications(seen: list[dict]) -> list[dict]:
    """One row per (scheme, code) printed, plus every parent implied, sorted by scheme and code. A code seen
    in a table of unknown kind, or whose digits fit no scheme (scheme_for), is not a classification."""
    rows: dict[tuple[str, str], dict] = {}
    for item in seen:
        scheme = scheme_for(item.get("code"), item.get("scheme"))
        kind = item.get("table_kind")
        if scheme is None or not kind:
            continue
        key = (scheme, item["code"])
        row = rows.setdefault(key, {"names": [], "kinds": [], "printed": True})
        name = item.get("name_zh")
        if name and isinstance(name, str) and name not in row["names"]:
            row["names"].append(name)
        if kind not in row["kinds"]:
            row["kinds"].append(kind)
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
