"""yusuan downloads: any table, view or canned query as CSV (UTF-8 with BOM, for Excel on Chinese Windows),
XLSX or JSON, and the whole data package as a zip, each carrying its licence.

  /-/download/<database>/table/<table or view>.<csv|xlsx|json>?<column>=<value>&…   (exact-match filters)
  /-/download/<database>/query/<canned query>.<csv|xlsx|json>?<parameter>=<value>&…
  /-/download/yusuan-datapackage.zip

Numbers are written as SQLite holds them (integers stay integers; decimals by their shortest exact text).
Self-contained: imports nothing from yusuan, so it also runs in a published Datasette bundle.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

LICENCE_NAME = "CC0-1.0"
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
NOTICE_ZH = "数据以 CC0-1.0 发布（公有领域贡献），可自由使用；原始文件为国家机关公文，不受著作权法保护（《著作权法》第五条）。"
NOTICE_EN = ("Data released under CC0-1.0 (public domain dedication), free to use; the source documents are official "
             "documents of state organs, outside copyright (PRC Copyright Law art. 5).")
_zip_cache: dict[str, bytes] = {}


def licence(datasette) -> dict:
    return {"name": datasette.metadata("license") or LICENCE_NAME, "path": datasette.metadata("license_url") or LICENCE_URL,
            "notice_zh": NOTICE_ZH, "notice_en": NOTICE_EN}


def headers(datasette, filename: str) -> dict:
    lic = licence(datasette)
    return {"content-disposition": f'attachment; filename="{filename}"', "link": f'<{lic["path"]}>; rel="license"',
            "x-licence": lic["name"]}


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number: 525.81, never 525.8099999
    return str(value)


async def query_rows(datasette, request, database: str, kind: str, name: str) -> tuple[list[str], list[tuple]]:
    """The rows of a table/view filtered by exact column values, or of a canned query with its parameters."""
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound(f"no database {database}")
    canned = await datasette.get_canned_query(database, name, request.actor) if kind == "query" else None
    if kind == "query" and not canned:
        raise NotFound(f"no query {name}")
    if canned:
        sql = canned["sql"]
        params = {p: request.args.get(p, "") for p in re.findall(r"(?<!:):(\w+)", sql)}
    else:
        known = await db.execute("select name from sqlite_master where type in ('table', 'view') and name = :n", {"n": name})
        if not known.rows:
            raise NotFound(f"no table or query {name}")
        columns = [r[1] for r in (await db.execute(f"select * from pragma_table_info(:n)", {"n": name})).rows]
        clauses, params = [], {}
        for i, (key, value) in enumerate((k, request.args.get(k)) for k in request.args.keys() if k in columns):
            clauses.append(f"[{key}] = :p{i}")
            params[f"p{i}"] = value
        where = (" where " + " and ".join(clauses)) if clauses else ""
        sql = f"select * from [{name}]{where}"
    result = await db.execute(sql, params, custom_time_limit=10000)
    return list(result.columns), [tuple(r) for r in result.rows]


def as_csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(columns, rows, lic: dict, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # floats go in as exact decimals of their shortest text, so Excel shows 525.81, not 525.8099999
        sheet.append([Decimal(repr(v)) if isinstance(v, float) else v for v in row])
    sheet.freeze_panes = "A2"
    info = book.create_sheet("licence 许可")
    for line in (["title 标题", title], ["licence 许可", lic["name"]], ["url", lic["path"]],
                 ["说明", lic["notice_zh"]], ["notice", lic["notice_en"]]):
        info.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def download(datasette, request):
    database, kind, name, fmt = (request.url_vars[k] for k in ("database", "kind", "name", "fmt"))
    try:
        columns, rows = await query_rows(datasette, request, database, kind, name)
    except NotFound as missing:  # a plain 404, without Datasette's traceback page
        return Response.text(f"404: {missing}", status=404)
    lic = licence(datasette)
    filename = f"{name}.{fmt}"
    if fmt == "csv":
        return Response(as_csv(columns, rows), content_type="text/csv; charset=utf-8", headers=headers(datasette, filename))
    if fmt == "xlsx":
        return Response(as_xlsx(columns, rows, lic, name),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers=headers(datasette, filename))
    body = {"licence": lic, "source": datasette.metadata("source"), "name": name, "columns": columns,
            "rows": [dict(zip(columns, row)) for row in rows]}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8",
                    headers=headers(datasette, filename))


def package_dir(datasette) -> Path | None:
    """The package folder the database was built from: the configured one, or one whose datapackage.json is the
    descriptor stored beside the database (so a stale or foreign package is never served)."""
    db = datasette.get_database("yusuan")
    if not db.path:
        return None
    db_path = Path(db.path)
    config = datasette.plugin_config("yusuan") or {}
    if config.get("package_dir"):
        return Path(config["package_dir"])
    stored = db_path.with_suffix(".datapackage.json")
    if not stored.is_file():
        return None
    wanted = json.loads(stored.read_text(encoding="utf-8"))
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


async def package_zip(datasette, request):
    config = datasette.plugin_config("yusuan") or {}
    if config.get("package_zip") and Path(config["package_zip"]).is_file():
        data = Path(config["package_zip"]).read_bytes()
    else:
        folder = package_dir(datasette)
        if folder is None:
            return Response.text("404: the data package this database was built from is not available here", status=404)
        key = str(folder)
        if key not in _zip_cache:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        archive.write(path, path.relative_to(folder).as_posix())
                archive.writestr("LICENSE.txt", licence_text(licence(datasette)))
            _zip_cache[key] = buffer.getvalue()
        data = _zip_cache[key]
    return Response(data, content_type="application/zip", headers=headers(datasette, "yusuan-datapackage.zip"))


@hookimpl
def register_routes():
    return [
        (r"^/-/download/yusuan-datapackage\.zip$", package_zip),
        (r"^/-/download/(?P<database>[^/]+)/(?P<kind>table|query)/(?P<name>[^/]+)\.(?P<fmt>csv|xlsx|json)$", download),
    ]
