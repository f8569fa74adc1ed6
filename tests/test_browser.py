"""The site in a real browser (issue 6): headless Debian Chromium driven by playwright opens the home page, a
document page and a canned query over HTTP, from `yusuan serve`'s own command line. Screenshots go to
build/screenshots/. Set up with scripts/install_browser.sh."""

from __future__ import annotations

import os
import re
import sqlite3
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from yusuan.paths import ROOT
from yusuan.serve import command

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium: run scripts/install_browser.sh (apt chromium + fonts-noto-cjk, pip playwright)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run scripts/install_browser.sh")

DOC = "changji-sasac-2021-budget"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "build" / "screenshots"


def serve(db: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    process = subprocess.Popen(command(db, "127.0.0.1", port), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(built):
    yield from serve(built / "yusuan.db")


@pytest.fixture(scope="module")
def families_server(families):
    """The site over one database of several families (tests/conftest.py: families)."""
    yield from serve(families / "yusuan.db")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def cjk_font_used(page, selector: str) -> bool:
    """Chinese renders with a real CJK font: the font is loaded, and a Chinese glyph is as wide as the font size
    (a missing glyph box or a fallback would not pass both)."""
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        const style = getComputedStyle(el);
        const size = parseFloat(style.fontSize);
        const canvas = document.createElement('canvas').getContext('2d');
        canvas.font = `${size}px ${style.fontFamily}`;
        const han = canvas.measureText('预算公开数据').width / 6;
        return document.fonts.check(`${size}px "Noto Sans CJK SC"`, '预算') && Math.abs(han - size) < size * 0.1;
    }""", selector)


def test_home_page(page, server):
    page.goto(server + "/")
    assert page.locator("h1 .zh").inner_text() == "中国政府部门预算公开数据"
    assert page.locator("h1 .en").is_hidden()
    assert cjk_font_used(page, "h1 .zh")
    assert page.locator(f'a.doc-link[href="/doc/{DOC}"]').is_visible()
    shot(page, "home")
    assert page.errors == []


def test_document_page_charts_and_language(page, server):
    page.goto(f"{server}/doc/{DOC}")
    assert page.locator("#chart-class svg rect").count() == 3
    assert page.locator("#chart-split svg rect").count() == 2
    assert page.locator("#chart-economic svg rect").count() == 3
    assert page.locator("#chart-item svg rect").count() == 6
    assert page.locator("#chart-projects svg rect").count() == 7
    widths = page.eval_on_selector_all("#chart-class svg rect", "rs => rs.map(r => r.getBoundingClientRect().width)")
    assert widths[2] > widths[0] > widths[1] > 0  # 460.24 > 34.47 > 31.1
    assert page.locator("#chart-class .bar title").first.text_content().endswith("34.47 万元 (10,000 yuan)")
    assert page.locator("#fig-basic data").inner_text() == "420.81"
    assert page.locator("#fig-basic .card-label .zh").is_visible()
    shot(page, "document-zh")

    page.click("#lang-switch")
    assert page.locator("#fig-basic .card-label .en").inner_text() == "Basic expenditure"
    assert page.locator("#fig-basic .card-label .zh").is_hidden()
    page.reload()
    assert page.locator("html").get_attribute("data-lang") == "en"
    assert page.locator("h1 .en").is_visible() and page.locator("h1 .zh").is_hidden()
    assert page.locator("#chart-class text.label.en").first.is_visible()
    page.goto(server + "/")
    assert page.locator("h1 .en").is_visible()  # remembered across pages too
    page.goto(f"{server}/doc/{DOC}")
    shot(page, "document-en")
    page.click("#lang-switch")
    assert page.locator("h1 .zh").is_visible()
    assert page.errors == []


def test_document_page_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    tab = context.new_page()
    tab.goto(f"{server}/doc/{DOC}")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # nothing overflows sideways
    box = tab.locator("#chart-class svg").bounding_box()
    assert 300 < box["width"] <= 390
    shot(tab, "document-phone")
    context.close()


def test_download_link_returns_the_file(page, server):
    page.goto(f"{server}/doc/{DOC}")
    link = page.locator('a.dl[href*="facts.csv"]').first
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "5258100" in data.decode("utf-8-sig")
    assert page.errors == []


def test_canned_query_page(page, server):
    page.goto(server + "/yusuan/three_public?document=" + DOC)
    assert "3.9" in page.locator("table.rows-and-columns").inner_text()
    assert page.locator("#lang-switch").is_visible()
    href = page.locator('a.dl[href*="three_public.xlsx"]').get_attribute("href")
    response = page.request.get(server + href)
    assert response.ok and response.body()[:2] == b"PK"
    shot(page, "query")
    label = page.locator('form.sql label[for]').first  # the document parameter, labelled from metadata
    assert label.locator(".zh").inner_text() == "文件" and label.locator(".en").count() == 1
    assert page.errors == []


PHONE = {"width": 375, "height": 740}
FINAL = "putuo-finance-2024-final"  # a final account with findings
COVERED = """() => {
    /* the text (and controls) on the page that the language button's box overlaps */
    const button = document.getElementById('lang-switch').getBoundingClientRect();
    const hit = (r) => r.width > 0 && r.height > 0 && r.left < button.right && r.right > button.left
        && r.top < button.bottom && r.bottom > button.top;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (!node.textContent.trim() || node.parentElement.closest('#lang-switch')) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) { if (hit(r)) { out.push(node.textContent.trim().slice(0, 40)); break; } }
    }
    for (const el of document.querySelectorAll('a, button, input, select, summary, svg')) {
        if (el.closest('#lang-switch')) continue;
        if (hit(el.getBoundingClientRect())) out.push(el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30));
    }
    return out;
}"""


def phone(browser):
    return browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


@pytest.mark.parametrize("path", ["/", f"/doc/{FINAL}", "/doc/putuo-wanli-2024-budget", "/yusuan/facts", "/yusuan/three_public?document="])
def test_phone_layout_fits_and_the_language_button_covers_nothing(browser, families_server, path):
    context = phone(browser)
    tab = context.new_page()
    tab.goto(families_server + path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, path
    if path == "/" or path.startswith("/doc/"):
        for table in ("table.docs", "table.findings-table"):
            if tab.locator(table).count():
                # the table itself fits: no scrolling inside its wrapper either
                assert tab.eval_on_selector(table, "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth + 1"), (path, table)
                assert tab.eval_on_selector(table, "t => t.getBoundingClientRect().right") <= PHONE["width"] + 1, (path, table)
    assert tab.locator("#lang-switch").is_visible()
    assert tab.evaluate(COVERED) == [], path
    tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert tab.evaluate(COVERED) == [], path
    shot(tab, "phone" + path.replace("/", "_").replace("?", "_").replace("=", ""))
    context.close()


def test_home_table_on_a_phone_shows_each_value_under_its_column_name(browser, families_server, families):
    context = phone(browser)
    tab = context.new_page()
    tab.goto(families_server + "/")
    cell = tab.locator('table.docs td[data-zh="支出总计"]').first
    assert tab.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle()) == '"支出总计："'
    documents = sqlite3.connect(families / "yusuan.db").execute("select count(*) from documents").fetchone()[0]
    assert tab.locator("table.docs a.doc-link").count() == documents
    context.close()


def test_language_button_covers_nothing_on_a_wide_screen(page, families_server):
    for path in ("/", f"/doc/{FINAL}", "/yusuan/facts", "/yusuan"):
        page.goto(families_server + path)
        assert page.evaluate(COVERED) == [], path


def test_datasette_pages_follow_the_language_switch(page, families_server):
    page.goto(families_server + "/yusuan/facts")
    assert page.locator("h1 .zh").inner_text() == "金额事实"
    assert page.locator("h1 .en").is_hidden()
    assert page.locator(".metadata-description .zh").inner_text().startswith("预算公开表中印刷的每一个金额一行")
    assert page.locator(".metadata-description .en").is_hidden()
    page.click("#lang-switch")
    assert page.locator("h1 .en").inner_text() == "Facts (every printed amount)"
    assert page.locator("h1 .zh").is_hidden()
    assert page.locator(".metadata-description .en").inner_text().startswith("One row per amount printed")
    assert page.title() == "Facts (every printed amount)" or "/" not in page.title()
    page.goto(families_server + "/yusuan/three_public?document=")  # a canned query, remembered language
    assert page.locator("h1 .en").inner_text() == "'Three public' expenses"
    assert page.locator(".metadata-description .en").is_visible() and page.locator(".metadata-description .zh").is_hidden()
    page.click("#lang-switch")
    assert page.locator("h1 .zh").inner_text() == "“三公”经费"
    page.goto(families_server + "/yusuan")  # the database page lists the canned queries by their titles
    link = page.locator('a[href="/yusuan/three_public"]')
    assert link.locator(".zh").inner_text() == "“三公”经费" and link.locator(".en").is_hidden()
    page.click("#lang-switch")
    assert link.locator(".en").inner_text() == "'Three public' expenses" and link.locator(".zh").is_hidden()
    page.goto(families_server + "/doc/putuo-wanli-2024-budget")
    assert page.title().startswith("万里街道办事处 2024 预算") is False and "2024 budget" in page.title()
    assert page.errors == []


def test_document_page_links_the_source_and_shows_yuan(page, families_server):
    page.goto(families_server + "/doc/putuo-zfban-2025-budget")
    assert page.locator("a.source-link").first.get_attribute("href").startswith("https://")
    assert page.locator("#fig-expenditure data").inner_text() == "91,016,775.35"
    assert page.locator("#fig-expenditure .unit").inner_text() == "元"
    assert page.errors == []


# -- the site as a journalist sees it (issue 21): any database name, names not ids, both languages, two widths --

RENAMED_DOC = "440100-f2fb0aed-2026-budget"  # 广州 宣传部: a body outside any list, its id made with a hash
HASHED = r"\b\d{6}-[0-9a-f]{8}\b"


@pytest.fixture(scope="module")
def renamed_server(families, tmp_path_factory):
    """`yusuan serve --db budget-2026.db`'s own command line over the families database under another name."""
    folder = tmp_path_factory.mktemp("renamed")
    for suffix in (".db", ".datapackage.json", ".stamp.json"):
        (folder / f"budget-2026{suffix}").write_bytes((families / f"yusuan{suffix}").read_bytes())
    yield from serve(folder / "budget-2026.db")


