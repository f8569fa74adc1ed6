"""Per-year and per-body downloads of a package of three documents: each part holds its own document's rows
and nothing of the others, is valid, and the `yusuan split` command writes them."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
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
    zips = split(three / "dp", tmp_path / "by-year", "year")
    assert [p.name for p in zips] == ["2021.zip", "2024.zip", "2025.zip"]
    parts = [p.with_suffix("") for p in zips]  # each zip beside its folder
    for part, only in zip(parts, ["changji-sasac-2021-budget", "putuo-welfare-home-2024-budget", "putuo-zfban-2025-budget"]):
        assert [d["document_id"] for d in read_csv(part / "documents.csv")] == [only]
        for name in ("facts", "findings", "expenditure_by_function"):
            assert set(by_document(part / f"{name}.csv")) <= {only}, (part.name, name)
    facts = read_csv(tmp_path / "by-year" / "2021" / "facts.csv")
    assert len(facts) == 153  # every amount printed in the sample's nine tables (tests/test_facts.py)
    assert ("1", "收入总计", "525.81", "5258100") in {(f["table_no"], f["name_zh"], f["amount_as_printed"], f["amount_yuan"]) for f in facts}
    zfban = read_csv(tmp_path / "by-year" / "2025" / "facts.csv")
    # 表一 收入总计 91,016,775.35 元, typed from sh_putuo_zfban_dept_2025.pdf
    assert ("1", "收入总计", "91,016,775.35", "91016775.35") in {(f["table_no"], f["name_zh"], f["amount_as_printed"], f["amount_yuan"]) for f in zfban}
    assert "525.81" not in {f["amount_as_printed"] for f in zfban}
    # the parts together are the whole, row for row
    whole = by_document(three / "dp" / "facts.csv")
    assert sum((by_document(p / "facts.csv") for p in parts), Counter()) == whole and set(whole) == IDS


def test_split_parts_carry_their_sources_and_validate(three, tmp_path):
    import json

    zips = split(three / "dp", tmp_path / "by-body", "body")
    # the bodies' names as printed (typed from the sample and the two PDFs), sorted by body id
    assert [p.name for p in zips] == ["昌吉回族自治州国有资产监督管理委员会.zip", "上海市普陀区社会福利院.zip", "上海市普陀区人民政府办公室.zip"]
    for archive in zips:
        part = archive.with_suffix("")
        text = (part / "datapackage.json").read_text(encoding="utf-8")
        descriptor = json.loads(text)
        # written as the package's own descriptor is: Chinese as is, two-space indents
        assert text.startswith('{\n  "') and "中国政府部门预算公开数据" in text and text.endswith("}\n")
        [doc] = read_csv(part / "documents.csv")
        assert [s["path"] for s in descriptor["sources"]] == [doc["source_file"]]
        assert descriptor["title_zh"] == f"中国政府部门预算公开数据（{part.name}）" and doc["department_zh"] == part.name
        assert descriptor["name"].startswith("yusuan-budget-disclosures-") and not re.search(r"[0-9a-f]{8}", descriptor["name"])
        with zipfile.ZipFile(archive) as packed:  # the zip holds the folder's files, byte for byte
            assert sorted(packed.namelist()) == sorted(p.name for p in part.iterdir())
            assert packed.read("facts.csv") == (part / "facts.csv").read_bytes()
        run = subprocess.run([FRICTIONLESS, "validate", str(part / "datapackage.json")], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-1500:]


def test_split_command(three, tmp_path):
    out = subprocess.run([YUSUAN, "split", "--by", "year", "--package", str(three / "dp"), "--out", str(tmp_path / "years")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [str(tmp_path / "years" / f"{y}.zip") for y in (2021, 2024, 2025)]
    assert [d["document_id"] for d in read_csv(tmp_path / "years" / "2024" / "documents.csv")] == ["putuo-welfare-home-2024-budget"]
    again = subprocess.run([YUSUAN, "split", "--by", "year", "--package", str(three / "dp"), "--out", str(tmp_path / "years")],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and sorted(p.name for p in (tmp_path / "years").iterdir()) == ["2021", "2021.zip", "2024", "2024.zip", "2025", "2025.zip"]


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
    assert [p.name for p in parts] == ["2021.zip", "2024.zip", "2025.zip"]
    assert sorted(p.name for p in (tmp_path / "by-year").iterdir()) == ["2021", "2021.zip", "2024", "2024.zip", "2025", "2025.zip"]
    assert len(read_csv(tmp_path / "by-year" / "2021" / "facts.csv")) == 153
    assert not staging.exists()
