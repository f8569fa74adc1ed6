"""yusuan site pages: the home page's document list and a page per document (/doc/<document_id>).

Every page reads `facts` through the views of metadata/views.yaml (key_figures, key_tables, leaf_facts), which
find a document's figures and tables by their content (sides, measures, codes), never by a table kind's name:
so every template family, phase (budget, final accounts) and mix of documents gets the same pages. A figure is
shown as printed, in the unit the table printed it in (元 or 万元); a sum of printed rows is made exactly in
yuan with Decimal and shown in that same unit; where a figure is converted to another unit the page says so.
Charts are SVG drawn on the server (templates/_charts.html), so they need no script and no internet. Tables
written by other stages (statements, projects, performance_indicators, findings, tables) are shown when present.
Self-contained: imports nothing from yusuan, so the plugin also runs in a published Datasette bundle.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

# The database is whatever file `yusuan serve --db` was given: Datasette names it after the file's stem
# (budget-2026.db -> /budget-2026). A request's pages link to it through DB_URL, set per request.
DB_URL: ContextVar[str] = ContextVar("yusuan_db_url", default="/yusuan")
WAN = Decimal(10000)
UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}
TOTAL_MEASURES = ("total", "budget", "final")  # a column holding the row's whole amount
HERE = Path(__file__).resolve().parent
METADATA = [HERE.parent.parent / "metadata", HERE.parent / "metadata"]
ITEMS_SHOWN = 20  # the functional items chart shows the largest rows
STATEMENTS_SHOWN = 30


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def fmt_decimal(number: Decimal, places: int = 0) -> str:
    """A Decimal as plain digits with thousands separators and no exponent, with at least `places` decimals (the
    places the table printed: 2,156.30) and no other trailing zeros: fmt_decimal(1234.5) -> '1,234.5'."""
    text = format(number, "f")
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0").ljust(places, "0")
        text = f"{whole}.{frac}" if frac else whole
    elif places:
        text += "." + "0" * places
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    whole = f"{int(whole):,}"
    return sign + whole + (f".{frac}" if frac else "")


def printed_places(facts: list[dict]) -> int:
    """The decimals the table printed its amounts with (the most among them): '2,156.30' -> 2."""
    return max((len(str(f.get("amount_as_printed") or "").rpartition(".")[2]) if "." in str(f.get("amount_as_printed") or "") else 0
                for f in facts), default=0)


def wan(yuan) -> str:
    """Yuan (integer or exact decimal) converted to 万元, with two decimals at least: 5258100 -> '525.81',
    1050000 -> '105.00'."""
    number = to_decimal(yuan)
    return "" if number is None else fmt_decimal(number / WAN, 2)


def in_unit(yuan, unit: str | None, places: int = 0) -> str:
    """Yuan shown in a printed unit, exactly, with the places printed: (56505103, '元') -> '56,505,103';
    (1050000, '万元', 2) -> '105.00'."""
    number = to_decimal(yuan)
    return "" if number is None else fmt_decimal(number / UNITS.get(unit or "元", Decimal(1)), places)


def _metadata_file(name: str):
    for folder in METADATA:
        path = folder / name
        if path.is_file():
            return path
    return None


def _metadata_yaml(name: str) -> dict:
    """A YAML file of metadata/ as Python data ({} when the site is served without it)."""
    path = _metadata_file(name)
    if not path:
        return {}
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


@cache
def parameter_labels() -> str:
    """The canned queries' parameter labels (metadata/site/parameters.yaml) as JSON for static/yusuan.js."""
    labels = _metadata_yaml("site/parameters.yaml").get("parameters") or {}
    found = {name: [label["zh"], label["en"]] for name, label in labels.items()}
    return json.dumps(found, ensure_ascii=False).replace("<", "\\u003c")


def english_names() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for scheme in ("functional", "economic"):
        path = _metadata_file(f"codes/{scheme}.tsv") or (HERE.parent / "codes" / f"{scheme}.tsv")
        if not path.is_file():
            continue
        with open(path, encoding="utf-8") as handle:
            lines = [line for line in handle if not line.startswith("#")]
        for row in csv.DictReader(lines, delimiter="\t"):
            if row.get("code") and row.get("name_en"):
                out.setdefault((scheme, row["code"]), row["name_en"])
    return out


