"""Projects in every form, from pages cut out of real disclosures of eight cities (values typed from the printed
pages, read with pdftotext -layout): rows of project tables (深圳 项目支出总表, 广州 部门预算项目支出及其他支出预算表,
湖州 市级部门项目支出预算表, 上海 财政拨款项目支出预算表), project performance tables (深圳 重点项目预算绩效, 广州 重点项目
预算绩效目标, 湖州 项目支出绩效表, 重庆 一般性项目绩效目标表), performance tables printed one per project (泉州, 重庆,
长沙 with a row per project), key-project sections (北京 重点支出和重大投资项目情况说明) and project parts (上海
…项目经费情况说明). Each project once per document, linked across the forms that print it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from yusuan import narrative
from yusuan.read import read
from yusuan.recognise import recognise

HERE = Path(__file__).resolve().parent / "fixtures" / "real"
CUT = HERE / "narrative" / "projects"


@lru_cache(maxsize=None)
def extracted(name: str) -> dict:
    path = CUT / name if (CUT / name).exists() else HERE / name
    document = read(path)
    info = {"document_id": path.stem, "fiscal_year": 2026, "phase": "budget", "department_zh": ""}
    return narrative.extract(document, recognise(document), info)


def projects(name: str) -> list[dict]:
    return extracted(name)["projects"]


def named(name: str, project: str, unit: str | None = None) -> dict:
    [hit] = [p for p in projects(name) if p["name_zh"] == project and (unit is None or p["budget_unit_zh"] == unit)]
    return hit


def amounts(name: str) -> list[tuple]:
    return [(p["name_zh"], p["table_amount_as_printed"] or p["stated_amount_as_printed"], p["unit"]) for p in projects(name)]


# 深圳 ------------------------------------------------------------------------------------------------------------

def test_shenzhen_project_table_rows_under_their_unit_and_the_narratives_list():
    rows = projects("shenzhen_transport_2026.pdf")
    # 表5 项目支出总表: the unit's row 深圳市交通运输局（本级） 376,936.60 is not a project; its 24 projects are
    assert len(rows) == 24 and all(p["name_zh"] != "深圳市交通运输局（本级）" for p in rows)
    assert {p["budget_unit_zh"] for p in rows} == {"深圳市交通运输局（本级）"}
    # （五）项目支出 376,936.60 万元，具体包括： 1.上级下达资金 4,167.70 万元，主要用于… (items 1-4 on the page kept)
    assert [(p["name_zh"], p["stated_amount_as_printed"], p["table_amount_as_printed"], p["unit"]) for p in rows[:4]] == [
        ("上级下达资金", "4,167.70", "4,167.70", "万元"), ("管养维护项目", "2,573.40", "2,573.40", "万元"),
        ("智慧交通管理", "105.19", "105.19", "万元"), ("货运交通管理", "13,815.58", "13,815.58", "万元")]
    assert rows[0]["summary_zh"].startswith("主要用于中央及省转移支付项目。其中，中央转移支付-民航发展基金 4,165.00 万元")
    assert [(p["link_method"], p["link_confidence"]) for p in rows[:4]] == [("exact", 1.0)] * 4
    assert [(p["name_zh"], p["table_amount_as_printed"]) for p in rows[4:8]] == [
        ("安全生产和应急管理专项经费", "470.29"), ("办公设备采购", "31.86"), ("港航管理", "1,413.78"), ("轨道交通管理", "175,400.59")]
    assert named("shenzhen_transport_2026.pdf", "交通运输专项资金-民航业领域")["amount_yuan"] == "1024200000"
    # 第七部分 重点项目预算绩效情况说明 prints 管养维护项目 2,573.40 again, with its goal: one project, three forms
    kept = named("shenzhen_transport_2026.pdf", "管养维护项目")
    assert kept["forms"] == "listed；project_expenditure；project_performance"
    assert kept["goal_zh"].startswith("保持盐坝高速坝光收费站、清平二期秀峰收费站和盐排高速横岗收费站高速公路联网收费功能")
    alone = named("shenzhen_transport_2026.pdf", "港航管理")   # its item is on a page not kept
    assert (alone["link_method"], alone["link_confidence"], alone["forms"]) == ("table_only", 0, "project_expenditure")


def test_shenzhen_performance_rows_wrapped_over_a_page_and_the_unit_with_benji():
    rows = projects("shenzhen_gov_office_2026.pdf")
    assert [p["name_zh"] for p in rows] == ["机关政务保障", "市政府值班业务", "信息公开业务", "研究调研活动", "预算准备金",
                                           "政府公报编辑管理", "政务信息化项目（系统业务运营服务）", "综合管理"]
    # 政府公报编辑管 | 理 printed over two pages of the performance table, under 深圳市人民政府办公厅（本级）
    wrapped = named("shenzhen_gov_office_2026.pdf", "政府公报编辑管理")
    assert (wrapped["table_amount_as_printed"], wrapped["unit"], wrapped["link_method"]) == ("200.18", "万元", "exact")
    assert all(p["forms"] == "project_expenditure；project_performance" for p in rows)


# 北京 ------------------------------------------------------------------------------------------------------------

def test_beijing_key_projects_numbered_with_labelled_items():
    rows = projects("beijing_education_2026.pdf")
    assert [(p["name_zh"], p["stated_amount_as_printed"], p["unit"], p["amount_yuan"]) for p in rows] == [
        ("学前免费政策市级财政补助", "3", "亿元", "300000000"),
        ("高校科研平台建设项目", "1", "亿元", "100000000"),
        ("北京第六实验学校建设项目（良乡大学城实验学校建设项目）", "0.5", "亿元", "50000000"),
        ("北方工业大学延庆新校区（一期）建设项目", "8", "亿元", "800000000"),
    ]
    first = rows[0]
    assert first["basis_as_printed"].startswith("为贯彻落实《国务院办公厅关于逐步推行免费学前教育的意见》（国办发〔2025〕27 号）要求")
    assert first["basis_documents"] == "国办发〔2025〕27号；京财教育〔2025〕1486号"
    assert first["goal_zh"].startswith("全面保障免费学前教育政策落地见效")
    assert first["annual_budget_zh"] == "2026 年安排市级资金预算 3 亿元。"
    assert first["plan_zh"].startswith("财政补助资金由中央、市、区共同承担。")
    assert (first["forms"], first["link_method"]) == ("key_section", "single_form")


def test_beijing_key_project_named_in_a_sentence_or_before_a_colon():
    [health] = projects("beijing_health_2026.pdf")
    assert (health["name_zh"], health["stated_amount_as_printed"], health["unit"]) == ("农村地区社区卫生机构人员岗位补助项目", "18,878.16", "万元")
    assert health["annual_budget_zh"] == "2026 年年初预算安排 18,878.16 万元。"
    [transport] = projects("beijing_transport_2026.pdf")
    assert (transport["name_zh"], transport["stated_amount_as_printed"], transport["unit"]) == ("四环主路维修专项工程", "21384.60", "万元")
    assert transport["summary_zh"].startswith("根据北京市政府工作报告相关工作要求，对四环主路十八里店桥西-南沙窝桥南")


# 广州 ------------------------------------------------------------------------------------------------------------

def test_guangzhou_projects_and_other_expenditure_table():
    assert amounts("guangzhou_petitions_2026.pdf") == [
        ("物业管理费", "99.00", "万元"), ("市人民来访接待厅专项经费", "145.00", "万元"), ("机构运行辅助经费", "28.00", "万元"),
        ("社工服务外包项目", "45.00", "万元"), ("云客服服务外包项目", "252.28", "万元"), ("信访工作专项经费", "100.00", "万元"),
        ("广州市信访局2025-2026年信息化运维项目", "40.41", "万元"), ("信访宣传经费", "5.00", "万元"),
        ("广州市信访局2026-2027年信息化运维项目", "24.61", "万元")]
    linked = named("guangzhou_petitions_2026.pdf", "云客服服务外包项目")
    assert (linked["budget_unit_zh"], linked["forms"], linked["link_method"]) == ("广州市信访局", "project_expenditure；project_performance", "exact")


def test_guangzhou_name_with_its_unit_in_brackets_links_to_that_units_project():
    # 七、重点项目预算绩效目标情况: 专项工作经费（广州市人民政府办公厅） 749.25; three units print a 专项工作经费
    same = [p for p in projects("guangzhou_gov_office_2026.pdf") if p["name_zh"] == "专项工作经费"]
    assert [(p["budget_unit_zh"], p["table_amount_as_printed"], p["forms"]) for p in same] == [
        ("广州市人民政府办公厅", "749.25", "project_expenditure；project_performance"),
        ("广州市政府政务信息系统管理中心", "21.00", "project_expenditure"),
        ("广州地区公文交换站（广州市人民政府公报编辑部）", "56.15", "project_expenditure")]
    assert same[0]["link_method"] == "exact" and same[0]["goal_zh"].startswith("项目经费用于督办协调工作支出")
    assert len(projects("guangzhou_gov_office_2026.pdf")) == 14


# 湖州 ------------------------------------------------------------------------------------------------------------

def test_huzhou_one_name_under_three_units_is_three_projects():
    rows = projects("huzhou_transport_2026.pdf")
    assert len(rows) == 17
    same = [(p["budget_unit_zh"], p["table_amount_as_printed"]) for p in rows if p["name_zh"] == "综合交通运行保障"]
    assert same == [("湖州市交通运输局", "7108.06"), ("湖州市交通运输行政执法队", "1333.45"), ("湖州市公路与运输管理中心", "724.65")]
    assert all(p["forms"] == "project_expenditure；project_performance" and p["link_method"] == "exact" for p in rows)
    assert named("huzhou_transport_2026.pdf", "湖州航区骨干航道养护")["table_amount_as_printed"] == "5499.85"
    assert named("huzhou_finance_2026.pdf", "全市会计人员考培")["table_amount_as_printed"] == "187.00"


# 重庆 ------------------------------------------------------------------------------------------------------------

def test_chongqing_performance_tables_name_the_project_and_its_budget():
    special = named("chongqing_commerce_2026.pdf", "市商务发展专项")
    assert (special["table_amount_as_printed"], special["unit"], special["forms"]) == ("46,794.00", "万元", "performance_targets")
    assert special["summary_zh"].startswith("为深化落实习近平总书记视察重庆重要讲话重要指示精神")
    general = named("chongqing_commerce_2026.pdf", "市商务发展一般性项目")
    assert (general["table_amount_as_printed"], general["forms"]) == ("8,071.45", "project_performance")
    # its targets are linked to it
    goal = next(g for g in extracted("chongqing_commerce_2026.pdf")["performance_goals"] if g["project_zh"] == "市商务发展专项")
    assert goal["project_no"] == special["project_no"]
    assert [(p["name_zh"], p["table_amount_as_printed"]) for p in projects("chongqing_water_2026.pdf")] == [
        ("水利行业业务经费", "14,299.16"), ("水库移民后期扶持", "12,700.00"), ("重庆市水利专项资金", "152,992.83")]


# 长沙 ------------------------------------------------------------------------------------------------------------

def test_changsha_performance_table_a_row_per_project():
    rows = projects("changsha_police_2025.pdf")
    # 合计 40,233.95 and the unit's row 106001 长沙市公安局 40,233.95 are not projects; a project printed again at the
    # top of the next page is one project
    assert [(p["name_zh"], p["table_amount_as_printed"], p["unit"], p["budget_unit_zh"]) for p in rows] == [
        ("大型警保卫及基础设施安全保护工作经费", "428.69", "万元", "长沙市公安局"),
        ("大院运行和维修经费", "2,791.51", "万元", "长沙市公安局")]
    assert rows[0]["goal_zh"] == "发挥公安职能，切实做好大型警保卫及基础设施安全保护工作"
    [only] = projects("changsha_education_2026.pdf")
    assert (only["name_zh"], only["table_amount_as_printed"], only["unit"]) == ("经常性运转经费（水电气）", "270.00", "万元")


# 泉州 ------------------------------------------------------------------------------------------------------------

def test_quanzhou_one_performance_table_per_project():
    assert amounts("quanzhou_gov_office_2026.pdf")[:3] == [
        ("市级机关保留公务用车委托管理费项目", "1778.31", "万元"), ("市行政中心保安服务项目", "4200.00", "万元"),
        ("市行政中心钢结构修缮项目", "121.60", "万元")]
    assert len(projects("quanzhou_gov_office_2026.pdf")) == 8   # 部门整体支出绩效目标表 names no project
    # a title printed over two lines after the unit's code and name
    rows = projects("quanzhou_police_2026.pdf")
    assert [(p["name_zh"], p["budget_unit_zh"], p["table_amount_as_printed"]) for p in rows] == [
        ("机场公安综合修缮改造项目", "泉州市公安局晋江国际机场分局", "57.00"),
        ("全国民航反电诈中心建设项目", "泉州市公安局晋江国际机场分局", "47.50"),
        # 泉州市看守所（泉州市女子看守所）相关设施建设项 | 目绩效目标表: one table per project, never joined to another
        ("泉州市看守所（泉州市女子看守所）相关设施建设项目", None, "52.25")]
    goals = extracted("quanzhou_police_2026.pdf")["performance_goals"]
    assert [g["project_no"] for g in goals][:2] == [1, 2]


# 上海 ------------------------------------------------------------------------------------------------------------

def test_shanghai_project_under_its_printed_code():
    [project] = projects("shanghai_commerce_2026.pdf")
    assert (project["name_zh"], project["table_amount_as_printed"], project["unit"], project["code"], project["function_name_zh"]) == (
        "钻石宝玉石产业发展专项", "270,000", "元", "2011302", "一般行政管理事务")
    [part] = projects("sh_putuo_zfban_dept_2025.pdf")   # a part per project: the name, no amount printed
    assert (part["name_zh"], part["table_amount"], part["stated_amount"], part["forms"]) == (
        "区政府督查及建议提案工作业务经费", None, None, "explained")


# the forms and the linking vocabulary ----------------------------------------------------------------------------

def test_special_fund_part_and_its_annual_total():
    import re

    from yusuan.knowledge import load

    part = re.match(load("narrative/sections")["project_part"], "城市管理专项（政策资金）经费情况说明")
    assert next(v for v in part.groupdict().values() if v) == "城市管理专项（政策资金）经费"
    total = re.search(load("narrative/projects")["annual_total"], "2025年度项目总预算120.5万，分四个季度拨付。")
    assert (total.group("num"), total.group("unit")) == ("120.5", "万")


def test_link_methods_and_forms_are_described():
    from yusuan.knowledge import load

    spec, resource = load("narrative/projects"), load("resources/projects")
    methods = [m["method"] for m in load("narrative/linking")["methods"]] + ["unlinked", "table_only", "single_form"]
    enum = next(f for f in resource["fields"] if f["name"] == "link_method")["enum"]
    assert set(methods) <= set(enum)
    assert set(spec["tables"]) | {"explained", "key_section"} <= set(spec["forms"])
    assert all(f.get("zh") and f.get("en") for f in spec["forms"].values())
