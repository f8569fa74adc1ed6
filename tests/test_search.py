"""Chinese full-text search: trigram FTS5 for three characters or more, base-table fallback for one or two."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from yusuan.knowledge import load


@pytest.fixture(scope="module")
def db(built):
    return sqlite3.connect(built / "yusuan.db")


def search(db, term: str) -> list[tuple]:
    return db.execute(load("queries/narrative")["search"]["sql"], {"q": term}).fetchall()


def test_fts_tables_use_trigram(db):
    sql = db.execute("select sql from sqlite_master where name = 'paragraphs_fts'").fetchone()[0]
    assert "trigram" in sql


def test_three_character_term(db):
    rows = search(db, "机关运行经费")
    paragraph_lines = {line for source, _, _, line, _, _ in rows if source == "paragraphs"}
    assert paragraph_lines == {1515, 1516, 2254}
    assert ("glossary", 2254) in {(r[0], r[3]) for r in rows}
    lawyers = search(db, "律师咨询")
    assert {r[0] for r in lawyers} >= {"paragraphs", "projects", "performance_goals", "performance_indicators"}


def test_two_character_term(db):
    rows = search(db, "微信")
    assert ("projects", 1501) in {(r[0], r[3]) for r in rows}
    assert any(r[0] == "performance_goals" and r[4] == "微信平台公众号专项资金" for r in rows)
    assert {r[3] for r in rows if r[0] == "paragraphs"} == {1502, 1506}  # 项目名称：微信公众号 and its allocation
    # the trigram index alone finds nothing for two characters: the fallback is what finds them
    assert db.execute("select count(*) from paragraphs_fts where paragraphs_fts match '\"微信\"'").fetchone()[0] == 0


def test_one_character_term_and_empty(db):
    assert {r[3] for r in search(db, "档") if r[0] == "projects"} == {1469}  # 退休人员档案
    assert search(db, "") == [] and search(db, "  ") == []


def test_fts_syntax_is_not_interpreted(db):
    assert search(db, 'AND "OR') == []
    assert search(db, "审计费") != []


def test_datasette_search_box_and_canned_query(built):
    from yusuan.serve import datasette

    site = datasette(built / "yusuan.db")
    page = asyncio.run(site.client.get("/yusuan/paragraphs.json?_search=政府采购&_shape=array"))
    assert page.status_code == 200 and {r["line"] for r in page.json()} == {1517, 1518, 1519}
    page = asyncio.run(site.client.get("/yusuan/search.json?_shape=array&q=微信"))
    assert page.status_code == 200 and any(r["source"] == "projects" for r in page.json())
