"""What a disclosure is: body, region, fiscal year, phase, unit, date, source (the `documents` row)."""

from __future__ import annotations

import re

from .errors import YusuanError
from .knowledge import load
from .model import Document, squash
from .privacy import scrub_name
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
    # the body: the preparer printed above the tables, else a statement such as 预算主管部门：… or a line
    # that is a known body's name (a cover page)
    stated = [m.group(1) for t in texts for p in config.get("body_statements", []) if (m := re.match(p, squash(t)))]
    found = find_body(preparers) or find_body(stated) or find_body(texts)
    key, body = found if found else (None, {})
    slug = key or document.sha256[:12]
    return {
        "document_id": f"{slug}-{year}-{phase['phase']}",
        "body_id": key,
        "department_zh": body.get("name_zh") or next(iter(preparers + stated), None),
        "department_short_zh": body.get("short_zh") or next(iter(preparers + stated), None),
        "department_en": body.get("name_en"),
        "level_zh": body.get("level"),
        "region_zh": body.get("region_zh"),
        "region_en": body.get("region_en"),
        "region_code": body.get("region_code"),
        "fiscal_year": year,
        "phase": phase["phase"],
        "phase_zh": phase_zh,
        "fdp_phase": phase["fdp_phase"],
        "template": _template(body.get("template"), phase["phase"]),
        "unit_as_printed": "、".join(units) or None,
        "published": published,
        "source_file": scrub_name(document.path.name),  # published: contact details in a file name withheld
        "source_sha256": document.sha256,
        "source_encoding": document.encoding,
        "source_url": source_url(document.path),
        "image_pages": ", ".join(str(n) for n in document.image_pages) or None,
    }


def source_url(path) -> str | None:
    """The original's web address, from the optional sidecar `<source file>.url` beside the source (its first
    non-blank line, http or https); None without one. A sidecar that is not an address is an error."""
    sidecar = path.with_name(path.name + ".url")
    try:
        text = sidecar.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    line = next((t.strip() for t in text.splitlines() if t.strip()), "")
    if not line:
        return None
    if not re.fullmatch(r"https?://\S+", line):
        raise YusuanError(sidecar, "line 1", f"not a web address (http:// or https://): {line[:60]!r}")
    return line


def _template(family: str | None, phase: str) -> str | None:
    """The body's template family, or the family's own template for this phase (its 决算 tables)."""
    for key, template in load("templates").items():
        if family and template.get("family") == family and template.get("phase") == phase:
            return key
    return family
