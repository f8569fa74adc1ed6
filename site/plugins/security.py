"""yusuan site security: a read-only public site that leaks no server paths and sets security headers.

* Only GET, HEAD and OPTIONS are served: every other method gets 405, so no write path exists even where
  Datasette has one (/-/messages, /-/logout, /-/auth-token, canned write queries). Debug pages that tell
  about the server (/-/threads, /-/permissions, /-/messages, /-/allow-debug, /-/patterns, /-/auth-token,
  /-/logout, /-/actor) are 404.
* Server file paths are taken out of every HTML and JSON response: the folders of the databases, the
  working directory, the project, the Python installation and every path named in plugin configuration
  are cut from the text (/-/databases.json then shows "path": "yusuan.db"; /-/metadata.json the package
  folder's name only).
* Security headers on every response: a Content-Security-Policy allowing scripts only from this site plus
  the exact inline scripts of Datasette's templates (by their SHA-256), styles from this site and inline
  style attributes (charts are inline SVG), images from this site and data: URLs, no objects, no framing;
  X-Content-Type-Options, Referrer-Policy, X-Frame-Options, Permissions-Policy, Cross-Origin-Opener-Policy.
* A cache of whole HTML and JSON responses (the database is immutable): ``cache_mb`` in the plugin
  configuration (default 64; 0 turns it off). It is keyed on the language the site's own cookie (yusuan_lang)
  chooses; a request with any other cookie or credentials is never answered from it nor kept. It says nothing
  to the visitor (``cache_header``: true adds x-cache: hit/miss, for tests and benchmarks).
* Slow SQL does not hold the pages: requests that run SQL written by the visitor (?sql=, _where=, _stream=)
  take turns, ``sql_lanes`` at a time (default 1), the others waiting in line up to ``sql_wait`` seconds
  (default 10; then 503 with Retry-After); Datasette's other SQL threads stay free for pages. A ``_where``
  is run in parentheses of its own (a top-level OR cannot escape the page's other conditions); one whose
  parentheses, quotes or comments would reach outside them is refused (400).
* Bad input to SQLite's or Python's JSON (an undecodable error message, JSON nested too deep) is a 400 with one
  line, not a 500 with a traceback; the SQLite version and compile options are not readable through SQL.
* /robots.txt from the plugin configuration (metadata "plugins" → "yusuan-security"):
  ``robots``: ``allow`` (everything, with a crawl delay), ``no-sql`` (the default: everything but the
  expensive URLs: arbitrary SQL, streamed CSV, the database file, /-/), or ``none`` (nothing);
  ``crawl_delay`` in seconds (default 10); ``disallow``: more URL prefixes to keep crawlers off.

Self-contained: imports nothing from yusuan, so the plugin also runs in a published Datasette bundle.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import sqlite3
import sys
import sysconfig
import time
from pathlib import Path

import datasette as datasette_package
import datasette.handle_exception as default_exception_handler
from datasette import hookimpl
from datasette.utils.asgi import Response

# Datasette 0.65.5 prints every error's traceback with all its locals through `rich` when rich is installed
# (typer brings it): each 4xx (a rejected query, a 404) floods the log and costs ~100 ms; and for a URL that
# no route matches, rich raises "Value for 'trace' required" outside an except block: a 500 instead of a 404.
# The plain handler still answers every error, and prints the traceback of real (500) errors.
default_exception_handler.rich = None

NAME = "yusuan-security"
HERE = Path(__file__).resolve().parent
TEMPLATE_DIRS = [Path(datasette_package.__file__).resolve().parent / "templates", HERE.parent / "templates"]
ALLOWED_METHODS = {"GET", "HEAD", "OPTIONS"}
BLOCKED = re.compile(r"^/-/(threads|permissions|messages|allow-debug|patterns|auth-token|logout|actor|versions|plugins)(\.json)?/?$")
SCRUBBED_TYPES = (b"text/html", b"application/json")  # not CSV: it streams
EXPENSIVE = ["/*?sql=", "/*&sql=", "/*?_stream=", "/*&_stream=", "/*.db", "/-/"]
# The one inline script Datasette prints from Python code: in the error page of a query that ran out of time
# (datasette/views/base.py, QueryInterrupted).
TIME_LIMIT_SCRIPT = '\nlet ta = document.querySelector("textarea");\nta.style.height = ta.scrollHeight + "px";\n'
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a label holding one displays
# reversed or reordered text ("‮txt.exe"); they are taken out of every HTML page (the data and downloads keep
# them as printed).
BIDI = re.compile(b"|".join(chr(c).encode("utf-8") for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes() -> list[str]:
    """'sha256-…' of every inline script the templates can print (their text is fixed, but for one flag)."""
    hashes = {_sha256(TIME_LIMIT_SCRIPT)}
    for folder in TEMPLATE_DIRS:
        for template in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            for body in _INLINE.findall(template.read_text(encoding="utf-8")):
                variants = [body]
                if "{{ datasette_allow_facet }}" in body:
                    variants = [body.replace("{{ datasette_allow_facet }}", flag) for flag in ("true", "false")]
                for text in variants:
                    if "{{" in text or "{%" in text:
                        continue  # printed by a plugin hook (extra_body_script); none of ours
                    hashes.add(_sha256(text))
    return sorted(hashes)


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' " + " ".join(inline_script_hashes()),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
OURS = {name for name, _ in HEADERS}


def config(datasette) -> dict:
    return datasette.plugin_config(NAME) or {}


def robots_txt(datasette) -> str:
    options = config(datasette)
    policy = options.get("robots", "no-sql")
    delay = options.get("crawl_delay", 10)
    lines = ["User-agent: *"]
    if policy == "none":
        lines.append("Disallow: /")
    else:
        lines.append(f"Crawl-delay: {delay}")
        if policy != "allow":
            lines += [f"Disallow: {prefix}" for prefix in EXPENSIVE]
        lines += [f"Disallow: {prefix}" for prefix in options.get("disallow", [])]
        lines.append("Allow: /")
    return "\n".join(lines) + "\n"


def _paths_in(value) -> list[str]:
    if isinstance(value, dict):
        return [p for v in value.values() for p in _paths_in(v)]
    if isinstance(value, list):
        return [p for v in value for p in _paths_in(v)]
    if isinstance(value, str) and os.path.isabs(value) and len(value) > 1:
        return [value]
    return []


def server_paths(datasette) -> list[str]:
    """Folders whose names must not reach a client, longest first."""
    found = {os.getcwd(), str(HERE.parent.parent), sys.prefix, sys.base_prefix, sys.exec_prefix,
             sysconfig.get_paths().get("purelib", ""), str(Path(datasette_package.__file__).resolve().parent.parent)}
    for db in datasette.databases.values():
        if db.path:
            found.add(os.path.dirname(os.path.abspath(db.path)))
            found.add(os.path.dirname(os.path.realpath(db.path)))
    for path in _paths_in((datasette.metadata() or {}).get("plugins") or {}):
        found.add(os.path.dirname(path.rstrip("/")) or path)
    for _, folder in datasette.static_mounts:
        found.add(os.path.dirname(os.path.abspath(folder)))
    if datasette.template_dir:
        found.add(os.path.dirname(os.path.abspath(datasette.template_dir)))
    if datasette.plugins_dir:
        found.add(os.path.dirname(os.path.abspath(datasette.plugins_dir)))
    return sorted((p.rstrip("/") for p in found if p and p != "/"), key=len, reverse=True)


def scrubber(datasette):
    """A function taking server folders out of a response body: '/srv/x/yusuan.db' -> 'yusuan.db'."""
    paths = server_paths(datasette)
    if not paths:
        return lambda body: body
    pattern = re.compile(b"(?:" + b"|".join(re.escape(p.encode()) for p in paths) + rb")(/|(?=[\"'<\s&),;]|$))")
    return lambda body: pattern.sub(lambda m: b"" if m.group(1) else b".", body)


async def robots(datasette, request):
    return Response.text(robots_txt(datasette), headers={"cache-control": "max-age=3600"})


@hookimpl
def register_routes():
    return [(r"^/robots\.txt$", robots)]


async def _plain(send, status: int, text: str, extra: list | None = None) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
                + (extra or []) + HEADERS})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def handle_exception(datasette, request, exception):
    """A row URL with too few primary-key values (/yusuan/facts/99999 where facts has a compound key) makes
    Datasette 0.65.5 run SQL with an unbound parameter: a 500. It is a URL that names nothing: 404.
    SQLite's error message holding bytes that are not UTF-8 (json_extract('{}', x'24C1')) and JSON nested deeper
    than Python reads (?_json=) are bad input: 400, one line."""
    if isinstance(exception, sqlite3.ProgrammingError):
        status, message = 404, "没有此行 / No such row"
    elif isinstance(exception, UnicodeDecodeError):
        status, message = 400, "SQLite 的错误信息含无效字符 / the query failed with a message that is not text"
    elif isinstance(exception, RecursionError):
        status, message = 400, "JSON 嵌套过深 / JSON nested too deep"
    else:
        return None

    async def inner():
        info = {"ok": False, "error": message, "status": status, "title": None}
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        return Response.html(await datasette.render_template("error.html", info, request=request), status=status)

    return inner


class Cache:
    """HTML and JSON responses kept in memory, least recently used first out, up to a size in MiB (0: none).

    The database is immutable (served with -i), so a page is a function of what Datasette reads from the
    request: the scheme, the Host header (Datasette writes it into next_url, the Link header and <link
    rel=alternate>), the path and the query string; that is the key, for every visitor without a cookie or
    credentials (no actor). A request whose key is longer than MAX_KEY bytes is answered but not kept. Only
    whole 200 responses that set no cookie are kept (never a streamed CSV or a download); the size counted is
    what an entry really holds: its key, headers and body, plus a fixed overhead per entry. When the database
    file is replaced (a rebuild swapped in), everything kept is dropped."""

    MAX_KEY = 2048
    OVERHEAD = 1024  # bytes per entry beyond key, headers and body (dicts, tuples, the LRU links)

    def __init__(self, megabytes: int) -> None:
        from collections import OrderedDict

        self.limit = megabytes * 1024 * 1024
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.hits = self.misses = 0
        self.generation = 0

    def key(self, scope) -> tuple | None:
        if not self.limit or scope["method"] != "GET":
            return None
        host, lang = b"", b""
        for name, value in scope.get("headers", []):
            if name in (b"authorization", INTERNAL):
                return None
            if name == b"cookie":
                lang = language(value)
                if lang is None:
                    return None
            if name == b"host":
                host = value
        key = (scope.get("scheme") or "http", host, scope["path"], scope.get("query_string", b""), lang)
        if len(host) + len(scope.get("raw_path") or scope["path"].encode()) + len(key[3]) > self.MAX_KEY:
            return None
        return key

    @staticmethod
    def cost(key, start: dict, body: bytes) -> int:
        return (len(key[1]) + len(key[2].encode()) + len(key[3]) + len(body) + Cache.OVERHEAD
                + sum(len(k) + len(v) + 64 for k, v in start["headers"]))

    def clear(self) -> None:
        self.items.clear()
        self.size = 0
        self.generation += 1  # a page begun before the clear is never kept after it

    def get(self, key):
        found = self.items.get(key)
        if found is None:
            self.misses += 1
            return None
        self.items.move_to_end(key)
        self.hits += 1
        return found[:2]

    def put(self, key, start: dict, body: bytes, generation: int | None = None) -> None:
        if generation is not None and generation != self.generation:
            return  # begun on the build before a switch
        if start.get("status") != 200 or any(k.lower() == b"set-cookie" for k, _ in start["headers"]):
            return
        cost = self.cost(key, start, body)
        if cost > self.limit // 16 or key in self.items:
            return
        self.items[key] = (start, body, cost)
        self.size += cost
        while self.size > self.limit and self.items:
            _, (_, _, old) = self.items.popitem(last=False)
            self.size -= old


LANG_COOKIE = re.compile(rb"^\s*yusuan_lang=(zh|en)?\s*$")


def language(cookie: bytes) -> bytes | None:
    """The language a Cookie header chooses (b"zh", b"en", b"" for neither), or None when it holds anything
    but the site's own language cookie (a session, a token: such a request is never cached)."""
    lang = b""
    for part in cookie.split(b";"):
        if not part.strip():
            continue
        match = LANG_COOKIE.match(part)
        if match is None:
            return None
        lang = match.group(1) or b""
    return lang


