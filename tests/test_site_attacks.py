"""The public site under attack and under load (issue 14, items 1-7 and the site parts of 9): no cache poisoning,
no giant answers, no server paths through SQL, downloads that hold exactly the rows the page shows, respect
permissions, never carry a live formula and never stall the site. Real Datasette, in process, over the sample's
database (and a copy of it with one more table made here: many rows, formula-like text, blobs)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest

from yusuan.serve import datasette, security_config

DOC = "changji-sasac-2021-budget"
FORMULAS = ["=1+1", "=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","click")', "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx"]
NUMBERS = ["-12.5", "+3", "-7"]


def get(site, path: str, **kwargs):
    return asyncio.run(site.client.get(path, **kwargs))


def sql_url(sql: str, fmt: str = ".json", **extra) -> str:
    return f"/yusuan{fmt}?" + urlencode({"sql": sql, **extra})


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def site(built):
    return datasette(built / "yusuan.db", package_dir=built / "dp")


@pytest.fixture(scope="module")
def big(built, tmp_path_factory):
    """A copy of the built database with a table `big` of 100,001 rows: text, a real, a blob; the first rows'
    text formula-like."""
    root = tmp_path_factory.mktemp("big")
    for name in ("yusuan.db", "yusuan.datapackage.json"):
        shutil.copy(built / name, root / name)
    shutil.copytree(built / "dp", root / "dp")
    db = sqlite3.connect(root / "yusuan.db")
    db.execute("create table big (n integer primary key, label text, amount real, payload blob)")
    labels = FORMULAS + NUMBERS
    db.executemany("insert into big values (?, ?, ?, ?)",
                   ((n, labels[n - 1] if n <= len(labels) else f"项目{n}", n + 0.25, bytes([n % 256, 255, 0]))
                    for n in range(1, 100_002)))
    db.commit()
    db.close()
    return root


@pytest.fixture(scope="module")
def big_site(big):
    return datasette(big / "yusuan.db", package_dir=big / "dp")


# -- 1. cache poisoning by Host, key size, real memory -----------------------------------------------------------

def test_a_foreign_host_does_not_poison_the_cache(built):
    site = datasette(built / "yusuan.db")
    path = "/yusuan/facts?table_no=6"
    evil = get(site, path, headers={"host": "evil.example"})
    assert "evil.example" in evil.text  # Datasette writes the Host into its links: that is why it is in the key
    honest = get(site, path)
    assert "evil.example" not in honest.text and "evil.example" not in honest.headers.get("link", "")
    assert honest.headers["x-cache"] == "miss" and get(site, path).headers["x-cache"] == "hit"
    get(site, "/yusuan/facts.json?table_no=6&_size=1", headers={"host": "evil.example"})
    assert "evil.example" not in get(site, "/yusuan/facts.json?table_no=6&_size=1").text


def test_only_configured_hosts_are_answered(built, monkeypatch):
    monkeypatch.setenv("YUSUAN_HOSTS", "budget.example.org, localhost")
    assert security_config()["hosts"] == ["budget.example.org", "localhost"]
    site = datasette(built / "yusuan.db")
    assert get(site, "/yusuan/facts", headers={"host": "budget.example.org"}).status_code == 200
    assert get(site, "/yusuan/facts", headers={"host": "budget.example.org:8001"}).status_code == 200
    refused = get(site, "/yusuan/facts", headers={"host": "evil.example"})
    assert refused.status_code == 421 and "evil" not in refused.text


def test_long_keys_are_not_kept_and_the_cache_counts_what_it_holds(built):
    site = datasette(built / "yusuan.db", cache_mb=1)
    long = get(site, "/yusuan/documents.json?_size=1&x=" + "a" * 60_000)
    assert long.status_code == 200 and "x-cache" not in long.headers
    cache = site._yusuan_cache
    assert cache.items == {} and cache.size == 0
    bodies = 0
    for i in range(400):
        page = get(site, f"/yusuan/documents.json?_size=1&x={i}-" + "b" * 1500)
        assert page.headers["x-cache"] == "miss"
        bodies += len(page.content) + 1500
    kept = sum(len(body) + len(key[3]) for key, (start, body, cost) in cache.items.items())
    assert cache.size >= kept + len(cache.items) * cache.OVERHEAD  # keys, headers and overhead counted, not only bodies
    assert cache.size <= 1024 * 1024 and bodies > 1024 * 1024 and 0 < len(cache.items) < 400


# -- 2. one huge value, one huge answer --------------------------------------------------------------------------

@pytest.mark.parametrize("sql", ["select zeroblob(300000000)", "select randomblob(300000000)",
                                 "select printf('%.*c', 300000000, 'x')", "select printf('%.*c', 2147483647, 'x')",
                                 "select format('%2147483647c', 'x')", "select replace(hex(zeroblob(2000000)), '0', 'xx')",
                                 "select group_concat(hex(randomblob(1000))) from (with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000) select x from c)"])
def test_one_huge_value_is_refused_at_once(site, sql):
    for fmt in (".json", ".csv", ""):
        started = time.monotonic()
        page = get(site, sql_url(sql, fmt=fmt))
        if "printf" in sql or "format" in sql:  # NULL for a result over the length limit, or a width over 1,000
            assert page.status_code == 200 and len(page.content) < 100_000 and "xxxxxxxx" not in page.text
        elif fmt == ".csv":  # Datasette answers a CSV whose query fails with an empty 200
            assert page.status_code == 200 and page.content.strip() == b"", (sql, page.content[:100])
        else:
            assert page.status_code == 400 and "too big" in page.text, (sql, fmt, page.status_code)
        assert time.monotonic() - started < 2 and len(page.content) < 100_000


def test_many_large_values_stop_at_the_result_budget(site):
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 5000) select zeroblob(1000000) from c"
    started = time.monotonic()
    page = get(site, sql_url(sql))
    assert page.status_code == 400 and "larger than 32 MB" in page.text and time.monotonic() - started < 5


def test_an_answer_larger_than_the_cap_is_refused(site):
    # 30 values of 1,000,000 '"': 30 MB of data (under the result budget), 60 MB once escaped in JSON
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 30) select replace(hex(zeroblob(500000)), '0', '\"') from c"
    page = get(site, sql_url(sql))
    assert page.status_code == 413 and len(page.content) < 1000 and "larger than 32 MB" in page.text
    assert get(site, sql_url("select 1 as one")).status_code == 200


def test_printf_still_formats(site):
    sql = "select printf('%.2f|%5d|%s|%%', 3.14159, 42, '文') as a, format('%.*c', 3, 'x') as b, printf('%.1000c', 'y') = printf('%.*c', 1000, 'y') as c"
    assert get(site, sql_url(sql, _shape="array")).json() == [{"a": "3.14|   42|文|%", "b": "xxx", "c": 1}]


def test_sqlite_limits_on_every_connection(site):
    assert "query string is too large" in get(site, sql_url("select 1" + " " * 50_000)).text  # SQL length
    assert get(site, sql_url("select 1" + " " * 40_000)).status_code == 200
    assert "too big" in get(site, sql_url("select zeroblob(2000001)")).text
    assert get(site, sql_url("select length(zeroblob(1999999)) as n")).json()["rows"] == [[1999999]]


# -- 7. server paths through SQL, dangerous functions ------------------------------------------------------------

@pytest.mark.parametrize("sql", ["select * from pragma_database_list", "select file from pragma_database_list()",
                                 "select hex(file) from pragma_database_list", "select name from pragma_database_list where seq = 0",
                                 "select fts3_tokenizer('simple')", "select fts3_tokenizer('x', x'0000000000000000')"])
def test_paths_and_tokenizers_are_denied_by_the_authorizer(site, built, sql):
    for fmt in (".json", ".csv", ""):
        page = get(site, sql_url(sql, fmt=fmt, _stream="1") if fmt == ".csv" else sql_url(sql, fmt=fmt))
        if fmt == ".csv":  # Datasette answers a CSV whose query fails with an empty 200
            assert page.status_code == 200 and page.content.strip() == b"", (sql, page.content[:100])
        else:
            assert page.status_code == 400 and ("not authorized" in page.text or "prohibited" in page.text), (sql, fmt)
        assert built.name not in page.text and str(built) not in page.text and "yusuan.db" not in page.text


def test_the_authorizer_leaves_ordinary_sql_and_pages_alone(site):
    assert get(site, sql_url("select name from pragma_table_info('documents') limit 1")).json()["rows"] == [["document_id"]]
    assert get(site, "/yusuan").status_code == 200 and get(site, "/yusuan/facts").status_code == 200


# -- 3. downloads: streamed, off the event loop, row limit --------------------------------------------------

def test_a_large_download_does_not_stall_the_site(big_site):
    async def run():
        async def timed(path, delay=0.0):
            await asyncio.sleep(delay)
            started = time.monotonic()
            page = await big_site.client.get(path)
            return page, time.monotonic() - started

        download = asyncio.create_task(timed("/-/download/yusuan/table/big.xlsx?n__lte=40000"))
        small = [await timed("/robots.txt", 0.2) for _ in range(8)]
        return await download, small

    (sheet, took), small = asyncio.run(run())
    assert sheet.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content), read_only=True)["data"].iter_rows(values_only=True))
    assert len(rows) == 1 + 40_000 and rows[-1][:3] == (40000, "项目40000", 40000.25)
    assert took > 1.0 and max(t for _, t in small) < 1.0, (took, [round(t, 3) for _, t in small])


def test_a_download_beyond_the_row_limit_is_refused_before_it_starts(big_site):
    page = get(big_site, "/-/download/yusuan/table/big.csv")
    assert page.status_code == 413 and "100001" in page.text and "yusuan-datapackage.zip" in page.text
    assert len(csv_rows(get(big_site, "/-/download/yusuan/table/big.csv?n__gt=1").content)) == 100_000


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_download_is_streamed(big_site, fmt):
    """Sent page by page as Datasette gives the rows (5,000 at a time), not built whole first."""
    messages = []

    async def run():
        scope = {"type": "http", "method": "GET", "path": f"/-/download/yusuan/table/big.{fmt}", "raw_path": b"",
                 "query_string": b"n__lte=20000", "headers": [(b"host", b"localhost")], "scheme": "http",
                 "http_version": "1.1", "root_path": "", "client": ("127.0.0.1", 1), "server": ("localhost", 80)}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            messages.append(message)

        await big_site.app()(scope, receive, send)

    asyncio.run(run())
    start, bodies = messages[0], [m for m in messages[1:] if m.get("body")]
    assert start["status"] == 200 and b"content-length" not in dict(start["headers"])
    assert len(bodies) >= 4
    data = b"".join(m["body"] for m in bodies)
    rows = csv_rows(data) if fmt == "csv" else json.loads(data)["rows"]
    assert len(rows) == 20_000


# -- 4. formula injection -------------------------------------------------------------------------------------

def test_xlsx_text_cells_are_text_never_formulas(big_site):
    content = get(big_site, "/-/download/yusuan/table/big.xlsx?n__lte=12").content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = openpyxl.load_workbook(io.BytesIO(content))["data"]
    labels = [sheet.cell(row, 2) for row in range(2, 2 + len(FORMULAS) + len(NUMBERS))]
    assert [c.value for c in labels][:6] == FORMULAS[:6] and [c.value for c in labels][-3:] == NUMBERS
    assert all(c.data_type == "s" for c in labels)
    assert sheet.cell(2, 1).value == 1 and sheet.cell(2, 3).value == 1.25


def test_xlsx_of_real_tables_with_formula_text(built, tmp_path):
    """A document whose text begins with '=' (paragraphs, facts' names): the XLSX holds it as text."""
    root = tmp_path
    for name in ("yusuan.db", "yusuan.datapackage.json"):
        shutil.copy(built / name, root / name)
    db = sqlite3.connect(root / "yusuan.db")
    db.execute("update paragraphs set text = '=HYPERLINK(\"http://evil.example\",\"点此\")' where rowid = (select min(rowid) from paragraphs)")
    db.commit()
    db.close()
    site = datasette(root / "yusuan.db")
    content = get(site, f"/-/download/yusuan/table/paragraphs.xlsx?document_id={DOC}").content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    values = [c.value for row in openpyxl.load_workbook(io.BytesIO(content))["data"].iter_rows() for c in row]
    assert '=HYPERLINK("http://evil.example","点此")' in values


def test_csv_downloads_neutralise_formula_cells_but_not_numbers(big_site):
    rows = csv_rows(get(big_site, "/-/download/yusuan/table/big.csv?n__lte=11").content)
    assert [r["label"] for r in rows] == ["'" + f for f in FORMULAS] + NUMBERS
    assert (rows[0]["n"], rows[0]["amount"]) == ("1", "1.25")


def test_package_csvs_stay_as_printed(built):
    """The package's CSV files are the data as printed: nothing is prefixed there (only downloads for Excel)."""
    text = (built / "dp" / "facts.csv").read_text(encoding="utf-8")
    assert "'" not in text.split("\n")[1] and ",525.81," in text


# -- 5. filtered downloads: exactly the page's rows ------------------------------------------------------------

FILTERS = [("facts", "table_no__gt=6", 22), ("facts", "name_zh__contains=办公", None), ("facts", "table_no__in=7,8", None),
           ("facts", "_where=amount_yuan+>+1000000", None), ("paragraphs", "_search=国资委", 94),
           ("facts", "table_no=3&measure=total&_sort_desc=amount_yuan", None), ("leaf_facts", "table_no__gte=7", None)]


@pytest.mark.parametrize("table, query, expected", FILTERS)
def test_a_filtered_download_holds_exactly_the_page_rows(site, table, query, expected):
    shown = get(site, f"/yusuan/{table}.json?{query}&_size=max&_shape=objects")
    assert shown.status_code == 200, shown.text
    page_rows = shown.json()["rows"]
    assert page_rows and (expected is None or len(page_rows) == expected)
    total = shown.json()["filtered_table_rows_count"]
    assert len(page_rows) == total < sum(1 for _ in get(site, f"/yusuan/{table}.json?_size=max&_shape=array").json())
    columns = list(page_rows[0])
    as_text = [[("" if r[c] is None else str(r[c])) for c in columns] for r in page_rows]
    downloaded = csv_rows(get(site, f"/-/download/yusuan/table/{table}.csv?{query}").content)
    assert [[r[c] for c in columns] for r in downloaded] == as_text
    book = openpyxl.load_workbook(io.BytesIO(get(site, f"/-/download/yusuan/table/{table}.xlsx?{query}").content))["data"]
    assert book.max_row == 1 + total
    body = get(site, f"/-/download/yusuan/table/{table}.json?{query}").json()
    assert body["rows"] == page_rows and body["licence"]["name"] == "CC0-1.0"


def test_the_typed_count_of_a_filter(site):
    """Typed from the sample: tables 7 and 8 (projects, three public expenses) hold 16 + 6 = 22 amounts."""
    rows = csv_rows(get(site, "/-/download/yusuan/table/facts.csv?table_no__gt=6").content)
    assert len(rows) == 22 and {r["table_no"] for r in rows} == {"7", "8"}


def test_an_unsupported_filter_is_refused_not_ignored(site):
    page = get(site, "/-/download/yusuan/table/facts.csv?_where=no_such_column+>+1")
    assert page.status_code == 400 and "no such column" in page.text


# -- 6. permissions --------------------------------------------------------------------------------------------

def test_downloads_respect_permissions(built):
    site = datasette(built / "yusuan.db")
    assert get(site, "/_internal.json").status_code == 403
    for fmt in ("csv", "xlsx", "json"):
        page = get(site, f"/-/download/_internal/table/databases.{fmt}")
        assert page.status_code == 403 and "yusuan.db" not in page.text and str(built) not in page.text
    site._metadata_local["databases"]["yusuan"]["tables"].setdefault("documents", {})["allow"] = {"id": "nobody"}
    site._metadata_local["databases"]["yusuan"]["queries"]["three_public"]["allow"] = {"id": "nobody"}
    assert get(site, "/yusuan/documents").status_code == 403
    assert get(site, "/-/download/yusuan/table/documents.csv").status_code == 403
    assert get(site, f"/-/download/yusuan/query/three_public.csv?document={DOC}").status_code == 403
    assert get(site, "/-/download/yusuan/table/facts.csv?table_no=1").status_code == 200


# -- 9. blobs, the build served ------------------------------------------------------------------------------

def test_blob_columns_download_in_every_format(big_site):
    for fmt in ("csv", "xlsx", "json"):
        page = get(big_site, f"/-/download/yusuan/table/big.{fmt}?n__lte=3")
        assert page.status_code == 200, fmt
    body = get(big_site, "/-/download/yusuan/table/big.json?n__lte=3").json()
    assert body["rows"][0]["payload"] == {"$base64": True, "encoded": "Af8A"}  # bytes 01 ff 00
    assert csv_rows(get(big_site, "/-/download/yusuan/table/big.csv?n__lte=1").content)[0]["payload"] == "base64:Af8A"
    query = get(big_site, "/-/download/yusuan/query/three_public.json?document=" + DOC)
    assert query.status_code == 200


def test_the_zip_and_the_pages_describe_the_same_build(built, tmp_path):
    for name in ("yusuan.db", "yusuan.datapackage.json"):
        shutil.copy(built / name, tmp_path / name)
    shutil.copytree(built / "dp", tmp_path / "dp")
    site = datasette(tmp_path / "yusuan.db", package_dir=tmp_path / "dp")
    first = get(site, "/-/download/yusuan-datapackage.zip")
    assert first.status_code == 200
    assert json.loads(zipfile.ZipFile(io.BytesIO(first.content)).read("datapackage.json")) == \
        json.loads((tmp_path / "yusuan.datapackage.json").read_text(encoding="utf-8"))
    assert get(site, "/yusuan/documents").headers["x-cache"] == "miss"
    assert get(site, "/yusuan/documents").headers["x-cache"] == "hit"
    # a rebuild half way: the package folder is new, the database the server opened is not
    descriptor = json.loads((tmp_path / "dp" / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = "a newer build"
    (tmp_path / "dp" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    busy = get(site, "/-/download/yusuan-datapackage.zip")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "60"
    # the rebuild completes: a new database file and its descriptor are swapped in
    new = tmp_path / "new.db"
    shutil.copy(built / "yusuan.db", new)
    conn = sqlite3.connect(new)
    conn.execute("update documents set department_zh = '新的一版'")
    conn.commit()
    conn.close()
    new.replace(tmp_path / "yusuan.db")
    (tmp_path / "yusuan.datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    time.sleep(1.2)
    page = get(site, "/yusuan/documents")
    assert page.headers["x-cache"] == "miss"
    archive = zipfile.ZipFile(io.BytesIO(get(site, "/-/download/yusuan-datapackage.zip").content))
    assert json.loads(archive.read("datapackage.json"))["title"] == "a newer build"
