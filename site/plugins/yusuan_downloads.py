"""yusuan downloads: any table, view or canned query as CSV (UTF-8 with BOM, for Excel on Chinese Windows),
XLSX or JSON, and the whole data package as a zip, each carrying its licence.

  /-/download/<database>/table/<table or view>.<csv|xlsx|json>?<the table page's query string>
  /-/download/<database>/query/<canned query>.<csv|xlsx|json>?<parameter>=<value>&…
  /-/download/yusuan-datapackage.zip

Exactly the rows the page shows: the rows come from Datasette's own JSON of the same table or query with the
same query string (every filter: exact values, __gt, __contains, __in, _where, _search, _sort …), fetched
through Datasette's internal client page by page (_size=max, following next_url), so a download never holds a
row the page would not. Datasette's permissions apply (view-instance, view-database, view-table / view-query):
a download of what the page may not show is 403.

Limits: a table download holds at most ``download_max_rows`` rows (plugin configuration "yusuan", default
100,000): a larger selection is refused (413) before anything is sent; whole tables are the package's files
(the zip). A canned query gives at most Datasette's max_returned_rows; a truncated result is refused likewise.
The file is streamed: CSV and JSON as the pages arrive, XLSX (a zip, written whole) built in a temporary file;
formatting runs in a worker thread, never on the event loop.

Spreadsheet safety (OWASP "CSV injection"): every text cell of an XLSX file is written as text, never as a
formula; in the CSV a text cell beginning with = + - @ tab or carriage return gets a leading apostrophe ('),
unless it is a plain number (-12.5). Datasette's own CSV (the link on every table, query and SQL page, streamed
or not) gets the same treatment and the BOM on its way out: there is no CSV of the site that carries a live
formula. The package's own CSV files stay exactly as printed.

File names say what the file holds: the table or query and its filter (facts_table_no-gt-6.csv), letters, digits,
_ and - only (an ASCII name for old clients, the full one as filename*=UTF-8''…), at most ~150 bytes.

At most ``download_slots`` downloads run at once (plugin configuration "yusuan", default 2): one more is answered
503 with Retry-After at once, so downloads never starve the pages. A download that fails half way (an XLSX is
written whole before it is sent) removes its temporary files on every path.

Numbers are written as SQLite holds them (integers stay integers; decimals by their shortest exact text).
In the XLSX, an amount column's printed text (525.81, 66,410,000.00, -12.50) is written as the number it prints,
exactly (the file holds the printed digits, never a float's 525.8099999999999), formatted with its printed
decimals and thousands separators (#,##0.00), so a spreadsheet sums it; text that is not a printed number, or has
more than 15 significant digits (beyond what a spreadsheet holds exactly), stays text. Which columns are amounts
is decided by column, never by a value's look (class codes, body ids and years stay text): a table's
amount_as_printed-like columns (a printed text whose number the package gives beside it: amount_as_printed and
amount, funds_total_as_printed and funds_total …), and a canned query's columns selected from an
*amount_as_printed column (its SQL, in metadata/queries: total, basic, project, amount …).
A BLOB is written as Datasette gives it: text when it is UTF-8, else "base64:<its base64>" (JSON: Datasette's
{"$base64": true, "encoded": …}).
Self-contained: imports nothing from yusuan, so it also runs in a published Datasette bundle.
"""

from __future__ import annotations

import asyncio
import atexit
import codecs
import csv
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Forbidden, NotFound, Response

LICENCE_NAME = "CC0-1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
NOTICE_ZH = "数据以 CC0-1.0 发布（公有领域贡献），可自由使用；原始文件为国家机关公文，不受著作权法保护（《著作权法》第五条）。"
NOTICE_EN = ("Data released under CC0-1.0 (public domain dedication), free to use; the source documents are official "
             "documents of state organs, outside copyright (PRC Copyright Law art. 5).")
