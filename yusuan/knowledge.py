"""Loads the hand-written knowledge in metadata/ (YAML), once."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from .paths import METADATA


@cache
def load(name: str) -> Any:
    """metadata/<name>.yaml as Python data."""
    with open(METADATA / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def flatten(items: list) -> list:
    """Nested lists (YAML aliases spliced into a list) made flat."""
    out = []
    for item in items:
        out.extend(flatten(item) if isinstance(item, list) else [item])
    return out


def table_kinds() -> dict[str, dict]:
    return load("tables")["kinds"]


def measures() -> dict[str, dict]:
    return load("measures")
