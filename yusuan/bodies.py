"""A bureau's own list of its bodies: `[[bodies]]` tables in the project file (yusuan.toml), or `bodies.yaml` or
`bodies.csv` in the project folder (beside datapackage/); one of them, not both.

Each body has a name (as printed; more names, `names`, separated by `|` in CSV), and optionally an id, a short
name, an English name, a level (部门, 单位 or 本级), a parent (the id or name of the body it is part of) and a
region (a region code or name of metadata/regions.tsv). A document whose body is in the list is known by the
list, whatever it prints; 本级 and the whole department are linked by `parent`, so a sum across bodies can
leave out the parts of a body it already counts.

    # bodies.yaml
    - {name: 无锡市教育局, id: wuxi-education, english: Wuxi Municipal Education Bureau, level: 部门, region: '320200'}
    - {name: 无锡市教育局（本级）, short: 市教育局本级, level: 本级, parent: wuxi-education}

    # yusuan.toml
    [[bodies]]
    name = "无锡市教育局"
    id = "wuxi-education"
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from contextlib import contextmanager
from pathlib import Path

import yaml

from . import project as projects
from .errors import YusuanError

FILES = ("bodies.yaml", "bodies.yml", "bodies.csv")
FIELDS = ("name", "names", "id", "short", "english", "level", "parent", "region")
LEVELS = ("部门", "单位", "本级")


FOLDER = projects.FOLDER  # set by a build to its project folder (read by its worker processes too)


@contextmanager
def project(folder: Path):
    """Within: the list is looked for in folder (the folder of the package being built), else the current one."""
    before = os.environ.get(FOLDER)
    os.environ[FOLDER] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(FOLDER, None)
        else:
            os.environ[FOLDER] = before


def find(folder: Path | None = None) -> Path | None:
    """The bureau's list in the project folder (the build's, else the current directory), or None."""
    folder = Path(folder or os.environ.get(FOLDER) or ".")
    return next((folder / f for f in FILES if (folder / f).is_file()), None)


def digest(folder: Path | None = None) -> str | None:
    """The list's content hash (a cached extraction depends on it), None without a list."""
    listed = projects.bodies_digest(projects.read(folder))
    if listed:
        return listed
    path = find(folder)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path else None


def load_list(folder: Path | None = None) -> list[dict]:
    """The bodies of the list, each a dict of FIELDS (names a list); [] without a list. A list that cannot be
    read is an error naming the file and the entry."""
    path = find(folder)
    project = projects.read(folder)
    if project.bodies is not None:
        if path is not None:
            raise YusuanError(project.path, "[[bodies]]", f"bodies are listed here and in {path.name}: keep one list")
        return _checked(project.path, [(projects.bodies_where(project, n), r) for n, r in enumerate(project.bodies, start=1)])
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".csv":
            records = list(csv.DictReader(io.StringIO(text)))
        else:
            records = yaml.safe_load(text) or []
            if isinstance(records, dict):  # also accepted: {id: {name: …}, …}
                records = [{"id": key, **(value or {})} for key, value in records.items()]
    except (OSError, UnicodeDecodeError, yaml.YAMLError, csv.Error) as exc:
        raise YusuanError(path, "", f"cannot read the list of bodies: {str(exc).splitlines()[0]}") from None
    if not isinstance(records, list):
        raise YusuanError(path, "", "the list of bodies is not a list of entries (name, id, short, english, level, parent, region)")
    return _checked(path, [(f"entry {n}" if path.suffix != ".csv" else f"line {n + 1}", r) for n, r in enumerate(records, start=1)])


def _checked(path: Path, records: list[tuple[str, object]]) -> list[dict]:
    bodies = []
    for where, record in records:
        if not isinstance(record, dict) or not str(record.get("name") or "").strip():
            raise YusuanError(path, where, "an entry without a name")
        unknown = sorted(set(record) - set(FIELDS) - {None})
        if unknown:
            raise YusuanError(path, where, f"unknown field {unknown[0]!r} (known: {', '.join(FIELDS)})")
        body = {k: (str(record[k]).strip() if record.get(k) not in (None, "") else None) for k in FIELDS if k != "names"}
        extra = record.get("names") or []
        body["names"] = [body["name"], *(extra.split("|") if isinstance(extra, str) else [str(e) for e in extra])]
        if body["level"] and body["level"] not in LEVELS:
            raise YusuanError(path, where, f"level {body['level']!r} is not one of {', '.join(LEVELS)}")
        bodies.append(body)
    return bodies
