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
import sys
import sysconfig
from pathlib import Path

import datasette as datasette_package
from datasette import hookimpl
from datasette.utils.asgi import Response

NAME = "yusuan-security"
HERE = Path(__file__).resolve().parent
TEMPLATE_DIRS = [Path(datasette_package.__file__).resolve().parent / "templates", HERE.parent / "templates"]
ALLOWED_METHODS = {"GET", "HEAD", "OPTIONS"}
BLOCKED = re.compile(r"^/-/(threads|permissions|messages|allow-debug|patterns|auth-token|logout|actor)(\.json)?/?$")
SCRUBBED_TYPES = (b"text/html", b"application/json")  # not CSV: it streams
EXPENSIVE = ["/*?sql=", "/*&sql=", "/*?_stream=", "/*&_stream=", "/*.db", "/-/"]
_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes() -> list[str]:
    """'sha256-…' of every inline script the templates can print (their text is fixed, but for one flag)."""
    hashes = set()
    for folder in TEMPLATE_DIRS:
        for template in sorted(folder.glob("*.html")) if folder.is_dir() else []:
            for body in _INLINE.findall(template.read_text(encoding="utf-8")):
                variants = [body]
                if "{{ datasette_allow_facet }}" in body:
                    variants = [body.replace("{{ datasette_allow_facet }}", flag) for flag in ("true", "false")]
                for text in variants:
                    if "{{" in text or "{%" in text:
                        continue  # printed by a plugin hook (extra_body_script); none of ours
                    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
                    hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


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
            scrub = state["scrub"]
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
                    await send(start)
                    return await send({"type": "http.response.body", "body": body})
                return await send(message)

            return await app(scope, receive, secured)

        return guarded

    return wrap
