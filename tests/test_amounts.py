"""Amounts as printed in the documents' cells: parsed exactly, marks for nothing told apart from text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yusuan.amounts import NotAnAmount, as_printed, looks_like_amount, normalise_text, parse_amount, plain


@pytest.mark.parametrize("printed, value", [
    ("91,016,775.35", "91016775.35"),   # 上海市普陀区人民政府办公室 2025, 表一 收入总计
    ("119,385,303", "119385303"),       # 万里街道 2024, 表一 八、城乡社区支出
    ("525.81", "525.81"),               # the sample's 表一
    ("525.81　", "525.81"),              # with the ideographic space the sample prints after it
    ("105", "105"),
    ("0", "0"),
    ("0.00", "0.00"),
    (".5", "0.5"),
    ("-3.5", "-3.5"),
    ("+3.5", "3.5"),
    ("(1,234.50)", "-1234.50"),         # negatives in brackets
    ("（12.5）", "-12.5"),                # full-width brackets
    ("１２３.４５", "123.45"),            # full-width digits
    ("1 234.5", "1234.5"),              # white space inside
])
def test_printed_amounts(printed, value):
    assert str(parse_amount(printed)) == value  # the digits as printed, scale kept (0.00 stays 0.00)
    assert looks_like_amount(printed) is True


@pytest.mark.parametrize("printed", ["", " ", "—", "–", "-", "－", "/", "／", "——", "…", "……", "无", "\u3000"])
def test_marks_for_nothing(printed):
    assert parse_amount(printed) is None
    assert looks_like_amount(printed) is False


@pytest.mark.parametrize("printed", [
    "一百三十四", "1e5", "12,34", "1,2345", "1.2.3", "NaN", "Infinity", "5万", "(5", "5)", "(55", "55)", "((5))", "3.5%", "--5", "0x10",
    "1,234,56",
])
def test_text_is_not_an_amount(printed):
    with pytest.raises(NotAnAmount):
        parse_amount(printed)
    assert looks_like_amount(printed) is False


def test_plain_has_no_exponent_and_no_trailing_zeros():
    assert plain(Decimal("525.810")) == "525.81"
    assert plain(Decimal("46140000.00")) == "46140000"
    assert plain(Decimal("5.2581E+6")) == "5258100"
    assert plain(Decimal("0.00")) == "0"
    assert plain(Decimal("-0")) == "0"
    assert plain(Decimal("-0.50")) == "-0.5"
    assert plain(Decimal("100")) == "100"
    assert plain(Decimal("1E+2")) == "100"
    assert plain(None) == ""


def test_normalise_and_as_printed():
    assert normalise_text("１２，３４５．６\u3000") == "12,345.6"
    assert normalise_text(" 1\t2\n3 ") == "123"
    assert as_printed(" 91,016,775.35\u3000") == "91,016,775.35"
    assert as_printed("1 234") == "1234"
