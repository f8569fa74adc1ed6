"""The public site (issue 7, item 4): read-only and immutable, SQL time and row limits, no write paths, no server
paths in any page or JSON, a configurable robots policy and security headers, through the in-process Datasette
that `yusuan serve` configures (site/plugins/security.py)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hashlib as _h
import re
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from yusuan.paths import ROOT, SITE
from yusuan.serve import SETTINGS, datasette, queries, security_config

DOC = "changji-sasac-2021-budget"
FOREVER = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000000) select count(*) from c"
ROWS_6000 = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 6000) select x from c"
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.fixture(scope="module")
def site(built):
    return datasette(built / "yusuan.db", package_dir=built / "dp")


def get(site, path: str, **kwargs):
    return asyncio.run(site.client.get(path, **kwargs))


def sql_url(sql: str, fmt: str = ".json", **extra) -> str:
    return f"/yusuan{fmt}?" + urlencode({"sql": sql, **extra})


def digest(path: Path) -> str:
    return _h.sha256(path.read_bytes()).hexdigest()


# -- read-only and immutable -------------------------------------------------------------------------------

WRITES = {
    "insert into documents(document_id) values ('x')": "Statement must be a SELECT",
    "update facts set amount_yuan = 0": "Statement must be a SELECT",
    "delete from facts": "Statement must be a SELECT",
    "drop table facts": "Statement must be a SELECT",
    "create table t(x)": "Statement must be a SELECT",
    "replace into documents(document_id) values ('x')": "Statement must be a SELECT",
    "vacuum": "Statement must be a SELECT",
    "attach database 'evil.db' as evil": "Statement must be a SELECT",
    "pragma user_version = 5": "Statement must be a SELECT",
    "pragma journal_mode = delete": "Statement must be a SELECT",
    "pragma writable_schema = 1": "Statement must be a SELECT",
    "select * from pragma_user_version": "Statement contained a disallowed PRAGMA.",
    "with x as (select 1) insert into documents(document_id) select 'y' from x": "attempt to write a readonly database",
    "with x as (select 1) delete from facts": "attempt to write a readonly database",
    "select 1; delete from facts": "You can only execute one statement at a time.",
}


def test_no_write_through_sql(site, built):
    db = built / "yusuan.db"
    before, facts = digest(db), sqlite3.connect(db).execute("select count(*) from facts").fetchone()[0]
    for sql, error in WRITES.items():
        page = get(site, sql_url(sql))
        assert page.status_code == 400, sql
        assert page.json()["error"].startswith(error), (sql, page.json()["error"])
    assert digest(db) == before and not (built / "evil.db").exists() and not Path("evil.db").exists()
    assert sqlite3.connect(db).execute("select count(*) from facts").fetchone()[0] == facts == 153


def test_the_database_is_immutable(site):
    databases = {d["name"]: d for d in get(site, "/-/databases.json").json()}
    assert databases["yusuan"]["is_mutable"] is False
    assert site.get_database("yusuan").is_mutable is False


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/", "/yusuan", "/yusuan/facts", "/-/create", "/yusuan/-/create", "/yusuan/facts/-/insert",
                                  "/yusuan/facts/1/-/delete", "/-/messages", "/-/logout", "/-/auth-token", f"/doc/{DOC}",
                                  "/-/download/yusuan/table/facts.csv", "/yusuan/expenditure_by_class"])
def test_no_write_methods(site, method, path):
    page = asyncio.run(site.client.request(method, path, data={"sql": "delete from facts", "message": "x"}))
    assert (page.status_code, page.headers["allow"], page.text) == (405, "GET, HEAD, OPTIONS", "405: read-only site / 只读站点\n")


@pytest.mark.parametrize("path", ["/-/create", "/yusuan/facts/-/insert", "/yusuan/facts/-/upsert", "/yusuan/facts/1/-/delete",
                                  "/-/threads.json", "/-/threads", "/-/permissions", "/-/messages", "/-/allow-debug",
                                  "/-/patterns", "/-/auth-token", "/-/logout", "/-/actor.json", "/no/such/page/at/all"])
def test_write_and_debug_paths_do_not_exist(site, path):
    assert get(site, path).status_code == 404


# -- time limit ------------------------------------------------------------------------------------------------

def test_a_query_built_to_run_forever_is_stopped_within_the_limit(site):
    limit = SETTINGS["sql_time_limit_ms"] / 1000
    for url in (sql_url(FOREVER), sql_url(FOREVER, fmt=""),
                "/yusuan/facts.json?" + urlencode({"_where": f"({FOREVER}) > 0"})):
        started = time.monotonic()
        page = get(site, url)
        elapsed = time.monotonic() - started
        assert page.status_code == 400 and "SQL query took too long" in page.text, url
        assert limit <= elapsed < limit + 2.5, (url, elapsed)


def test_the_server_answers_while_a_query_runs_out_of_time(site):
    async def run():
        started = time.monotonic()

        async def timed(path, delay=0.0):
            await asyncio.sleep(delay)
            page = await site.client.get(path)
            return page.status_code, time.monotonic() - started

        return await asyncio.gather(timed(sql_url(FOREVER)), timed(sql_url(FOREVER)),
                                    timed("/yusuan/facts.json?_size=5", 0.3), timed(f"/doc/{DOC}", 0.3))

    (slow, t1), (slow2, t2), (fast, t3), (page, t4) = asyncio.run(run())
    assert (slow, slow2, fast, page) == (400, 400, 200, 200)
    assert t3 < 2.5 and t4 < 2.5 and min(t1, t2) >= SETTINGS["sql_time_limit_ms"] / 1000


# -- row limits ------------------------------------------------------------------------------------------------

def test_max_returned_rows(site):
    data = get(site, sql_url(ROWS_6000, _shape="objects")).json()
    assert (len(data["rows"]), data["truncated"], data["rows"][-1]) == (5000, True, {"x": 5000})
    assert get(site, "/yusuan/facts.json?_size=6000").json()["error"] == "_size must be <= 5000"
    assert len(get(site, "/yusuan/facts.json?_size=max&_shape=array").json()) == 153


def test_csv_streaming(site):
    """Decided: a table streams whole (`_stream=1` pages through it by key, each page under the time limit, the
    whole under max_csv_mb = 50); an arbitrary query's CSV never goes past max_returned_rows."""
    table = get(site, "/yusuan/facts.csv?_stream=1&_size=10").text.strip().splitlines()
    assert len(table) == 1 + 153 and table[0].startswith("\ufeffdocument_id,table_no,table_kind,")  # Excel-safe: BOM
    query = get(site, sql_url(ROWS_6000, fmt=".csv", _stream="1")).text.strip().splitlines()
    assert (len(query), query[0], query[-1]) == (5001, "\ufeffx", "5000")
    assert SETTINGS["max_csv_mb"] == 50 and get(site, "/-/settings.json").json()["max_csv_mb"] == 50