def measures() -> dict[str, dict]:
    """The measures vocabulary (metadata/measures.yaml): a column's meaning in both languages."""
    return _metadata_yaml("measures.yaml")


NAMES_EN = english_names()
MEASURES = measures()


def kinds() -> dict[str, dict]:
    """Table kinds' titles in both languages (metadata/tables.yaml), to name a kind on the page."""
    found = _metadata_yaml("tables.yaml").get("kinds") or {}
    return {k: v for k, v in found.items() if isinstance(v, dict)}


KINDS = kinds()


def measure_label(measure: str | None, printed: str | None) -> tuple[str, str]:
    """(zh, en) of a column: its measure's names, else the header as printed."""
    known = MEASURES.get(measure or "") or {}
    zh = known.get("zh") or printed or measure or ""
    return zh, known.get("en") or zh


def kind_label(kind: str | None) -> tuple[str, str]:
    known = KINDS.get(kind or "") or {}
    zh = known.get("title_zh") or kind or ""
    return zh, known.get("title_en") or zh


def database(datasette):
    """The database the site serves (the first one that is not Datasette's own), its URL set for this request."""
    db = next(d for name, d in datasette.databases.items() if name not in ("_internal", "_memory"))
    DB_URL.set(datasette.urls.database(db.name))
    return db


def rows_url(resource: str, **filters) -> str:
    """The Datasette table URL showing the rows behind a figure."""
    return f"{DB_URL.get()}/{resource}?" + urlencode({k: v for k, v in filters.items() if v is not None})


async def table_names(db) -> set[str]:
    result = await db.execute("select name from sqlite_master where type in ('table', 'view')")
    return {r[0] for r in result.rows}


async def rows(db, sql: str, params=None) -> list[dict]:
    result = await db.execute(sql, params or {})
    return [dict(r) for r in result.rows]


def table_filter(fact: dict) -> dict:
    """URL filters naming the table of a fact: its place in the document (table_seq) where the build records it,
    else its printed number and kind (a number may be missing or shared by two tables)."""
    if fact.get("table_seq") is not None:
        return {"table_seq": fact["table_seq"]}
    if fact.get("table_no") is None:
        return {"table_no__isnull": 1, "table_kind": fact.get("table_kind")}
    return {"table_no": fact["table_no"], "table_kind": fact.get("table_kind")}


def fact_href(fact: dict) -> str:
    return rows_url("facts", document_id=fact["document_id"], **table_filter(fact), row_no=fact["row_no"],
                    column_no=fact["column_no"])


def figure(key, zh, en, fact, href=None, **extra):
    """A key figure as printed: labels, the digits and unit as printed, the exact yuan, the row behind it."""
    if fact is None:
        return None
    return {"key": key, "zh": zh, "en": en, "yuan": fact["amount_yuan"], "shown": fact["amount_as_printed"],
            "unit": fact["unit_as_printed"] or "", "href": href or fact_href(fact), **extra}


def bars(items: list[dict]) -> list[dict]:
    """Chart items with their bar length as a share of the largest (geometry only; never shown as a number)."""
    largest = max((abs(to_decimal(i["yuan"]) or 0) for i in items), default=0)
    for item in items:
        value = abs(to_decimal(item["yuan"]) or 0)
        item["share"] = float(value / largest) if largest else 0.0
    return items


def chart_unit(facts: list[dict]) -> str:
    units = {f["unit_as_printed"] for f in facts if f.get("unit_as_printed")}
    return units.pop() if len(units) == 1 else "万元"


def measure_filter(facts: list[dict]) -> dict:
    found = sorted({f["measure"] for f in facts if f.get("measure")})
    return {"measure": found[0]} if len(found) == 1 else {"measure__in": ",".join(found)}


# In the queries of one document, the columns other than document_id are written `+column = …`: this keeps
# SQLite from choosing their indexes (table_kind, measure: thousands of rows in a corpus) over document_id's
# (one document's rows) when the database has no ANALYZE statistics.
async def leaf_rows(db, document_id: str, table: dict | None) -> list[dict]:
    """The leaf rows of a table (no totals, subtotals or parents of printed codes) in its whole-amount column."""
    if not table:
        return []
    marks = ", ".join(f"'{m}'" for m in TOTAL_MEASURES)
    return await rows(db, f"""select * from leaf_facts where document_id = :d and +table_no is :t and +table_kind is :k
        and +measure in ({marks}) and code is not null order by row_no, column_no""",
                      {"d": document_id, "t": table["table_no"], "k": table["table_kind"]})


