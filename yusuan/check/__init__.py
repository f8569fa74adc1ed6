"""The consistency audit: rules over the extracted rows, giving findings (never changing the data)."""

from __future__ import annotations


def run(rows: dict[str, list[dict]]) -> list[dict]:
    """Findings rows (resource `findings`) for every document in rows."""
    return []