# -- no server paths -------------------------------------------------------------------------------------------

def forbidden(built: Path) -> list[str]:
    return sorted({str(built), str(built.resolve()), str(ROOT), str(SITE), sys.prefix, "/work/", "/tmp/", "/root/"})


def crawl(site, limit: int = 160) -> dict[str, str]:
    """Pages reached by following the site's own links from the home page (breadth first), plus every
    introspection, JSON and error page."""
    start = ["/", f"/doc/{DOC}", "/doc/no-such-document", "/yusuan", "/yusuan.json", "/.json", "/robots.txt",
             "/-/databases.json", "/-/databases", "/-/metadata.json", "/-/metadata", "/-/plugins.json", "/-/plugins.json?all=1",
             "/-/plugins", "/-/settings.json", "/-/config.json", "/-/versions.json", "/-/versions", "/-/threads.json",
             "/-/actor.json", "/yusuan/no_such_table", "/no_such_database", sql_url("select * from no_such_table"),
             sql_url("select * from no_such_table", fmt=""), sql_url(FOREVER, fmt=""), "/yusuan/facts.json?_size=6000",
             "/-/download/yusuan/table/no_such.csv", "/yusuan/facts/99999", "/yusuan/facts/99999.json",
             f"/yusuan/facts/{DOC},6,1,4", "/-/static/app.css", "/static/yusuan.js"]
    start += [f"/yusuan/{name}.json" for name in ("documents", "facts", "classifications", "findings")]
    start += [f"/yusuan/{name}.json?" + urlencode({p: "" for p in re.findall(r"(?<!:):(\w+)", q["sql"])}) for name, q in queries().items()]
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit + len(start):
        url = queue.pop(0)
        if url in seen:
            continue
        page = get(site, url)
        assert page.status_code < 500, (url, page.status_code)
        seen[url] = page.text
        if "html" not in page.headers.get("content-type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', page.text):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or href.endswith((".db", ".zip", ".xlsx")):
                continue
            if "_stream" not in href and href not in seen:
                queue.append(href)
    return seen


def test_no_server_path_in_any_page(site, built):
    pages = crawl(site)
    assert len(pages) > 150
    leaks = {(url, word) for url, text in pages.items() for word in forbidden(built) if word in text}
    assert not leaks


def test_a_row_url_with_too_few_key_values_is_404(site):
    assert get(site, "/yusuan/facts/99999").status_code == 404
    assert get(site, "/yusuan/facts/99999.json").json() == {"ok": False, "error": "没有此行 / No such row", "status": 404, "title": None}
    assert get(site, f"/yusuan/facts/{DOC},6,1,4.json?_shape=array").json()[0]["amount_yuan"] == 1349900


def test_introspection_keeps_what_is_not_a_path(site, built):
    yusuan = next(d for d in get(site, "/-/databases.json").json() if d["name"] == "yusuan")
    assert yusuan["path"] == "yusuan.db" and yusuan["size"] == (built / "yusuan.db").stat().st_size
    meta = get(site, "/-/metadata.json").json()
    assert meta["plugins"]["yusuan"] == {"package_dir": "dp"} and meta["title"].endswith("Budget Disclosures")
    assert {p["name"] for p in site._plugins()} >= {"security.py", "yusuan_pages.py", "yusuan_downloads.py"}


@pytest.mark.parametrize("path", ["/-/versions.json", "/-/versions", "/-/plugins.json", "/-/plugins", "/-/plugins.json?all=1"])
def test_versions_and_plugins_are_closed(site, path):
    """They tell an attacker which SQLite, Python and plugin versions run here (issue 14, item 9)."""
    page = get(site, path)
    assert page.status_code == 404 and "sqlite" not in page.text.lower() and "yusuan_pages" not in page.text


# -- robots ----------------------------------------------------------------------------------------------------

def test_robots_default_keeps_crawlers_off_expensive_urls(site):
    page = get(site, "/robots.txt")
    assert page.headers["content-type"].startswith("text/plain")
    assert page.text == ("User-agent: *\nCrawl-delay: 10\nDisallow: /*?sql=\nDisallow: /*&sql=\nDisallow: /*?_stream=\n"
                         "Disallow: /*&_stream=\nDisallow: /*.db\nDisallow: /-/\nAllow: /\n")


@pytest.mark.parametrize("policy, text", [("allow", "User-agent: *\nCrawl-delay: 10\nAllow: /\n"),
                                          ("none", "User-agent: *\nDisallow: /\n")])
def test_robots_policy_is_configurable(built, policy, text):
    assert get(datasette(built / "yusuan.db", robots=policy), "/robots.txt").text == text


def test_robots_policy_from_the_environment(monkeypatch):
    monkeypatch.setenv("YUSUAN_ROBOTS", "allow")
    monkeypatch.setenv("YUSUAN_CRAWL_DELAY", "30")
    monkeypatch.setenv("YUSUAN_CACHE_MB", "0")
    monkeypatch.delenv("YUSUAN_CACHE_HEADER", raising=False)
    assert security_config() == {"robots": "allow", "crawl_delay": 30, "cache_mb": 0}
    monkeypatch.setenv("YUSUAN_ROBOTS", "sometimes")
    with pytest.raises(Exception, match="unknown robots policy 'sometimes'; one of allow, no-sql, none"):
        security_config()


# -- security headers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", f"/doc/{DOC}", "/yusuan", "/yusuan/facts", "/yusuan/facts.json", "/yusuan/facts.csv",
                                  "/yusuan/facts/1", "/static/yusuan.js", "/-/static/app.css", "/robots.txt", "/-/databases.json",
                                  "/doc/nothing", "/nothing", "/-/threads", "/-/download/yusuan/table/facts.csv",
                                  "/yusuan/facts.csv?_stream=1"])