async def class_bars(db, document_id: str, scheme: str, facts: list[dict]) -> tuple[list[dict], str]:
    """Bars of a table's leaf rows summed exactly by class (the code's first three digits), each linked to its
    rows, in the table's printed unit."""
    if not facts:
        return [], ""
    unit, places = chart_unit(facts), printed_places(facts)
    sums: dict[str, Decimal] = {}
    for f in facts:
        sums[f["code"][:3]] = sums.get(f["code"][:3], Decimal(0)) + Decimal(str(f["amount_yuan"]))
    names = {r["code"]: r["name_zh"] for r in await rows(
        db, "select code, name_zh from classifications where scheme = :s and length(code) = 3", {"s": scheme})}
    marks = ", ".join(f"'{m}'" for m in TOTAL_MEASURES)
    # a class's sum as the document prints it, where a table of it prints the class's row with that amount
    printed = {(r["code"], r["amount_yuan"]): r["amount_as_printed"] for r in await rows(
        db, f"""select code, amount_yuan, amount_as_printed from facts where document_id = :d and length(code) = 3
        and +measure in ({marks}, 'general_budget') and +unit_as_printed = :u order by table_seq desc""", {"d": document_id, "u": unit})}
    items = [{"code": code, "zh": names.get(code) or code, "en": NAMES_EN.get((scheme, code), names.get(code) or code),
              "yuan": total, "shown": printed.get((code, int(total) if total == int(total) else None)) or in_unit(total, unit, places),
              "href": rows_url("leaf_facts", document_id=document_id, **table_filter(facts[0]), code__startswith=code,
                               **measure_filter([f for f in facts if f["code"].startswith(code)]))}
             for code, total in sorted(sums.items())]
    return bars(items), unit


def first(row: dict, *names):
    """The first of several column names a row has a value for (resources written by other stages)."""
    for name in names:
        if row.get(name) not in (None, ""):
            return row[name]
    return None


