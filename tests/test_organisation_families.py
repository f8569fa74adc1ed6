"""Functions, offices and budget units of eight families, read from pages cut from their real PDFs (values typed from
the printed pages, pdftotext -layout). Each family prints the organisation under its own headings: 第一部分 部门概况 →
一、部门职责 / 二、机构编制 (深圳), 一、部门情况说明 → （一）本部门职责情况 / （二）机构设置情况 (北京), 第一部分 …概况 →
一、主要职责 / 二、部门机构设置 / 三、部门预算构成 (广州), 一、单位基本情况 → （一）主要职责 / （二）机构设置 (重庆),
第一部分 单位概况 → 一、主要职能 / 二、…机构设置及预算单位构成情况 (无锡, 苏州), 一、部门概况 → （一）主要职能 /
（二）部门机构设置情况 (湖州), 一、部门基本概况 → （一）职能职责 / （二）机构设置 (长沙), …（单位）主要职能 /
…（单位）机构设置 (上海)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from yusuan.narrative import organisation
from yusuan.narrative.text import walk
from yusuan.read import read

HERE = Path(__file__).resolve().parent / "fixtures" / "real" / "narrative" / "organisation"


@cache
def located(name: str):
    return walk(read(HERE / f"{name}.pdf"))


def functions(name: str) -> list[tuple[int, str]]:
    return [(f["function_no"], f["text_zh"]) for f in organisation.functions(located(name), name)]


def offices(name: str) -> list[tuple[str, str, int | None]]:
    return [(o["kind"], o["name_zh"], o["stated_count"]) for o in organisation.offices(located(name), name)]


def starts(rows: list[tuple[int, str]], expected: dict[int, str]) -> None:
    """The functions numbered as printed, each starting with the words typed from the page."""
    texts = dict(rows)
    for number, words in expected.items():
        assert texts[number].startswith(words), (number, texts[number][:40])


# (fixture, number of functions printed, some of them: number → first words as printed)
FUNCTIONS = [
    ("shenzhen_audit_2026", 14, {1: "主管全市审计工作。负责对市级财政收支", 13: "完成市委、市政府和上级部门交办的其他任务。",
                                 14: "职能转变。市审计局应当进一步完"}),
    ("shenzhen_transport_2026", 14, {1: "负责交通运输（道路、枢纽、", 13: "负责研究制定促进交通运输和物流",
                                     14: "完成市委、市政府和上级部门交办"}),
    ("beijing_audit_2026", 12, {1: "主管全市审计工作。负责对本市财", 10: "依法组织审计市属单位的境外资产、负债",
                                11: "完成市委、市政府和审计署交办的其他任", 12: "职能转变。进一步完善审计管理，加强全"}),
    ("guangzhou_justice_2026", 13, {1: "承担全面依法治市重大问题的", 2: "承担统筹规划政府立法工作。",
                                    13: "完成市委、市政府和上级相关部门"}),
    ("guangzhou_health_2026", 14, {1: "贯彻执行国家和省、市卫生健", 13: "负责保健对象的医疗保健工作",
                                   14: "完成市委、市政府和上级相关部门"}),
    ("chongqing_water_2026", 15, {1: "负责保障水资源的合理开发利用。", 13: "开展水利科技和外事工作。",
                                  15: "完成市委、市政府交办的其他任务。"}),
    ("wuxi_petitions_2026", 10, {1: "负责处理各类信访事项。", 2: "负责向市委、市政府反映信访",
                                 10: "完成市委、市政府交办的其他任务。"}),
    ("wuxi_housing_2026", 15, {1: "贯彻执行住房和城乡建设", 2: "负责推进全市城镇住房保", 15: "完成市委、市政府交办的其他任"}),
    ("suzhou_water_2026", 19, {1: "贯彻执行党和国家有关水", 2: "编制全市水资源综合规划", 19: "职能转变。"}),
    ("huzhou_health_2026", 13, {1: "贯彻执行国家、省和市有关卫生健康工作的法律法规", 2: "协调推进深化医药卫生体制改革",
                                11: "负责来湖中央领导、重要外宾以及省市", 12: "完成市委、市政府交办的其他任务。"}),
    ("changsha_education_2026", 7, {1: "贯彻执行国家、省、市有关发展职", 2: "参与编制职业教育基地中长期发展规划并组织实施。",
                                    7: "完成上级部门交办的其他事项。"}),
]


@pytest.mark.parametrize("name, count, expected", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_functions_under_every_heading(name, count, expected):
    rows = functions(name)
    assert [n for n, _ in rows] == list(range(1, count + 1))
    starts(rows, expected)


def test_functions_printed_as_one_paragraph():
    """重庆 气象局 prints no numbered list: (一)主要职责 holds a paragraph and 单位职能：…, each one row, the label off."""
    rows = functions("chongqing_meteorology_2026")
    assert [n for n, _ in rows] == [1, 2]
    assert rows[0][1].startswith("根据中国气象局")
    assert rows[1][1].startswith("为本行政区域国家建设和社会生活提供气象管理保障、气象法规建设")


def test_shenzhen_offices_of_the_body_and_of_its_bureau():
    """二、机构编制: 系统包括：深圳市审计局（本级）共 1 家基层单位 … 1.…（本级）内设机构 13 个，包括：办公室、… 。
    设置市委审计委员会办公室秘书处。 2.…专业署内设机构 3 个：审计一处、审计二处、审计三处。"""
    rows = offices("shenzhen_audit_2026")
    assert rows[0] == ("budget_unit", "深圳市审计局（本级）", 1)
    assert rows[1:4] == [("office", "办公室", 13), ("office", "综合计划处", 13), ("office", "法规审理处", 13)]
    assert rows[13] == ("office", "机关党委（人事处）", 13)
    assert len([r for r in rows if r[2] == 13]) == 13
    assert rows[14] == ("office", "市委审计委员会办公室秘书处", None)
    assert rows[15:] == [("office", "审计一处", 3), ("office", "审计二处", 3), ("office", "审计三处", 3)]


def test_shenzhen_offices_listed_before_their_count():
    """内下设办公室（信访办公室）、财务处、…、机关党委（人事处），共 16 个处（室）。"""
    rows = offices("shenzhen_transport_2026")
    assert len(rows) == 16
    assert rows[0] == ("office", "办公室（信访办公室）", 16)
    assert rows[9] == ("office", "物流发展处（市泥头车安全整治工作办公室）", 16)
    assert rows[-1] == ("office", "机关党委（人事处）", 16)


def test_beijing_budget_units_joined_by_he():
    """（二）机构设置情况: 北京市审计局所属 2 个预算单位，分别为北京市审计局本级和北京市审计局综合事务中心。"""
    assert offices("beijing_audit_2026") == [("budget_unit", "北京市审计局本级", 2), ("budget_unit", "北京市审计局综合事务中心", 2)]


def test_beijing_offices_and_those_set_apart():
    """内设机构 12 个，分别为：秘书处、…、人事处，另设机关党委、工会、离退休干部处。另有 1 个全额拨款事业单位，
    北京市信访办公室综合事务中心。"""
    rows = offices("beijing_petitions_2026")
    assert [r[1] for r in rows[:12]] == [
        "秘书处", "来信办理处", "网上信访办理处（投诉受理办公室）", "来访接待处（北京市人民来访接待室）", "对外联络协调处",
        "综合调研处", "排查调处办公室", "督查处", "复查复核处", "人民建议征集办公室", "宣传处（法规处）", "人事处"]
    assert {r[2] for r in rows[:12]} == {12}
    assert rows[12:] == [("office", "机关党委", None), ("office", "工会", None), ("office", "离退休干部处", None),
                         ("budget_unit", "北京市信访办公室综合事务中心", 1)]


def test_guangzhou_offices_prisons_and_units():
    """27个机构分别是市委依法治市办秘书处、…、装备财务保障处 …下属共有3所监狱，分别是…；7个强制隔离戒毒所，分别是…
    三、部门预算构成 …预算单位3个，具体包括：…"""
    rows = offices("guangzhou_justice_2026")
    assert rows[0] == ("office", "市委依法治市办秘书处", 27)
    assert rows[26] == ("office", "装备财务保障处", 27)
    assert rows[27:30] == [("budget_unit", n, 3) for n in ("广东省广州花都监狱", "广东省广州女子监狱", "广东省广州新华监狱")]
    assert rows[30] == ("budget_unit", "广州市女子强制隔离戒毒所", 7)
    assert rows[36] == ("budget_unit", "广州市特类人员强制隔离戒毒所", 7)
    assert rows[37:] == [("budget_unit", n, 3) for n in (
        "广州市法律援助处", "广州市公职律师事务所", "广州市全面依法治市研究中心",  # 3个参照公务员法管理事业单位
        "广州市司法事务中心", "广州市党员干部纪法教育管理中心", "广州市司法局戒毒医院")]  # 3个公益一类事业单位


def test_guangzhou_units_one_per_line():
    """委本级内设处室24个，分别是办公室、… 预算单位24个，具体包括：（一）广州市第一人民医院 （二）… (one per line)."""
    rows = offices("guangzhou_health_2026")
    assert rows[0] == ("office", "办公室", 24)
    assert rows[23] == ("office", "保健局（市委保健委员会办公室）", 24)
    units = [r for r in rows if r[0] == "budget_unit"]
    assert units[:3] == [("budget_unit", "广州市第一人民医院", 24), ("budget_unit", "广州医科大学附属中医医院", 24),
                         ("budget_unit", "广州市红十字会医院", 24)]
    assert units[9] == ("budget_unit", "广州血液中心", 24)  # the last printed on the pages kept


def test_chongqing_offices_and_subordinate_institutions():
    """重庆市气象局内设机构 10 个,各机构规范简称依次为:办公室、… 下设气象台、…、财务结算中心等 8 个直属事业单位;
    防雷中心、人工影响天气办公室等2个地方气象事业机构…"""
    rows = offices("chongqing_meteorology_2026")
    assert rows[:3] == [("office", "办公室", 10), ("office", "应急与减灾处", 10), ("office", "科技与预报处(气候变化处)", 10)]
    assert rows[9] == ("office", "离退休干部办公室", 10)
    assert rows[10] == ("budget_unit", "气象台", 8) and rows[17] == ("budget_unit", "财务结算中心", 8)
    assert rows[18:] == [("budget_unit", "防雷中心", 2), ("budget_unit", "人工影响天气办公室", 2)]
    water = offices("chongqing_water_2026")
    assert len([r for r in water if r[0] == "office"]) == 25
    assert water[0] == ("office", "办公室", 25) and water[24] == ("office", "离退休处", 25)


def test_wuxi_offices_numbered_inside_the_sentence_and_units_after_a_colon():
    """本单位内设机构包括：(一）办公室（二）法规处…; 预算单位共计 2 家，具体包括：无锡市信访局（本级），…"""
    housing = offices("wuxi_housing_2026")
    assert housing[:3] == [("office", "办公室", None), ("office", "法规处", None), ("office", "行政审批处", None)]
    assert housing[5] == ("office", "城市建设处（市海绵城市建设工作办公室）", None)  # printed across two pages
    petitions = offices("wuxi_petitions_2026")
    assert petitions == [("office", n, None) for n in ("办公室", "综合指导处", "办信处", "人民来访接待处", "督查室（复查复核处）")] + [
        ("budget_unit", "无锡市人民来访接待中心", None),
        ("budget_unit", "无锡市信访局（本级）", 2), ("budget_unit", "无锡市人民来访接待中心", 2)]


def test_suzhou_offices_with_nested_brackets():
    """本单位内设机构包括：办公室（组织人事处、审计监督处）(机关党委(…合署办公)、规划计划处（科技和对外合作处）、…、机关党委。"""
    rows = offices("suzhou_water_2026")
    assert len(rows) == 12
    assert rows[1] == ("office", "规划计划处（科技和对外合作处）", None)
    assert rows[-1] == ("office", "机关党委", None)


def test_huzhou_units_of_the_budget():
    """从预算单位构成看，…预算包括：委本级预算、委属市疾病预防控制中心、…委属市妇幼保健院和委属市中医院预算。"""
    rows = offices("huzhou_health_2026")
    assert len(rows) == 12
    assert rows[0] == ("budget_unit", "委本级", None)
    assert rows[-2:] == [("budget_unit", "委属市妇幼保健院", None), ("budget_unit", "委属市中医院", None)]


def test_changsha_offices_alone_under_their_heading():
    """（二）机构设置: 综合事务部、综合治理部、后勤服务部。"""
    assert offices("changsha_education_2026") == [("office", n, None) for n in ("综合事务部", "综合治理部", "后勤服务部")]


def test_shanghai_offices_confirmed_by_their_count():
    """上海市花卉良种试验场共设6个内设机构，包括：办公室、财务部、资产部、营销中心、展示中心、生产基地。"""
    assert offices("shanghai_flowers_2026") == [("office", n, 6) for n in ("办公室", "财务部", "资产部", "营销中心", "展示中心", "生产基地")]
    staffing = organisation.staffing(located("shanghai_flowers_2026"), "x")
    assert [(s["topic"], s["count"]) for s in staffing] == [("offices", 6)]


def test_staffing_printed_in_a_table():
    """人员编制情况表 (a layout of another family, none in the corpus): the labels as columns with a count under each,
    or one label and its count per row; a budget table beside it gives nothing."""
    from yusuan.model import Cell, Document, Paragraph, Table

    def row(line: int, *texts: str) -> list[Cell]:
        return [Cell(t, line, 7) for t in texts]

    columns = Table(rows=[row(3, "单位名称", "编制人数", "实有人数", "离休", "退休"), row(4, "合计", "35", "32", "0", "12"),
                          row(5, "某某局本级", "30", "28", "0", "10")], line=3, page=7)
    rows_form = Table(rows=[row(9, "编制人数（人）", "35"), row(10, "在职人数", "32")], line=9, page=7)
    budget = Table(rows=[row(12, "项目", "预算数"), row(13, "一般公共预算拨款收入", "35")], line=12, page=7)
    document = Document(path=Path("x.pdf"), sha256="", encoding=None, blocks=[Paragraph("一、部门概况", 1, 7), columns, rows_form, budget])
    got = [(s["topic"], s["subject_zh"], s["count"], s["page"], s["line"]) for s in organisation.staffing([], "x", document)]
    assert got == [
        ("authorised_posts", "合计", 35, 7, 4), ("actual_staff", "合计", 32, 7, 4), ("veteran_retired", "合计", 0, 7, 4),
        ("retired", "合计", 12, 7, 4),
        ("authorised_posts", "某某局本级", 30, 7, 5), ("actual_staff", "某某局本级", 28, 7, 5), ("veteran_retired", "某某局本级", 0, 7, 5),
        ("retired", "某某局本级", 10, 7, 5),
        ("authorised_posts", "编制人数（人）", 35, 7, 9), ("actual_staff", "在职人数", 32, 7, 10)]


def test_quanzhou_units_listed_in_a_table():
    """二、部门预算单位构成: …单位详细情况见下表: then 序号 | 单位名称, 13 rows; 一、部门主要职责 （一）…（十六）."""
    path = HERE.parent.parent / "quanzhou_gov_office_2026.pdf"
    document = read(path)
    listed = organisation.offices(walk(document), "qz", document)
    assert [(o["kind"], o["name_zh"]) for o in listed][:4] == [
        ("budget_unit", "泉州市外事翻译与对外交流服务中心"), ("budget_unit", "泉州市机关事务服务中心"),
        ("budget_unit", "泉州市人民政府发展研究中心"), ("budget_unit", "泉州市人民政府办公室（本级）")]
    assert len(listed) == 13 and listed[-1]["name_zh"] == "泉州市12345政务服务便民热线中心"
    rows = [(f["function_no"], f["text_zh"]) for f in organisation.functions(walk(document), "qz")]
    assert [n for n, _ in rows] == list(range(1, 17))
    starts(rows, {1: "负责市政府会议的准备工作和重要活", 16: "对事关泉州市改革、发展、稳定的"})
