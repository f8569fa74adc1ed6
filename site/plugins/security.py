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
  configuration (default 64; 0 turns it off). Requests with a cookie or credentials are never cached.
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
BLOCKED = re.compile(r"^/-/(threads|permissions|messages|allow-debug|patterns|auth-token|logout|actor)(\.json)?/?$")
SCRUBBED_TYPES = (b"text/html", b"application/json")  # not CSV: it streams
EXPENSIVE = ["/*?sql=", "/*&sql=", "/*?_stream=", "/*&_stream=", "/*.db", "/-/"]
# The one inline script Datasette prints from Python code: in the error page of a query that ran out of time
# (datasette/views/base.py, QueryInterrupted).
TIME_LIMIT_SCRIPT = '\nlet ta = document.querySelector("textarea");\nta.style.height = ta.scrollHeight + "px";\n'
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
    Datasette 0.65.5 run SQL with an unbound parameter: a 500. It is a URL that names nothing: 404."""
    if not isinstance(exception, sqlite3.ProgrammingError):
        return None

    async def inner():
        info = {"ok": False, "error": "没有此行 / No such row", "status": 404, "title": None}
        if request.path.endswith(".json"):
            return Response.json(info, status=404)
        return Response.html(await datasette.render_template("error.html", info, request=request), status=404)

    return inner


class Cache:
    """HTML and JSON responses kept in memory, least recently used first out, up to a size in MiB (0: none).

    The database is immutable (served with -i), so a page is a function of its URL alone, for every visitor
    without a cookie or credentials (no actor): those requests are answered from here after the first. Only
    whole 200 responses that set no cookie are kept (never a streamed CSV). A new build means a new server."""

    def __init__(self, megabytes: int) -> None:
        from collections import OrderedDict

        self.limit = megabytes * 1024 * 1024
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def key(self, scope) -> tuple | None:
        if not self.limit or scope["method"] != "GET":
            return None
        if any(name in (b"cookie", b"authorization") for name, _ in scope.get("headers", [])):
            return None
        return scope["path"], scope.get("query_string", b"")

    def get(self, key):
        found = self.items.get(key)
        if found is None:
            self.misses += 1
            return None
        self.items.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key, start: dict, body: bytes) -> None:
        if start.get("status") != 200 or any(k.lower() == b"set-cookie" for k, _ in start["headers"]):
            return
        if len(body) > self.limit // 16 or key in self.items:
            return
        self.items[key] = (start, body)
        self.size += len(body)
        while self.size > self.limit and self.items:
            _, (_, old) = self.items.popitem(last=False)
            self.size -= len(old)


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
                state["scrub"] = scrubber(datasette)
                state["cache"] = Cache(int(config(datasette).get("cache_mb", 64)))
            scrub, cache = state["scrub"], state["cache"]
            key = cache.key(scope)
            if key is not None:
                hit = cache.get(key)
                if hit is not None:
                    start, body = hit
                    await send(dict(start, headers=start["headers"] + [(b"x-cache", b"hit")]))
                    return await send({"type": "http.response.body", "body": body})
            held: dict = {}

            async def secured(message):
                if message["type"] == "http.response.start":
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in OURS] + HEADERS
                    ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                    message = dict(message, headers=headers)
                    if ctype.startswith(SCRUBBED_TYPES):
                        held["start"], held["body"] = message, []  # hold until the whole body is in
                        return
                    return await send(message)
                if message["type"] == "http.response.body" and "start" in held:
                    held["body"].append(message.get("body", b""))
                    if message.get("more_body"):
                        return
                    body = scrub(b"".join(held["body"]))
                    start = held.pop("start")
                    start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"] + \
                        [(b"content-length", str(len(body)).encode())]
                    if key is not None:
                        cache.put(key, dict(start), body)
                        start["headers"] = start["headers"] + [(b"x-cache", b"miss")]
                    await send(start)
                    return await send({"type": "http.response.body", "body": body})
                return await send(message)

            return await app(scope, receive, secured)

        return guarded

    return wrap