INTERNAL = b"x-yusuan-download"  # the downloads plugin's own requests through Datasette's internal client
MAX_RESPONSE_MB = 32  # an HTML or JSON answer larger than this is refused (413), never sent
MAX_RESULT_MB = 32  # text and blob bytes one SQL statement may return, counted row by row as they are read
# sqlite3.setlimit on every connection the site opens (Python 3.11+): one value, one statement, one pattern
LIMITS = {
    "SQLITE_LIMIT_LENGTH": 2_000_000,  # bytes of one string or blob (zeroblob/randomblob/printf/replace blow-ups)
    "SQLITE_LIMIT_SQL_LENGTH": 50_000,  # bytes of one SQL statement
    "SQLITE_LIMIT_COLUMN": 500,
    "SQLITE_LIMIT_EXPR_DEPTH": 200,
    "SQLITE_LIMIT_COMPOUND_SELECT": 50,
    "SQLITE_LIMIT_FUNCTION_ARG": 64,
    "SQLITE_LIMIT_ATTACHED": 0,
    "SQLITE_LIMIT_LIKE_PATTERN_LENGTH": 1000,
    "SQLITE_LIMIT_VARIABLE_NUMBER": 1000,
    "SQLITE_LIMIT_TRIGGER_DEPTH": 10,
    "SQLITE_LIMIT_WORKER_THREADS": 0,
}
# denied by the authorizer at prepare time, whatever the SQL looks like: the server's file paths
# (pragma_database_list: its "file" column, hex(file), …) and functions that reach outside the database
DENIED_TABLES = {"pragma_database_list"}
DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit", "zipfile", "fts5_source_id",
                    "sqlite_version", "sqlite_source_id", "sqlite_compileoption_get", "sqlite_compileoption_used"}