async def document_context(datasette, document_id: str) -> dict:
    db = database(datasette)
    names = await table_names(db)
    found = await rows(db, "select * from documents where document_id = :d", {"d": document_id})
    if not found:
        return None
    doc = found[0]
    # the body's name, whatever the document states of it (a body not in metadata/bodies.yaml may have none)
    doc["name_zh"] = doc.get("department_zh") or doc.get("department_short_zh") or doc.get("region_zh") or document_id
    doc["name_en"] = doc.get("department_en") or doc["name_zh"]
    doc["short_zh"] = doc.get("department_short_zh") or doc["name_zh"]
    d = {"d": document_id}

    # key figures, each one printed fact (or a statement in the text), each linked to its row
    figs = {r["figure"]: r for r in await rows(db, "select * from key_figures where document_id = :d", d)}
    roles = {r["role"]: r for r in await rows(db, "select * from key_tables where document_id = :d", d)}
    figures = [
        figure("income", "收入总计", "Total income", figs.get("income")),
        figure("expenditure", "支出总计", "Total expenditure", figs.get("expenditure")),
        figure("basic", "基本支出", "Basic expenditure", figs.get("basic")),
        figure("project", "项目支出", "Project expenditure", figs.get("project")),
        figure("three_public", "“三公”经费", "'Three public' expenses", figs.get("three_public")),
        figure("office_running_cost", "机关运行经费", "Office running costs", figs.get("running_costs")),
    ]
    if not figs.get("running_costs") and "statements" in names:
        stated = await rows(db, "select * from statements where document_id = :d and +topic = 'office_running_cost' "
                                "and amount_yuan is not null order by statement_no limit 1", d)
        if stated:
            s = stated[0]
            figures[-1] = {"key": "office_running_cost", "zh": "机关运行经费", "en": "Office running costs",
                           "yuan": s["amount_yuan"], "shown": s["amount_as_printed"], "unit": s.get("unit") or "",
                           "href": rows_url("statements", document_id=document_id, statement_no=s["statement_no"]),
                           "from_text": True}
    figures = [f for f in figures if f]

    # the 'three public' table as printed: every amount with its column's meaning
    three_items, three_unit = [], ""
    if "three_public" in roles:
        three = await rows(db, "select * from facts where document_id = :d and +table_no is :t and +table_kind is :k order by row_no, column_no",
                           {"d": document_id, "t": roles["three_public"]["table_no"], "k": roles["three_public"]["table_kind"]})
        three_unit = chart_unit(three)
        for f in three:
            zh, en = measure_label(f["measure"], f["column_zh"])
            if f["name_zh"] and len({g["row_no"] for g in three}) > 1:
                zh, en = f"{f['name_zh']}：{zh}", f"{f['name_zh']}: {en}"
            three_items.append(figure(f["measure"] or f"column{f['column_no']}", zh, en, f))

    # spending by functional class (exact sums of leaf rows) and by item (each printed leaf row)
    spending = await leaf_rows(db, document_id, roles.get("expenditure_by_function"))
    class_items, class_unit = await class_bars(db, document_id, "functional", spending)
    largest = sorted(spending, key=lambda r: (-Decimal(str(r["amount_yuan"])), r["code"]))[:ITEMS_SHOWN]
    item_unit = chart_unit(largest) if largest else ""
    item_items = bars([{"code": r["code"], "zh": r["name_zh"], "en": NAMES_EN.get(("functional", r["code"]), r["name_zh"]),
                        "yuan": r["amount_yuan"], "shown": r["amount_as_printed"] if r["unit_as_printed"] == item_unit
                        else in_unit(r["amount_yuan"], item_unit, printed_places(largest)), "href": fact_href(r)}
                       for r in largest])
    econ_items, econ_unit = await class_bars(db, document_id, "economic", await leaf_rows(db, document_id, roles.get("economic")))
    split = [dict(f, code="", shown=f["shown"]) for f in figures if f["key"] in ("basic", "project")]
    split_unit = chart_unit([{"unit_as_printed": f["unit"]} for f in split]) if split else ""
    if len({f["unit"] for f in split}) > 1:  # printed in different units: both converted to 万元
        split = [dict(f, shown=wan(f["yuan"])) for f in split]
    split_items = bars(split)

    # projects (the narrative stage joins the project table and the explanations), with their indicators
    project_items = []
    if "projects" in names:
        indicators = {}
        if "performance_indicators" in names:
            for i in await rows(db, "select project_zh, count(*) as n from performance_indicators where document_id = :d group by project_zh", d):
                indicators[i["project_zh"]] = i["n"]
        for p in await rows(db, "select * from projects where document_id = :d and amount_yuan is not null order by amount_yuan desc, project_no", d):
            shown = first(p, "table_amount_as_printed", "stated_amount_as_printed")
            unit = p.get("unit") or ""
            if shown is None or to_decimal(shown.replace(",", "")) * UNITS.get(unit, Decimal(1)) != to_decimal(p["amount_yuan"]):
                shown, unit = in_unit(p["amount_yuan"], unit or "元"), unit or "元"
            project_items.append({"zh": p["name_zh"], "code": p.get("code"), "yuan": p["amount_yuan"], "shown": shown, "unit": unit,
                                  "href": rows_url("projects", document_id=document_id, project_no=p["project_no"]),
                                  "office_zh": p.get("office_zh"), "basis_zh": p.get("basis_as_printed"),
                                  "deadline": p.get("deadline") or p.get("deadline_as_printed"), "allocation_zh": p.get("allocation_zh"),
                                  "indicators": indicators.get(p["name_zh"]),
                                  "indicators_href": rows_url("performance_indicators", document_id=document_id, project_zh=p["name_zh"])})
        bars(project_items)
    project_unit = chart_unit([{"unit_as_printed": p["unit"]} for p in project_items]) if project_items else ""
    if len({p["unit"] for p in project_items}) > 1:
        for p in project_items:
            p["shown"], p["unit"] = wan(p["yuan"]), "万元"

    indicator_groups = []
    if "performance_indicators" in names:
        indicator_groups = await rows(db, """select level1_zh, level1_en, level2_zh, level2_en, count(*) as n
            from performance_indicators where document_id = :d group by level1_zh, level2_zh order by min(target_no), min(indicator_no)""", d)
        for g in indicator_groups:
            g["href"] = rows_url("performance_indicators", document_id=document_id, level1_zh=g["level1_zh"], level2_zh=g["level2_zh"])

    statements, statements_total = [], 0
    if "statements" in names:
        statements_total = (await rows(db, "select count(*) as n from statements where document_id = :d", d))[0]["n"]
        statements = await rows(db, f"select * from statements where document_id = :d and amount_yuan is not null order by statement_no limit {STATEMENTS_SHOWN}", d)
        for s in statements:
            s["href"] = rows_url("statements", document_id=document_id, statement_no=s["statement_no"])

    findings = findings_info = None
    finding_groups: list[dict] = []
    if "findings" in names:
        cols = {r["name"] for r in await rows(db, "select name from pragma_table_info('findings')")}
        order = "case severity when 'error' then 0 when 'warning' then 1 else 2 end, table_no, row_no" if "severity" in cols else "rowid"
        shown = "and severity != 'info'" if "severity" in cols else ""   # info: the findings table, on request
        findings = await rows(db, f"select * from findings where document_id = :d {shown} order by {order}", d)
        if shown:
            info = (await rows(db, "select count(*) as n from findings where document_id = :d and severity = 'info'", d))[0]["n"]
            findings_info = {"n": info, "href": rows_url("findings", document_id=document_id, severity="info")} if info else None
        for f in findings:
            f["href"] = rows_url("facts", document_id=document_id, table_no=f.get("table_no"), row_no=f.get("row_no")) if f.get("table_no") else None
            f["finding_href"] = rows_url("findings", finding_id=f["finding_id"]) if f.get("finding_id") else None
        titles = {}
        if "rules" in names and findings:
            titles = {r["rule_id"]: r for r in await rows(db, "select rule_id, title_zh, title_en from rules")}
        finding_groups = finding_causes(findings, titles)

    tables = await document_tables(db, document_id, names)
    return {"doc": doc, "figures": figures, "three_items": three_items, "three_unit": three_unit,
            "class_items": class_items, "class_unit": class_unit, "item_items": item_items, "item_unit": item_unit,
            "items_capped": len(spending) > ITEMS_SHOWN, "econ_items": econ_items, "econ_unit": econ_unit,
            "split_items": split_items, "split_unit": split_unit if len({f["unit"] for f in split}) <= 1 else "万元",
            "project_items": project_items, "project_unit": project_unit, "indicator_groups": indicator_groups,
            "statements": statements, "statements_total": statements_total, "findings": findings, "finding_groups": finding_groups,
            "findings_info": findings_info, "tables": tables, "tables_cols": {c: any(t[c] not in (None, "") for t in tables) for c in ("title", "pages", "rows", "status")},
            "has": names, "facts_href": rows_url("facts", document_id=document_id)}


