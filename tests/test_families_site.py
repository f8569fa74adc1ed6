"""Every view works for every family (issue 11 §4) and a reader sees figures as printed (issue 14 item 10): one
database holding the Xinjiang sample (2021 budget, tables in 万元), three Shanghai budgets (tables in 元, the
'three public' table in 万元) and a Shanghai final account (决算, in 万元). Every canned query answers, each with
rows for every document that prints such figures; the home page and every document page show the key figures as
printed, with their unit. Expected values are typed from the printed pages (pdftotext -layout of the PDFs)."""

from __future__ import annotations

import asyncio
import html
import re
import sqlite3
from collections import Counter
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from yusuan.serve import datasette, queries

from conftest import REAL, SOURCE_URL

SAMPLE = "changji-sasac-2021-budget"
FINAL = "putuo-finance-2024-final"   # sh_putuo_czj_final_2024.pdf
WANLI = "putuo-wanli-2024-budget"    # sh_putuo_wanlijd_dept_2024.pdf
HOME = "putuo-welfare-home-2024-budget"  # sh_putuo_shflyuan_unit_2024.pdf
ZFBAN = "putuo-zfban-2025-budget"    # sh_putuo_zfban_dept_2025.pdf
DOCUMENTS = {SAMPLE, FINAL, WANLI, HOME, ZFBAN}
UNITS = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}
NUMBER = re.compile(r'<(data|text)\b[^>]*class="[^"]*\bnum\b[^"]*"[^>]*data-yuan="([^"]*)"[^>]*data-unit="([^"]*)"'
                    r'[^>]*data-rows="([^"]*)"[^>]*>([^<]*)</\1>')

# key figures as printed: (digits, unit), typed from the documents' pages
FIGURES = {
    SAMPLE: {"income": ("525.81", "万元"), "expenditure": ("525.81", "万元"), "basic": ("420.81", "万元"),
             "project": ("105", "万元"), "three_public": ("3.9", "万元")},
    # 收入支出决算总表: 总计 2,995.39 | 总计 2,995.39; 支出决算表 合计 2,940.05 2,336.91 603.14
    FINAL: {"income": ("2,995.39", "万元"), "expenditure": ("2,995.39", "万元"), "basic": ("2,336.91", "万元"),
            "project": ("603.14", "万元")},
    # 收入总计 156,211,123 支出总计 156,211,123; 合计 156,211,123 99,706,020 56,505,103; 三公 47.91, 机关运行经费 443.18 (万元)
    WANLI: {"income": ("156,211,123", "元"), "expenditure": ("156,211,123", "元"), "basic": ("99,706,020", "元"),
            "project": ("56,505,103", "元"), "three_public": ("47.91", "万元"), "office_running_cost": ("443.18", "万元")},
    # 收入总计 12,121,164 支出总计 12,121,164 7,380,214 2,120,950 2,620,000; 合计 12,121,164 9,501,164 2,620,000
    HOME: {"income": ("12,121,164", "元"), "expenditure": ("12,121,164", "元"), "basic": ("9,501,164", "元"),
           "project": ("2,620,000", "元"), "three_public": ("6.4", "万元")},
    # 收入总计 91,016,775.35 支出总计 91,016,775.35; 合计 91,016,775.35 24,606,775.35 66,410,000.00
    ZFBAN: {"income": ("91,016,775.35", "元"), "expenditure": ("91,016,775.35", "元"), "basic": ("24,606,775.35", "元"),
            "project": ("66,410,000.00", "元"), "three_public": ("867.50", "万元"), "office_running_cost": ("213.28", "万元")},
}


@pytest.fixture(scope="module")
def site(families):
    return datasette(families / "yusuan.db")


def get(site, path: str):
    return asyncio.run(site.client.get(path))


def rows_of(site, name: str, document: str = "") -> list[dict]:
    response = get(site, f"/yusuan/{name}.json?_shape=array&_size=max&document={document}")
    assert response.status_code == 200, (name, response.text[:300])
    return response.json()


