"""yusuan site pages: the home page's document list and a page per document (/doc/<document_id>).

Every number comes from SQL (facts.amount_yuan, exact integers in yuan) and is shown in 万元 by exact Decimal
division. Charts are SVG drawn on the server (templates/_charts.html), so they need no script and no internet.
Tables written by other stages (statements, projects, findings, performance_indicators) are shown when present.
Self-contained: imports nothing from yusuan, so the plugin also runs in a published Datasette bundle.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

DB = "yusuan"
WAN = Decimal(10000)
HERE = Path(__file__).resolve().parent
CODE_LISTS = [HERE.parent.parent / "metadata" / "codes", HERE.parent / "codes"]


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def fmt_decimal(number: Decimal) -> str:
    """A Decimal as plain digits with thousands separators and no exponent or trailing zeros: 1,234.5"""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return sign + whole + (f".{frac}" if frac else "")


def wan(yuan) -> str:
    """Yuan (integer or exact decimal) shown in 万元: 5258100 -> '525.81'."""
    number = to_decimal(yuan)
    return "" if number is None else fmt_decimal(number / WAN)


def english_names() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for folder in CODE_LISTS:
        for scheme in ("functional", "economic"):
            path = folder / f"{scheme}.tsv"
            if not path.is_file():
                continue
            with open(path, encoding="utf-8") as handle:
                lines = [line for line in handle if not line.startswith("#")]
            for row in csv.DictReader(lines, delimiter="\t"):
                if row.get("code") and row.get("name_en"):
                    out.setdefault((scheme, row["code"]), row["name_en"])
    return out


NAMES_EN = english_names()


def rows_url(resource: str, **filters) -> str:
    """The Datasette table URL showing the rows behind a figure."""
    return f"/{DB}/{resource}?" + urlencode({k: v for k, v in filters.items() if v is not None})


async def table_names(db) -> set[str]:
    result = await db.execute("select name from sqlite_master where type in ('table', 'view')")
    return {r[0] for r in result.rows}


async def rows(db, sql: str, params=None) -> list[dict]:
    result = await db.execute(sql, params or {})
    return [dict(r) for r in result.rows]


def figure(key, zh, en, fact, resource="facts", href=None):
    """A key figure: labels, the amount in yuan and 万元, and the link to the row behind it."""
    if fact is None:
        return None
    return {"key": key, "zh": zh, "en": en, "yuan": fact["amount_yuan"], "wan": wan(fact["amount_yuan"]),
            "href": href or rows_url(resource, document_id=fact["document_id"], table_no=fact["table_no"],
                                     row_no=fact["row_no"], column_no=fact["column_no"])}


def bars(items: list[dict]) -> list[dict]:
    """Chart items with their bar length as a share of the largest (geometry only; never shown as a number)."""
    largest = max((abs(to_decimal(i["yuan"]) or 0) for i in items), default=0)
    for item in items:
        value = abs(to_decimal(item["yuan"]) or 0)
        item["share"] = float(value / largest) if largest else 0.0
    return items


# In the queries of one document, the columns other than document_id are written `+column = …`: this keeps
# SQLite from choosing their indexes (table_kind, measure: thousands of rows in a corpus) over document_id's
# (one document's rows) when the database has no ANALYZE statistics: 60 ms -> 1 ms per query on 1,000 documents.
async def one_fact(db, document_id, where: str, params: dict) -> dict | None:
    found = await rows(db, f"select * from facts where document_id = :d and {where} order by table_no, row_no desc, column_no limit 1",
                       {"d": document_id, **params})
    return found[0] if found else None


async def class_bars(db, document_id: str, scheme: str, table_kind: str) -> list[dict]:
    """Bars of a table's leaf rows summed by class (the code's first three digits), each linked to its rows."""
    by_class = await rows(db, """
        select substr(l.code, 1, 3) as code, c.name_zh, sum(l.amount_yuan) as amount_yuan
        from leaf_facts l left join classifications c on c.scheme = :scheme and c.code = substr(l.code, 1, 3)
        where l.document_id = :d and +l.table_kind = :kind and +l.measure = 'total' and l.code is not null
        group by substr(l.code, 1, 3) order by substr(l.code, 1, 3)""", {"d": document_id, "scheme": scheme, "kind": table_kind})
    return bars([{"code": r["code"], "zh": r["name_zh"] or r["code"], "en": NAMES_EN.get((scheme, r["code"]), r["name_zh"] or r["code"]),
                  "yuan": r["amount_yuan"], "wan": wan(r["amount_yuan"]),
                  "href": rows_url("leaf_facts", document_id=document_id, table_kind=table_kind, measure="total",
                                   code__startswith=r["code"])} for r in by_class])


async def document_context(datasette, document_id: str) -> dict:
    db = datasette.get_database(DB)
    names = await table_names(db)
    found = await rows(db, "select * from documents where document_id = :d", {"d": document_id})
    if not found:
        return None
    doc = found[0]
    d = {"d": document_id}

    # key figures, each from one printed fact (or a statement in the text), each linked to its row
    income = await one_fact(db, document_id, "+table_kind = 'income_expenditure_overview' and +side = 'income' and is_total", {})
    spending = await one_fact(db, document_id, "+table_kind = 'income_expenditure_overview' and +side = 'expenditure' and is_total", {})
    total = await one_fact(db, document_id, "+table_kind = 'expenditure_by_function' and is_total and +measure = 'total'", {})
    basic = await one_fact(db, document_id, "+table_kind = 'expenditure_by_function' and is_total and +measure = 'basic'", {})
    project = await one_fact(db, document_id, "+table_kind = 'expenditure_by_function' and is_total and +measure = 'project'", {})
    three = await one_fact(db, document_id, "+table_kind = 'three_public_expenses' and +measure = 'three_public_total'", {})
    figures = [
        figure("income", "收入总计", "Total income", income),
        figure("expenditure", "支出总计", "Total expenditure", spending),
        figure("basic", "基本支出", "Basic expenditure", basic),
        figure("project", "项目支出", "Project expenditure", project),
        figure("three_public", "“三公”经费", "'Three public' expenses", three),
    ]
    if "statements" in names:
        stated = await rows(db, "select * from statements where document_id = :d and topic = 'office_running_cost' "
                                "and amount_yuan is not null order by statement_no limit 1", d)
        if stated:
            s = stated[0]
            figures.append({"key": "office_running_cost", "zh": "机关运行经费", "en": "Office running costs",
                            "yuan": s["amount_yuan"], "wan": wan(s["amount_yuan"]),
                            "href": rows_url("statements", document_id=document_id, statement_no=s["statement_no"]),
                            "from_text": True})
    figures = [f for f in figures if f]

    # three public expenses in detail
    three_items = []
    for measure, zh, en in (("outbound", "因公出国（境）费", "Official travel abroad"),
                            ("vehicle_purchase", "公务用车购置费", "Official vehicle purchase"),
                            ("vehicle_operation", "公务用车运行费", "Official vehicle operation"),
                            ("reception", "公务接待费", "Official hospitality")):
        fact = await one_fact(db, document_id, "+table_kind = 'three_public_expenses' and +measure = :m", {"m": measure})
        if fact:
            three_items.append(figure(measure, zh, en, fact))

    # spending by functional class (sums of leaf rows) and by item (each printed leaf row)
    class_items = await class_bars(db, document_id, "functional", "expenditure_by_function")
    by_item = await rows(db, """
        select * from leaf_facts where document_id = :d and +table_kind = 'expenditure_by_function' and +measure = 'total'
        order by amount_yuan desc, code""", d)
    item_items = bars([{"code": r["code"], "zh": r["name_zh"], "en": NAMES_EN.get(("functional", r["code"] or ""), r["name_zh"]),
                        "yuan": r["amount_yuan"], "wan": wan(r["amount_yuan"]),
                        "href": rows_url("facts", document_id=document_id, table_no=r["table_no"], row_no=r["row_no"], column_no=r["column_no"])}
                       for r in by_item])

    # basic expenditure by economic class
    econ_items = await class_bars(db, document_id, "economic", "general_budget_basic_economic")
    split_items = bars([dict(f, code="") for f in figures if f["key"] in ("basic", "project")])

    # projects: the project table's rows, with what the text says about them when the narrative was read
    projects = await rows(db, """
        select * from facts where document_id = :d and +table_kind = 'general_budget_projects' and +measure = 'total'
        and not is_total and not is_subtotal order by amount_yuan desc, row_no""", d)
    about = {}
    if "projects" in names:
        for p in await rows(db, "select * from projects where document_id = :d", d):
            if p.get("table_row_no") is not None:
                about[p["table_row_no"]] = p
    indicators = {}
    if "performance_indicators" in names:
        for i in await rows(db, "select project_zh, count(*) as n from performance_indicators where document_id = :d group by project_zh", d):
            indicators[i["project_zh"]] = i["n"]
    project_items = []
    for p in projects:
        extra = about.get(p["row_no"], {})
        project_items.append({"zh": p["name_zh"], "code": p["code"], "yuan": p["amount_yuan"], "wan": wan(p["amount_yuan"]),
                              "href": rows_url("facts", document_id=document_id, table_no=p["table_no"], row_no=p["row_no"], column_no=p["column_no"]),
                              "office_zh": extra.get("office_zh"), "basis_zh": extra.get("basis_as_printed"),
                              "deadline": extra.get("deadline"), "allocation_zh": extra.get("allocation_zh"),
                              "indicators": indicators.get(p["name_zh"]),
                              "indicators_href": rows_url("performance_indicators", document_id=document_id, project_zh=p["name_zh"])})
    bars(project_items)

    findings = None
    if "findings" in names:
        cols = {r["name"] for r in await rows(db, "select name from pragma_table_info('findings')")}
        order = "case severity when 'error' then 0 when 'warning' then 1 else 2 end, table_no, row_no" if "severity" in cols else "rowid"
        findings = await rows(db, f"select * from findings where document_id = :d order by {order}", d)
        for f in findings:
            f["href"] = rows_url("facts", document_id=document_id, table_no=f.get("table_no"), row_no=f.get("row_no")) if f.get("table_no") else None
            f["finding_href"] = rows_url("findings", finding_id=f["finding_id"]) if f.get("finding_id") else None

    tables = await rows(db, "select table_no, table_kind, count(*) as n from facts where document_id = :d group by table_no, table_kind order by table_no", d)
    return {"doc": doc, "figures": figures, "three_items": three_items, "class_items": class_items, "item_items": item_items,
            "econ_items": econ_items, "split_items": split_items, "project_items": project_items, "findings": findings,
            "tables": tables, "has": names, "facts_href": rows_url("facts", document_id=document_id),
            "unit_note": doc.get("unit_as_printed")}


async def document_page(datasette, request):
    document_id = request.url_vars["document_id"]
    context = await document_context(datasette, document_id)
    if context is None:
        body = await datasette.render_template("error.html", {"ok": False, "error": f"没有此文件 / No such document: {document_id}",
                                                             "status": 404, "title": "404"}, request=request)
        return Response.html(body, status=404)
    context["download_query"] = urlencode({"document_id": document_id})
    return Response.html(await datasette.render_template("document.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/doc/(?P<document_id>[^/]+)$", document_page)]


HOME_DOCUMENTS = 100  # the home page lists the newest documents; the documents table has them all


@hookimpl
def extra_template_vars(template, datasette, view_name):
    async def inner():
        out = {"wan": wan, "site_licence": {"name": datasette.metadata("license"), "url": datasette.metadata("license_url")}}
        if view_name == "index" or template == "index.html":
            db = datasette.get_database(DB)
            names = await table_names(db)
            total = (await rows(db, "select count(*) as n from documents"))[0]["n"]
            docs = await rows(db, f"select * from documents order by fiscal_year desc, document_id limit {HOME_DOCUMENTS}")
            totals = {r["document_id"]: r for r in await rows(db, """
                select * from facts where table_kind = 'income_expenditure_overview' and side = 'expenditure' and is_total""")}
            for doc in docs:
                fact = totals.get(doc["document_id"])
                doc["expenditure"] = figure("expenditure", "支出总计", "Total expenditure", fact)
                doc["findings"] = None
            if "findings" in names:
                counts = {c["document_id"]: c["n"] for c in await rows(db, "select document_id, count(*) as n from findings group by document_id")}
                for doc in docs:
                    doc["findings"] = counts.get(doc["document_id"], 0)
            queries = []
            for name, q in (datasette.metadata("queries", database=DB) or {}).items():
                zh, _, en = (q.get("title") or name).partition(" / ")
                queries.append({"name": name, "zh": zh, "en": en or zh})
            out.update({"documents": docs, "documents_total": total, "canned": queries})
        return out
    return inner


@hookimpl
def extra_css_urls():
    return ["/static/yusuan.css"]


@hookimpl
def extra_js_urls():
    return ["/static/yusuan.js"]