def finding_causes(findings: list[dict], titles: dict) -> list[dict]:
    """A document's findings grouped by cause (rule), in the order given (errors first), each group with the
    rule's titles and its counts by severity."""
    groups: dict[str, dict] = {}
    for f in findings:
        rule = f.get("rule_id") or ""
        g = groups.get(rule)
        if g is None:
            title = titles.get(rule) or {}
            g = groups[rule] = {"rule_id": rule, "title_zh": title.get("title_zh") or rule, "title_en": title.get("title_en") or rule,
                                "findings": [], "error": 0, "warning": 0, "info": 0, "href": rows_url("findings", rule_id=rule)}
        g["findings"].append(f)
        if f.get("severity") in ("error", "warning", "info"):
            g[f["severity"]] += 1
    return list(groups.values())


async def document_tables(db, document_id: str, names: set[str]) -> list[dict]:
    """Every table of the document: from the `tables` resource (every table found, read or not) when the build
    wrote one, else the tables that gave facts."""
    fact_columns = {r["name"] for r in await rows(db, "select name from pragma_table_info('facts')")}
    key = "table_seq" if "table_seq" in fact_columns else "table_no"
    counts = {r[key]: r for r in await rows(db, f"""select {key}, table_no, table_kind, count(*) as n, min(unit_as_printed) as unit
        from facts where document_id = :d group by {key}, table_kind order by {key}""", {"d": document_id})}
    found = []
    if "tables" in names:
        order = "table_seq" if "table_seq" in {r["name"] for r in await rows(db, "select name from pragma_table_info('tables')")} else "table_no"
        found = await rows(db, f"select * from [tables] where document_id = :d order by {order}", {"d": document_id})
    out = []
    for t in found or counts.values():
        kind = first(t, "table_kind", "kind")
        zh, en = kind_label(kind)
        ident = t.get(key)
        facts = first(t, "facts", "fact_count", "n")
        if facts is None and ident in counts:
            facts = counts[ident]["n"]
        out.append({"table_no": t.get("table_no"), "printed_no": first(t, "number_as_printed", "table_number", "number"),
                    "title": first(t, "title_as_printed", "title_zh", "title"), "kind": kind, "kind_zh": zh, "kind_en": en,
                    "pages": first(t, "pages", "page"), "unit": first(t, "unit_as_printed", "unit"),
                    "rows": first(t, "rows", "row_count"), "facts": facts, "status": t.get("status"),
                    "reason_zh": first(t, "reason_zh", "reason", "reason_en"), "reason_en": first(t, "reason_en", "reason", "reason_zh"),
                    "href": rows_url("facts", document_id=document_id, **table_filter(counts[ident])) if ident in counts else None})
    return out


