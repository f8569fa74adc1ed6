"""Datasette, in process, exactly as `yusuan serve` configures it: pages, canned queries, CSV and JSON."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import sqlite3

import pytest

from yusuan.serve import datasette, queries


@pytest.fixture(scope="module")
def site(built):
    return datasette(built / "yusuan.db")


def get(site, path: str):
    return asyncio.run(site.client.get(path))


def test_every_table_page_renders(site, built):
    names = [r[0] for r in sqlite3.connect(built / "yusuan.db").execute("select name from sqlite_master where type in ('table','view') and name not like '%fts%' and name not like 'sqlite_%'")]
    assert "facts" in names and "table_totals" in names
    for name in names:
        page = get(site, f"/yusuan/{name}")
        assert page.status_code == 200, name


def test_every_canned_query_runs_with_a_bilingual_title(site):
    for name, query in queries().items():
        params = "&".join(f"{p}=" for p in re.findall(r"(?<!:):(\w+)", query["sql"]))
        page = get(site, f"/yusuan/{name}.json?_shape=array&{params}")
        assert page.status_code == 200, (name, page.text[:300])
        assert " / " in query["title"]
        html = get(site, f"/yusuan/{name}?{params}")
        assert query["title"].split(" / ")[0] in html.text


def test_canned_queries_give_the_printed_numbers(site):
    rows = get(site, "/yusuan/basic_vs_project.json?_shape=array&document=").json()
    assert rows == [{"document_id": "changji-sasac-2021-budget", "department_short_zh": "昌吉州国资委", "fiscal_year": 2021, "phase": "budget",
                     "total": "525.81", "basic": "420.81", "project": "105", "unit_as_printed": "万元", "basic_percent": 80.0, "project_percent": 20.0}]
    three = get(site, "/yusuan/three_public.json?_shape=array&document=changji-sasac-2021-budget").json()
    assert [(r["total"], r["outbound"], r["vehicle_operation"], r["reception"]) for r in three] == [("3.9", "0", "3.5", "0.4")]
    projects = get(site, "/yusuan/projects_by_size.json?_shape=array&document=").json()
    assert [(p["project_zh"], p["amount"], p["unit"]) for p in projects][:2] == [("年终财务审计费", "57", "万元"), ("国有企业退休人员社会化管理工作经费", "20", "万元")]
    income = get(site, "/yusuan/income_by_source.json?_shape=array&document=").json()
    assert [(r["income_item_zh"], r["amount"]) for r in income] == [
        ("财政拨款（补助）", "525.81"), ("一般公共预算", "525.81"), ("收入总计", "525.81")]
    classes = get(site, "/yusuan/expenditure_by_class.json?_shape=array").json()
    assert [(c["class_code"], c["total_wan"]) for c in classes] == [("208", 34.47), ("210", 31.1), ("215", 460.24)]
    totals = get(site, "/yusuan/totals_across_tables.json?_shape=array&document=").json()
    assert {(t["table_no"], t["side"], t["total_wan"]) for t in totals} >= {(1, "income", 525.81), (6, "expenditure", 525.81), (7, "expenditure", 105), (8, "expenditure", 3.9)}


def test_csv_and_json_downloads_of_a_canned_query(site):
    page = get(site, "/yusuan/personnel_vs_public.csv?document=")
    assert page.status_code == 200
    rows = list(csv.DictReader(io.StringIO(page.text)))
    office = next(r for r in rows if r["code"] == "30201")
    assert (office["name_zh"], office["total"], office["public"]) == ("办公费", "4.41", "4.41")
    data = get(site, "/yusuan/personnel_vs_public.json?document=&_shape=objects").json()
    total = next(r for r in data["rows"] if r["name_zh"] == "合计")
    assert (total["total"], total["personnel"], total["public"]) == ("525.81", "361.45", "164.36")


def test_no_float_artefacts_anywhere(site, built):
    pattern = re.compile(r"\d\.\d*(0000000|9999999)\d*")
    for path in ["/yusuan/facts.json?_size=max", "/yusuan/facts.csv?_size=max", "/yusuan/reconciliation.json?document=",
                 "/yusuan/expenditure_by_class.json", "/yusuan/general_budget_basic_economic.json?_size=max",
                 "/yusuan/totals_across_tables.json?document=", "/yusuan/table_totals.json"]:
        text = re.sub(r'"query_ms": [0-9.e-]+', "", get(site, path).text)  # a timing, not data
        assert not pattern.search(text), (path, pattern.search(text))
    facts = get(site, "/yusuan/facts.json?_shape=array&_size=max&table_no=1").json()
    assert {f["amount_yuan"] for f in facts} == {5258100, 344700, 311000, 4602400}
    db = sqlite3.connect(built / "yusuan.db")
    assert db.execute("select typeof(amount_yuan), count(*) from facts group by 1").fetchall() == [("integer", 153)]
    assert db.execute("select typeof(code) from facts where code is not null group by 1").fetchall() == [("text",)]


def test_database_keys_and_indexes(built):
    db = sqlite3.connect(built / "yusuan.db")
    fks = db.execute("select \"table\", \"from\", \"to\" from pragma_foreign_key_list('facts')").fetchall()
    assert fks == [("documents", "document_id", "document_id")]
    indexes = {r[0] for r in db.execute("select name from sqlite_master where type='index' and tbl_name='facts'")}
    assert any("code" in i for i in indexes) and any("document_id" in i for i in indexes)
    codes = db.execute("select code from classifications where scheme='functional' and code like '2150%'").fetchall()
    assert [c[0] for c in codes] == ["21507", "2150701", "2150702"]


def test_metadata_is_bilingual(site):
    meta = get(site, "/-/metadata.json").json()
    assert meta["title"] == "中国政府部门预算公开数据 / Chinese Government Department Budget Disclosures"
    tables = meta["databases"]["yusuan"]["tables"]
    assert tables["facts"]["title"] == "金额事实 / Facts (every printed amount)"
    assert "Amount (yuan)" in tables["facts"]["columns"]["amount_yuan"]
    assert len(meta["databases"]["yusuan"]["queries"]) >= 8
    assert json.dumps(meta, ensure_ascii=False).count("CC0-1.0") >= 1


# -- any database file name (issue 21, item 3) ---------------------------------------------------------------

@pytest.fixture(scope="module")
def renamed(built, tmp_path_factory):
    """The sample's build under another file name, as `yusuan build --db budget-2026.db` leaves it."""
    folder = tmp_path_factory.mktemp("renamed")
    for suffix in (".db", ".datapackage.json", ".stamp.json"):
        (folder / f"budget-2026{suffix}").write_bytes((built / f"yusuan{suffix}").read_bytes())
    return folder / "budget-2026.db"