def _authorizer(action, arg1, arg2, database, source):
    if action == sqlite3.SQLITE_READ and (arg1 or "").lower() in DENIED_TABLES:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _budget_rows(limit: int):
    """A row factory (sqlite3.Row, as Datasette uses) that stops a statement whose rows pass `limit` bytes of
    text and blobs: Datasette holds up to max_returned_rows rows in memory before it answers."""
    import weakref

    state = {"cursor": None, "bytes": 0}
    Row = sqlite3.Row

    def factory(cursor, row):
        current = state["cursor"]
        if current is None or current() is not cursor:
            state["cursor"], state["bytes"] = weakref.ref(cursor), 0
        n = state["bytes"]
        for value in row:
            if value.__class__ is str or value.__class__ is bytes:
                n += len(value)
        state["bytes"] = n
        if n > limit:
            state["cursor"] = None
            raise sqlite3.DataError(f"the result is larger than {limit // (1024 * 1024)} MB / 结果过大")
        return Row(cursor, row)

    return factory


MAX_WIDTH = 1000  # the largest width or precision printf()/format() may be asked for
_SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d+)?(?:\.(\*|\d+))?(?:ll|l)?(.)", re.S)


def _safe_printf(limits_from):
    """printf()/format() in SQLite builds its result one character at a time, outside the time limit's reach:
    printf('%.*c', 2147483647, 'x') holds a thread for 12 s even under the length limit. This one refuses a width
    or precision over MAX_WIDTH (NULL, as SQLite answers a result over the length limit) and leaves the rest to SQLite's own printf, on a private connection."""
    helper = sqlite3.connect(":memory:", check_same_thread=False)
    for name, value in limits_from.items():
        if hasattr(sqlite3, name):
            helper.setlimit(getattr(sqlite3, name), value)

    def printf(fmt, *args):
        if fmt is None:
            return None
        index = 0
        for match in _SPEC.finditer(str(fmt)):
            for part in match.group(1, 2):
                if part == "*":
                    part, index = (args[index] if index < len(args) else 0), index + 1
                try:
                    if part is not None and abs(int(part)) > MAX_WIDTH:
                        return None  # as SQLite's own printf answers a result over the length limit
                except (TypeError, ValueError):
                    pass
            index += match.group(3) != "%"
        return helper.execute(f"select printf({', '.join('?' * (len(args) + 1))})", (fmt, *args)).fetchone()[0]

    return printf