MAX_ROWS = 100_000
INTERNAL = "x-yusuan-download"  # header of the download's own requests: they are not kept in the response cache
# query-string keys that shape how a page is shown, not which rows it holds: the download sets its own
PRESENTATION = {"_size", "_next", "_shape", "_extra", "_json", "_labels", "_nolabels", "_stream", "_dl", "_facet",
                "_facet_array", "_facet_date", "_facet_size", "_nofacet", "_nosuggest", "_nocount", "_trace", "_timelimit"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_zip_cache: dict[str, tuple[str, Path]] = {}


def _remove_zips() -> None:
    for _, path in _zip_cache.values():
        path.unlink(missing_ok=True)


atexit.register(_remove_zips)  # the server stops: its zips go (nothing left in the temporary folder)


class AsgiStream:
    """A streamed response of bytes: stream_fn(out) awaits out.write(chunk). An error after the start breaks the
    connection (the client sees an incomplete file, never a short one that looks whole)."""

    def __init__(self, stream_fn, headers: dict, content_type: str) -> None:
        self.stream_fn, self.headers, self.content_type = stream_fn, headers, content_type

    async def asgi_send(self, send) -> None:
        head = [(k.encode(), v.encode()) for k, v in self.headers.items()] + [(b"content-type", self.content_type.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": head})

        class Out:
            @staticmethod
            async def write(chunk: bytes) -> None:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})

        await self.stream_fn(Out)
        await send({"type": "http.response.body", "body": b""})


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def licence(datasette) -> dict:
    return {"name": datasette.metadata("license") or LICENCE_NAME, "path": datasette.metadata("license_url") or LICENCE_URL,
            "notice_zh": NOTICE_ZH, "notice_en": NOTICE_EN}


def disposition(filename: str) -> str:
    """attachment; filename="<ASCII letters, digits, _ . ->" and, when the name holds more, filename*=UTF-8''…"""
    ascii_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", filename)
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


UNSAFE_NAME = re.compile(r"[^\w-]+")


def download_name(name: str, query: str, ext: str, limit: int = 150) -> str:
    """A file name that says the table or query and its filter: facts_table_no-gt-6.csv; only letters, digits, _
    and - (any language) before the extension; cut to about `limit` bytes once URL-encoded."""
    pieces = [name] + [f"{k.strip('_').replace('__', '-')}-{v}" for k, v in parse_qsl(query, keep_blank_values=True)
                       if k not in PRESENTATION and k not in ("_next",)]
    stem = "_".join(p for p in (UNSAFE_NAME.sub("_", piece).strip("_") for piece in pieces) if p) or "download"
    while len(quote(stem)) > limit:
        stem = stem[:-1]
    return f"{stem}.{ext}"


def headers(datasette, filename: str) -> dict:
    lic = licence(datasette)
    return {"content-disposition": disposition(filename), "link": f'<{lic["path"]}>; rel="license"',
            "x-licence": lic["name"]}


def max_rows(datasette) -> int:
    return int((datasette.plugin_config("yusuan") or {}).get("download_max_rows", MAX_ROWS))


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number: 525.81, never 525.8099999
    if isinstance(value, dict) and value.get("$base64"):
        return "base64:" + value.get("encoded", "")
    return str(value)


def neutralised(value) -> str:
    """CSV text safe to open in a spreadsheet (OWASP): a formula-like text cell gets a leading apostrophe."""
    out = text(value)
    if isinstance(value, str) and out.startswith(FORMULA_START) and not PLAIN_NUMBER.match(out):
        return "'" + out
    return out


# -- rows, through Datasette itself --------------------------------------------------------------------------

async def _fetch(datasette, path: str) -> dict:
    response = await datasette.client.get(path, headers={INTERNAL: "1"})
    if response.status_code != 200:
        try:
            message = response.json().get("error") or response.text
        except ValueError:
            message = response.text
        raise Refused(response.status_code if response.status_code < 500 else 500, str(message)[:500])
    return await asyncio.to_thread(json.loads, response.content)


async def check_permission(datasette, request, database: str, kind: str, name: str) -> None:
    if database not in datasette.databases:
        raise NotFound(f"no database {database}")
    if kind == "query" and not await datasette.get_canned_query(database, name, request.actor):
        raise NotFound(f"no query {name}")
    action = "view-table" if kind == "table" else "view-query"
    try:
        await datasette.ensure_permissions(request.actor, [(action, (database, name)), ("view-database", database), "view-instance"])
    except Forbidden:
        raise Refused(403, "403: Forbidden")


async def pages(datasette, request, database: str, kind: str, name: str):
    """(columns, first page's rows, an async iterator of the next pages' rows) of the table or query as its page
    shows it. Refused before any row is sent when the selection is too large or Datasette rejects it."""
    await check_permission(datasette, request, database, kind, name)
    base = f"/{quote(database)}/{quote(name)}.json"
    args = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True) if k not in PRESENTATION]
    if kind == "query":
        first = await _fetch(datasette, base + "?" + urlencode(args + [("_shape", "objects")]))
        if first.get("truncated"):
            raise Refused(413, f"413: more than {datasette.setting('max_returned_rows')} rows; download the data package "
                               "instead / 结果超过行数上限，请下载完整数据包 /-/download/yusuan-datapackage.zip")

        async def none():
            return
            yield

        return first["columns"], first["rows"], none()
    db = datasette.get_database(database)
    if not await db.table_exists(name) and name not in await db.view_names():
        raise NotFound(f"no table or query {name}")
    limit = max_rows(datasette)
    shape = [("_shape", "objects"), ("_size", "max"), ("_nofacet", "1"), ("_nosuggest", "1")]
    first = await _fetch(datasette, base + "?" + urlencode(args + shape))
    count = first.get("filtered_table_rows_count")
    if count is not None and count > limit:
        raise Refused(413, f"413: {count} rows, more than the {limit} a download holds; narrow the filter or download the "
                           f"data package / 共 {count} 行，超过下载上限 {limit} 行；请缩小筛选范围或下载完整数据包 "
                           "/-/download/yusuan-datapackage.zip")

    async def rest():
        sent = len(first["rows"])
        following = first.get("next_url")
        while following:
            parts = urlsplit(following)
            query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "_nocount"] + [("_nocount", "1")]
            page = await _fetch(datasette, parts.path + "?" + urlencode(query))
            sent += len(page["rows"])
            if sent > limit:  # the count had timed out: stop the stream broken rather than silently short
                raise RuntimeError(f"download of {name} passed {limit} rows")
            yield page["rows"]
            following = page.get("next_url")

    return first["columns"], first["rows"], rest()


