"""Chinese full-text search in the database."""

from __future__ import annotations

import sqlite_utils


def index(db: sqlite_utils.Database) -> None:
    """Create the search tables and indexes."""
