"""Chinese full-text search in the database: SQLite FTS5 with the trigram tokenizer.

Each table of metadata/narrative/search.yaml gets an external-content index <table>_fts (rowid = the table's
rowid), used by Datasette's search box and the 搜索 / search canned query. Trigram matches nothing for terms of
one or two characters; the canned query falls back to a substring test on the base table for those (a LIKE on
the FTS table itself wrongly returns nothing on SQLite 3.40).
"""

from __future__ import annotations

import sqlite3

from .knowledge import load


def index(db: sqlite3.Connection) -> None:
    """Create the search indexes of every narrative table present (called inside the load transaction), with
    the statements sqlite-utils' enable_fts writes (FTS5, populated from the table)."""
    from .load import quoted

    spec = load("narrative/search")
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tokenize = db.execute("SELECT quote(?)", [spec["tokenize"]]).fetchone()[0]
    for table, columns in spec["tables"].items():
        if table not in names:
            continue
        have = {row[1] for row in db.execute(f"PRAGMA table_info({quoted(table)})")}
        present = ", ".join(quoted(c) for c in columns if c in have)
        if present:
            fts = quoted(table + "_fts")
            db.execute(f"CREATE VIRTUAL TABLE {fts} USING FTS5 (\n    {present},\n    tokenize={tokenize},\n"
                       f"    content={quoted(table)}\n)")
            db.execute(f"INSERT INTO {fts} (rowid, {present})\n    SELECT rowid, {present} FROM {quoted(table)};")


def fts_term(term: str) -> str:
    """A search term as one FTS5 phrase (quotes doubled), so that no FTS syntax is interpreted."""
    return '"' + term.replace('"', '""') + '"'