@hookimpl
def prepare_connection(conn, database, datasette):
    for name, value in LIMITS.items():
        if hasattr(sqlite3, name):
            conn.setlimit(getattr(sqlite3, name), value)
    printf = _safe_printf(LIMITS)
    conn.create_function("printf", -1, printf)
    conn.create_function("format", -1, printf)
    conn.set_authorizer(_authorizer)
    conn.row_factory = _budget_rows(int(config(datasette).get("max_result_mb", MAX_RESULT_MB)) * 1024 * 1024)


def _database_identity(datasette) -> tuple:
    identity = []
    for db in datasette.databases.values():
        if db.path:
            try:
                stat = os.stat(db.path)
                identity.append((db.path, stat.st_ino, stat.st_mtime_ns, stat.st_size))
            except OSError:
                identity.append((db.path, None))
    return tuple(identity)


# -- visitors' SQL: in parentheses of its own, and in turns --------------------------------------------------------

VISITOR_SQL = {"sql", "_where", "_stream"}  # query-string keys that make a request run SQL the visitor wrote
MAX_WAITING = 64  # visitors' SQL requests waiting in line beyond which the next is refused at once


def where_is_closed(text: str) -> bool:
    """True when `text`, put in parentheses, stays inside them: its parentheses balance outside quotes, and it
    holds no comment (which would swallow the closing parenthesis) and no semicolon."""
    depth, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while True:
                j = text.find(close, j)
                if j < 0:
                    return False
                if close != "]" and text.startswith(close * 2, j):
                    j += 2
                    continue
                break
            i = j + 1
            continue
        if text.startswith(("--", "/*"), i) or c == ";":
            return False
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return False
        i += 1
    return depth == 0