# -- formats (run in a worker thread) -----------------------------------------------------------------------

def csv_chunk(columns, rows, header: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        out.write("\ufeff")
        writer.writerow([neutralised(c) for c in columns])
    for row in rows:
        writer.writerow([neutralised(row.get(c)) for c in columns])
    return out.getvalue().encode("utf-8")


def json_chunk(columns, rows, first: bool) -> bytes:
    parts = [json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) for row in rows]
    if not parts:
        return b""
    return (("\n" if first else ",\n") + ",\n".join(parts)).encode("utf-8")


PRINTED_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
EXACT_DIGITS = 15  # significant digits a spreadsheet's number holds exactly
AMOUNT_SOURCE = re.compile(r"\w*amount_as_printed\b")
SQL_WORD = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[(),]|\b(?:select|from)\b", re.IGNORECASE)


def select_list(sql: str) -> list[str]:
    """The items of the outer SELECT of `sql` (the first one outside parentheses: after a WITH's subqueries),
    split at its top-level commas."""
    depth, start, items = 0, None, []
    for match in SQL_WORD.finditer(sql):
        token = match.group().lower()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0 and token == "select" and start is None:
            start = match.end()
        elif depth == 0 and start is not None and token == ",":
            items.append(sql[start:match.start()])
            start = match.end()
        elif depth == 0 and start is not None and token == "from":
            return items + [sql[start:match.start()]]
    return items


