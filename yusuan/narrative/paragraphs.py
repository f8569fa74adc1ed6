"""Every narrative paragraph as a row (resource `paragraphs`): for full-text search and text checks."""

from __future__ import annotations

from .text import Located


def rows(located: list[Located], document_id: str) -> list[dict]:
    return [
        {
            "document_id": document_id,
            "paragraph_no": no,
            "page": p.page,
            "line": p.line,
            "part_zh": p.part_zh,
            "section_zh": p.section_zh,
            "subsection_zh": p.subsection_zh,
            "is_heading": p.is_heading,
            "text": p.text,
        }
        for no, p in enumerate(located, start=1)
    ]