def test_a_database_of_any_name_serves(renamed):
    site = datasette(renamed)
    home = get(site, "/")
    assert home.status_code == 200
    links = set(re.findall(r'href="([^"]+)"', home.text))
    assert {f"/budget-2026/{name}" for name in queries()} <= links  # every canned query is listed, under the file's name
    assert "/-/download/budget-2026/table/facts.csv" in links
    assert not [link for link in links if link.startswith(("/yusuan/", "/-/download/yusuan/"))]
    page = get(site, "/doc/changji-sasac-2021-budget")
    assert page.status_code == 200 and "/budget-2026/facts?document_id=changji-sasac-2021-budget" in page.text
    assert "/yusuan/" not in page.text
    zipped = get(site, "/-/download/yusuan-datapackage.zip")
    assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    rows = get(site, "/budget-2026/basic_vs_project.json?_shape=array&document=").json()
    assert [(r["total"], r["basic"], r["project"]) for r in rows] == [("525.81", "420.81", "105")]
    download = get(site, "/-/download/budget-2026/table/facts.csv?document_id=changji-sasac-2021-budget")
    assert download.status_code == 200 and download.content.startswith(b"\xef\xbb\xbf")


def test_the_served_metadata_names_the_database_by_its_file(renamed):
    from yusuan.serve import datasette

    ds = datasette(renamed)
    assert [name for name in ds.databases if name != "_internal"] == ["budget-2026"]
    meta = ds.metadata()
    assert list(meta["databases"]) == ["budget-2026"]
    assert len(meta["databases"]["budget-2026"]["queries"]) == len(queries())


# -- names, never ids or None (issue 21, item 6) -------------------------------------------------------------

HASHED = re.compile(r"\b\d{6}-[0-9a-f]{8}\b")  # a body id made from a region code and a hash of the name


def visible_text(page: str) -> str:
    """What a reader sees of a page: no scripts, styles, tags or attributes (an id may stay in a link or a title)."""
    page = re.sub(r"(?s)<(script|style|title|textarea)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<pre\b.*?</pre>", " ", page)  # the SQL of a query
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page))


