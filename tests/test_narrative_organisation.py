"""第一部分 单位概况 as data: functions, offices, staffing (values typed from the sample)."""

from __future__ import annotations

from conftest import read_csv


def test_nine_main_functions(built):
    rows = read_csv(built / "dp" / "organisation_functions.csv")
    assert [int(r["function_no"]) for r in rows] == list(range(1, 10))
    assert rows[0]["text_zh"].startswith("根据自治州人民政府授权，依照《中华人民共和国企业国有资产法》")
    assert rows[8]["text_zh"] == "完成自治州党委、自治州人民政府交办的其它任务。"
    assert rows[4]["line"] == "8"


def test_the_four_offices(built):
    rows = read_csv(built / "dp" / "offices.csv")
    assert [r["name_zh"] for r in rows] == ["办公室", "组织宣传科（党建科）", "考核监督科", "改革发展科"]
    assert {r["stated_count"] for r in rows} == {"4"}


def test_staffing_counts_and_changes(built):
    rows = {r["topic"]: r for r in read_csv(built / "dp" / "staffing.csv")}
    counts = {topic: int(r["count"]) for topic, r in rows.items()}
    assert counts == {
        "offices": 4, "authorised_posts": 25, "administrative_posts": 12, "service_worker_posts": 2,
        "public_institution_posts": 11, "actual_staff": 25, "retired": 4, "veteran_retired": 0,
    }
    actual = rows["actual_staff"]
    assert (actual["change_direction"], actual["change"], actual["compared_with_year"]) == ("increase", "5", "2020")
    assert (rows["retired"]["change"], rows["retired"]["change_direction"]) == ("0", "none")
    assert rows["public_institution_posts"]["subject_zh"] == "事业单位"
    assert rows["service_worker_posts"]["subject_zh"] == "工勤岗"