async def document_page(datasette, request):
    document_id = request.url_vars["document_id"]
    context = await document_context(datasette, document_id)
    if context is None:
        body = await datasette.render_template("error.html", {"ok": False, "error": f"没有此文件 / No such document: {document_id}",
                                                             "status": 404, "title": "404"}, request=request)
        return Response.html(body, status=404)
    context["download_query"] = urlencode({"document_id": document_id})
    return Response.html(await datasette.render_template("document.html", context, request=request))


# -- names instead of ids ------------------------------------------------------------------------------------
# A document or body id is a key (310000-149664da-2026-budget: a region code and a hash of the name when the
# body is not in the bureau's list); a page shows the names instead, in both languages, the id on hover.

LABELLED = {"document_id": "document", "body_id": "body", "parent_body_id": "body", "paired_document_id": "document",
            "finding_id": "finding"}
_LABELS: dict[tuple, dict] = {}


def _stamp(db) -> tuple:
    try:
        stat = Path(db.path).stat()
        return db.name, db.path, stat.st_mtime_ns, stat.st_size
    except (OSError, TypeError):
        return db.name, db.path


async def labels(db) -> dict[str, dict[str, tuple[str, str]]]:
    """(zh, en) names of the documents and bodies of the database, read once per database file."""
    key = _stamp(db)
    if key not in _LABELS:
        found: dict[str, dict[str, tuple[str, str]]] = {"document": {}, "body": {}}
        if "documents" in await table_names(db):
            for d in await rows(db, "select * from documents"):
                zh = d.get("department_short_zh") or d.get("department_zh") or d.get("region_zh") or ""
                en = d.get("department_en") or d.get("department_zh") or zh
                if not zh:
                    continue
                if d.get("body_id"):
                    found["body"][d["body_id"]] = (zh, en)
                year, phase = d.get("fiscal_year") or "", d.get("phase") or ""
                found["document"][d["document_id"]] = (f"{zh} {year}年{d.get('phase_zh') or ''}".strip(),
                                                       f"{en}, {year} {phase}".strip(" ,"))
        _LABELS.clear()  # one database is served: keep only the current file's names
        _LABELS[key] = found
    return _LABELS[key]


def bilingual(zh: str, en: str) -> Markup:
    return Markup('<span class="zh" lang="zh-Hans">{}</span><span class="en" lang="en">{}</span>').format(zh, en)


def label_markup(kind: str, ident: str, names: tuple[str, str]) -> Markup:
    """A document's or body's name in both languages, its id on hover; a document's linked to its page."""
    if kind == "document":
        return Markup('<a class="doc-label" href="/doc/{}" title="{}">{}</a>').format(quote(ident, safe=""), ident, bilingual(*names))
    return Markup('<span class="body-label" title="{}">{}</span>').format(ident, bilingual(*names))


def pk_link(names: dict, link: str, raw: str) -> Markup:
    """A row's link (Datasette's first column: its key, 'document_id,table_no,…') without the document's id."""
    ident, rest = (re.split(r"[,:]", str(raw), maxsplit=1) + [""])[:2]
    found = names.get(ident)
    if not found:
        return Markup(link)
    # a document's own row: its name; a row of a document's table (document_id,table_no,…): the rest of its key,
    # the document being named in the next column
    text = bilingual(*found) if not rest else Markup("{}").format(rest)
    return Markup(re.sub(r">[^<]*</a>$", lambda m: f">{text}</a>", str(link)))


