"""The narrative of a disclosure as rows (organisation, statements, projects, performance, glossary).

Each resource is described in metadata/resources/<name>.yaml; how the narrative is written (sections, topics,
labels, comparators, units) is in metadata/narrative/.
"""

from __future__ import annotations

from ..model import Document
from ..recognise import Recognised
from . import glossary, organisation, paragraphs, performance, projects, statements
from .text import walk


def extract(document: Document, tables: list[Recognised], info: dict, codes: list[dict] | None = None) -> dict[str, list[dict]]:
    """Rows per resource name (each resource described in metadata/resources/<name>.yaml); codes are those the
    document's tables print (normalise's codes), used to resolve the codes the narrative names by name."""
    document_id = info["document_id"]
    located = walk(document)
    offices = organisation.offices(located, document_id, document)
    project_rows = projects.rows(document, located, tables, info)
    for row in project_rows:
        row["office_no"] = organisation.office_no(row["office_zh"], offices)
    targets, indicators = performance.rows(document, tables, project_rows, info)
    return {
        "paragraphs": paragraphs.rows(located, document_id),
        "organisation_functions": organisation.functions(located, document_id),
        "offices": offices,
        "staffing": organisation.staffing(located, document_id, document),
        "statements": statements.rows(located, info, codes),
        "projects": project_rows,
        "performance_goals": targets,
        "performance_indicators": indicators,
        "glossary": glossary.rows(located, document_id),
    }