def enclosed_where(query: bytes) -> bytes | None:
    """The query string with every _where in parentheses of its own (Datasette joins them to the page's other
    conditions with AND: a top-level OR would reach past them, and its pages repeat rows); None when one
    cannot be enclosed."""
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="latin-1")  # bytes as they came
    out = []
    for key, value in pairs:
        if key == "_where":
            text = value.encode("latin-1").decode("utf-8", "replace")
            if not where_is_closed(text):
                return None
            if not (text.startswith("(") and text.endswith(")") and where_is_closed(text[1:-1])):
                text = f"({text})"
            value = text.encode("utf-8").decode("latin-1")
        out.append((key, value))
    return urlencode(out, encoding="latin-1").encode("latin-1")


class Lanes:
    """Requests running the visitors' own SQL take turns, `size` at a time, the next in line waiting up to `wait`
    seconds; what is left of Datasette's SQL threads answers the pages meanwhile. Not an asyncio.Semaphore: the
    line outlives one event loop (the tests run each request in its own)."""

    def __init__(self, size: int, wait: float) -> None:
        from collections import deque

        self.size, self.wait, self.active, self.line = max(1, size), wait, 0, deque()

    async def enter(self) -> bool:
        if self.active < self.size and not self.line:
            self.active += 1
            return True
        if len(self.line) >= MAX_WAITING:
            return False
        import asyncio

        turn = asyncio.get_running_loop().create_future()
        self.line.append(turn)
        try:
            await asyncio.wait_for(turn, self.wait)
            return True  # the slot was handed over: active stays as it is
        except asyncio.TimeoutError:
            return False
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.leave()
            raise
        finally:
            if turn in self.line:
                self.line.remove(turn)

    def leave(self) -> None:
        while self.line:
            turn = self.line.popleft()
            if not turn.done():
                try:
                    turn.set_result(True)
                    return
                except RuntimeError:  # its event loop is gone
                    continue
        self.active -= 1


def visitor_sql(scope) -> bool:
    from urllib.parse import parse_qsl

    query = scope.get("query_string", b"")
    if not query or scope["path"].startswith("/-/download/"):
        return False
    return any(key in VISITOR_SQL for key, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True))


def ctype_of(start: dict) -> bytes:
    return next((v for k, v in start["headers"] if k.lower() == b"content-type"), b"")


def _host_allowed(scope, hosts: list[str]) -> bool:
    host = next((v for k, v in scope.get("headers", []) if k == b"host"), b"").decode("latin-1").lower()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return host in hosts or name in hosts


