"""Loads the hand-written knowledge in metadata/ (YAML), once, with libyaml's C parser when PyYAML has it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .paths import METADATA

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe constructor, the parser in C


def parse(text_or_file) -> Any:
    """YAML text (or an open file) as Python data, as yaml.safe_load gives it."""
    return yaml.load(text_or_file, Loader=LOADER)


@cache
def read(path: Path) -> Any:
    """A YAML file of metadata/ as Python data, read once."""
    with open(path, encoding="utf-8") as handle:
        return parse(handle)


@cache
def load(name: str) -> Any:
    """metadata/<name>.yaml as Python data."""
    return read(METADATA / f"{name}.yaml")


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
