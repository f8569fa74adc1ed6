"""A body's region, English name and stable id from its Chinese name (metadata/regions.tsv, body_names.yaml).

A region is said only when the name starts with it in full (无锡市教育局 → 无锡市; 上海市普陀区财政局 → 普陀区 of
上海市): a short form (无锡, 上海交通…) or a district whose name several cities share, without its city in
front, gives no region rather than a guess. An English name is made only when the name is exactly a region
and a known organ; otherwise the English label says that none is on record."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache

from .knowledge import load
from .model import squash
from .paths import METADATA

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕"})


@dataclass(frozen=True)
class Region:
    code: str
    parent: str
    level: str  # province, prefecture, county
    zh: str
    en: str


@cache
def gazetteer() -> dict[str, Region]:
    """Regions by code."""
    with open(METADATA / "regions.tsv", encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {r["code"]: Region(r["code"], r["parent"], r["level"], r["name_zh"], r["name_en"])
                for r in csv.DictReader(lines, delimiter="\t")}


@cache
def _by_name() -> dict[str, list[Region]]:
    names: dict[str, list[Region]] = {}
    for region in gazetteer().values():
        names.setdefault(region.zh, []).append(region)
    return names


def normal(name: str) -> str:
    """A body name as compared and hashed: no white space, full-width brackets."""
    return squash(name or "").translate(_BRACKETS)


def _party_stripped(name: str) -> str:
    return re.sub(load("body_names")["party_prefix"], "", name)


def region_prefix(name: str) -> tuple[Region | None, str]:
    """The region a name starts with (in full, its parents before it when it has them) and the rest of the name."""
    rest = _party_stripped(normal(name))
    found: Region | None = None
    while True:
        step = None
        for length in range(min(len(rest), 12), 1, -1):
            candidates = _by_name().get(rest[:length], [])
            if found is not None:
                candidates = [c for c in candidates if c.parent == found.code]
            elif len(candidates) > 1 or any(c.level == "county" and len(c.zh) < 3 for c in candidates):
                candidates = []  # 普陀区, 鼓楼区: several regions share the name; a guess is never made
            if len(candidates) == 1:
                step = candidates[0], rest[length:]
                break
        if step is None:
            return found, rest
        found, rest = step


def region_of(name: str) -> Region | None:
    return region_prefix(name)[0]


def region_path(region: Region) -> tuple[str, str]:
    """(Chinese, English) of a region with its parents: 江苏省无锡市 / Wuxi, Jiangsu Province."""
    chain = [region]
    while chain[-1].parent and chain[-1].parent in gazetteer():
        chain.append(gazetteer()[chain[-1].parent])
    zh = "".join(r.zh for r in reversed(chain))
    en = ", ".join(r.en for r in chain)
    return zh, en


def short_region_en(region: Region) -> str:
    """The region as it is named after 'of' in an English body name: Wuxi; Putuo District, Shanghai."""
    if region.level == "county" and region.parent in gazetteer():
        return f"{region.en}, {gazetteer()[region.parent].en}"
    return region.en


def english(name: str) -> str | None:
    """The English name of a body named region + known organ, else None."""
    vocabulary = load("body_names")
    own = re.search(load("document")["own_level"], normal(name))
    bare = normal(name)[: own.start()] if own else normal(name)
    party = re.match(vocabulary["party_prefix"], bare) is not None
    region, rest = region_prefix(bare)
    if region is None or not rest:
        return None
    template, organs = vocabulary["pattern"], vocabulary["organs"]
    committee = re.match(vocabulary["party_committee"], rest)
    if committee and (party or rest[committee.end():] in vocabulary["party"]):
        rest, template, organs = rest[committee.end():], vocabulary["party_pattern"], vocabulary["party"]
    elif party:
        return None
    organ = organs.get(rest)
    if organ is None and rest.startswith(vocabulary["government_prefix"]):
        organ = organs.get(rest[len(vocabulary["government_prefix"]):])
    if organ is None:
        return None
    return template.format(organ=organ, region=short_region_en(region)) + (vocabulary["own_level"] if own else "")


def fallback_en(name: str) -> str:
    return load("body_names")["fallback"].format(zh=name)


def slug(name: str) -> str:
    """A stable id for a body not in a list: its region code (when the name shows it) and a short hash of the
    normalised name, so every document of the same body gets the same id."""
    key = normal(name)
    region = region_of(key)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{region.code}-{digest}" if region else digest