@pytest.fixture(scope="module")
def pages(site):
    out = {}
    for document in sorted(DOCUMENTS):
        response = get(site, f"/doc/{document}")
        assert response.status_code == 200, document
        out[document] = response.text
    return out


def card(page: str, key: str) -> tuple[str, str] | None:
    found = re.search(rf'id="fig-{key}"[^>]*>.*?data-unit="([^"]*)"[^>]*>([^<]+)</data> <span class="unit">([^<]*)</span>', page, re.S)
    if not found:
        return None
    assert found.group(1) == found.group(3)
    return found.group(2), found.group(3)


def visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)))


def test_the_database_holds_every_family_and_phase(families):
    db = sqlite3.connect(families / "yusuan.db")
    found = dict(db.execute("select document_id, phase from documents").fetchall())
    assert found.items() >= {SAMPLE: "budget", FINAL: "final", WANLI: "budget", HOME: "budget", ZFBAN: "budget"}.items()
    assert {r[0] for r in db.execute("select distinct template from documents")} >= {"shanghai", "shanghai-final"}


def test_every_canned_query_answers(site):
    for name, query in queries().items():
        params = "&".join(f"{p}=" for p in sorted(set(re.findall(r"(?<!:):(\w+)", query["sql"]))))
        response = get(site, f"/yusuan/{name}.json?_shape=array&{params}")
        assert response.status_code == 200, (name, response.text[:300])
        assert get(site, f"/yusuan/{name}?{params}").status_code == 200, name


# which documents print what a query shows, found from the facts alone (every document of the database: the
# PDFs of tests/fixtures/real other helpers add are checked too)
PRINTS = {
    "basic_vs_project": "select document_id from facts where measure in ('basic', 'project') and is_total",
    "document_findings": "select document_id from findings",
    "three_public": """select document_id from facts where measure like 'three_public_total%' or measure like 'outbound%'
                       or (code is null and name_zh like '%因公出国%')""",
}


@pytest.mark.parametrize("name", ["expenditure_by_function", "basic_vs_project", "personnel_vs_public", "three_public",
                                  "income_by_source", "reconciliation", "totals_across_tables", "document_findings"])
def test_table_queries_give_rows_for_every_document(site, families, name):
    db = sqlite3.connect(families / "yusuan.db")
    every = {r[0] for r in db.execute("select document_id from documents")}
    printing = {r[0] for r in db.execute(PRINTS[name])} if name in PRINTS else every
    if name != "document_findings":  # a document may have no finding at all
        assert printing >= DOCUMENTS
    counts = Counter(r["document_id"] for r in rows_of(site, name))
    assert set(counts) == printing, (name, printing - set(counts))
    one = rows_of(site, name, WANLI)
    assert one and {r["document_id"] for r in one} == {WANLI}


def test_expenditure_by_class_covers_every_document(site):
    classes = get(site, "/yusuan/expenditure_by_class.json?_shape=array&_size=max").json()
    assert {c["document_id"] for c in classes} >= DOCUMENTS


def test_basic_vs_project_as_printed(site):
    rows = {r["document_id"]: r for r in rows_of(site, "basic_vs_project")}
    final = rows[FINAL]
    assert (final["total"], final["basic"], final["project"], final["unit_as_printed"], final["phase"]) == ("2,940.05", "2,336.91", "603.14", "万元", "final")
    wanli = rows[WANLI]
    assert (wanli["total"], wanli["basic"], wanli["project"], wanli["unit_as_printed"]) == ("156,211,123", "99,706,020", "56,505,103", "元")
    zfban = rows[ZFBAN]
    assert (zfban["total"], zfban["basic"], zfban["project"]) == ("91,016,775.35", "24,606,775.35", "66,410,000.00")
    assert (rows[SAMPLE]["basic_percent"], rows[SAMPLE]["project_percent"]) == (80.0, 20.0)


