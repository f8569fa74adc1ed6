"""The canned queries over the findings, on the database built from the sample."""

from __future__ import annotations

import sqlite3

from yusuan.knowledge import load


def test_findings_by_document_and_severity(built):
    db = sqlite3.connect(built / "yusuan.db")
    sql = load("queries/findings")["findings_by_document"]["sql"]
    rows = db.execute(sql, {"severity": ""}).fetchall()
    stored = db.execute("select document_id, sum(severity = 'error'), sum(severity = 'warning'), sum(severity = 'info'), "
                        "count(*) from findings group by document_id").fetchall()
    assert {(r[0], r[4], r[5], r[6], r[7]) for r in rows} == set(stored)
    assert rows[0][4] > 0                                      # the sample has errors
    only = db.execute(sql, {"severity": "error"}).fetchall()
    assert [r[7] for r in only] == [r[4] for r in rows if r[4]]


def test_findings_have_page_beside_line(built):
    db = sqlite3.connect(built / "yusuan.db")
    columns = [r[1] for r in db.execute("pragma table_info(findings)")]
    assert columns.index("page") == columns.index("line") - 1
    sql = load("queries/findings")["document_findings"]["sql"]
    assert db.execute(sql, {"document": ""}).fetchall()


def test_findings_by_document_and_cause(built):
    """One row per document and cause (rule) with its counts and the rule's titles; info only with :all = 1."""
    db = sqlite3.connect(built / "yusuan.db")
    sql = load("queries/findings")["findings_by_document_and_cause"]["sql"]
    shown = db.execute(sql, {"all": ""}).fetchall()
    stored = db.execute("select document_id, rule_id, sum(severity = 'error'), sum(severity = 'warning') from findings "
                        "where severity != 'info' group by document_id, rule_id").fetchall()
    assert {(r[0], r[4], r[7], r[8]) for r in shown} == set(stored)
    assert all(r[5] and r[6] for r in shown)                   # titles zh and en of every cause
    everything = db.execute(sql, {"all": "1"}).fetchall()
    assert sum(r[10] for r in everything) == db.execute("select count(*) from findings").fetchone()[0]
