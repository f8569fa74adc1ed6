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


REAL = Path(__file__).resolve().parent / "fixtures" / "real"
SOURCE_URL = "https://example.org/disclosures/sh_putuo_zfban_dept_2025.pdf"  # a sidecar's address (test value)


@pytest.fixture(scope="session")
def families(tmp_path_factory) -> Path:
    """A folder holding yusuan.db built from documents of several families and phases in one database: the
    sample (Xinjiang 2021 budget) and every PDF of tests/fixtures/real (Shanghai department and unit budgets,
    a final account), one of them with a source address sidecar (<file>.url)."""
    root = tmp_path_factory.mktemp("families")
    sources = root / "sources"
    sources.mkdir()
    for path in [SAMPLE, *sorted(REAL.glob("*.pdf"))]:
        (sources / path.name).write_bytes(path.read_bytes())
    (sources / "sh_putuo_zfban_dept_2025.pdf.url").write_text(SOURCE_URL + "\n", encoding="utf-8")
    result = build([str(p) for p in sorted(sources.iterdir()) if p.suffix != ".url"], package_dir=root / "dp",
                   database=root / "yusuan.db", progress=False)
    assert not result.failures, [str(f) for f in result.failures]
    return root
