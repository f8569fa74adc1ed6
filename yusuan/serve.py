"""Datasette over the database: metadata, canned queries and settings from the bilingual metadata."""

from __future__ import annotations

import json
import sys
import os
from pathlib import Path

import yaml

from .knowledge import load
from .paths import METADATA, SITE

SETTINGS = {
    "sql_time_limit_ms": 3000,  # a query running longer is interrupted (error page), the server stays up
    "max_returned_rows": 5000,  # rows of one page or query; .csv?_stream=1 pages through a whole table
    "max_csv_mb": 50,  # and stops there: the largest table of a 1,000-document corpus is ~25 MB of CSV
    "default_page_size": 100,
    "allow_download": True,
    "suggest_facets": False,
    "default_facet_size": 8,  # a table page opens with its rows: each facet lists its 8 largest values, "…" for more
}
ROBOTS = ("allow", "no-sql", "none")


def security_config(robots: str | None = None, crawl_delay: int | None = None, cache_mb: int | None = None) -> dict:
    """Configuration of site/plugins/security.py: the robots policy from the arguments, else from the
    environment (YUSUAN_ROBOTS = allow | no-sql | none, YUSUAN_CRAWL_DELAY in seconds), else no-sql, 10 s;
    the response cache's size (YUSUAN_CACHE_MB, default 64; 0 turns it off); YUSUAN_HOSTS (comma-separated host
    names): when set, only those Host headers are answered (421 otherwise)."""
    policy = robots or os.environ.get("YUSUAN_ROBOTS") or "no-sql"
    if policy not in ROBOTS:
        from .errors import YusuanError

        raise YusuanError("YUSUAN_ROBOTS", "", f"unknown robots policy {policy!r}; one of {', '.join(ROBOTS)}")
    delay = crawl_delay if crawl_delay is not None else int(os.environ.get("YUSUAN_CRAWL_DELAY") or 10)
    cache = cache_mb if cache_mb is not None else int(os.environ.get("YUSUAN_CACHE_MB") or 64)
    hosts = [h.strip() for h in (os.environ.get("YUSUAN_HOSTS") or "").split(",") if h.strip()]
    return {"robots": policy, "crawl_delay": delay, "cache_mb": cache} | ({"hosts": hosts} if hosts else {})


def _yaml_files(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            out.append(yaml.safe_load(handle) or {})
    return out


def queries() -> dict[str, dict]:
    """Every canned query of metadata/queries/*.yaml, titled in both languages."""
    out = {}
    for group in _yaml_files(METADATA / "queries"):
        for name, q in group.items():
            out[name] = {
                "sql": q["sql"],
                "title": f"{q['zh']} / {q['en']}",
                "description": f"{q['description_zh']}\n\n{q['description_en']}",  # the site shows one (yusuan.js)
                "hide_sql": True,  # the page opens with its parameters and rows; the SQL is one click away (show)
            }
    return out


def column_description(field: dict) -> str:
    """A column's description: the Chinese, a blank line, the English (the site shows the language chosen)."""
    zh, _, en = field["title"].partition(" / ")
    zh, en = field.get("title_zh") or zh, field.get("title_en") or en or zh
    return f"{zh}：{field['description_zh']}\n\n{en}: {field['description_en']}"


def datasette_metadata(descriptor: dict, package_dir: Path | None = None, robots: str | None = None,
                       cache_mb: int | None = None, database: str = "yusuan") -> dict:
    """Datasette metadata made from the package descriptor (titles, descriptions, columns) and metadata/, for
    the database named `database` (Datasette names a database after its file's stem: budget-2026.db -> budget-2026)."""
    meta = load("package")
    licence = meta["licenses"][0]
    tables: dict[str, dict] = {}
    for res in descriptor["resources"]:
        tables[res["name"]] = {
            "title": res["title"],
            "description": f"{res['description_zh']}\n\n{res['description_en']}",
            "columns": {f["name"]: column_description(f) for f in res["schema"]["fields"]},
        }
    for name, view in load("views").items():
        tables[name] = {"title": f"{view['zh']} / {view['en']}", "description": f"{view['description_zh']}\n\n{view['description_en']}"}
    for group in _yaml_files(METADATA / "site"):
        for name, options in (group.get("tables") or {}).items():
            tables.setdefault(name, {}).update(options)
    return {
        "title": f"{meta['title_zh']} / {meta['title_en']}",
        "description": f"{meta['description_zh']}\n\n{meta['description_en']}",
        "license": licence["name"],
        "license_url": licence["path"],
        "source": "部门预算公开文件 / Published department budget disclosures",
        "source_url": meta["homepage"],
        "databases": {database: {"tables": tables, "queries": queries()}},
        "plugins": {"yusuan-security": security_config(robots, cache_mb=cache_mb)}
        | {"yusuan-dictionary": load("dictionary")}  # the data dictionary page's texts (also in a published bundle)
        | ({"yusuan": {"package_dir": str(package_dir)}} if package_dir else {}),
    }


def descriptor_of(db_path: Path) -> dict:
    """The package descriptor the database was loaded from (stored beside it by the build)."""
    return json.loads(db_path.with_suffix(".datapackage.json").read_text(encoding="utf-8"))


def write_metadata(db_path: Path, package_dir: Path | None = None) -> Path:
    """Datasette's metadata file, written to a private temporary folder (never beside the database: the
    output folder may be read-only)."""
    import tempfile

    meta = datasette_metadata(descriptor_of(db_path), package_dir, database=db_path.stem)
    folder = Path(tempfile.mkdtemp(prefix="yusuan-serve-"))
    target = folder / "metadata.json"
    target.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def datasette(db_path: Path, package_dir: Path | None = None, robots: str | None = None, cache_mb: int | None = None):
    """An in-process Datasette exactly as `yusuan serve` configures it (for tests and benchmarks)."""
    from datasette.app import Datasette
    from datasette.database import Database

    ds = Datasette(
        metadata=datasette_metadata(descriptor_of(db_path), package_dir, robots, cache_mb, database=db_path.stem),
        template_dir=str(SITE / "templates"),
        static_mounts=[("static", str(SITE / "static"))],
        plugins_dir=str(SITE / "plugins"),
        settings=SETTINGS,
    )
    ds.add_database(Database(ds, path=str(db_path), is_mutable=False))  # named after its stem, as `serve` names it
    ds.remove_database("_memory")  # the command line serves the one file only
    return ds


def command(db_path: Path, host: str, port: int, package_dir: Path | None = None) -> list[str]:
    """The datasette command line that serves the database (and the package it was loaded from)."""
    metadata = write_metadata(db_path, package_dir)
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(db_path), "-m", str(metadata), "--host", host, "--port", str(port),
            "--template-dir", str(SITE / "templates"), "--static", f"static:{SITE / 'static'}",
            "--plugins-dir", str(SITE / "plugins")]
    for key, value in SETTINGS.items():
        args += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    return args
