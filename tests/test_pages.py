"""The site people see (issue 6), in process, exactly as `yusuan serve` configures it: the home page, the page of
a document, its numbers against the database, escaping of document text, and the downloads."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import shutil
import sqlite3
import zipfile
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import openpyxl
import pytest

from yusuan.build import build
from yusuan.serve import datasette

from yusuan.paths import bundled_sources

SAMPLE = bundled_sources()[0]

DOC = "changji-sasac-2021-budget"
NUMBER = re.compile(r'<(data|text)\b[^>]*class="[^"]*\bnum\b[^"]*"[^>]*data-yuan="([^"]*)"[^>]*data-unit="([^"]*)"[^>]*data-rows="([^"]*)"[^>]*>([^<]*)</\1>')
UNITS = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}


@pytest.fixture(scope="module")
def site(built):
    return datasette(built / "yusuan.db")


def get(site, path: str):
    return asyncio.run(site.client.get(path))


@pytest.fixture(scope="module")
def page(site):
    response = get(site, f"/doc/{DOC}")
    assert response.status_code == 200
    return response.text


def card(page: str, key: str) -> str:
    found = re.search(rf'id="fig-{key}"[^>]*>.*?data-yuan="\d+"[^>]*>([^<]+)</data>', page, re.S)
    assert found, key
    return found.group(1)


def chart(page: str, chart_id: str) -> dict[str, str]:
    """label (zh) -> value shown, for one SVG chart."""
    svg = re.search(rf'<figure class="chart" id="{chart_id}">(.*?)</figure>', page, re.S).group(1)
    labels = re.findall(r'<text [^>]*class="label zh"[^>]*>([^<]*)</text>', svg)
    values = re.findall(r'<text [^>]*class="value num"[^>]*>([^<]*)</text>', svg)
    assert len(labels) == len(values) == svg.count("<rect")
    return dict(zip((html.unescape(label).strip() for label in labels), values))


def test_home_page_introduces_and_lists_documents(site):
    text = get(site, "/").text
    assert "中国政府部门预算公开数据" in text and "Chinese Government Department Budget Disclosures" in text
    assert f'href="/doc/{DOC}"' in text
    assert "昌吉回族自治州国有资产监督管理委员会" in text and "State-owned Assets Supervision" in text
    assert ">525.81</data>" in text
    assert 'id="lang-switch"' in text and "/static/yusuan.js" in text
    assert "/-/download/yusuan-datapackage.zip" in text and "CC0-1.0" in text


def test_document_page_key_figures_as_printed(page):
    assert (card(page, "income"), card(page, "expenditure")) == ("525.81", "525.81")
    assert (card(page, "basic"), card(page, "project"), card(page, "three_public")) == ("420.81", "105", "3.9")


def test_office_running_cost_from_the_statements(page, built):
    has = sqlite3.connect(built / "yusuan.db").execute("select count(*) from sqlite_master where name = 'statements'").fetchone()[0]
    if not has:
        assert 'id="fig-office_running_cost"' not in page
        return
    assert card(page, "office_running_cost") == "59.36"


def test_document_page_charts(page):
    assert chart(page, "chart-class") == {"208 社会保障和就业支出": "34.47", "210 卫生健康支出": "31.1", "215 资源勘探工业信息等支出": "460.24"}
    assert chart(page, "chart-split") == {"基本支出": "420.81", "项目支出": "105"}
    assert chart(page, "chart-economic") == {"301 工资福利支出": "361.45", "302 商品和服务支出": "163.48", "303 对个人和家庭的补助": "0.88"}
    items = chart(page, "chart-item")
    assert items["2150701 行政运行"] == "355.24" and items["2101109 其它行政事业单位医疗支出"] == "0.34" and len(items) == 6
    projects = chart(page, "chart-projects")
    assert projects["2150702 年终财务审计费"] == "57" and projects["2150702 微信公众号"] == "3" and len(projects) == 7
    assert "Social security and employment" in page  # English names of the classes from metadata/codes


def test_every_number_on_the_page_equals_the_rows_behind_it(site, page):
    numbers = NUMBER.findall(page)
    assert len(numbers) >= 35
    for _tag, yuan, unit, rows_url, shown in numbers:
        assert Decimal(shown.replace(",", "")) * UNITS[unit] == Decimal(yuan), (shown, unit, yuan)
        url = urlsplit(html.unescape(rows_url))
        behind = get(site, f"{url.path}.json?{url.query}&_shape=array&_size=max").json()
        assert behind, rows_url
        assert sum(Decimal(str(r["amount_yuan"])) for r in behind) == Decimal(yuan), rows_url


def test_findings_are_shown_as_stored(site, page, built):
    db = sqlite3.connect(built / "yusuan.db")
    if not db.execute("select count(*) from sqlite_master where name = 'findings'").fetchone()[0]:
        assert "审核发现" not in page
        return
    # errors and warnings; info (differences within rounding, notes) only in the findings table, linked
    count = db.execute("select count(*) from findings where document_id = ? and severity != 'info'", (DOC,)).fetchone()[0]
    assert f"Audit findings</span> ({count})" in page
    section = page[page.index('class="findings-table'):]
    assert section.count("<tr class=\"sev-") == count
    printed = re.findall(r'<td class="r printed"[^>]*>([^<]*)</td>', section)
    stored = db.execute("select rule_id, expected, actual, difference from findings where document_id = ? and severity != 'info' order by "
                        "case severity when 'error' then 0 when 'warning' then 1 else 2 end, table_no, row_no", (DOC,)).fetchall()
    # grouped by cause (rule), the causes in the order of their first finding (errors first), one heading each (issue 20)
    causes = list(dict.fromkeys(row[0] for row in stored))
    grouped = [row[1:] for rule in causes for row in stored if row[0] == rule]
    assert printed == [html.escape("" if v is None else str(v), quote=False) for row in grouped for v in row]
    assert section.count('class="finding-cause"') == len(causes) - 1 and page.count('class="finding-cause"') == len(causes)


def test_unknown_document_is_a_404(site):
    assert get(site, "/doc/no-such-document").status_code == 404


def test_page_works_without_the_optional_tables(built, tmp_path):
    db_path = tmp_path / "yusuan.db"
    shutil.copy2(built / "yusuan.db", db_path)
    shutil.copy2(built / "yusuan.datapackage.json", tmp_path / "yusuan.datapackage.json")
    db = sqlite3.connect(db_path)
    for name in ("findings", "statements", "projects", "performance_indicators", "performance_goals", "paragraphs", "glossary"):
        db.execute(f"drop table if exists [{name}_fts]")
        db.execute(f"drop table if exists [{name}]")
    db.commit()
    db.close()
    text = get(datasette(db_path), f"/doc/{DOC}").text
    assert card(text, "basic") == "420.81"
    assert 'id="fig-office_running_cost"' not in text and 'class="findings-table' not in text
    assert 'id="chart-projects"' not in text and chart(text, "chart-class")["210 卫生健康支出"] == "31.1"


def test_document_text_is_escaped(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip() == "行政运行")
    lines[first] = lines[first].replace("行政运行", "<script>alert(1)</script>")
    source = tmp_path / SAMPLE.name
    source.write_text("\n".join(lines), encoding="utf-8")
    build([str(source)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db")
    stored = sqlite3.connect(tmp_path / "yusuan.db").execute("select count(*) from facts where name_zh = '<script>alert(1)</script>'").fetchone()[0]
    assert stored >= 1
    site = datasette(tmp_path / "yusuan.db")
    for path in (f"/doc/{DOC}", "/", f"/yusuan/facts?document_id={DOC}&table_no=3"):
        text = get(site, path).text
        assert "<script>alert(1)" not in text, path
    text = get(site, f"/doc/{DOC}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_csv_download_has_a_bom_and_the_printed_numbers(site):
    response = get(site, f"/-/download/yusuan/table/facts.csv?document_id={DOC}&table_no=1")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'rel="license"' in response.headers["link"] and "publicdomain/zero" in response.headers["link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 7
    total = next(r for r in rows if r["name_zh"] == "支出总计")
    assert (total["amount_yuan"], total["amount_as_printed"], total["unit_as_printed"]) == ("5258100", "525.81", "万元")
    query = get(site, f"/-/download/yusuan/query/three_public.csv?document={DOC}").content
    assert query.startswith(b"\xef\xbb\xbf")
    three = list(csv.DictReader(io.StringIO(query.decode("utf-8-sig"))))
    assert [(r["total"], r["vehicle_operation"], r["reception"]) for r in three] == [("3.9", "3.5", "0.4")]


def test_xlsx_download_opens_with_the_right_numbers(site):
    response = get(site, f"/-/download/yusuan/table/facts.xlsx?document_id={DOC}&table_no=3")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r])) for r in sheet.iter_rows(min_row=2)]
    totals = {r["measure"]: r["amount_yuan"] for r in rows if r["name_zh"] == "合计"}
    assert totals == {"total": 5258100, "basic": 4208100, "project": 1050000}
    licence = {r[0].value: r[1].value for r in book["licence 许可"].iter_rows()}
    assert licence["licence 许可"] == "CC0-1.0"
    query = openpyxl.load_workbook(io.BytesIO(get(site, "/-/download/yusuan/query/basic_vs_project.xlsx?document=").content))["data"]
    values = [[c.value for c in row] for row in query.iter_rows()]
    assert values[0][:8] == ["document_id", "department_short_zh", "fiscal_year", "phase", "total", "basic", "project", "unit_as_printed"]
    assert [str(v) for v in values[1][4:8]] == ["525.81", "420.81", "105", "万元"]


def test_json_download_states_its_licence(site):
    body = get(site, "/-/download/yusuan/query/basic_vs_project.json?document=").json()
    assert body["licence"]["name"] == "CC0-1.0"
    assert [(r["total"], r["basic"], r["project"], r["unit_as_printed"]) for r in body["rows"]] == [("525.81", "420.81", "105", "万元")]
    assert get(site, "/-/download/yusuan/table/no_such_table.json").status_code == 404
    assert get(site, "/-/download/yusuan/query/no_such_query.csv").status_code == 404


def test_package_zip_download(site):
    response = get(site, "/-/download/yusuan-datapackage.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"datapackage.json", "facts.csv", "documents.csv", "LICENSE.txt"} <= names
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    assert "CC0-1.0" in archive.read("LICENSE.txt").decode("utf-8")


def test_every_page_offers_downloads(site):
    table = get(site, f"/yusuan/facts?document_id={DOC}").text
    assert "/-/download/yusuan/table/facts.csv?document_id=" in table and "/-/download/yusuan-datapackage.zip" in table
    query = get(site, "/yusuan/basic_vs_project?document=").text
    assert "/-/download/yusuan/query/basic_vs_project.xlsx?document=" in query
    link = re.search(r'href="(/-/download/yusuan/table/facts\.csv\?[^"]+)"', table).group(1)
    assert dict(parse_qsl(urlsplit(html.unescape(link)).query))["document_id"] == DOC
    assert get(site, html.unescape(link)).content.startswith(b"\xef\xbb\xbf")
