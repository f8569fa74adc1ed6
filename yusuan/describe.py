"""What a disclosure is: body, region, level, fiscal year, phase, unit, date, source (the `documents` row).

Everything comes from the document itself, by the patterns of metadata/document.yaml: the title on its cover
or as its running head (body, year, phase, level), the body named beside its tables (部门名称：…), then the
year of its tables' titles and last of its file name, each with a lower confidence (`year_source`). A year a
narrative sentence mentions is never the document's. A file whose title says it is something else (an
evaluation report, a notice) is refused with one line saying what it is. The body's region, English name and
id come from yusuan.names; a bureau's own list of bodies (yusuan.bodies) and metadata/bodies.yaml win."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from . import bodies as bureau
from . import names
from .errors import YusuanError
from .knowledge import load
from .model import Document, squash
from .privacy import scrub_name
from .recognise import Recognised


def plain(text: str) -> str:
    """Text as the patterns see it: no white space, full-width digits and letters ASCII (brackets kept)."""
    return "".join(unicodedata.normalize("NFKC", ch) if ch.isdigit() or ("Ａ" <= ch <= "ｚ") else ch for ch in squash(text))


@dataclass
class Title:
    """What the title says: year, phase, level, body, region (a tier title), and whether it is a narrative."""

    year: int | None = None
    phase_zh: str | None = None
    level: str | None = None
    body: str | None = None
    region: str | None = None
    narrative: bool = False
    year_source: str | None = None
    lines: list[str] = field(default_factory=list)
    on_cover: bool = False  # a budget title among the first lines


@cache
def _patterns() -> list[re.Pattern]:
    config = load("document")
    return [re.compile(p.replace("{tails}", config["tails"]).replace("{levels}", config["levels"]))
            for p in config["title_patterns"]]


def _clean_body(name: str | None) -> str | None:
    if not name:
        return None
    config = load("document")
    name = re.sub(config["unit_glued"], "", name)
    for trim in config["body_trim"]:
        name = re.sub(trim, "", name)
    core = re.sub(config["alias"], "", name)  # 上海市统计和大数据研究院（上海市统计数据管理中心）
    if not re.search(config["body_ends"], core) or re.search(config["body_not"], name):
        return None
    return name


def read_title(line: str) -> dict | None:
    """The parts of a title line (year, phase, level, body, region, tail), or None if it is not a title."""
    config = load("document")
    text = re.sub(config["title_label"], "", plain(line))
    if not text or len(text) > config["title_max_chars"] or re.search(config["title_punctuation"], text):
        return None
    for pattern in _patterns():
        m = pattern.match(text)
        if not m:
            continue
        parts = {k: v for k, v in m.groupdict().items() if v}
        if "body" in parts:
            body = _clean_body(parts["body"])
            if body is None:
                continue  # a part heading, a date or a file number in front: not a title of this form
            parts["body"] = body
        return parts
    return None


def _cover_lines(document: Document) -> list[str]:
    """The first lines of the first page with text: the title zone (the cover, or the first page's head)."""
    config = load("document")
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    if not paragraphs:
        return []
    first = paragraphs[0].page
    return [p.text for p in paragraphs if p.page == first][: config["title_lines"]] if first is not None \
        else [p.text for p in paragraphs[: config["title_lines"]]]


def read_titles(document: Document, tables: list[Recognised]) -> Title:
    """The document's title: the cover (one to three lines joined) first, then any title line (running heads,
    the parts of the document); the year of the tables' titles or of the file name when no title states one."""
    config = load("document")
    found = Title()
    cover = _cover_lines(document)
    found.lines = [plain(t) for t in cover]
    candidates = []
    for size in (1, 2, 3):  # the cover, its title over up to three lines
        for i in range(len(cover) - size + 1):
            candidates.append("".join(cover[i:i + size]))
    on_cover = len(candidates)
    candidates += [p.text for p in document.paragraphs]
    narrative = re.compile(f"^(?:{config['narrative_tails']})$")
    for n, text in enumerate(candidates):
        parts = read_title(text)
        if not parts:
            continue
        found.on_cover = found.on_cover or n < on_cover
        if narrative.match(parts.get("tail", "")):
            found.narrative = True
        if found.year is None and "year" in parts:
            found.year, found.year_source = int(parts["year"]), "title"
            found.phase_zh = found.phase_zh or parts["phase"]
        found.phase_zh = found.phase_zh or parts.get("phase")
        found.level = found.level or (parts["level"][:2] if parts.get("level") else None)
        found.body = found.body or parts.get("body")
        found.region = found.region or parts.get("region")
    if found.year is None:
        years = [int(m.group("year")) for t in [p.text for p in document.paragraphs] + [t.title_printed or "" for t in tables]
                 if (m := re.match(config["table_title_year"], plain(t)))]
        if years:
            found.year, found.year_source = max(set(years), key=years.count), "table_titles"
    if found.year is None:
        m = re.search(config["file_name_year"], document.path.name)
        if m:
            found.year, found.year_source = int(m.group("year")), "file_name"
            found.phase_zh = found.phase_zh or m.group("phase")
    return found


def refuse_other(document: Document, title: Title) -> None:
    """A file whose first lines hold no budget title but say it is something else: refused, saying what it is."""
    if title.on_cover:
        return
    lines = title.lines
    for kind in load("document")["not_disclosures"]:
        for i, line in enumerate(lines):
            for text in (line, line + (lines[i + 1] if i + 1 < len(lines) else "")):
                if re.search(kind["pattern"], text):
                    raise YusuanError(document.path, "page 1",
                                      f"not a budget or final-accounts disclosure: its title says it is {kind['en']} "
                                      f"({kind['zh']}: {text[:40]})")


def identify(document: Document, tables: list[Recognised]) -> Title:
    """The document's title, read once; a file whose title says it is not a disclosure is refused here."""
    title = read_titles(document, tables)
    refuse_other(document, title)
    return title


def find_body(names_: list[str]) -> tuple[str, dict] | None:
    """The body in metadata/bodies.yaml printed under one of these names."""
    for key, body in load("bodies").items():
        known = {squash(n) for n in body["names_zh"]}
        if any(squash(n) in known for n in names_ if n):
            return key, body
    return None


def _listed(candidates: list[str]) -> dict | None:
    """The body of the bureau's list (bodies.yaml / bodies.csv in the project folder) printed under one of these names."""
    listed = bureau.load_list()
    wanted = {names.normal(n) for n in candidates if n}
    return next((b for b in listed if wanted & {names.normal(n) for n in b["names"]}), None)


def _bureau_body(body: dict) -> dict:
    """A body of the bureau's list as the documents row says it."""
    listed = bureau.load_list()
    region = None
    if body.get("region"):
        region = names.gazetteer().get(body["region"]) or next(
            (r for r in names.gazetteer().values() if r.zh == body["region"]), None)
    region = region or names.region_of(body["name"])
    parent = None
    if body.get("parent"):
        parent_body = next((b for b in listed if body["parent"] in (b.get("id"), *b["names"])), None)
        parent = (parent_body.get("id") or names.slug(parent_body["name"])) if parent_body else names.slug(body["parent"])
    return {"body_id": body.get("id") or names.slug(body["name"]), "name_zh": body["name"], "short_zh": body.get("short"),
            "name_en": body.get("english"), "level": body.get("level"), "parent_body_id": parent, "region": region,
            "body_source": "bodies_list"}


def statements(document: Document, tables: list[Recognised]) -> list[str]:
    """Bodies named beside the tables or on the cover (部门名称：…, 编制单位：…), never with the unit glued on."""
    config = load("document")
    out = []
    for p in document.paragraphs:
        for line in p.text.splitlines():
            for pattern in config["body_statements"]:
                m = re.match(pattern, line)
                if m and (name := _clean_body(m.group(1))):
                    out.append(name)
    for t in tables:
        if t.preparer and (name := _clean_body(t.preparer)):
            out.append(name)
    return out


def describe(document: Document, tables: list[Recognised], title: Title | None = None) -> dict:
    config = load("document")
    title = title or read_titles(document, tables)
    refuse_other(document, title)
    if title.year is None or title.phase_zh is None:
        raise YusuanError(document.path, "whole document", "no fiscal year stated (such as 2021年部门预算)")
    year, phase_zh = title.year, title.phase_zh
    phase = config["phases"][phase_zh]
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    dates = [m for t in texts if (m := re.match(config["date"], squash(t)))]
    published = "{:04d}-{:02d}-{:02d}".format(*map(int, dates[-1].groups())) if dates else None
    units = sorted({t.unit for t in tables if t.unit and t.columns})
    stated = statements(document, tables)
    candidates = [title.body, *stated]
    known = _listed([*candidates, *[plain(t) for t in texts[:40]]])
    if known:
        body = _bureau_body(known)
    else:
        found = find_body([c for c in candidates if c]) or find_body(texts)
        body = _bundled(*found) if found else _named(next((c for c in candidates if c), None))
    name = body["name_zh"]
    level = body.get("level") or _level(name, title.level)
    if body.get("region") is None and title.region:
        body["region"] = names.region_of(title.region)
    region = body.get("region")
    region_zh, region_en = names.region_path(region) if region else (None, None)
    region_zh, region_en = body.get("region_zh") or region_zh, body.get("region_en") or region_en
    parent = body.get("parent_body_id")
    own = re.search(config["own_level"], names.normal(name or ""))
    if parent is None and own:
        whole = names.normal(name)[: own.start()]
        listed = _listed([whole])
        parent = (listed.get("id") or names.slug(listed["name"])) if listed else (
            found_key if (found_key := (find_body([whole]) or (None,))[0]) else names.slug(whole))
    slug = body["body_id"] or "unnamed-" + document.sha256[:8]
    return {
        "document_id": f"{slug}-{year}-{phase['phase']}",
        "body_id": slug,
        "parent_body_id": parent,
        "department_zh": name or "（文件未注明部门）",
        "department_short_zh": body.get("short_zh") or name or "（未注明）",
        "department_en": body.get("name_en") or (names.english(name) if name else None)
        or (names.fallback_en(name) if name else "Body not stated in the document"),
        "level_zh": level,
        "region_zh": region_zh,
        "region_en": region_en,
        "region_code": body.get("region_code") or (region.code if region else None),
        "fiscal_year": year,
        "year_source": title.year_source,
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
        "unruled_pages": ", ".join(str(n) for n in document.unruled_pages) or None,
        "blank_pages": ", ".join(str(n) for n in document.blank_pages) or None,
    }


def _bundled(key: str, body: dict) -> dict:
    return {"body_id": key, "name_zh": body.get("name_zh"), "short_zh": body.get("short_zh"), "name_en": body.get("name_en"),
            "level": body.get("level"), "region_zh": body.get("region_zh"), "region_en": body.get("region_en"),
            "region_code": body.get("region_code"), "region": names.gazetteer().get(body.get("region_code") or ""),
            "template": body.get("template"), "body_source": "bundled"}


def _named(name: str | None) -> dict:
    """A body known only by the name the document prints: its id, region and English name from the name."""
    if not name:
        return {"body_id": None, "name_zh": None, "region": None}
    return {"body_id": names.slug(name), "name_zh": name, "region": names.region_of(name), "body_source": "document"}


def _level(name: str | None, stated: str | None) -> str | None:
    """本级 for a body's own unit (无锡市教育局（本级）), else the level the title states (部门, 单位)."""
    if name and re.search(load("document")["own_level"], names.normal(name)):
        return "本级"
    return stated


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