def test_three_public_as_printed(site):
    rows = {r["document_id"]: r for r in rows_of(site, "three_public")}
    # 47.91 | 0 | 1.35 | 46.56 | 25 | 21.56 | 443.18 (单位:万元)
    wanli = rows[WANLI]
    assert (wanli["total"], wanli["outbound"], wanli["reception"], wanli["vehicle_total"], wanli["vehicle_purchase"],
            wanli["vehicle_operation"], wanli["running_costs"], wanli["unit_as_printed"]) == ("47.91", "0", "1.35", "46.56", "25", "21.56", "443.18", "万元")
    assert (rows[SAMPLE]["total"], rows[SAMPLE]["vehicle_operation"], rows[SAMPLE]["reception"]) == ("3.9", "3.5", "0.4")
    assert rows[FINAL]["total_budget"] == "0.95"  # 合计 预算数 0.95, 决算数 not printed


def test_income_by_source_of_a_final_account(site):
    income = [(r["income_item_zh"], r["amount"]) for r in rows_of(site, "income_by_source", FINAL)]
    # 一、一般公共预算财政拨款收入 2,940.05 … 八、其他收入 6.20 本年收入合计 2,946.25 年初结转和结余 49.14 总计 2,995.39
    assert [a for _, a in income] == ["2,940.05", "6.20", "2,946.25", "49.14", "2,995.39"]
    assert income[-1][0] == "总计"


def test_personnel_and_public_of_a_final_account(site):
    rows = rows_of(site, "personnel_vs_public", FINAL)
    totals = {r["name_zh"]: r["total"] for r in rows if r["code"] is None}
    assert totals == {"人员经费合计": "2,152.26", "公用经费合计": "184.65"}
    wanli = {r["name_zh"]: (r["total"], r["personnel"], r["public"]) for r in rows_of(site, "personnel_vs_public", WANLI)}
    assert wanli["合计"] == ("99,706,020", "88,537,451", "11,168,569")  # 合计 99,706,020 88,537,451 11,168,569


def test_expenditure_by_function_in_yuan(site):
    rows = {r["code"]: r for r in rows_of(site, "expenditure_by_function", ZFBAN)}
    # 201 03 01 行政运行 12,029,501.84 11,919,501.84 110,000.00
    assert (rows["2010301"]["name_zh"], rows["2010301"]["total"], rows["2010301"]["basic"], rows["2010301"]["project"],
            rows["2010301"]["unit_as_printed"]) == ("行政运行", "12,029,501.84", "11,919,501.84", "110,000.00", "元")


def test_home_page_shows_every_total_as_printed(site):
    text = get(site, "/").text
    for document, figures in FIGURES.items():
        row = re.search(rf'href="/doc/{document}".*?</tr>', text, re.S).group(0)
        digits, unit = figures["expenditure"]
        assert f">{digits}</data>&nbsp;<span class=\"unit\">{unit}</span>" in row, document
    assert "None" not in visible_text(text)


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_document_page_key_figures_as_printed(pages, document):
    page = pages[document]
    for key, expected in FIGURES[document].items():
        assert card(page, key) == expected, (document, key)
    assert "None" not in visible_text(page)


def test_a_table_printed_in_yuan_is_shown_in_yuan(pages):
    page = pages[WANLI]
    assert "15,621.1123" not in page and "5,650.5103" not in page
    assert '<figure class="chart" id="chart-split">' in page
    split = re.search(r'id="chart-split">.*?</figure>', page, re.S).group(0)
    assert ">56,505,103</text>" in split and "（元，原文）" in split


def test_final_account_page_has_charts_and_tables(pages):
    page = pages[FINAL]
    for chart_id in ("chart-class", "chart-split", "chart-economic", "chart-item"):
        assert f'id="{chart_id}"' in page, chart_id
    economic = re.search(r'id="chart-economic">.*?</figure>', page, re.S).group(0)
    assert "301 工资福利支出" in economic
    assert page.count('<tr class="table-read') >= 7  # the seven 决算 tables that print amounts, each read


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_every_number_equals_the_rows_behind_it(site, pages, document):
    numbers = NUMBER.findall(pages[document])
    assert len(numbers) >= 10
    for _tag, yuan, unit, rows_url, shown in numbers:
        assert Decimal(shown.replace(",", "")) * UNITS[unit] == Decimal(yuan), (document, shown, unit, yuan)
        url = urlsplit(html.unescape(rows_url))
        behind = get(site, f"{url.path}.json?{url.query}&_shape=array&_size=max").json()
        assert behind, rows_url
        assert sum(Decimal(str(r["amount_yuan"])) for r in behind) == Decimal(yuan), rows_url


