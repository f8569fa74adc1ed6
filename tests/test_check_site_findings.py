"""Issue 20: the site's findings table, browsed with no filter, lists what `yusuan check` shows (errors and
warnings); info is one filter away (?severity=info, ?_info=1), and the JSON of the table stays complete. Real
Datasette in process, as `yusuan serve` configures it, over the database built from the sample."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from yusuan.serve import datasette


@pytest.fixture(scope="module")
def site(built):
    return datasette(built / "yusuan.db")


def get(site, path: str):
    return asyncio.run(site.client.get(path))


def counts(built) -> dict[str, int]:
    db = sqlite3.connect(built / "yusuan.db")
    try:
        return dict(db.execute("select severity, count(*) from findings group by severity").fetchall())
    finally:
        db.close()


def rows_said(page) -> int:
    """The count of rows the table page says it lists (Datasette's 'N rows where …' line)."""
    import re

    m = re.search(r"([\d,]+) rows?\b", page.text)
    return int(m.group(1).replace(",", ""))


def test_the_findings_page_lists_errors_and_warnings_by_default(site, built):
    by = counts(built)
    assert by.get("info", 0) > 0 and by.get("error", 0) + by.get("warning", 0) > 0   # the sample gives all three
    page = get(site, "/yusuan/findings")
    assert page.status_code == 200
    assert rows_said(page) == by["error"] + by["warning"]
    assert "severity" in page.text and "info" in page.text   # the filter row says what is left out
    one = get(site, "/yusuan/findings?rule_id=codes.official_name")
    assert rows_said(one) == sqlite3.connect(built / "yusuan.db").execute(
        "select count(*) from findings where rule_id = 'codes.official_name' and severity != 'info'").fetchone()[0]


def test_info_is_one_filter_away_and_the_json_is_complete(site, built):
    by = counts(built)
    assert rows_said(get(site, "/yusuan/findings?severity=info")) == by["info"]
    assert rows_said(get(site, "/yusuan/findings?_info=1")) == sum(by.values())
    data = get(site, "/yusuan/findings.json?_shape=array&_size=max").json()
    assert len(data) == sum(by.values())


def test_the_page_says_how_to_see_info(site):
    page = get(site, "/yusuan/findings")
    assert "?severity=info" in page.text and "Errors and warnings are listed by default" in page.text
