"""Shared fixtures: one real build of the bundled sample into a temporary folder per test session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from yusuan.build import build
from yusuan.paths import bundled_sources

SAMPLE = bundled_sources()[0]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A folder holding dp/ (the package) and yusuan.db, built from the sample."""
    root = tmp_path_factory.mktemp("built")
    build([str(SAMPLE)], package_dir=root / "dp", database=root / "yusuan.db")
    return root


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
