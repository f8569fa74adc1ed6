"""Datasette over the database: metadata, canned queries and settings from the bilingual metadata.

`yusuan serve` runs Datasette in this process (python -m yusuan.serve; uvicorn as `datasette serve` runs it), so
that it can follow rebuilds whole: the database is opened as one Build (every connection the site uses opened
at once, with the descriptor read beside it, all of one build id); about once a second the file is looked at,
and when a build has committed a new pair (no commit journal left, the package's build id that of the new
database) the site switches to it in one step: the database, Datasette's metadata, the zip's descriptor, and
the response cache emptied (security.py notices the new database object). A request in flight finishes on
the build it started with. Connections nobody sends anything on are closed after YUSUAN_IDLE_SECONDS (default
5); nothing is written to the temporary folder."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import sqlite3
import sys
import time
from pathlib import Path

from .knowledge import load, parse
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
    names): when set, only those Host headers are answered (421 otherwise); YUSUAN_CACHE_HEADER=1 adds x-cache:
    hit/miss to the answers (for tests and benchmarks: it tells a visitor which URLs others asked for)."""
    policy = robots or os.environ.get("YUSUAN_ROBOTS") or "no-sql"
    if policy not in ROBOTS:
        from .errors import YusuanError

        raise YusuanError("YUSUAN_ROBOTS", "", f"unknown robots policy {policy!r}; one of {', '.join(ROBOTS)}")
    delay = crawl_delay if crawl_delay is not None else int(os.environ.get("YUSUAN_CRAWL_DELAY") or 10)
    cache = cache_mb if cache_mb is not None else int(os.environ.get("YUSUAN_CACHE_MB") or 64)
    hosts = [h.strip() for h in (os.environ.get("YUSUAN_HOSTS") or "").split(",") if h.strip()]
    return ({"robots": policy, "crawl_delay": delay, "cache_mb": cache} | ({"hosts": hosts} if hosts else {})
            | ({"cache_header": True} if os.environ.get("YUSUAN_CACHE_HEADER") == "1" else {}))


