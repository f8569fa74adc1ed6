"""The data package: valid for frictionless, bilingual, keyed, deterministic; a broken one fails."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE, read_csv
from yusuan.build import build
from yusuan.validate import validate


def descriptor(built: Path) -> dict:
    return json.loads((built / "dp" / "datapackage.json").read_text(encoding="utf-8"))


def test_package_is_valid_for_the_official_cli(built):
    frictionless = Path(sys.executable).with_name("frictionless")
    run = subprocess.run([str(frictionless), "validate", str(built / "dp" / "datapackage.json")], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:]
    assert validate(built / "dp") == []


def test_text_in_an_amount_makes_the_package_invalid(built, tmp_path):
    broken = tmp_path / "dp"
    shutil.copytree(built / "dp", broken)
    facts = (broken / "facts.csv").read_text(encoding="utf-8")
    assert ",5258100,525.81," in facts
    (broken / "facts.csv").write_text(facts.replace(",5258100,525.81,", ",五百万,525.81,", 1), encoding="utf-8")
    problems = validate(broken)
    assert len(problems) == 1 and problems[0].startswith("facts, row 2: ")
    frictionless = Path(sys.executable).with_name("frictionless")
    assert subprocess.run([str(frictionless), "validate", str(broken / "datapackage.json")], capture_output=True).returncode != 0


def test_every_resource_and_field_is_bilingual(built):
    package = descriptor(built)
    assert package["title"] == "中国政府部门预算公开数据 / Chinese Government Department Budget Disclosures"
    things = [package] + package["resources"] + [f for r in package["resources"] for f in r["schema"]["fields"]]
    for thing in things:
        for key in ("title_zh", "title_en", "description_zh", "description_en"):
            assert thing.get(key), (thing.get("name"), key)
        assert thing["title"] == f"{thing['title_zh']} / {thing['title_en']}"


def test_resources_keys_and_fiscal_semantics(built):
    package = descriptor(built)
    names = [r["name"] for r in package["resources"]]
    assert names[:3] == ["documents", "facts", "classifications"]
    assert set(names) >= {
        "income_expenditure_overview", "income_by_function", "expenditure_by_function", "appropriation_overview",
        "general_budget_expenditure", "general_budget_basic_economic", "general_budget_projects",
        "three_public_expenses", "government_fund_expenditure",
    }
    resources = {r["name"]: r for r in package["resources"]}
    facts = resources["facts"]["schema"]
    assert facts["primaryKey"] == ["document_id", "table_seq", "row_no", "column_no"]  # table_seq: tables resource
    assert {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["document_id"]}} in facts["foreignKeys"]
    columns = {f["name"]: f for f in facts["fields"]}
    assert columns["amount_yuan"]["columnType"] == "value"
    assert columns["side"]["columnType"] == "direction"
    assert package["fiscal"]["currency"] == "CNY"
    assert package["licenses"][0]["name"] == "CC0-1.0"
    assert package["sources"][0]["sha256"] == "2b614d48f8860cb3549338feac926cf6d22af2d7a87ae8b26e166286e84a081b"


def test_documents_row(built):
    [doc] = read_csv(built / "dp" / "documents.csv")
    assert doc["document_id"] == "changji-sasac-2021-budget"
    assert doc["department_short_zh"] == "昌吉州国资委"
    assert doc["department_zh"] == "昌吉回族自治州国有资产监督管理委员会"
    assert doc["fiscal_year"] == "2021" and doc["phase"] == "budget" and doc["fdp_phase"] == "approved"
    assert doc["unit_as_printed"] == "万元" and doc["published"] == "2021-02-02"
    assert doc["source_file"] == "changji-sasac-2021-budget.txt"
    assert doc["department_en"].startswith("State-owned Assets Supervision and Administration Commission")


def test_per_table_resource_has_the_printed_rows(built):
    rows = read_csv(built / "dp" / "expenditure_by_function.csv")
    assert [(r["code_class"], r["code_section"], r["code_item"], r["code"], r["name_zh"], r["total"], r["basic"], r["project"]) for r in rows] == [
        ("215", "07", "01", "2150701", "行政运行", "355.24", "355.24", ""),
        ("208", "05", "05", "2080505", "机关事业单位基本养老", "34.47", "34.47", ""),
        ("210", "11", "01", "2101101", "行政单位医疗", "23.34", "23.34", ""),
        ("210", "11", "03", "2101103", "公务员医疗补助", "7.42", "7.42", ""),
        ("210", "11", "09", "2101109", "其它行政事业单位医疗支出", "0.34", "0.34", ""),
        ("215", "07", "02", "2150702", "一般行政管理事务", "105", "", "105"),
        ("", "", "", "", "合计", "525.81", "420.81", "105"),
    ]


def test_classifications_with_levels_parents_and_printed_names(built):
    rows = {r["class_id"]: r for r in read_csv(built / "dp" / "classifications.csv")}
    assert rows["functional:2080505"]["names_printed"] == "机关事业单位基本医疗 | 机关事业单位基本养老"
    assert rows["functional:2080505"]["level"] == "项" and rows["functional:2080505"]["parent_code"] == "20805"
    assert rows["functional:20805"]["printed"] == "false" and rows["functional:20805"]["name_zh"] == "行政事业单位养老支出"
    assert rows["functional:215"]["level"] == "类" and rows["functional:215"]["parent_id"] == ""
    assert rows["economic:30107"]["names_printed"] == "基础性绩效工资 | 奖励性绩效工资"
    assert rows["economic:302"]["printed"] == "false" and rows["economic:302"]["name_zh"] == "商品和服务支出"


def test_rebuild_is_byte_identical(built, tmp_path):
    build([str(SAMPLE)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db")
    first = {p.name: p.read_bytes() for p in (built / "dp").iterdir()}
    second = {p.name: p.read_bytes() for p in (tmp_path / "dp").iterdir()}
    assert first == second


def test_committed_package_is_what_the_build_produces(built):
    committed = Path(__file__).resolve().parent.parent / "datapackage"
    assert {p.name: p.read_bytes() for p in committed.iterdir()} == {p.name: p.read_bytes() for p in (built / "dp").iterdir()}
