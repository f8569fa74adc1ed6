"""Policy documents cited as a project's basis: document numbers normalised to 机关〔年〕号号."""

from __future__ import annotations

import re

from ..knowledge import load


def document_numbers(text: str) -> list[str]:
    spec = load("narrative/projects")
    out = []
    for m in re.finditer(spec["document_number"], text or ""):
        parts = m.groupdict() | {"organ": re.sub(spec["organ_noise"], "", m.group("organ"))}
        out.append(spec["document_number_format"].format(**parts))
    return out
