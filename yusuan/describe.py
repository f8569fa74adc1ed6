"""What a disclosure is: body, region, fiscal year, phase, unit, date, source (the `documents` row)."""

from __future__ import annotations

import re

from .errors import YusuanError
from .knowledge import load
from .model import Document, squash
from .recognise import Recognised


def find_body(names: list[str]) -> tuple[str, dict] | None:
    """The body in metadata/bodies.yaml printed under one of these names."""
    for key, body in load("bodies").items():
        known = {squash(n) for n in body["names_zh"]}
        if any(squash(n) in known for n in names if n):
            return key, body
    return None


def describe(document: Document, tables: list[Recognised]) -> dict:
    config = load("document")
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    year_phase = next((m for t in texts if (m := re.search(config["year_phase"], squash(t)))), None)
    if not year_phase:
        raise YusuanError(document.path, "whole document", "no fiscal year stated (such as 2021年部门预算)")
    year, phase_zh = int(year_phase.group(1)), year_phase.group(2)
    phase = config["phases"][phase_zh]
    dates = [m for t in texts if (m := re.match(config["date"], squash(t)))]
    published = "{:04d}-{:02d}-{:02d}".format(*map(int, dates[-1].groups())) if dates else None
    preparers = [t.preparer for t in tables if t.preparer]
    units = sorted({t.unit for t in tables if t.unit and t.columns})
    found = find_body(preparers)
    key, body = found if found else (None, {})
    slug = key or document.sha256[:12]
    return {
        "document_id": f"{slug}-{year}-{phase['phase']}",
        "body_id": key,
        "department_zh": body.get("name_zh") or (preparers[0] if preparers else None),
        "department_short_zh": body.get("short_zh") or (preparers[0] if preparers else None),
        "department_en": body.get("name_en"),
        "level_zh": body.get("level"),
        "region_zh": body.get("region_zh"),
        "region_en": body.get("region_en"),
        "region_code": body.get("region_code"),
        "fiscal_year": year,
        "phase": phase["phase"],
        "phase_zh": phase_zh,
        "fdp_phase": phase["fdp_phase"],
        "template": body.get("template"),
        "unit_as_printed": "、".join(units) or None,
        "published": published,
        "source_file": document.path.name,
        "source_sha256": document.sha256,
        "source_encoding": document.encoding,
    }