def test_source_address_is_linked_when_known(site, pages, families):
    db = sqlite3.connect(families / "yusuan.db")
    assert db.execute("select source_url from documents where document_id = ?", (ZFBAN,)).fetchone()[0] == SOURCE_URL
    assert f'href="{SOURCE_URL}"' in pages[ZFBAN]
    assert "source-link" not in pages[WANLI]


def test_no_missing_value_is_printed(pages):
    text = visible_text(pages[WANLI])
    assert "未注明" in text and "not stated" in text and "None" not in text  # no date printed in the document


def test_no_float_artefacts_in_views_over_fractional_yuan(site):
    pattern = re.compile(r"\d\.\d*(0000000|9999999)\d*")
    for path in ["/yusuan/table_totals.json?_size=max", "/yusuan/expenditure_by_class.json?_size=max",
                 "/yusuan/printed_facts.json?_size=max", f"/yusuan/reconciliation.json?document={ZFBAN}",
                 f"/doc/{ZFBAN}", "/yusuan/key_figures.json?_size=max"]:
        text = re.sub(r'"query_ms": [0-9.e-]+', "", get(site, path).text)
        assert not pattern.search(text), (path, pattern.search(text))


def test_every_canned_query_answers_on_a_final_account_alone(tmp_path):
    """The database of one Shanghai final account (no table of the sample's kinds): every query still answers,
    the table queries with its rows (before, three_public said `no such table: three_public_expenses`)."""
    from yusuan.build import build

    build([str(REAL / "sh_putuo_czj_final_2024.pdf")], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", progress=False)
    site = datasette(tmp_path / "yusuan.db")
    for name, query in queries().items():
        params = "&".join(f"{p}=" for p in sorted(set(re.findall(r"(?<!:):(\w+)", query["sql"]))))
        response = get(site, f"/yusuan/{name}.json?_shape=array&{params}")
        assert response.status_code == 200, (name, response.text[:300])
    for name in ("expenditure_by_function", "basic_vs_project", "personnel_vs_public", "three_public", "income_by_source"):
        assert {r["document_id"] for r in rows_of(site, name)} == {FINAL}, name
    assert card(get(site, f"/doc/{FINAL}").text, "expenditure") == ("2,995.39", "万元")


def test_a_source_address_that_is_not_one_is_a_clear_error(tmp_path):
    from yusuan.build import build
    from yusuan.errors import YusuanError

    source = tmp_path / "sh_putuo_zfban_dept_2025.pdf"
    source.write_bytes((REAL / source.name).read_bytes())
    (tmp_path / (source.name + ".url")).write_text("javascript:alert(1)\n", encoding="utf-8")
    with pytest.raises(YusuanError) as error:
        build([str(source)], package_dir=tmp_path / "dp", database=tmp_path / "yusuan.db", progress=False)
    assert "sh_putuo_zfban_dept_2025.pdf.url" in str(error.value) and "not a web address" in str(error.value)
    assert not (tmp_path / "yusuan.db").exists()


def test_every_document_of_every_family_has_a_page_whose_numbers_are_the_rows_behind(site, families):
    """Every document of the database (other helpers' fixtures too): the page answers, prints no None, shows its
    total expenditure as printed, and each number on it is the sum of the rows its link shows."""
    db = sqlite3.connect(families / "yusuan.db")
    for (document,) in db.execute("select document_id from documents order by document_id"):
        page = get(site, f"/doc/{document}").text
        assert "None" not in visible_text(page), document
        assert card(page, "expenditure"), document
        for _tag, yuan, unit, rows_url, shown in NUMBER.findall(page):
            assert Decimal(shown.replace(",", "")) * UNITS[unit] == Decimal(yuan), (document, shown, unit, yuan)
            url = urlsplit(html.unescape(rows_url))
            behind = get(site, f"{url.path}.json?{url.query}&_shape=array&_size=max").json()
            assert sum(Decimal(str(r["amount_yuan"])) for r in behind) == Decimal(yuan), (document, rows_url)


def test_a_body_without_a_name_or_region_prints_no_none(families, tmp_path):
    """A body not in metadata/bodies.yaml whose document prints no preparer has no name: the pages say what they
    know (its document id) and never None."""
    import shutil

    shutil.copy2(families / "yusuan.db", tmp_path / "yusuan.db")
    shutil.copy2(families / "yusuan.datapackage.json", tmp_path / "yusuan.datapackage.json")
    db = sqlite3.connect(tmp_path / "yusuan.db")
    db.execute("update documents set department_zh = null, department_short_zh = null, department_en = null, region_zh = null, "
               "region_en = null, published = null where document_id = ?", (WANLI,))
    db.commit()
    db.close()
    site = datasette(tmp_path / "yusuan.db")
    for path in (f"/doc/{WANLI}", "/"):
        text = visible_text(get(site, path).text)
        assert "None" not in text and WANLI in text, path


def xlsx(site, path: str):
    """(the data sheet read back by openpyxl, the sheet's XML as written) of a download."""
    import io
    import zipfile

    import openpyxl

    page = get(site, path)
    assert page.status_code == 200, page.text
    with zipfile.ZipFile(io.BytesIO(page.content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return openpyxl.load_workbook(io.BytesIO(page.content))["data"], xml


def sheet_rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]


def test_canned_query_xlsx_amounts_are_numbers_codes_stay_text(site):
    """A canned query gives amounts as printed text; its XLSX holds them as exact numbers a spreadsheet sums,
    shown with the printed decimals and thousands separators; codes, ids and years stay as they are."""
    sheet, xml = xlsx(site, "/-/download/yusuan/query/basic_vs_project.xlsx?document=")
    rows = {r["document_id"].value: r for r in sheet_rows(sheet)}
    sample, zfban, wanli = rows[SAMPLE], rows[ZFBAN], rows[WANLI]
    assert sample["total"].data_type == "n" and sample["total"].value == 525.81
    assert sample["total"].number_format == "#,##0.00"
    assert (zfban["project"].value, zfban["project"].number_format) == (66410000, "#,##0.00")
    assert (zfban["total"].value, zfban["total"].number_format) == (91016775.35, "#,##0.00")
    assert (wanli["basic"].value, wanli["basic"].number_format) == (99706020, "#,##0")
    assert sample["unit_as_printed"].value == "万元" and sample["document_id"].data_type == "s"
    # the file holds the printed digits, not a float's: <v>525.81</v>, never 525.8099999999999
    assert "<v>525.81</v>" in xml and "<v>91016775.35</v>" in xml and "99999" not in xml
    sheet, _ = xlsx(site, f"/-/download/yusuan/query/expenditure_by_function.xlsx?document={SAMPLE}")
    row = next(r for r in sheet_rows(sheet) if r["name_zh"].value == "机关事业单位基本养老")
    assert (row["code"].value, row["code"].data_type) == ("2080505", "s")  # a class code: text
    assert (row["total"].value, row["total"].data_type, row["basic"].value) == (34.47, "n", 34.47)


def test_table_xlsx_printed_amounts_are_numbers(site):
    sheet, _ = xlsx(site, f"/-/download/yusuan/table/facts.xlsx?document_id={ZFBAN}&measure=project&amount_as_printed=66,410,000.00")
    rows = sheet_rows(sheet)
    assert rows and all(r["amount_as_printed"].value == 66410000 and r["amount_as_printed"].number_format == "#,##0.00" for r in rows)
    assert all(r["document_id"].data_type == "s" for r in rows)