JOURNALIST_PAGES = {"home": "/", "document": f"/doc/{RENAMED_DOC}", "table": "/budget-2026/facts",
                    "query": "/budget-2026/basic_vs_project?document=", "dictionary": "/-/dictionary"}
WORDS = {"zh": {"apply": "应用", "edit": "查看和编辑 SQL", "home": "首页", "rows": "行", "all": "全部文件"},
         "en": {"apply": "Apply", "edit": "View and edit SQL", "home": "home", "rows": "rows", "all": "Every document"}}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", list(JOURNALIST_PAGES))
def test_pages_a_journalist_reads(browser, renamed_server, width, lang, name):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    path = JOURNALIST_PAGES[name]
    response = tab.goto(renamed_server + path + ("&" if "?" in path else "?") + f"_lang={lang}")  # a link carrying the language
    assert response.status == 200, path
    assert tab.locator("html").get_attribute("data-lang") == lang
    text = tab.evaluate("document.body.innerText")
    assert not re.search(HASHED, text), (path, re.search(HASHED, text))
    assert not re.search(r"\bNone\b", text), path
    assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1, (path, "overflows sideways")
    words = WORDS[lang]
    if name == "document":
        charts = tab.eval_on_selector_all("figure.chart", """fs => fs.map(f => [
            f.querySelector('figcaption').getBoundingClientRect().bottom, f.querySelector('svg').getBoundingClientRect().top])""")
        assert charts and all(caption <= chart for caption, chart in charts)  # every caption above its chart
        assert tab.locator("#chart-item text.value", has_text="2,185.70").count() == 1  # printed 2,185.70, not 2,185.7
    if name == "table":
        assert tab.locator('form.filters input[type="submit"]').input_value() == words["apply"]
        assert tab.locator("a.not-underlined .underlined").inner_text() == words["edit"]
        assert tab.locator(".crumbs").inner_text().startswith(words["home"])
        assert words["rows"] in tab.locator(".content > h3").first.inner_text()
        rows = tab.locator("table.rows-and-columns").bounding_box()
        assert rows["y"] < 900  # the page opens with its data (in the first screen), at both widths
        assert tab.locator("details.column-dictionary").get_attribute("open") is None
        assert tab.locator("details.column-dictionary").bounding_box()["y"] > rows["y"]
    if name == "query":
        choice = tab.locator('select[name="document"]')
        assert choice.locator("option").first.inner_text() == words["all"]
        assert choice.locator("option", has_text="宣传部" if lang == "zh" else "Publicity Department").count() == 1
        choice.select_option(RENAMED_DOC)
        tab.locator('form.sql input[type="submit"]').click()
        tab.wait_for_load_state()
        assert f"document={RENAMED_DOC}" in tab.url
        assert tab.locator("table.rows-and-columns tbody tr").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"journalist-{name}-{lang}-{width}.png"))  # the first screen: what opens
    assert errors == [], errors
    context.close()


