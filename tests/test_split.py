"""Per-year and per-body downloads of a package of three documents: each part holds its own document's rows
and nothing of the others, is valid, and the `yusuan split` command writes them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLE, read_csv
from yusuan.build import build
from yusuan.split import split

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
FRICTIONLESS = str(Path(sys.executable).with_name("frictionless"))
REAL = Path(__file__).resolve().parent / "fixtures" / "real"
IDS = {"changji-sasac-2021-budget", "putuo-zfban-2025-budget", "putuo-welfare-home-2024-budget"}


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    """The sample (2021, 昌吉州国资委) and two Putuo documents (2025 区政府办公室, 2024 社会福利院), built together."""
    root = tmp_path_factory.mktemp("three")
    sources = [str(SAMPLE), str(REAL / "sh_putuo_zfban_dept_2025.pdf"), str(REAL / "sh_putuo_shflyuan_unit_2024.pdf")]
    result = build(sources, package_dir=root / "dp", database=root / "yusuan.db", workers=1, progress=False)
    assert not result.failures
    return root


def by_document(path: Path) -> Counter:
    return Counter(r["document_id"] for r in read_csv(path))


def test_split_by_year_keeps_each_document_apart(three, tmp_path):
    parts = split(three / "dp", tmp_path / "by-year", "year")
    assert [p.name for p in parts] == ["year-2021", "year-2024", "year-2025"]
    for part, only in zip(parts, ["changji-sasac-2021-budget", "putuo-welfare-home-2024-budget", "putuo-zfban-2025-budget"]):
        assert [d["document_id"] for d in read_csv(part / "documents.csv")] == [only]
        for name in ("facts", "findings", "expenditure_by_function"):
            assert set(by_document(part / f"{name}.csv")) <= {only}, (part.name, name)
    facts = read_csv(tmp_path / "by-year" / "year-2021" / "facts.csv")
    assert len(facts) == 153  # every amount printed in the sample's nine tables (tests/test_facts.py)
    assert ("1", "收入总计", "525.81", "5258100") in {(f["table_no"], f["name_zh"], f["amount_as_printed"], f["amount_yuan"]) for f in facts}
    zfban = read_csv(tmp_path / "by-year" / "year-2025" / "facts.csv")
    # 表一 收入总计 91,016,775.35 元, typed from sh_putuo_zfban_dept_2025.pdf
    assert ("1", "收入总计", "91,016,775.35", "91016775.35") in {(f["table_no"], f["name_zh"], f["amount_as_printed"], f["amount_yuan"]) for f in zfban}
    assert "525.81" not in {f["amount_as_printed"] for f in zfban}
    # the parts together are the whole, row for row
    whole = by_document(three / "dp" / "facts.csv")
    assert sum((by_document(p / "facts.csv") for p in parts), Counter()) == whole and set(whole) == IDS


def test_split_parts_carry_their_sources_and_validate(three, tmp_path):
    import json

    parts = split(three / "dp", tmp_path / "by-body", "body")
    assert len(parts) == 3
    for part in parts:
        text = (part / "datapackage.json").read_text(encoding="utf-8")
        descriptor = json.loads(text)
        # written as the package's own descriptor is: Chinese as is, two-space indents
        assert text.startswith('{\n  "') and "中国政府部门预算公开数据" in text and text.endswith("}\n")
        [doc] = read_csv(part / "documents.csv")
        assert [s["path"] for s in descriptor["sources"]] == [doc["source_file"]]
        assert descriptor["name"].endswith(part.name)
        run = subprocess.run([FRICTIONLESS, "validate", str(part / "datapackage.json")], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-1500:]


def test_split_command(three, tmp_path):
    out = subprocess.run([YUSUAN, "split", "--by", "year", "--package", str(three / "dp"), "--out", str(tmp_path / "years")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(tmp_path / "years" / f"year-{y}") for y in (2021, 2024, 2025)]
    assert [d["document_id"] for d in read_csv(tmp_path / "years" / "year-2024" / "documents.csv")] == ["putuo-welfare-home-2024-budget"]
    again = subprocess.run([YUSUAN, "split", "--by", "year", "--package", str(three / "dp"), "--out", str(tmp_path / "years")],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and sorted(p.name for p in (tmp_path / "years").iterdir()) == ["year-2021", "year-2024", "year-2025"]


def test_split_command_bad_input(tmp_path, three):
    wrong = subprocess.run([YUSUAN, "split", "--by", "month", "--package", str(three / "dp"), "--out", str(tmp_path / "x")],
                           capture_output=True, text=True, timeout=120)
    # a usage error (click's exit 2) that names the choices
    assert wrong.returncode == 2 and "'month' is not one of 'year', 'body'" in wrong.stderr
    missing = subprocess.run([YUSUAN, "split", "--package", str(tmp_path / "none"), "--out", str(tmp_path / "x")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [f"yusuan: {tmp_path / 'none'}: no datapackage.json (run yusuan build first)"]
    assert not (tmp_path / "x").exists()


def dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_split_after_an_interrupted_split(three, tmp_path):
    """Leftovers of a split killed half-way (its staging folder) neither fail the next split nor reach it."""
    staging = tmp_path / f".by-year.{dead_pid()}-0badf00d.new"  # the staging name of a split that was killed
    (staging / "year-2021").mkdir(parents=True)
    (staging / "year-2021" / "facts.csv").write_text("half-written", encoding="utf-8")
    (staging / "year-1999").mkdir()
    (tmp_path / "by-year" / "year-1998").mkdir(parents=True)  # the previous split's output, replaced whole
    parts = split(three / "dp", tmp_path / "by-year", "year")
    assert sorted(p.name for p in (tmp_path / "by-year").iterdir()) == [p.name for p in parts] == ["year-2021", "year-2024", "year-2025"]
    assert len(read_csv(tmp_path / "by-year" / "year-2021" / "facts.csv")) == 153
    assert not staging.exists()