def test_security_headers_on_every_response(site, path):
    page = get(site, path)
    for name, value in HEADERS.items():
        assert page.headers[name] == value, (path, name)
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0] and "unsafe-eval" not in csp


def test_csp_allows_exactly_the_inline_scripts_the_pages_print(site):
    """Every inline script of every kind of page is allowed by its hash; no other script source is needed."""
    pages = ["/", f"/doc/{DOC}", "/yusuan", "/yusuan/facts", "/yusuan/facts/1", sql_url("select 1", fmt=""),
             "/yusuan/expenditure_by_class", sql_url(FOREVER, fmt=""), "/-/metadata", "/nothing"]
    found = 0
    for path in pages:
        page = get(site, path)
        allowed = page.headers["content-security-policy"].split("script-src ")[1].split(";")[0].split()
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S):
            if "src=" in attributes:
                src = re.search(r'src="([^"]+)"', attributes).group(1)
                assert src.startswith("/"), (path, src)  # 'self'
                continue
            found += 1
            expected = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            assert expected in allowed, (path, body[:80])
    assert found >= 8


# -- response cache -----------------------------------------------------------------------------------------

def test_pages_are_cached_for_anonymous_visitors(built):
    site = datasette(built / "yusuan.db")
    first, second = get(site, "/yusuan/facts?table_no=6"), get(site, "/yusuan/facts?table_no=6")
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.text == second.text and second.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert get(site, "/yusuan/facts?table_no=7").headers["x-cache"] == "miss"  # the query string is part of the key
    assert "x-cache" not in get(site, "/yusuan/facts?table_no=6", headers={"cookie": "ds_actor=x"}).headers
    assert [get(site, "/nothing").headers["x-cache"] for _ in range(2)] == ["miss", "miss"]  # errors are not kept
    assert [get(site, sql_url("select * from nothing")).headers["x-cache"] for _ in range(2)] == ["miss", "miss"]
    assert "x-cache" not in get(site, "/yusuan/facts.csv?_stream=1").headers  # streamed CSV passes through


def test_the_cache_can_be_turned_off(built):
    site = datasette(built / "yusuan.db", cache_mb=0)
    assert ["x-cache" in get(site, "/yusuan/facts?table_no=6").headers for _ in range(2)] == [False, False]
