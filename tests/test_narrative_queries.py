"""The narrative's canned queries on real Shanghai documents (a real build, real SQLite, Datasette in process):
projects, stated items and statements show for this family too. Values typed from the printed PDFs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from yusuan.build import build
from yusuan.serve import datasette

REAL = Path(__file__).resolve().parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("shanghai_narrative")
    sources = [str(REAL / n) for n in ("sh_putuo_zfban_dept_2025.pdf", "sh_putuo_wanlijd_dept_2024.pdf", "sh_putuo_czj_final_2024.pdf")]
    build(sources, package_dir=root / "dp", database=root / "yusuan.db")
    return datasette(root / "yusuan.db")


def rows(site, path: str) -> list[dict]:
    page = asyncio.run(site.client.get(path))
    assert page.status_code == 200, page.text[:300]
    return page.json()


def test_project_detail(site):
    found = rows(site, "/yusuan/project_detail.json?_shape=array&project=督查")
    assert [(r["name_zh"], r["period_zh"], r["explained_goal_zh"]) for r in found] == [
        ("区政府督查及建议提案工作业务经费", "2025全年度。", "详见单位的项目绩效目标表")]
    unnamed = rows(site, "/yusuan/project_detail.json?_shape=array&project=社区公共服务中心新建工程")
    assert [r["basis_documents"] for r in unnamed] == ["沪府规〔2016〕168号；普发改投〔2017〕89号"]


def test_stated_items(site):
    found = rows(site, "/yusuan/stated_items.json?_shape=array&code=20106")
    assert [(r["code"], r["code_source"], r["amount"], r["prior_basis"], r["prior_amount"]) for r in found] == [
        ("2010601", "name_chain", 1511.89, "initial_budget", 1560.05), ("2010602", "name_chain", 10, "initial_budget", 10),
        ("2010607", "name_chain", 135.25, "initial_budget", 135.9), ("2010608", "name_chain", 449.52, "initial_budget", 450.52)]
    census = rows(site, "/yusuan/stated_items.json?_shape=array&code=2010507")
    assert [(r["amount"], r["prior_basis"], r["prior_year"], r["prior_amount"], r["change_direction"], r["change_percent"]) for r in census] == [
        (25.77, "prior_execution", 2023, 60.13, "decrease", 57.14)]


def test_statements_by_topic(site):
    found = rows(site, "/yusuan/statements_by_topic.json?_shape=array&topic=three_public_total")
    assert [(r["document_id"], r["amount"], r["change_direction"], r["prior_basis"]) for r in found if r["amount"] is not None] == [
        ("putuo-finance-2024-final", 0, "none", "initial_budget"),
        ("putuo-wanli-2024-budget", 47.91, "increase", "prior_budget"),
        ("putuo-zfban-2025-budget", 867.5, "none", "prior_budget")]


def test_search_finds_the_family_narrative(site):
    found = rows(site, "/yusuan/search.json?_shape=array&q=专项普查活动")
    assert {r["source"] for r in found} >= {"statements", "paragraphs"}
