"""The database's materialized views (metadata/views.yaml, materialize: true) hold what their query gives;
leaf_facts holds the rows its definition by LIKE gives (a facts row without a longer code of its table) and is
looked up through the index of each table's facts (on a corpus, counting it by LIKE took 122 s)."""

from __future__ import annotations

import sqlite3

from yusuan.knowledge import load


def test_materialized_views_hold_their_querys_rows_and_the_facts_have_their_indexes(families):
    db = sqlite3.connect(families / "yusuan.db")
    materialized = [name for name, view in load("views").items() if view.get("materialize")]
    assert {"three_public_items", "key_figures", "key_tables"} <= set(materialized)
    for name in materialized:
        stored = db.execute(f"SELECT * FROM [{name}]").fetchall()
        queried = db.execute(load("views")[name]["sql"]).fetchall()
        assert stored and sorted(map(repr, stored)) == sorted(map(repr, queried)), name
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts'")}
    assert indexes == {"sqlite_autoindex_facts_1", "idx_facts_document_id", "idx_facts_table_kind", "idx_facts_code",
                       "idx_facts_measure", "idx_facts_table_code"}


def test_leaf_facts_are_the_rows_without_a_longer_code_in_their_table_found_through_the_index(families):
    db = sqlite3.connect(families / "yusuan.db")
    by_like = """SELECT f.* FROM facts f WHERE NOT f.is_total AND NOT f.is_subtotal AND NOT EXISTS (
      SELECT 1 FROM facts g WHERE g.document_id = f.document_id AND g.table_no IS f.table_no AND g.table_kind IS f.table_kind
      AND g.side = f.side AND g.code LIKE f.code || '_%')"""
    leaves = db.execute("SELECT * FROM leaf_facts").fetchall()
    parents = db.execute("SELECT count(*) FROM facts f WHERE f.code IS NOT NULL AND EXISTS (SELECT 1 FROM facts g "
                         "WHERE g.document_id = f.document_id AND g.code LIKE f.code || '_%')").fetchone()[0]
    assert len(leaves) > 100 and parents > 10  # the families print parent codes above their leaves
    assert sorted(map(repr, leaves)) == sorted(map(repr, db.execute(by_like).fetchall()))
    plan = " ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN SELECT count(*) FROM leaf_facts"))
    assert "idx_facts_table_code" in plan and "code>? AND code<?" in plan, plan
