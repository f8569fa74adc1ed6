"""The site in a real browser (issue 6): headless Debian Chromium driven by playwright opens the home page, a
document page and a canned query over HTTP, from `yusuan serve`'s own command line. Screenshots go to
build/screenshots/. Set up with scripts/install_browser.sh."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="module")
def server(built):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    process = subprocess.Popen(command(built / "yusuan.db", "127.0.0.1", port), env=env,
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
    assert page.errors == []
