"""Projects: 表七 joined with the explanations (values typed from the sample)."""

from __future__ import annotations

from conftest import read_csv

# name, function code, amount (万元), basis as printed, normalised document numbers, office
PROJECTS = [
    ("党务干部培训费", "2150702", "6", "昌州党组[2018]32号文件", "昌州党组〔2018〕32号", "组织宣传科"),
    ("国有企业党建信息智能管理系统", "2150702", "5", "中国共产党国有企业基层组织工作条例", "", "组织宣传科"),
    ("国有企业退休人员社会化管理工作经费", "2150702", "20", "昌州党办字[2020]5号", "昌州党办字〔2020〕5号", "改革发展科"),
    ("监督检查专项资金", "2150702", "10", "昌州党办字[2019]55号", "昌州党办字〔2019〕55号", "考核监督科"),
    ("律师咨询费", "2150702", "4", "昌州党办字[2019]55号", "昌州党办字〔2019〕55号", "改革发展科"),
    ("年终财务审计费", "2150702", "57", "昌州党办字[2019]55号、昌州国资发[2015]24号", "昌州党办字〔2019〕55号；昌州国资发〔2015〕24号", "改革发展科"),
    ("微信公众号", "2150702", "3", "昌州党办字[2019]55号", "昌州党办字〔2019〕55号", "办公室"),
]


def test_all_seven_projects(built):
    rows = read_csv(built / "dp" / "projects.csv")
    got = [(r["name_zh"], r["code"], r["table_amount"], r["basis_as_printed"], r["basis_documents"], r["office_zh"]) for r in rows]
    assert got == PROJECTS
    for row in rows:
        assert row["deadline"] == "2021-12-31" and row["deadline_as_printed"] == "2021年12月31日"
        assert row["stated_amount"] == row["table_amount"] and row["unit"] == "万元"
        assert (row["link_method"], row["link_confidence"]) == ("exact", "1.0")
        assert row["function_name_zh"] == "一般行政管理事务"
    assert rows[5]["amount_yuan"] == "570000"
    assert rows[4]["allocation_zh"] == "律师咨询费4万元。"
    assert rows[3]["allocation_zh"] == "对直管企业的各项工作开展监督检查"


def test_offices_of_projects_are_listed_offices(built):
    offices = {r["office_no"]: r["name_zh"] for r in read_csv(built / "dp" / "offices.csv")}
    linked = [(r["office_zh"], offices[r["office_no"]]) for r in read_csv(built / "dp" / "projects.csv")]
    assert linked[0] == ("组织宣传科", "组织宣传科（党建科）")
    assert linked[6] == ("办公室", "办公室")


def test_linking_methods():
    from yusuan.narrative.linking import link

    candidates = [{"name": "微信公众号", "amount": "3", "project_no": 7}, {"name": "律师咨询费", "amount": "4", "project_no": 5}]
    hit, method = link("微信平台公众号专项资金", candidates, title="州国资委2021年微信公众号项目支出绩效目标表", amount="3")
    assert (hit["project_no"], method["method"]) == (7, "title_contains")
    hit, method = link("微信平台公众号专项资金", candidates, amount="3")
    assert (hit["project_no"], method["method"]) == (7, "similar_name_same_amount")
    hit, method = link("微信平台公众号专项资金", candidates, amount="5")
    assert hit is None and method["method"] == "unlinked"
    hit, method = link(" 律师 咨询费", candidates)
    assert (hit["project_no"], method["method"]) == (5, "normalised")
