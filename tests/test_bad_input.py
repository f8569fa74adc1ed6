"""The bad input catalogue: each case is read correctly or rejected with one line naming the file and the
place, and a failed build leaves the previous package and database untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE
from yusuan.build import extract
from yusuan.errors import YusuanError

TEXT = SAMPLE.read_text(encoding="utf-8")
YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def facts_of(path: Path) -> dict:
    return {(f["table_no"], f["row_no"], f["column_no"]): f for f in extract(path).rows["facts"]}


def test_sample_reference():
    facts = facts_of(SAMPLE)
    assert facts[(6, 1, 4)]["amount_as_printed"] == "134.99" and len(facts) == 153


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_encodings(tmp_path, encoding):
    got = extract(write(tmp_path, TEXT, encoding))
    assert len(got.rows["facts"]) == 153
    assert got.document["fiscal_year"] == 2021 and got.document["source_encoding"] in (encoding, "utf-16")


def test_crlf_line_ends(tmp_path):
    assert len(extract(write(tmp_path, TEXT.replace("\n", "\r\n"))).rows["facts"]) == 153


def test_amounts_written_as_dashes_blank_fullwidth_separators_and_negatives(tmp_path):
    text = (TEXT.replace("\t134.99\n\t134.99\n", "\t１３４．９９\n\t134.99\n", 1)   # full-width digits
            .replace("\t45.51\n\t45.51\n", "\t-45.51\n\t（45.51）\n", 1)          # negative amounts
            .replace("\t9.4\n\t\t9.4\n", "\t—\n\t－\n", 1)                        # dashes: nothing printed
            .replace("\t31.5\n\t31.5\n", "\t/\n\t1,031.5\n", 1))                  # slash, thousands separator
    facts = facts_of(write(tmp_path, text))
    assert (facts[(6, 1, 4)]["amount_yuan"], facts[(6, 1, 4)]["amount_as_printed"]) == ("1349900", "１３４．９９")
    assert facts[(6, 2, 4)]["amount_yuan"] == "-455100" and facts[(6, 2, 5)]["amount_yuan"] == "-455100"
    assert (6, 3, 4) not in facts and (6, 3, 5) not in facts
    assert (6, 4, 4) not in facts and facts[(6, 4, 5)]["amount_yuan"] == "10315000"


def test_codes_with_spaces_and_fullwidth_digits(tmp_path):
    text = TEXT.replace("\t301\n\t01\n\t基本工资", "\t３ 0 1\n\t０1\n\t基本工资", 1)
    assert facts_of(write(tmp_path, text))[(6, 1, 4)]["code"] == "30101"


def test_markup_and_a_huge_cell_are_kept_as_text(tmp_path):
    text = TEXT.replace("\t基本工资\n", "\t<script>alert(1)</script>\n", 1).replace("\t津贴补贴\n", "\t" + "补" * 100_000 + "\n", 1)
    facts = facts_of(write(tmp_path, text))
    assert facts[(6, 1, 4)]["name_zh"] == "<script>alert(1)</script>"
    assert len(facts[(6, 2, 4)]["name_zh"]) == 100_000


def test_a_missing_table_is_read_and_left_to_the_audit(tmp_path):
    start, end = TEXT.index("表八："), TEXT.index("表九：")
    got = extract(write(tmp_path, TEXT[:start] + TEXT[end:]))
    assert {f["table_no"] for f in got.rows["facts"]} == {1, 2, 3, 4, 5, 6, 7}


def test_an_unknown_extra_table_is_read_by_its_headers_and_said(tmp_path):
    extra = "表十：\n某某情况表\n\t甲\n\t乙\n\n\t1\n\t2\n\n\n"
    got = extract(write(tmp_path, TEXT.replace("表九：", extra + "表九：", 1)))
    odd = [f for f in got.rows["facts"] if f["table_no"] == 10]
    assert len(got.rows["facts"]) == 153 + 2 and [(f["column_zh"], f["measure"], f["amount_yuan"]) for f in odd] == [("甲", None, "10000"), ("乙", None, "20000")]
    assert any("not recognised, amounts read by their headers" in w and "'甲'" in w for w in got.warnings)
    [row] = [t for t in got.rows["tables"] if t["table_no"] == 10]
    assert row["table_kind"] is None and row["status"] == "partial"
    assert "title not recognised" in row["reason_en"] and "unit of the tables around it (万元)" in row["reason_en"]


def test_a_table_printed_twice(tmp_path):
    start, end = TEXT.index("表八："), TEXT.index("表九：")
    twice = TEXT[:end] + TEXT[start:end] + TEXT[end:]
    got = extract(write(tmp_path, twice))
    assert len(got.rows["facts"]) == 153 and any("printed twice" in w for w in got.warnings)
    changed = TEXT[:end] + TEXT[start:end].replace("\t3.9\n", "\t4.9\n") + TEXT[end:]
    got = extract(write(tmp_path, changed, name="changed.txt"))  # the second is not read, the rest is published
    assert len(got.rows["facts"]) == 153
    [second] = [t for t in got.rows["tables"] if t["table_no"] == 8 and t["status"] == "not_read"]
    assert "printed twice with different contents" in second["reason_en"]


def test_a_document_cut_off_in_the_middle_of_a_table(tmp_path):
    cut = TEXT[: TEXT.index("\t其它交通费用\n") + len("\t其它交通费用\n")]
    got = extract(write(tmp_path, cut))  # what was printed before the cut is published
    [table] = [t for t in got.rows["tables"] if t["table_no"] == 6]
    assert table["status"] == "partial"
    assert "row 30: 3 cells where the table has 6 columns (the document may be cut off here)" in table["reason_en"]
    assert {f["table_no"] for f in got.rows["facts"]} == {1, 2, 3, 4, 5, 6}


def test_binary_garbage(tmp_path):
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(YusuanError, match="binary data, not a text document"):
        extract(garbage)


def test_a_failed_build_leaves_the_previous_package_and_database_untouched(tmp_path):
    out = ["--package", str(tmp_path / "dp"), "--db", str(tmp_path / "yusuan.db")]
    assert subprocess.run([YUSUAN, "build", str(SAMPLE), *out], capture_output=True).returncode == 0
    before = {p: p.read_bytes() for p in [*sorted((tmp_path / "dp").iterdir()), tmp_path / "yusuan.db"]}
    bad = write(tmp_path, "2021年部门预算\n说明文字，没有表格。\n", name="bad.txt")
    run = subprocess.run([YUSUAN, "build", str(bad), *out], capture_output=True, text=True)
    assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert "no budget table recognised" in run.stderr
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(os.listdir(tmp_path)) == ["bad.txt", "cache", "dp", "yusuan.datapackage.json", "yusuan.db", "yusuan.stamp.json"]
