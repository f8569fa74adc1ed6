"""The project file, `yusuan.toml`, in the project folder (the current folder, or `yusuan --project DIR`): who
publishes the data (a bureau under its own name), where its documents are, and its list of bodies.

    [dataset]    name, title_zh, title_en, description_zh, description_en, homepage, licence, licence_url,
                 spatial_zh, spatial_en
    [publisher]  name_zh, name_en, email, url
    [ckan]       owner_org
    [sources]    paths: folders, files or globs, relative to the folder of yusuan.toml
    [[bodies]]   one table per body: name, names, id, short, english, level, parent, region (yusuan.bodies)

Every key is optional; what is left out comes from the bundled metadata/package.yaml (the sample's). The
publisher's e-mail is published as the dataset's contact point (CKAN maintainer_email, DCAT
dcat:contactPoint): it must be an office's address the bureau chose to publish, never a person's; the file
has no place for a telephone number or a person's name. A file that cannot be read, an unknown key or a value
of the wrong type is one line naming the file, the line and the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import YusuanError
from .knowledge import load

FILE = "yusuan.toml"
FOLDER = "YUSUAN_PROJECT_FOLDER"  # set by a build to its project folder (read by its worker processes too)
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")  # a CKAN name: also a valid Frictionless package name
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
URL = re.compile(r"^https?://\S+$")
KEYS = {
    "dataset": ("name", "title_zh", "title_en", "description_zh", "description_en", "homepage", "licence", "licence_url",
                "spatial_zh", "spatial_en"),
    "publisher": ("name_zh", "name_en", "email", "url"),
    "ckan": ("owner_org",),
    "sources": ("paths",),
    "bodies": None,  # an array of tables, checked by yusuan.bodies
}
CHECKS = {"name": NAME, "owner_org": NAME, "email": EMAIL, "homepage": URL, "url": URL, "licence_url": URL}
SAYS = {NAME: "lower-case letters, digits, - and _ (2 to 100 characters)", EMAIL: "an e-mail address (an office's, never a person's)",
        URL: "an http:// or https:// address"}


@dataclass
class Project:
    """What yusuan.toml says (empty sections without one)."""

    folder: Path
    path: Path | None = None
    dataset: dict = field(default_factory=dict)
    publisher: dict = field(default_factory=dict)
    ckan: dict = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    bodies: list | None = None  # the [[bodies]] tables as written, None without any
    digest: str | None = None  # the file's content hash (a build depends on it)

    def source_paths(self) -> list[str]:
        """The [sources] paths, relative to the folder of yusuan.toml."""
        return [p if Path(p).is_absolute() else str(self.folder / p) for p in self.sources]


def folder_of(folder: Path | None = None) -> Path:
    """The project folder: the one given, else the build's (set while building), else the current one."""
    return Path(folder or os.environ.get(FOLDER) or ".")


def find(folder: Path | None = None) -> Path | None:
    path = folder_of(folder) / FILE
    return path if path.is_file() else None


def read(folder: Path | None = None) -> Project:
    """The project of the folder; a Project with no path when the folder has no yusuan.toml."""
    folder = folder_of(folder)
    path = find(folder)
    if path is None:
        return Project(folder)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except OSError as exc:
        raise YusuanError(path, "", f"cannot read the project file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise YusuanError(path, "", "the project file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        message = message[:found.start()].strip() if found else message
        raise YusuanError(path, f"line {found.group(1)}" if found else "", f"not valid TOML: {message}") from None
    project = Project(folder, path, digest=hashlib.sha256(raw).hexdigest()[:16])
    for section, value in data.items():
        if section not in KEYS:
            raise YusuanError(path, _where(text, None, section), f"unknown section [{section}] (known: {', '.join(f'[{k}]' for k in KEYS)})")
        if section == "bodies":
            if not isinstance(value, list):
                raise YusuanError(path, _where(text, None, section), "bodies are written [[bodies]], one table per body")
            project.bodies = value
            continue
        if not isinstance(value, dict):
            raise YusuanError(path, _where(text, None, section), f"[{section}] is a section of keys, not a value")
        for key, item in value.items():
            where = _where(text, section, key)
            if key not in KEYS[section]:
                raise YusuanError(path, where, f"[{section}] {key}: unknown key (known: {', '.join(KEYS[section])})")
            if section == "sources":
                if not isinstance(item, list) or not all(isinstance(p, str) and p.strip() for p in item):
                    raise YusuanError(path, where, '[sources] paths: a list of folders, files or globs, e.g. paths = ["pdfs/"]')
                continue
            if not isinstance(item, str) or not item.strip():
                raise YusuanError(path, where, f"[{section}] {key}: a text in quotes, not {_kind(item)}")
            check = CHECKS.get(key)
            if check and not check.match(item.strip()):
                raise YusuanError(path, where, f"[{section}] {key}: {item!r} is not {SAYS[check]}")
        if section != "sources":
            getattr(project, section).update({k: v.strip() for k, v in value.items()})
    project.sources = list(data.get("sources", {}).get("paths", []))
    licence = project.dataset.get("licence")
    if licence and licence not in licences() and "licence_url" not in project.dataset:
        raise YusuanError(path, _where(text, "dataset", "licence"),
                          f"[dataset] licence: {licence!r} is none of {', '.join(licences())}; give licence_url for another")
    return project


def _kind(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _where(text: str, section: str | None, key: str) -> str:
    """The line of key in section (of [section] itself when section is None), as 'line N'."""
    current = None
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]\s]+)\s*\]\]?", stripped)
        if header:
            current = header.group(1)
            if section is None and current == key:
                return f"line {n}"
            continue
        if section is not None and current == section and re.match(rf'^"?{re.escape(key)}"?\s*=', stripped):
            return f"line {n}"
        if section is None and current is None and re.match(rf'^"?{re.escape(key)}"?\s*[=.]', stripped):
            return f"line {n}"
    return f"[{section}] {key}" if section else f"[{key}]"


