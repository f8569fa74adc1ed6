"""Issue 20: ten errors of the kinds reviewers report, injected at the text level into a real document (the
bundled sample, the 2021 department budget of 昌吉州国资委 as Tika extracts it; the corpus has no final account
that builds), each found by the audit with the expected rule at the expected place (scripts/inject_errors.py).
The places and rules below are typed from the definition of each injection (the line edited, the table and code
of the cell changed), not from the audit's output; the words each injection replaces are asserted on the
unchanged text first, so a definition cannot drift from the document."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def inj():
    spec = importlib.util.spec_from_file_location("inject_errors", ROOT / "scripts" / "inject_errors.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # a dataclass looks its module up while it is made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


@pytest.fixture(scope="module")
def sample() -> list[str]:
    return (ROOT / "yusuan" / "samples" / "changji-sasac-2021-budget.txt").read_text(encoding="utf-8").split("\n")


# (rule, place, the words as printed on that line of the sample): typed from the sample and the issue's kinds
EXPECTED = [
    ("table.row_total", {"table_no": 5, "code": "2150701"}, 762, "\t355.24"),            # 表五 行政运行 合计
    ("narrative.figures", {"line": 1450}, 1450, "人员经费361.45万元，主要包括"),
    ("text.comparison_year_old", {"line": 1516}, 1516, "比上年预算增加19.53万元，增长32.9%"),
    ("text.punctuation", {"line": 1436}, 1436, "2021年财政拨款收支总预算525.81万元。"),
    ("names.class_renamed", {"line": 1439}, 1439, "卫生健康支出31.1万元"),
    ("yoy.zero_base", {"line": 1428}, 1428, "一般公共预算525.81万元，占100%，比上年增加118.83   万元"),
    ("table.row_total", {"table_no": 8}, 1304, "\t3.9"),                                # 表八 “三公”经费 合计
    ("text.cut_short", {"line": 1442}, 1442, "增长19%。主要原因是：项目增加。"),
    ("table.note_other_fund", {"table_no": 9}, 1414, "备注：我单位无政府性基金预算，此表为空表"),
    ("yoy.percent_base", {"line": 1434}, 1434, "项目支出105万元，占20%，比上年增加20万元，主要原因"),
]


def test_the_definitions_are_the_issue_kinds_on_printed_words(inj, sample):
    assert [(i.rule, i.place, i.line) for i in inj.INJECTIONS] == [(r, p, n) for r, p, n, _ in EXPECTED]
    for i, (_, _, line, printed) in zip(inj.INJECTIONS, EXPECTED):
        assert printed in sample[line - 1]
        assert i.old in sample[line - 1] and i.old != i.new
    # the 三公 table's total and its parts as printed: 3.9 = 0 + 3.5 + 0.4
    assert sample[1303:1309] == ["\t3.9", "\t0", "\t3.5", "\t0", "\t3.5", "\t0.4"]


def test_the_unchanged_sample_gives_none_of_them(inj, sample):
    text = "\n".join(sample)
    findings = inj.audit_text(text)
    for i in inj.INJECTIONS:
        assert inj.matches(i, findings, []) == [], i.kind
    # the sample itself divides by this year's amount elsewhere (1442: 98.82 of 420.81 given as 23.4%): its own
    # findings, none at the injected line
    assert 1442 in [f["line"] for f in findings if f["rule_id"] == "yoy.percent_base"]


@pytest.mark.parametrize("one_by_one", [False, True])
def test_each_injected_error_is_found_with_its_rule_at_its_place(inj, sample, one_by_one):
    results = inj.measure("\n".join(sample), one_by_one=one_by_one)
    missed = [i.kind for i, found in results if not found]
    assert missed == []
    for (i, found), (rule, place, _, _) in zip(results, EXPECTED):
        assert {f["rule_id"] for f in found} == {rule}
        assert all(f["severity"] in ("error", "warning") for f in found)
        for key, value in place.items():
            assert any(str(f.get(key)) == str(value) for f in found), (i.kind, key)


def test_a_definition_that_does_not_fit_the_text_is_refused(inj, sample):
    wrong = inj.Injection("x", 1450, "人员经费999.99万元", "y", "narrative.figures", {"line": 1450})
    with pytest.raises(ValueError, match="line 1450"):
        inj.inject("\n".join(sample), (wrong,))


def test_further_kinds_and_the_wrong_base_named(inj, sample):
    """Beyond the ten: a share taken of the wrong whole (项目支出 105 of 基本支出 420.81 = 24.95%, printed 25% where
    105 of 525.81 = 19.97%), a stray quote, the template's XX placeholder. The share's finding names the base
    that gives the printed figure."""
    assert "项目支出105万元，占20%" in sample[1433] and "基本支出420.81万元，占80%" in sample[1432]
    assert [(i.rule, i.place) for i in inj.EXTRA] == [
        ("narrative.shares", {"line": 1434}), ("text.brackets", {"line": 1506}), ("text.template_phrase", {"line": 1518})]
    results = inj.measure("\n".join(sample), one_by_one=True, injections=inj.EXTRA)
    assert [bool(found) for _, found in results] == [True, True, True]
    [share] = results[0][1]
    assert (share["expected"], share["actual"]) == ("19.97", "25")
    assert "以基本支出 420.81为基数" in share["message_zh"] and "divides by 基本支出 (420.81)" in share["message_en"]