def test_pages_name_documents_never_by_a_hash_or_none(families):
    db = families / "yusuan.db"
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("select document_id from documents")]
    assert sum(bool(HASHED.search(i)) for i in ids) >= 5  # the fixture has bodies outside any list: ids with hashes
    site = datasette(db)
    names = [r[0] for r in con.execute("select name from sqlite_master where type in ('table','view') and name not like '%fts%' and name not like 'sqlite_%'")]
    paths = ["/", "/yusuan"] + [f"/doc/{d}" for d in ids] + [f"/yusuan/{n}" for n in names] + [f"/yusuan/documents/{d}" for d in ids]
    paths += ["/yusuan/facts/{},{},{},{}".format(*con.execute("select document_id, table_no, row_no, column_no from facts "
                                                              "where document_id like '440100-%' limit 1").fetchone())]
    paths += [f"/yusuan/{name}?" + "&".join(f"{p}=" for p in dict.fromkeys(re.findall(r"(?<!:):(\w+)", q["sql"]))) for name, q in queries().items()]
    for path in paths:
        page = get(site, path)
        assert page.status_code == 200, path
        text = visible_text(page.text)
        assert not HASHED.search(text), (path, HASHED.search(text))
        assert not re.search(r"\bNone\b", text), path
    facts = get(site, "/yusuan/facts?document_id=putuo-finance-2024-final").text
    assert ">普陀区财政局 2024年决算</span>" in facts and ">Finance Bureau of Putuo District, Shanghai, 2024 final</span>" in facts
    findings = get(site, "/yusuan/findings").text
    assert re.search(r'<td class="col-finding_id type-pk"><a href="[^"]+">0001</a>', findings)
    assert ">上海市数据局 2026年预算</span><span class=\"en\" lang=\"en\">Data Bureau of Shanghai, 2026 budget</span></a>" in findings
    documents = get(site, "/yusuan/documents").text  # a document's own row link: its name
    assert re.search(r'<td class="col-document_id type-pk"><a href="/yusuan/documents/putuo-finance-2024-final"><span class="zh" lang="zh-Hans">普陀区财政局 2024年决算</span>', documents)


def test_charts_show_figures_with_their_printed_zeros(families):
    site = datasette(families / "yusuan.db")
    page = get(site, "/doc/440100-f2fb0aed-2026-budget").text  # 广州 宣传部: 2080502 … 2,185.70 (万元)
    chart = page[page.index('id="chart-item"'):]
    chart = chart[:chart.index("</figure>")]
    assert ">2,185.70</text>" in chart and ">2,185.7</text>" not in chart
    sample = get(site, "/doc/changji-sasac-2021-budget").text  # 表一: 208 34.47, 210 31.1, 215 460.24 (as printed)
    classes = sample[sample.index('id="chart-class"'):]
    values = re.findall(r'class="value num"[^>]*>([^<]+)<', classes[:classes.index("</figure>")])
    assert values == ["34.47", "31.1", "460.24"]


def test_chart_captions_are_above_their_charts(built):
    page = get(datasette(built / "yusuan.db"), "/doc/changji-sasac-2021-budget").text
    figures = re.findall(r'(?s)<figure class="chart".*?</figure>', page)
    assert len(figures) == 5
    assert all(f.index("<figcaption>") < f.index("<svg") for f in figures)


# -- the data dictionary (issue 21, item 6) ------------------------------------------------------------------

def dictionary_questions() -> dict[str, dict]:
    import yaml

    from yusuan.paths import METADATA

    return {q["key"]: q for q in yaml.safe_load((METADATA / "dictionary.yaml").read_text(encoding="utf-8"))["questions"]}


def run_sql(site, sql: str, **params) -> list[dict]:
    from urllib.parse import urlencode

    page = get(site, "/yusuan.json?" + urlencode({"sql": sql, "_shape": "array", **params}))
    assert page.status_code == 200, page.text[:300]
    return page.json()


def test_every_worked_sql_of_the_dictionary_gives_the_printed_figures(site):
    questions = dictionary_questions()
    assert {"three_public_by_body", "largest_projects", "one_body_over_the_years"} <= set(questions)
    results = {key: run_sql(site, q["sql"], **({"body": "changji-sasac"} if ":body" in q["sql"] else {})) for key, q in questions.items()}
    assert all(results.values()), [k for k, v in results.items() if not v]
    # 表八 一般公共预算“三公”经费支出情况表: 合计 3.9 (万元)
    assert [(r["department_short_zh"], r["amount_as_printed"], r["unit_as_printed"], r["amount_yuan"]) for r in results["three_public_by_body"]] == [
        ("昌吉州国资委", "3.9", "万元", 39000)]
    # 表七 项目支出表: 年终财务审计费 57, 国有企业退休人员社会化管理工作经费 20, 监督检查专项资金 10 (万元)
    assert [(r["name_zh"], r["amount_as_printed"], r["unit"]) for r in results["largest_projects"][:3]] == [
        ("年终财务审计费", "57", "万元"), ("国有企业退休人员社会化管理工作经费", "20", "万元"), ("监督检查专项资金", "10", "万元")]
    # 表一 收支总表 525.81; 表三 基本支出 420.81, 项目支出 105; 表八 “三公” 3.9
    assert {r["figure"]: r["amount_as_printed"] for r in results["one_body_over_the_years"]} == {
        "income": "525.81", "expenditure": "525.81", "basic": "420.81", "project": "105", "three_public": "3.9"}
    # 表一 支出: 208 34.47, 210 31.1, 215 460.24
    assert [(r["class_code"], r["total_wan"]) for r in results["spending_by_class"]] == [("208", 34.47), ("210", 31.1), ("215", 460.24)]
    assert [(r["sum_of_rows_yuan"], r["printed_total_yuan"]) for r in results["rows_of_a_table"]] == [(5258100, 5258100)]


