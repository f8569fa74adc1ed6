"""名词解释: each term and its definition, with the English curated in metadata/narrative/glossary.yaml."""

from __future__ import annotations

import re

from ..knowledge import load
from .text import Located, in_part


def rows(located: list[Located], document_id: str) -> list[dict]:
    spec = load("narrative/glossary")
    out = []
    for p in in_part(located, "glossary_part"):
        match = re.match(spec["item"], p.bare)
        if not match:
            continue
        term = match.group("term")
        key = re.sub(spec["term_noise"], "", term)
        english = spec["terms"].get(key, {})
        out.append({
            "document_id": document_id, "term_no": len(out) + 1, "page": p.page, "line": p.line, "term_zh": term,
            "definition_zh": match.group("definition"), "term_en": english.get("term_en"),
            "definition_en": english.get("definition_en"),
        })
    return out