def row_key(names: dict, values: list) -> Markup:
    """A row page's key ('document_id, table_no, …'): the document named, then the rest."""
    values = [str(v) for v in values]
    found = names.get(values[0]) if values else None
    if not found:
        return Markup(escape(", ".join(values)))
    return Markup(", ").join([bilingual(*found), *values[1:]])


@hookimpl
def render_cell(value, column, database, datasette):
    kind = LABELLED.get(column)
    ident = value.get("value") if isinstance(value, dict) else value
    if kind is None or not isinstance(ident, str) or not ident:
        return None

    async def inner():
        try:
            db = datasette.get_database(database)
        except KeyError:
            return None
        found = await labels(db)
        if kind == "finding":  # document_id:0001
            document, _, number = ident.partition(":")
            names = found["document"].get(document)
            return Markup("{} · {}").format(label_markup("document", document, names), number) if names else None
        names = found[kind].get(ident)
        return label_markup(kind, ident, names) if names else None
    return inner


# -- the data dictionary --------------------------------------------------------------------------------------

def dictionary_texts(datasette) -> dict:
    """metadata/dictionary.yaml: from the plugin configuration `yusuan serve` writes, else the file."""
    found = datasette.plugin_config("yusuan-dictionary")
    if found:
        return found
    return _metadata_yaml("dictionary.yaml")


def split_text(text: str | None) -> tuple[str, str]:
    """(zh, en) of a bilingual metadata text: '中文 / English', or the Chinese, a blank line, the English."""
    text = (text or "").strip()
    if "\n\n" in text:
        zh, _, en = text.partition("\n\n")
        return zh.strip(), en.strip()
    zh, _, en = text.partition(" / ")
    return zh, en or zh


async def dictionary_context(datasette) -> dict:
    db = database(datasette)
    texts = dictionary_texts(datasette)
    names = await table_names(db)
    bodies = await rows(db, "select body_id from documents where body_id is not null order by fiscal_year desc, body_id limit 1") \
        if "documents" in names else []
    questions = []
    for q in texts.get("questions") or []:
        params = {"body": bodies[0]["body_id"]} if ":body" in q["sql"] and bodies else {}
        questions.append(dict(q, uses=[u.strip() for u in q.get("use", "").split(",") if u.strip() in names],
                              run=f"{DB_URL.get()}?" + urlencode({"sql": q["sql"], **params})))
    tables = []
    for name in texts.get("tables") or []:
        if name not in names:
            continue
        title = split_text(datasette.metadata("title", database=db.name, table=name) or name)
        description = split_text(datasette.metadata("description", database=db.name, table=name))
        tables.append({"name": name, "href": f"{DB_URL.get()}/{quote(name)}", "zh": title[0], "en": title[1],
                       "description_zh": description[0], "description_en": description[1]})
    used_measures, used_kinds = [], []
    if "facts" in names:
        used_measures = [r["measure"] for r in await rows(db, "select measure, count(*) as n from facts where measure is not null group by measure order by n desc")]
        used_kinds = [r["table_kind"] for r in await rows(db, "select table_kind, count(*) as n from facts where table_kind is not null group by table_kind order by n desc")]
    measures = [{"key": m, "zh": measure_label(m, None)[0], "en": measure_label(m, None)[1],
                 "href": rows_url("facts", measure=m)} for m in used_measures]
    kinds = [{"key": k, "zh": kind_label(k)[0], "en": kind_label(k)[1], "description_zh": (KINDS.get(k) or {}).get("description_zh") or "",
              "description_en": (KINDS.get(k) or {}).get("description_en") or "", "href": rows_url("facts", table_kind=k)} for k in used_kinds]
    return {"intro": texts.get("intro") or {}, "rules": texts.get("rules") or [], "questions": questions, "tables": tables,
            "measures": measures, "kinds": kinds}


async def dictionary_page(datasette, request):
    context = await dictionary_context(datasette)
    return Response.html(await datasette.render_template("dictionary.html", context, request=request))