def licences() -> dict:
    """The licences known by their SPDX id (metadata/package.yaml `known_licences`)."""
    return load("package").get("known_licences", {})


def package_meta(project: Project | None = None) -> dict:
    """The package's metadata: metadata/package.yaml with what yusuan.toml says in its place."""
    meta = dict(load("package"))
    meta.pop("known_licences", None)
    project = project if project is not None else read()
    data, who = project.dataset, project.publisher
    for key in ("name", "title_zh", "title_en", "description_zh", "description_en", "homepage"):
        if data.get(key):
            meta[key] = data[key]
    if data.get("licence"):
        known = licences().get(data["licence"], {})
        meta["licenses"] = [{"name": data["licence"], "path": data.get("licence_url") or known["path"],
                             "title": known.get("title", data["licence"])}]
    if data.get("spatial_zh") or data.get("spatial_en"):
        zh = data.get("spatial_zh") or data.get("spatial_en")
        meta["spatial"] = {"zh": zh, "en": data.get("spatial_en") or zh}
    if who:
        zh = who.get("name_zh") or who.get("name_en") or meta["contributors"][0]["title"]
        en = who.get("name_en") or zh
        publisher = {"title": zh if zh == en else f"{zh} / {en}", "role": "publisher"}
        publisher |= {k: v for k, v in (("email", who.get("email")), ("path", who.get("url"))) if v}
        meta["contributors"] = [publisher]
    return meta


def bodies_where(project: Project, n: int) -> str:
    """Where the n-th [[bodies]] table starts: 'line L: [[bodies]] entry n'."""
    seen = 0
    for number, line in enumerate(project.path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if re.match(r"^\s*\[\[\s*bodies\s*\]\]", line):
            seen += 1
            if seen == n:
                return f"line {number}: [[bodies]] entry {n}"
    return f"[[bodies]] entry {n}"


def bodies_digest(project: Project) -> str | None:
    """A hash of the [[bodies]] tables (a cached extraction depends on them)."""
    if project.bodies is None:
        return None
    return hashlib.sha256(json.dumps(project.bodies, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


TEMPLATE = '''# yusuan.toml: this project's own metadata (yusuan init wrote it; edit it, then run `yusuan build`).
# Every key is optional: one left out (or commented out with #) takes the value of the bundled sample's
# metadata. Paths are relative to this file's folder. Text is written in quotes.

[dataset]
# The dataset's name on a portal (CKAN's URL name): lower-case letters, digits, - and _.
name = "{name}"
# title_zh = "某市部门预算公开数据"
# title_en = "Some City Department Budget Disclosures"
# description_zh = "某市各部门预算公开文件中的全部表格和数字，按原文照录，并附一致性审核结果。"
# description_en = "Every table and figure of the budget disclosures of Some City's departments, exactly as printed, with a consistency audit."
# homepage = "https://www.example.gov.cn/czj/yusuan"
# Licence of the data, by SPDX id: {licences} (or another with licence_url = "https://...").
# licence = "CC-BY-4.0"
# spatial_zh = "某省某市"
# spatial_en = "Some City, Some Province"

[publisher]
# Who publishes the data. The e-mail is published as the dataset's contact point: give an office's
# address meant for the public (e.g. opendata@...), never a person's; no telephone numbers here.
# name_zh = "某市财政局"
# name_en = "Some City Finance Bureau"
# email = "opendata@czj.example.gov.cn"
# url = "https://czj.example.gov.cn"

[ckan]
# The organisation the dataset belongs to on a CKAN portal (its URL name).
# owner_org = "some-city-finance"

[sources]
# The documents `yusuan build` and `yusuan check` read when given none: folders, files or globs.
paths = [{paths}]

# The bureau's list of its bodies (optional; see `bodies.yaml` in the README), one table per body:
# [[bodies]]
# name = "某市教育局"
# id = "some-city-education"
# english = "Some City Education Bureau"
# level = "部门"
'''


def template(folder: Path) -> str:
    """A commented yusuan.toml for folder: its name from the folder's, its sources the folders and files of
    documents found there."""
    from .read import READERS

    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    name = slug if NAME.match(slug or "") else "budget-disclosures"
    found = []
    if folder.is_dir():
        skip = {"build", "datapackage"}
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name in skip:
                continue
            if entry.is_dir() and any(p.is_file() and p.suffix.lower() in READERS for p in entry.rglob("*")):
                found.append(entry.name + "/")
            elif entry.is_file() and entry.suffix.lower() in READERS and f"*{entry.suffix.lower()}" not in found:
                found.append(f"*{entry.suffix.lower()}")
    paths = ", ".join(json.dumps(p, ensure_ascii=False) for p in found)
    return TEMPLATE.format(name=name, paths=paths, licences=", ".join(licences()))


def init(folder: Path, force: bool = False) -> Path:
    """Write folder/yusuan.toml (never over an existing one unless force)."""
    path = folder / FILE
    if path.exists() and not force:
        raise YusuanError(path, "", "already exists (yusuan init --force writes a new one over it)")
    folder.mkdir(parents=True, exist_ok=True)
    text = template(folder)
    tomllib.loads(text)  # what we write reads back
    staging = path.with_name(f".{FILE}.{os.getpid()}.tmp")
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)
    return path
