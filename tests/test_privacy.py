"""No form filler's name, phone number, ID number or e-mail in anything published; a log of what was withheld."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLE, read_csv
from yusuan.model import Cell, Document, Paragraph, Table
from yusuan.privacy import redact, scrub
from yusuan.read import read

# typed from the sample: the form fillers and their mobile numbers
SECRETS = ["王冰杰", "桑娟", "白亚轩", "15199687380", "15001661166", "18380438617", "18167750782"]
PHONE = re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text] + PHONE.findall(text)


def test_the_scan_finds_a_planted_value():
    assert leaks("填报人：桑娟 联系电话：15001661166") == ["桑娟", "15001661166", "15001661166"]
    assert leaks("0994-2345678") == ["0994-2345678"]


def test_the_sample_holds_them_before_redaction():
    text = "\n".join(c.text for t in read(SAMPLE).tables for row in t.rows for c in row)
    assert set(leaks(text)) >= set(SECRETS)


def test_package_files_hold_none(built):
    files = sorted((built / "dp").rglob("*"))
    assert any(f.name == "performance_indicators.csv" for f in files)
    for path in files:
        if path.is_file():
            assert leaks(path.read_text(encoding="utf-8")) == [], path.name


def test_database_holds_none(built):
    db = sqlite3.connect(built / "yusuan.db")
    tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
    for table in tables:
        for row in db.execute(f"select * from [{table}]"):
            for value in row:
                if isinstance(value, str):
                    assert leaks(value) == [], table
            # numbers too: a phone number loaded as an integer would still be published
            assert not any(isinstance(v, int) and leaks(str(v)) for v in row), table


def test_site_pages_hold_none(built):
    from yusuan.serve import datasette, queries

    site = datasette(built / "yusuan.db")
    db = sqlite3.connect(built / "yusuan.db")
    names = [r[0] for r in db.execute("select name from sqlite_master where type in ('table', 'view') and name not like '%_fts%' and name not like 'sqlite_%'")]
    paths = [f"/yusuan/{n}?_size=max" for n in names] + [f"/yusuan/{n}.json?_shape=array&_size=max" for n in names]
    paths += ["/yusuan/search?q=填报人", "/yusuan/search?q=联系电话", "/yusuan/performance_goals?_search=填报人"]
    for path in paths:
        page = asyncio.run(site.client.get(path))
        assert page.status_code == 200, path
        assert leaks(page.text) == [], path


def test_the_redaction_log(built):
    rows = read_csv(built / "dp" / "redactions.csv")
    kinds = [(r["kind"], r["count"]) for r in rows]
    assert kinds.count(("person_name", "1")) == 7 and kinds.count(("phone_mobile", "1")) == 7
    assert {r["document_id"] for r in rows} == {"changji-sasac-2021-budget"}
    assert rows[0]["location"].startswith("table at line 1530 (州国资委2021年党建智能管理系统项目支出绩效目标表)")
    assert rows[0]["line"] == "1624"
    assert not any(leaks(" ".join(r.values())) for r in rows)


def test_keep_leaves_the_document_as_read():
    document = read(SAMPLE)
    assert redact(document, keep=True) == []
    assert "王冰杰" in {c.text for t in document.tables for row in t.rows for c in row}


@pytest.mark.parametrize("text, kind", [
    ("联系电话：+86 139-1234-5678", "phone_mobile"), ("电话0086 13912345678。", "phone_mobile"),
    ("手机 139 1234 5678", "phone_mobile"), ("办公室电话 0994-2345678", "phone_landline"),
    ("电话（0994）2345678", "phone_landline"), ("身份证号 65230119800101123X", "id_card"),
    ("邮箱 zhang.san@example.com", "email"), ("经办人：张三，", "person_name"), ("联系人: 李四", "person_name"),
])
def test_detected_anywhere(text, kind):
    out, found = scrub(text)
    assert found[kind] == 1 and "〔已隐去〕" in out
    assert not re.search(r"\d{7}", out) and "张三" not in out and "李四" not in out


def test_amounts_and_codes_are_not_taken_for_phones():
    for text in ["基本支出420.81万元", "2150701行政运行355.24万元", "≧15290人", "2021年12月31日", "昌州党办字[2019]55号"]:
        assert scrub(text) == (text, {})


def test_a_name_in_the_cell_after_a_label_cell_and_a_paragraph():
    table = Table(rows=[[Cell("填报人：", 5), Cell("欧阳 明", 6), Cell("联系电话：13812345678", 7)]], line=5)
    document = Document(path=Path("x.txt"), sha256="", encoding="utf-8", blocks=[Paragraph("联系人：赵六 电话 0991-1234567", 1), table])
    log = redact(document)
    assert [c.text for c in table.rows[0]] == ["填报人：", "〔已隐去〕", "联系电话：〔已隐去〕"]
    assert document.blocks[0].text == "联系人：〔已隐去〕 电话 〔已隐去〕"
    assert sorted((r["kind"], r["count"]) for r in log) == [("person_name", 1), ("person_name", 1), ("phone_landline", 1), ("phone_mobile", 1)]
    assert all("赵六" not in str(r) and "欧阳" not in str(r) for r in log)