def test_the_dictionary_page_in_both_languages(site):
    assert 'href="/-/dictionary"' in get(site, "/").text
    page = get(site, "/-/dictionary")
    assert page.status_code == 200
    text = visible_text(page.text)
    for zh, en in [("数据字典", "Data dictionary"), ("每个部门的“三公”经费", "'Three public' expenses per body"),
                   ("金额最大的项目", "The largest projects"), ("一个部门历年的主要数字", "One body over the years"),
                   ("基本支出", "Basic expenditure"), ("“三公”经费合计", "'Three public' expenses, total"),
                   ("部门（单位）收支总体情况表", "Overall Departmental Income and Expenditure Table")]:
        assert zh in text and en in text, (zh, en)
    assert "leaf_facts" in text and "key_figures" in text
    runs = [html.unescape(h) for h in re.findall(r'class="run-sql" href="([^"]+)"', page.text)]
    assert len(runs) == len(dictionary_questions())
    for link in runs:  # each worked example runs from its link
        assert get(site, link).status_code == 200, link


def test_a_canned_query_page_carries_its_parameters_labels_from_metadata(site):
    """The labels static/yusuan.js puts beside a parameter's box come from metadata/site/parameters.yaml."""
    import json
    import re

    page = get(site, "/yusuan/search?q=")  # a canned query (its parameters); not a page of SQL typed in
    assert page.status_code == 200
    data = re.search(r'<script type="application/json" id="yusuan-parameters">(.*?)</script>', page.text)
    assert data, "no parameter labels on the query page"
    labels = json.loads(data.group(1))
    assert labels["q"] == ["搜索词", "Search words"] and labels["document"] == ["文件", "Document"]
    assert "yusuan-parameters" not in get(site, "/yusuan/facts").text  # table pages have no parameters
    assert "yusuan-parameters" not in get(site, "/yusuan?sql=select+1").text


def test_a_canned_querys_list_of_documents_is_one_file_the_browser_keeps(families):
    """A canned query with a document parameter says where the documents by name are (static/yusuan.js makes the
    parameter a list of them); the list is not printed in the page (it was, whole, in every such page: 160 KB a
    page at 1,000 documents, growing with the corpus). Asked with the database's version, the list is kept by the
    browser for good; asked with another (a rebuilt database), it is asked again."""
    db = families / "yusuan.db"
    site = datasette(db)
    page = get(site, "/yusuan/basic_vs_project?document=")
    data = re.search(r'<script type="application/json" id="yusuan-documents">(.*?)</script>', page.text)
    pointer = json.loads(data.group(1))
    assert list(pointer) == ["src"] and pointer["src"].startswith("/-/documents.json?v=")
    assert '"zh": "' not in page.text and '"id": "putuo-finance-2024-final"' not in page.text  # no list in the page
    listed = get(site, pointer["src"])
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("application/json")
    assert listed.headers["cache-control"] == "public, max-age=31536000, immutable"
    docs = listed.json()
    assert {"id": "putuo-finance-2024-final", "zh": "普陀区财政局 2024年决算",
            "en": "Finance Bureau of Putuo District, Shanghai, 2024 final"} in docs
    assert any(d["zh"] == "上海市数据局 2026年预算" and d["en"] == "Data Bureau of Shanghai, 2026 budget" for d in docs)
    named = sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0]
    assert len(docs) == named and [(d["zh"], d["en"]) for d in docs] == sorted((d["zh"], d["en"]) for d in docs)
    assert get(site, "/-/documents.json?v=0000").headers["cache-control"] == "no-cache"
    assert "yusuan-documents" not in get(site, "/yusuan/search?q=").text  # no document parameter: nothing to list
