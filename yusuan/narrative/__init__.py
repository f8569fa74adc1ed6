"""The narrative of a disclosure as rows (organisation, statements, projects, performance, glossary)."""

from __future__ import annotations

from ..model import Document
from ..recognise import Recognised


def extract(document: Document, tables: list[Recognised], info: dict) -> dict[str, list[dict]]:
    """Rows per resource name (each resource described in metadata/resources/<name>.yaml)."""
    return {}
