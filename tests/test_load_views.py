"""The database's materialized views (metadata/views.yaml, materialize: true) hold what their query gives, and
the index Loader.seal makes to compute them quickly is not published."""

from __future__ import annotations

import sqlite3

from yusuan.knowledge import load


def test_materialized_views_hold_their_querys_rows_and_no_sealing_index_is_left(families):
    db = sqlite3.connect(families / "yusuan.db")
    materialized = [name for name, view in load("views").items() if view.get("materialize")]
    assert {"three_public_items", "key_figures", "key_tables"} <= set(materialized)
    for name in materialized:
        stored = db.execute(f"SELECT * FROM [{name}]").fetchall()
        queried = db.execute(load("views")[name]["sql"]).fetchall()
        assert stored and sorted(map(repr, stored)) == sorted(map(repr, queried)), name
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts'")}
    assert indexes == {"sqlite_autoindex_facts_1", "idx_facts_document_id", "idx_facts_table_kind", "idx_facts_code",
                       "idx_facts_measure"}