def _yaml_files(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            out.append(parse(handle) or {})
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
    the database named `database` (Datasette names a database after its file's stem: budget-2026.db -> budget-2026).

    The site's title, description, licence and source are the package's (so a project's yusuan.toml, which
    the build wrote into the descriptor), metadata/package.yaml for what a descriptor lacks."""
    meta = load("package") | {k: descriptor[k] for k in ("title_zh", "title_en", "description_zh", "description_en", "homepage", "licenses",
                                                          "contributors") if descriptor.get(k)}
    licence = meta["licenses"][0]
    publisher = next((c for c in descriptor.get("contributors", []) if c.get("role") == "publisher"), None)
    own = publisher is not None and publisher.get("title") != "yusuan"
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
            options = dict(options)
            note = options.pop("description_note", None)   # said after the resource's own description
            tables.setdefault(name, {}).update(options)
            if note:
                tables[name]["description"] = f"{tables[name].get('description', '')}\n\n{note}".strip()
    return {
        "title": f"{meta['title_zh']} / {meta['title_en']}",
        "description": f"{meta['description_zh']}\n\n{meta['description_en']}",
        "license": licence["name"],
        "license_url": licence["path"],
        "source": _source(publisher["title"]) if own else "部门预算公开文件 / Published department budget disclosures",
        "source_url": (publisher.get("path") if own else None) or meta["homepage"],
        "databases": {database: {"tables": tables, "queries": queries()}},
        "plugins": {"yusuan-security": security_config(robots, cache_mb=cache_mb)}
        | {"yusuan-dictionary": load("dictionary")}  # the data dictionary page's texts (also in a published bundle)
        | ({"yusuan": {"package_dir": str(package_dir)}} if package_dir else {}),
    }


def _source(publisher: str) -> str:
    """The site's source line naming the publisher (its title is "zh / en", or one name)."""
    zh, _, en = publisher.partition(" / ")
    return f"{zh}：部门预算公开文件 / {en or zh}: published department budget disclosures"


def descriptor_of(db_path: Path) -> dict:
    """The package descriptor the database was loaded from (stored beside it by the build)."""
    return json.loads(db_path.with_suffix(".datapackage.json").read_text(encoding="utf-8"))


class Changing(Exception):
    """The database file and its descriptor are not of one build yet (a rebuild is committing)."""


def _build_class():
    from datasette.database import Database

    class Build(Database):
        """One build of the database, opened whole: `size` connections opened at once (a connection keeps the
        file it opened when a rebuild renames another over it), the descriptor read with them, all of one build
        id, else Changing. Datasette's SQL threads take a connection from the pool and put it back."""

        def __init__(self, ds, path: Path, size: int) -> None:
            super().__init__(ds, path=str(path), is_mutable=False)
            self.stat = _stat(path)
            opened = [self.connect() for _ in range(size)]
            try:
                ids = {conn.execute("PRAGMA user_version").fetchone()[0] for conn in opened}
                self.descriptor = path.with_suffix(".datapackage.json").read_bytes()
                build = json.loads(self.descriptor).get("yusuan_build")
            except (OSError, ValueError, sqlite3.Error) as exc:
                self.close()
                raise Changing(str(exc)) from None
            if len(ids) != 1 or (build and f"{ids.pop():07x}" != build) or _stat(path) != self.stat:
                self.close()
                raise Changing(str(path))
            self.build = build
            self.pool: queue.SimpleQueue = queue.SimpleQueue()
            self.prepared: set[int] = set()
            for conn in opened:
                self.pool.put(conn)

        async def execute_fn(self, fn):
            def in_thread():
                conn = self.pool.get()
                try:
                    if id(conn) not in self.prepared:
                        self.ds._prepare_connection(conn, self.name)
                        self.prepared.add(id(conn))
                    return fn(conn)
                finally:
                    self.pool.put(conn)

            return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)

    return Build


def _stat(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def open_build(ds, db_path: Path, attempts: int = 50):
    """The database as one Build, retried while a rebuild is committing (up to `attempts` times, 0.1 s apart)."""
    size = (ds.setting("num_sql_threads") or 1) + 1
    for attempt in range(attempts):
        try:
            return _build_class()(ds, db_path, size)
        except Changing:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


class Follow:
    """Switches a served Datasette to a new build once it is committed whole (see the module's doc)."""

    def __init__(self, ds, db_path: Path, package_dir: Path | None, name: str, options: dict) -> None:
        self.ds, self.db_path, self.package_dir, self.name, self.options = ds, db_path, package_dir, name, options
        self.checked = time.monotonic()

    def due(self) -> bool:
        if time.monotonic() - self.checked < 1:
            return False
        self.checked = time.monotonic()
        return _stat(self.db_path) != self.ds.databases[self.name].stat

    def switch(self) -> bool:
        from .outputs import journal_for, package_id

        if journal_for(self.db_path).exists():
            return False  # a build is committing: its pair is not whole yet
        try:
            new = _build_class()(self.ds, self.db_path, (self.ds.setting("num_sql_threads") or 1) + 1)
        except Changing:
            return False
        if self.package_dir is not None and (self.package_dir / "datapackage.json").is_file() \
                and package_id(self.package_dir) != new.build:
            new.close()
            return False
        metadata = datasette_metadata(json.loads(new.descriptor), self.package_dir, **self.options)
        old = self.ds.databases[self.name]
        new.name, new.route = self.name, old.route
        self.ds._metadata_local = metadata
        self.ds.databases = {**self.ds.databases, self.name: new}  # one step; requests in flight keep the old one
        return True


def _site_class():
    from datasette.app import Datasette

    class Site(Datasette):
        """Datasette that follows rebuilds (self.follow) before it answers a request."""

        follow: Follow | None = None

        def app(self):
            inner = super().app()

            async def following(scope, receive, send):
                follow = self.follow
                if follow is not None and scope["type"] == "http" and follow.due():
                    await asyncio.to_thread(follow.switch)
                return await inner(scope, receive, send)

            return following

    return Site


def datasette(db_path: Path, package_dir: Path | None = None, robots: str | None = None, cache_mb: int | None = None):
    """An in-process Datasette exactly as `yusuan serve` configures it (for tests and benchmarks)."""
    name = db_path.stem  # Datasette names a database after its file's stem, as `datasette serve` would
    ds = _site_class()(
        metadata=datasette_metadata(descriptor_of(db_path), package_dir, robots, cache_mb, database=name),
        template_dir=str(SITE / "templates"),
        static_mounts=[("static", str(SITE / "static"))],
        plugins_dir=str(SITE / "plugins"),
        settings=SETTINGS,
    )
    build = open_build(ds, db_path)
    ds.add_database(build, name=name, route=name)
    ds.remove_database("_memory")  # the site serves the one file only
    ds.follow = Follow(ds, db_path, package_dir, name, {"robots": robots, "cache_mb": cache_mb, "database": name})
    return ds


IDLE_SECONDS = 5.0  # a connection that sends nothing for this long is closed (YUSUAN_IDLE_SECONDS)
REQUEST_SECONDS = 10.0  # a request (its line, headers and body) must have come whole within this long from the
# connection or the last response (YUSUAN_REQUEST_SECONDS): a client sending it a byte now and then is cut off


def _protocol(request_seconds: float = REQUEST_SECONDS):
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        """uvicorn's HTTP/1.1 protocol, whose keep-alive timer also runs before the first request (uvicorn
        0.x starts it only after a response: a connection that never sends anything was never closed), and
        with a deadline for each request to come whole (uvicorn's timer stops at the first byte: a client
        sending a byte every few seconds held its connection for ever)."""

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
            self.request_deadline = None
            self._arm()

        def _arm(self) -> None:
            if self.request_deadline is not None:
                self.request_deadline.cancel()
            self.request_deadline = self.loop.call_later(request_seconds, self._too_slow)

        def _too_slow(self) -> None:
            self.request_deadline = None
            # IDLE: the request's head has not all come; SEND_BODY: its body has not
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                try:
                    self.conn.send(h11.ConnectionClosed())
                except h11.LocalProtocolError:
                    pass
                self.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request on this connection has its own time

        def connection_lost(self, exc) -> None:
            if self.request_deadline is not None:
                self.request_deadline.cancel()
                self.request_deadline = None
            super().connection_lost(exc)

    return Protocol


def run(db_path: Path, host: str, port: int, package_dir: Path | None = None) -> None:
    """Serve until stopped (SIGINT/SIGTERM), in this process."""
    import signal

    import uvicorn

    # uvicorn stops gracefully on SIGTERM, then raises the signal again: exit through Python, so that what the
    # plugins registered to run at exit (removing their temporary files) runs
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    ds = datasette(db_path, package_dir)
    asyncio.run(ds.invoke_startup())
    idle = float(os.environ.get("YUSUAN_IDLE_SECONDS") or IDLE_SECONDS)
    request = float(os.environ.get("YUSUAN_REQUEST_SECONDS") or REQUEST_SECONDS)
    uvicorn.run(ds.app(), host=host, port=port, log_level="info", lifespan="on", workers=1,
                http=_protocol(max(request, 0.1)),
                timeout_keep_alive=max(idle, 0.1))


def command(db_path: Path, host: str, port: int, package_dir: Path | None = None) -> list[str]:
    """The command line that serves the database (and the package it was loaded from): this module."""
    args = [sys.executable, "-m", "yusuan.serve", "--db", str(db_path), "--host", host, "--port", str(port)]
    return args + (["--package", str(package_dir)] if package_dir is not None else [])


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m yusuan.serve", description="Serve a yusuan database (see yusuan serve).")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--package", type=Path)
    options = parser.parse_args(argv)
    run(options.db, options.host, options.port, options.package)


if __name__ == "__main__":
    main()
