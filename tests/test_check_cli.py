"""`yusuan check` as a user runs it: the terminal summary, the JSON and Markdown reports, --strict, --rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
ZFBAN = Path(__file__).resolve().parent / "fixtures" / "real" / "sh_putuo_zfban_dept_2025.pdf"


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, "check", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("reports")
    out = check(str(SAMPLE), "--json", str(root / "audit.json"), "--markdown", str(root / "md" / "audit.md"))
    return out, json.loads((root / "audit.json").read_text(encoding="utf-8")), (root / "md" / "audit.md").read_text(encoding="utf-8")


def test_without_strict_findings_do_not_fail(reports):
    out, _, _ = reports
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr


def test_json_report(reports):
    out, report, _ = reports
    findings = report["findings"]
    # 表五 基本支出 420.81 but 表六 totals 525.81 (typed from the sample); an error
    [totals] = [f for f in findings if f["rule_id"] == "across.totals_agree"]
    assert (totals["severity"], totals["expected"], totals["actual"], totals["table_no"], totals["row_no"]) == ("error", "420.81", "525.81", 6, 34)
    assert {(f["rule_id"], f["code"], f["expected"], f["actual"]) for f in findings} >= {
        ("codes.one_name", "2080505", "机关事业单位基本养老", "机关事业单位基本医疗"),
        ("across.economic_split", "30309", "0", "0.48"),
        ("yoy.stated_twice", None, "98.83", "98.82"),
    }
    summary = report["summary"]
    assert summary["findings"] == len(findings)
    for severity, key in (("error", "errors"), ("warning", "warnings"), ("info", "info")):
        assert summary[key] == sum(f["severity"] == severity for f in findings)
    assert summary["errors"] >= 1
    assert f"{summary['findings']} finding(s): {summary['errors']} error(s), {summary['warnings']} warning(s), {summary['info']} info" in out.stdout
    assert {r["rule_id"] for r in report["rules"]} >= {"table.row_total", "across.totals_agree", "yoy.percent_base"}
    assert all(f["message_zh"] and f["message_en"] for f in findings)


def test_markdown_report(reports):
    _, report, markdown = reports
    lines = markdown.splitlines()
    assert lines[0] == "# 一致性审核 / Consistency audit"
    assert "## changji-sasac-2021-budget" in lines
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| severity")]
    # info is not shown by default (yusuan check --all shows it)
    assert len(rows) == len([f for f in report["findings"] if f["severity"] != "info"])
    [totals] = [line for line in rows if "across.totals_agree" in line]
    assert totals.startswith("| error | across.totals_agree | 表六 r34 ")
    assert "| 420.81 | 525.81 | 105 |" in totals
    # grouped by document, then by cause (rule) with its count, bilingual (issue 20): one subsection per rule shown
    shown = [f for f in report["findings"] if f["severity"] != "info"]
    causes = [line for line in lines if line.startswith("### ")]
    assert len(causes) == len({f["rule_id"] for f in shown})
    n = sum(f["rule_id"] == "across.totals_agree" for f in shown)
    assert f"### 应一致的各表合计一致 / Totals that should agree do (`across.totals_agree`): 错误 {n} / {n} error{'s' if n > 1 else ''}" in lines
    doc = lines.index("## changji-sasac-2021-budget")
    assert lines[doc + 2].startswith("昌吉回族自治州国有资产监督管理委员会2021年预算（changji-sasac-2021-budget.txt）：错误 ")


def test_strict_fails_on_an_error():
    out = check(str(SAMPLE), "--strict")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr


def test_strict_passes_without_errors(tmp_path):
    """The Putuo office's 2025 budget: exit 0 under --strict exactly when its audit finds no error."""
    out = check(str(ZFBAN), "--strict", "--json", str(tmp_path / "audit.json"))
    errors = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))["summary"]["errors"]
    assert out.returncode == (1 if errors else 0), out.stderr
    assert check(str(ZFBAN)).returncode == 0


def test_rules_lists_every_rule():
    from yusuan.check import catalogue

    out = check("--rules")
    assert out.returncode == 0
    lines = out.stdout.strip().splitlines()
    assert len(lines) == len(catalogue()) >= 20
    row = next(line for line in lines if line.startswith("table.row_total "))
    assert row.split()[1] == "error" and row.endswith("行合计等于各部分之和 / A row's total equals its parts")
    assert {line.split()[0] for line in lines} >= {"across.totals_agree", "yoy.percent_base", "yoy.stated_twice", "codes.unknown"}


def test_check_of_a_missing_file_is_one_line(tmp_path):
    out = check(str(tmp_path / "nope.txt"))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("yusuan: ")
    assert str(tmp_path / "nope.txt") in out.stderr


def test_report_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    out = check(str(SAMPLE), "--json", str(tmp_path / "file" / "audit.json"))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"yusuan: {tmp_path / 'file' / 'audit.json'}: cannot write the report: ")