@hookimpl
def register_routes():
    return [(r"^/doc/(?P<document_id>[^/]+)$", document_page), (r"^/-/dictionary$", dictionary_page),
            (r"^/-/documents\.json$", documents_json)]


@hookimpl
def startup(datasette):
    # a missing value (a document without a date or region) prints as nothing, never as "None"
    datasette.jinja_env.finalize = lambda value: "" if value is None else value


HOME_DOCUMENTS = 100  # the home page lists the newest documents; the documents table has them all


@hookimpl
def extra_template_vars(template, datasette, view_name, request):
    async def inner():
        db = database(datasette)
        out = {"wan": wan, "site_licence": {"name": datasette.metadata("license"), "url": datasette.metadata("license_url")},
               "db_name": db.name, "db_url": DB_URL.get()}
        out["document_choices"] = await document_choices(datasette, db, request)
        if view_name == "query" or template == "query.html":
            out["parameter_labels"] = parameter_labels()
        if view_name in ("table", "row"):
            names = (await labels(db))["document"]
            out["pk_link"] = lambda link, raw: pk_link(names, link, raw)
            out["row_key"] = lambda values: row_key(names, values)
        if view_name == "index" or template == "index.html":
            names = await table_names(db)
            total = (await rows(db, "select count(*) as n from documents"))[0]["n"]
            newest = f"select document_id from documents order by fiscal_year desc, document_id limit {HOME_DOCUMENTS}"
            docs = await rows(db, f"select * from documents order by fiscal_year desc, document_id limit {HOME_DOCUMENTS}")
            totals = {r["document_id"]: r for r in await rows(
                db, f"select * from key_figures where figure = 'expenditure' and document_id in ({newest})")}
            for doc in docs:
                doc["expenditure"] = figure("expenditure", "支出总计", "Total expenditure", totals.get(doc["document_id"]))
                doc["findings"] = None
            if "findings" in names:
                counts = {c["document_id"]: c["n"] for c in await rows(
                    db, f"select document_id, count(*) as n from findings where document_id in ({newest}) "
                        f"and severity != 'info' group by document_id")}
                for doc in docs:
                    doc["findings"] = counts.get(doc["document_id"], 0)
            queries = []
            for name, q in (datasette.metadata("queries", database=db.name) or {}).items():
                zh, _, en = (q.get("title") or name).partition(" / ")
                queries.append({"name": name, "zh": zh, "en": en or zh})
            out.update({"documents": docs, "documents_total": total, "canned": queries})
        return out
    return inner


async def document_choices(datasette, db, request) -> str | None:
    """On a canned query with a :document parameter, where the documents by name are, as JSON (the footer prints it
    as a data block; static/yusuan.js fetches the list and makes the parameter a list of them, so no one types an
    id). The list itself is one file the browser keeps for this database (documents_json): printed in every such
    page it weighed 160 KB a page at 1,000 documents and grew with the corpus."""
    name = (request.url_vars or {}).get("table") if request else None
    query = (datasette.metadata("queries", database=db.name) or {}).get(name) if name else None
    if not query or not re.search(r":document\b", query.get("sql", "")):
        return None
    src = datasette.urls.path("/-/documents.json") + "?" + urlencode({"v": _version(db)})
    return json.dumps({"src": src}, ensure_ascii=False).replace("<", "\\u003c")


def _version(db) -> str:
    """A short name of the database file served (its stamp hashed: no server path shows)."""
    return hashlib.sha256(repr(_stamp(db)).encode()).hexdigest()[:16]


async def documents_json(datasette, request):
    """The documents by name, [{id, zh, en}] sorted by name: kept by the browser for good when asked with this
    database file's version (a rebuild changes it), else to be asked again."""
    db = database(datasette)
    found = (await labels(db))["document"]
    choices = [{"id": ident, "zh": zh, "en": en} for ident, (zh, en) in sorted(found.items(), key=lambda i: i[1])]
    current = request.args.get("v") == _version(db)
    return Response(json.dumps(choices, ensure_ascii=False), content_type="application/json; charset=utf-8",
                    headers={"cache-control": "public, max-age=31536000, immutable" if current else "no-cache"})


@hookimpl
def extra_css_urls():
    return ["/static/yusuan.css"]


@hookimpl
def extra_js_urls():
    return ["/static/yusuan.js"]