def query_amounts(sql: str) -> set[str]:
    """The columns of a canned query that are printed amounts: those selected from an *amount_as_printed column
    (f.amount_as_printed, max(CASE … f.amount_as_printed END) AS total, coalesce(table_amount_as_printed, …) AS amount)."""
    out = set()
    for item in select_list(sql):
        if AMOUNT_SOURCE.search(item):
            alias = re.search(r"(?:\bAS\s+|\.|^\s*)\"?(\w+)\"?\s*$", item, re.IGNORECASE)
            if alias:
                out.add(alias.group(1))
    return out


def table_amounts(descriptor: dict | None, name: str, columns) -> set[str]:
    """The columns of a table or view that are printed amounts: *amount_as_printed, and any X_as_printed text whose
    number X the package's resource gives beside it (funds_total_as_printed and funds_total)."""
    resource = next((r for r in (descriptor or {}).get("resources", []) if r.get("name") == name), None)
    numbers = {f["name"] for f in (resource or {}).get("schema", {}).get("fields", []) if f.get("type") in ("number", "integer")}
    return {c for c in columns if c.endswith("amount_as_printed") or (c.endswith("_as_printed") and c[: -len("_as_printed")] in numbers)}


def printed_number(value: str) -> tuple[str, str] | None:
    """(the number's exact text, its number format) when `value` is a printed amount a spreadsheet holds exactly
    (66,410,000.00 -> ("66410000.00", "#,##0.00")), else None (it stays text)."""
    match = PRINTED_NUMBER.match(value)
    if not match:
        return None
    sign, whole, decimals = match.group(1), match.group(2).replace(",", ""), match.group(3) or ""
    if len((whole + decimals).lstrip("0")) > EXACT_DIGITS:
        return None
    exact = ("-" if sign == "-" else "") + whole + (f".{decimals}" if decimals else "")
    return exact, "#,##0" + (f".{'0' * len(decimals)}" if decimals else "")


def number_cell(cell, exact: str):
    """The cell holds the number written as `exact` in the file (openpyxl writes a Decimal or float through
    "%.16g", which turns 525.81 into 525.8099999999999; a numeric cell holding its text is written as it is)."""
    cell.data_type = "n"
    cell._value = exact
    return cell