@hookimpl
def asgi_wrapper(datasette):
    state: dict = {}

    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope["method"] not in ALLOWED_METHODS:
                return await _plain(send, 405, "405: read-only site / 只读站点\n", [(b"allow", b"GET, HEAD, OPTIONS")])
            if BLOCKED.match(scope["path"]):
                return await _plain(send, 404, "404: Not found\n")
            if "scrub" not in state:
                options = config(datasette)
                state["scrub"] = scrubber(datasette)
                state["cache"] = datasette._yusuan_cache = Cache(int(options.get("cache_mb", 64)))
                state["hosts"] = [h.lower() for h in options.get("hosts") or []]
                state["max_response"] = int(options.get("max_response_mb", MAX_RESPONSE_MB)) * 1024 * 1024
                state["identity"], state["checked"] = _database_identity(datasette), time.monotonic()
                state["cache_header"] = bool(options.get("cache_header"))
                state["lanes"] = Lanes(int(options.get("sql_lanes", 1)), float(options.get("sql_wait", 10)))
            if state["hosts"] and not _host_allowed(scope, state["hosts"]):
                return await _plain(send, 421, "421: this site does not answer to that host name / 主机名不符\n")
            if b"_where" in scope.get("query_string", b""):
                query = enclosed_where(scope["query_string"])
                if query is None:
                    return await _plain(send, 400, "400: _where must be one condition: balanced parentheses, no comment, "
                                                   "no semicolon / _where 须为单个条件\n")
                scope = dict(scope, query_string=query)
            cache = state["cache"]
            served = tuple(datasette.databases.values())  # `yusuan serve` switches to a new object after a rebuild
            if served != state.get("served"):
                state["served"] = served
                cache.clear()
            if time.monotonic() - state["checked"] > 1:  # a rebuild swapped in: nothing kept describes it
                state["checked"] = time.monotonic()
                identity = _database_identity(datasette)
                if identity != state["identity"]:
                    state["identity"] = identity
                    cache.clear()
            key = cache.key(scope)
            if key is not None:
                hit = cache.get(key)
                if hit is not None:
                    start, body = hit
                    await send(dict(start, headers=start["headers"] + ([(b"x-cache", b"hit")] if state["cache_header"] else [])))
                    return await send({"type": "http.response.body", "body": body})
            if visitor_sql(scope):
                lanes = state["lanes"]
                if not await lanes.enter():
                    return await _plain(send, 503, "503: too many SQL queries at once; try again shortly / 查询过多，请稍后再试\n",
                                        [(b"retry-after", b"10")])
                try:
                    return await serve(scope, receive, send, key)
                finally:
                    lanes.leave()
            return await serve(scope, receive, send, key)

        async def serve(scope, receive, send, key):
            scrub, cache = state["scrub"], state["cache"]
            generation = cache.generation
            held: dict = {}
            hold = not scope["path"].startswith("/-/download/")  # downloads stream; their data holds no server path
            limit = state["max_response"]

            async def secured(message):
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in OURS] + HEADERS
                    ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                    message = dict(message, headers=headers)
                    if hold and ctype.startswith(SCRUBBED_TYPES):
                        held["start"], held["body"], held["size"] = message, [], 0  # hold until the whole body is in
                        return
                    return await send(message)
                if message["type"] == "http.response.body" and "start" in held:
                    if held.get("refused"):
                        return
                    chunk = message.get("body", b"")
                    held["size"] += len(chunk)
                    if held["size"] > limit:
                        held["refused"], held["body"] = True, []
                        return await _plain(send, 413, f"413: the answer is larger than {limit // (1024 * 1024)} MB; "
                                                       "ask for fewer rows / 结果过大，请减少行数\n")
                    held["body"].append(chunk)
                    if message.get("more_body"):
                        return
                    body = scrub(b"".join(held["body"]))
                    if held["start"] is not None and ctype_of(held["start"]).startswith(b"text/html"):
                        body = BIDI.sub(b"", body)
                    start = held.pop("start")
                    start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"] + \
                        [(b"content-length", str(len(body)).encode())]
                    if key is not None:
                        cache.put(key, dict(start), body, generation)
                        start["headers"] = start["headers"] + ([(b"x-cache", b"miss")] if state["cache_header"] else [])
                    await send(start)
                    return await send({"type": "http.response.body", "body": body})
                return await send(message)

            return await app(scope, receive, secured)

        return guarded

    return wrap
