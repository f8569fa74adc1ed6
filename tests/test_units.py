"""Units as printed: every amount converted to 元 exactly, whatever the unit (元 with fen, 千元, 万元, 亿元).

The sample prints each table under its own "单位：万元" line. The fixtures below are the sample with one
table's unit line changed, so each printed amount (typed from the sample) has a known value in 元."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SAMPLE, read_csv
from yusuan.amounts import to_yuan
from yusuan.build import build

TABLE_ONE = "编制部门（单位）： 昌吉州国资委                         单位：万元"
TABLE_TWO = "编制部门（单位）：昌吉州国资委                              单位：万元"


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    """The sample with 表一 printed in 亿元 and 表二 in 元, built; and the sample with 表二 in 千元, built."""
    root = tmp_path_factory.mktemp("units")
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(TABLE_ONE) == 1 and text.count(TABLE_TWO) == 1
    yi = root / "sample-table-one-in-yi-yuan-table-two-in-yuan.txt"
    yi.write_text(text.replace(TABLE_ONE, TABLE_ONE.replace("万元", "亿元")).replace(TABLE_TWO, TABLE_TWO.replace("万元", "元")), encoding="utf-8")
    qian = root / "sample-table-two-in-thousand-yuan.txt"
    qian.write_text(text.replace(TABLE_TWO, TABLE_TWO.replace("万元", "千元")), encoding="utf-8")
    out = {"root": root}
    for name, source in (("yi", yi), ("qian", qian)):
        build([str(source)], package_dir=root / name / "dp", database=root / name / "yusuan.db", workers=1, progress=False)
        out[name] = read_csv(root / name / "dp" / "facts.csv")
    return out


def amounts(facts, table: str, code: str | None = None, name: str | None = None) -> list[tuple]:
    return [(f["column_zh"], f["amount_as_printed"], f["unit_as_printed"], f["amount_yuan"]) for f in facts
            if f["table_no"] == table and (code is None or f["code"] == code) and (name is None or f["name_zh"] == name)]


def test_yi_yuan(units):
    # 表一: 财政拨款（补助） 525.81 (亿元) = 52,581,000,000 元; 210 卫生健康支出 31.1 亿元
    assert amounts(units["yi"], "1", name="财政拨款（补助）") == [("预算数", "525.81", "亿元", "52581000000")]
    assert amounts(units["yi"], "1", code="210") == [("预算数", "31.1", "亿元", "3110000000")]


def test_yuan_with_fen_keeps_the_fen(units):
    # 表二: 2101109 其它行政事业单位医疗支出 0.34 (元) is 34 fen; 行政运行 355.24 元
    assert amounts(units["yi"], "2", code="2101109") == [("总计", "0.34", "元", "0.34"), ("一般公共预算拨款", "0.34", "元", "0.34")]
    assert amounts(units["yi"], "2", code="2150701") == [("总计", "355.24", "元", "355.24"), ("一般公共预算拨款", "355.24", "元", "355.24")]
    # the other tables keep their 万元
    assert amounts(units["yi"], "3", code="2150701")[0] == ("合计", "355.24", "万元", "3552400")


def test_thousand_yuan(units):
    # 表二 in 千元: 355.24 千元 = 355,240 元; 0.34 千元 = 340 元; 合计 525.81 千元 = 525,810 元
    assert amounts(units["qian"], "2", code="2150701") == [("总计", "355.24", "千元", "355240"), ("一般公共预算拨款", "355.24", "千元", "355240")]
    assert amounts(units["qian"], "2", code="2101109")[0] == ("总计", "0.34", "千元", "340")
    assert amounts(units["qian"], "2", name="合计")[0] == ("总计", "525.81", "千元", "525810")


def test_database_holds_the_same_exact_amounts(units):
    import sqlite3

    db = sqlite3.connect(units["root"] / "yi" / "yusuan.db")
    rows = db.execute("select amount_as_printed, unit_as_printed, cast(amount_yuan as text) from facts "
                      "where table_no = 2 and code = '2101109' order by column_no").fetchall()
    db.close()
    assert rows == [("0.34", "元", "0.34"), ("0.34", "元", "0.34")]


@pytest.mark.parametrize("printed, unit, yuan", [
    ("91016775.35", "元", "91016775.35"),   # 上海市普陀区人民政府办公室 2025, 表一 收入总计
    ("0.01", "元", "0.01"),
    ("0.01", "万元", "100"),
    ("213.28", "万元", "2132800"),          # the same document, 表九 机关运行经费
    ("1.5", "千元", "1500"),
    ("0.001", "千元", "1"),
    ("3.05", "亿元", "305000000"),
])
def test_to_yuan_is_exact(printed, unit, yuan):
    assert to_yuan(Decimal(printed), unit) == Decimal(yuan)


def test_a_table_of_amounts_without_a_unit_is_said(tmp_path):
    """表二 printed without its "单位：万元": the document still builds; the tables resource says 表二 was read in
    part, converted in the unit of the tables around it, and its facts keep no printed unit."""
    import subprocess
    import sys

    source = tmp_path / "sample-table-two-without-unit.txt"
    source.write_text(SAMPLE.read_text(encoding="utf-8").replace(TABLE_TWO, "编制部门（单位）：昌吉州国资委"), encoding="utf-8")
    out = subprocess.run([str(Path(sys.executable).with_name("yusuan")), "build", str(source), "--package", str(tmp_path / "dp"),
                          "--db", str(tmp_path / "yusuan.db")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    [two] = [t for t in read_csv(tmp_path / "dp" / "tables.csv") if t["table_no"] == "2"]
    assert (two["status"], two["unit_as_printed"]) == ("partial", "")
    assert two["reason_en"] == "no unit printed on this table; converted in the unit of the tables around it (万元)"
    facts = [f for f in read_csv(tmp_path / "dp" / "facts.csv") if f["table_no"] == "2" and f["code"] == "2150701"]
    assert {(f["unit_as_printed"], f["amount_as_printed"], f["amount_yuan"]) for f in facts if f["measure"] == "total"} == {("", "355.24", "3552400")}
