"""Chinese full-text search in the database: SQLite FTS5 with the trigram tokenizer.

Each table of metadata/narrative/search.yaml gets an external-content index <table>_fts (rowid = the table's
rowid), used by Datasette's search box and the 搜索 / search canned query. Trigram matches nothing for terms of
one or two characters; the canned query falls back to a substring test on the base table for those (a LIKE on
the FTS table itself wrongly returns nothing on SQLite 3.40).
"""

from __future__ import annotations

import sqlite_utils

from .knowledge import load


def index(db: sqlite_utils.Database) -> None:
    """Create the search indexes of every narrative table present (called inside the load transaction)."""
    spec = load("narrative/search")
    names = set(db.table_names())
    for table, columns in spec["tables"].items():
        if table not in names:
            continue
        present = [c for c in columns if c in db[table].columns_dict]
        if present:
            db[table].enable_fts(present, fts_version="FTS5", tokenize=spec["tokenize"], replace=True)


def fts_term(term: str) -> str:
    """A search term as one FTS5 phrase (quotes doubled), so that no FTS syntax is interpreted."""
    return '"' + term.replace('"', '""') + '"'