class Sheet:
    """An XLSX file written row by row (openpyxl's write-only mode) into a temporary file; the `amounts` columns'
    printed numbers as numbers."""

    def __init__(self, columns, amounts: set[str] = frozenset()) -> None:
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("data")
        self.sheet.freeze_panes = "A2"
        self.columns = columns
        self.amounts = [c in amounts for c in columns]
        self.append(columns, bold=True)

    def cell(self, value, bold: bool = False, amount: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        if isinstance(value, float) and value == value and abs(value) != float("inf"):
            # the shortest text that reads back as the same number: Excel shows 525.81, not 525.8099999999999
            return number_cell(WriteOnlyCell(self.sheet), repr(value))
        if isinstance(value, Decimal) and value.is_finite():
            return number_cell(WriteOnlyCell(self.sheet), str(value))
        if amount and isinstance(value, str) and (number := printed_number(value)):
            cell = number_cell(WriteOnlyCell(self.sheet), number[0])
            cell.number_format = number[1]
            return cell
        if value is not None and not isinstance(value, int):
            value = ILLEGAL_CHARACTERS_RE.sub("", text(value))
        cell = WriteOnlyCell(self.sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula, whatever it begins with
        if bold:
            cell.font = Font(bold=True)
        return cell

    def append(self, values, bold: bool = False, amounts=()) -> None:
        self.sheet.append([self.cell(v, bold, a) for v, a in zip(values, amounts or [False] * len(values))])

    def rows(self, rows) -> None:
        for row in rows:
            self.append([row.get(c) for c in self.columns], amounts=self.amounts)

    def discard(self) -> None:
        """Remove the temporary files openpyxl writes each sheet into (a download that failed half way)."""
        for sheet in self.book.worksheets:
            writer = getattr(sheet, "_writer", None)
            out = getattr(writer, "out", None)
            try:
                writer.xf.close()
            except Exception:  # noqa: BLE001 - a half-written sheet: only its file matters
                pass
            if isinstance(out, str):
                Path(out).unlink(missing_ok=True)

    def save(self, lic: dict, title: str) -> Path:
        info = self.book.create_sheet("licence 许可")
        for line in (["title 标题", title], ["licence 许可", lic["name"]], ["url", lic["path"]],
                     ["说明", lic["notice_zh"]], ["notice", lic["notice_en"]]):
            info.append([self.cell(v) for v in line])
        handle, name = tempfile.mkstemp(suffix=".xlsx", prefix="yusuan-download-")
        os.close(handle)
        try:
            self.book.save(name)
        except BaseException:
            os.unlink(name)
            raise
        return Path(name)


async def download(datasette, request):
    database, kind, name, fmt = (request.url_vars[k] for k in ("database", "kind", "name", "fmt"))
    try:
        columns, first, rest = await pages(datasette, request, database, kind, name)
    except NotFound as missing:  # a plain 404, without Datasette's traceback page
        return Response.text(f"404: {missing}", status=404)
    except Refused as refused:
        return Response.text(str(refused) + "\n", status=refused.status)
    lic = licence(datasette)
    filename = download_name(name, request.query_string, fmt)
    if fmt == "csv":
        async def stream_csv(out):
            await out.write(await asyncio.to_thread(csv_chunk, columns, first, True))
            async for rows in rest:
                await out.write(await asyncio.to_thread(csv_chunk, columns, rows, False))

        return AsgiStream(stream_csv, headers=headers(datasette, filename), content_type="text/csv; charset=utf-8")
    if fmt == "json":
        head = {"licence": lic, "source": datasette.metadata("source"), "name": name, "columns": columns}
        opening = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "rows": ['

        async def stream_json(out):
            await out.write(opening.encode("utf-8") + await asyncio.to_thread(json_chunk, columns, first, True))
            written = bool(first)
            async for rows in rest:
                await out.write(await asyncio.to_thread(json_chunk, columns, rows, not written))
                written = written or bool(rows)
            await out.write(b"\n]\n}\n")

        return AsgiStream(stream_json, headers=headers(datasette, filename), content_type="application/json; charset=utf-8")
    if kind == "query":
        amounts = query_amounts((await datasette.get_canned_query(database, name, request.actor) or {}).get("sql", ""))
    else:
        stored = served_descriptor(datasette)
        amounts = table_amounts(json.loads(stored) if stored else None, name, columns)
    sheet = await asyncio.to_thread(Sheet, columns, amounts)
    try:
        await asyncio.to_thread(sheet.rows, first)
        async for rows in rest:
            await asyncio.to_thread(sheet.rows, rows)
        path = await asyncio.to_thread(sheet.save, lic, name)
    except Refused as refused:
        await asyncio.to_thread(sheet.discard)
        return Response.text(str(refused) + "\n", status=refused.status)
    except BaseException:
        await asyncio.to_thread(sheet.discard)
        raise
    return file_stream(path, headers(datasette, filename),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", remove=True)


def file_stream(path: Path, extra: dict, content_type: str, remove: bool = False) -> AsgiStream:
    size = path.stat().st_size

    async def stream(out):
        try:
            with open(path, "rb") as handle:
                while chunk := await asyncio.to_thread(handle.read, 1 << 20):
                    await out.write(chunk)
        finally:
            if remove:
                path.unlink(missing_ok=True)

    return AsgiStream(stream, headers=dict(extra, **{"content-length": str(size)}), content_type=content_type)


# -- the package zip -------------------------------------------------------------------------------------------

def package_dir(datasette) -> Path | None:
    """The package folder the database was built from: the configured one, or one whose datapackage.json is the
    descriptor stored beside the database (so a stale or foreign package is never served)."""
    db = served_database(datasette)
    if db is None:
        return None
    db_path = Path(db.path)
    config = datasette.plugin_config("yusuan") or {}
    if config.get("package_dir"):
        return Path(config["package_dir"])
    stored = served_descriptor(datasette)
    if not stored:
        return None
    wanted = json.loads(stored)
    candidates = [p.parent for p in db_path.parent.glob("*/datapackage.json")]
    stamp = db_path.with_suffix(".stamp.json")
    if stamp.is_file():
        candidates += [Path(m) for m in re.findall(r"(/[^|\"]+)", stamp.read_text(encoding="utf-8"))]
    here = Path(__file__).resolve().parent.parent.parent
    candidates += [here / "datapackage"]
    for folder in candidates:
        try:
            if (folder / "datapackage.json").is_file() and json.loads((folder / "datapackage.json").read_text(encoding="utf-8")) == wanted:
                return folder
        except (OSError, ValueError):
            continue
    return None


def licence_text(lic: dict) -> str:
    return f"{lic['name']} {lic['path']}\n\n{lic['notice_zh']}\n\n{lic['notice_en']}\n"


def served_database(datasette):
    """The database the site serves (the first one with a file; its name is not always yusuan)."""
    return next((db for name, db in datasette.databases.items() if name != "_internal" and db.path), None)


def served_descriptor(datasette) -> bytes | None:
    """The descriptor of the build the site serves: the one `yusuan serve` read with the database it opened
    (db.descriptor), else the copy stored beside the database file."""
    db = served_database(datasette)
    if db is None:
        return None
    if getattr(db, "descriptor", None) is not None:
        return db.descriptor
    try:
        return Path(db.path).with_suffix(".datapackage.json").read_bytes()
    except OSError:
        return None


def served_build(datasette) -> str:
    """The identity of the build the site serves (the response cache and the zip follow it)."""
    stored = served_descriptor(datasette)
    return hashlib.sha256(stored).hexdigest() if stored else ""


def build_zip(folder: Path, lic: dict, build: str, expected: dict | None = None) -> Path | None:
    """The package folder zipped into a temporary file; None when the folder changed while it was read (a
    rebuild swapped it in): its datapackage.json must be the same before and after, and the served one."""
    before = (folder / "datapackage.json").read_bytes()
    if expected is not None and json.loads(before) != expected:
        return None
    handle, name = tempfile.mkstemp(suffix=".zip", prefix="yusuan-package-")
    os.close(handle)
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
        archive.writestr("LICENSE.txt", licence_text(lic))
    if (folder / "datapackage.json").read_bytes() != before:
        os.unlink(name)
        return None
    return Path(name)


BUSY = "503: a new build is being published; try again in a minute / 新版本正在发布，请稍后再试\n"


async def package_zip(datasette, request):
    config = datasette.plugin_config("yusuan") or {}
    if config.get("package_zip") and Path(config["package_zip"]).is_file():
        return file_stream(Path(config["package_zip"]), headers(datasette, "yusuan-datapackage.zip"), "application/zip")
    folder = package_dir(datasette)
    if folder is None:
        return Response.text("404: the data package this database was built from is not available here", status=404)
    build = served_build(datasette)
    stored = served_descriptor(datasette)
    try:
        expected = json.loads(stored) if stored else None
        same = expected is not None and expected == json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        same = False
    if stored and not same:  # the package folder is of another build than the database served: never mix them
        return Response.text(BUSY, status=503, headers={"retry-after": "60"})
    key = str(folder)
    cached = _zip_cache.get(key)
    if cached is None or cached[0] != build or not cached[1].is_file():
        path = await asyncio.to_thread(build_zip, folder, licence(datasette), build, expected)
        if path is None:
            return Response.text(BUSY, status=503, headers={"retry-after": "60"})
        if cached:
            cached[1].unlink(missing_ok=True)
        _zip_cache[key] = cached = (build, path)
    return file_stream(cached[1], headers(datasette, "yusuan-datapackage.zip"), "application/zip")


# -- Datasette's own CSV, made safe; downloads at once ---------------------------------------------------------

FORMULA_CELL = re.compile(r'(?:^|[,\n"])[=+\-@\t\r]')


def complete_records(text: str) -> int:
    """Where the last whole CSV record of `text` ends: after a newline with an even number of quotes before it."""
    quotes, pos = text.count('"'), len(text)
    while True:
        newline = text.rfind("\n", 0, pos)
        if newline < 0:
            return 0
        quotes -= text.count('"', newline, pos)
        pos = newline
        if quotes % 2 == 0:
            return newline + 1


def neutralised_csv(text: str) -> str:
    """Whole CSV records with every formula-like cell neutralised (as downloads are); untouched when none is."""
    if not FORMULA_CELL.search(text):
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralised(cell) for cell in row])
    return out.getvalue()


class SafeCsv:
    """Datasette's CSV, chunk by chunk as it streams: the BOM first, then whole records, neutralised."""

    def __init__(self) -> None:
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.carry, self.started = "", False

    def feed(self, chunk: bytes, final: bool) -> bytes:
        text = self.carry + self.decoder.decode(chunk, final)
        end = len(text) if final else complete_records(text)
        self.carry = text[end:]
        out = neutralised_csv(text[:end])
        if not self.started and out.strip():  # (a failed query's CSV stays empty)
            out, self.started = "\ufeff" + out, True
        return out.encode("utf-8")


class Slots:
    def __init__(self) -> None:
        self.active = 0


BUSY_DOWNLOADS = "503: too many downloads at once; try again in a moment / 同时下载过多，请稍后再试\n"


@hookimpl
def asgi_wrapper(datasette):
    slots = Slots()

    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope["path"].startswith("/-/download/"):
                limit = int((datasette.plugin_config("yusuan") or {}).get("download_slots", 2))
                if slots.active >= limit:
                    body = BUSY_DOWNLOADS.encode()
                    await send({"type": "http.response.start", "status": 503, "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                        (b"retry-after", b"30")]})
                    return await send({"type": "http.response.body", "body": body})
                slots.active += 1
                try:
                    return await app(scope, receive, send)
                finally:
                    slots.active -= 1
            if not scope["path"].endswith(".csv"):
                return await app(scope, receive, send)
            state: dict = {}

            async def safe(message):
                if message["type"] == "http.response.start":
                    heads = message.get("headers", [])
                    # Datasette answers .csv as text/csv when downloaded (_dl), else as text/plain (shown in the browser)
                    if message.get("status") != 200 or not any(
                            k.lower() == b"content-type" and v.startswith((b"text/csv", b"text/plain")) for k, v in heads):
                        return await send(message)
                    state["csv"] = SafeCsv()
                    out = []
                    for k, v in heads:
                        if k.lower() == b"content-length":
                            continue
                        if k.lower() == b"content-disposition":
                            name = scope["path"].rsplit("/", 1)[-1][: -len(".csv")]
                            v = disposition(download_name(name, scope.get("query_string", b"").decode("latin-1"), "csv")).encode()
                        out.append((k, v))
                    return await send(dict(message, headers=out))
                if message["type"] == "http.response.body" and "csv" in state:
                    more = message.get("more_body", False)
                    body = state["csv"].feed(message.get("body", b""), not more)
                    return await send(dict(message, body=body))
                return await send(message)

            return await app(scope, receive, safe)

        return guarded

    return wrap


@hookimpl
def register_routes():
    return [
        (r"^/-/download/yusuan-datapackage\.zip$", package_zip),
        (r"^/-/download/(?P<database>[^/]+)/(?P<kind>table|query)/(?P<name>[^/]+)\.(?P<fmt>csv|xlsx|json)$", download),
    ]