def test_the_language_switch_changes_datasettes_words(page, renamed_server):
    page.goto(renamed_server + "/budget-2026/facts?_lang=zh")
    button = page.locator('form.filters input[type="submit"]')
    assert button.input_value() == "应用" and "rows sorted by" not in page.evaluate("document.body.innerText")
    page.click("#lang-switch")
    assert button.input_value() == "Apply"
    assert "rows sorted by row_no" in page.locator(".content > h3").first.inner_text()
    page.goto(renamed_server + "/budget-2026/facts")  # remembered (the yusuan_lang cookie)
    assert page.locator('form.filters input[type="submit"]').input_value() == "Apply"
    assert "yusuan_lang=en" in page.evaluate("document.cookie")
    assert page.errors == []


def test_titles_parameter_labels_and_sql_heading_follow_the_language_switch(page, server):
    """The window's title of a table page (Datasette's "yusuan: facts: N rows where … sorted by …"), of a canned
    query (Datasette puts its SQL there) and of a custom SQL page, a canned query's parameter label and the
    "Custom SQL query" heading: in the language chosen."""
    page.goto(server + "/yusuan/facts?table_no=3&_sort=amount_yuan&_lang=zh")
    assert re.fullmatch(r"金额事实：\d+ 行，条件：table_no = 3，按 amount_yuan 排序", page.title()), page.title()
    page.click("#lang-switch")
    assert re.fullmatch(r"Facts \(every printed amount\): \d+ rows where table_no = 3 sorted by amount_yuan", page.title()), page.title()
    page.goto(server + "/yusuan/basic_vs_project?_lang=zh")
    label = page.locator('form.sql label[for="qp1"]')
    assert page.title() == "基本支出与项目支出" and "SELECT" not in page.title()
    assert label.locator(".zh").inner_text() == "文件" and label.locator(".en").is_hidden()
    page.click("#lang-switch")
    assert page.title() == "Basic against project spending"
    assert label.locator(".en").inner_text() == "Document" and label.locator(".zh").is_hidden()
    page.goto(server + "/yusuan?sql=select+1&_lang=zh")
    heading = page.locator(".content h3").first
    assert heading.inner_text().startswith("自定义 SQL 查询，返回 1 行") and page.title() == "自定义 SQL 查询：select 1"
    page.click("#lang-switch")
    assert heading.inner_text().startswith("Custom SQL query returning 1 row") and page.title() == "Custom SQL query: select 1"
    page.goto(server + "/yusuan?_lang=zh")  # the database page's heading above the SQL box
    assert "自定义 SQL 查询" in page.locator("h3", has_text="SQL").first.inner_text()
    assert page.errors == []
