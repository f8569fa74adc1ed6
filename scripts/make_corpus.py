#!/usr/bin/env python3
"""Write N synthetic budget disclosures in the sample's format (Apache Tika text of a Word file).

Each document has the sample's structure: a narrative (概况, 预算公开表, 情况说明, date) and the nine
tables with the sample's titles and header rows. Bodies are distinct (某某县某某局), fiscal years run
2019-2026, amounts are Decimal with two decimals and every total adds up: the functional items give
basic and project spending, the economic items split the basic spending into personnel and public
costs, the projects split the project spending, the 三公 table repeats the reception and vehicle costs
of table 6. The output is deterministic for a --seed, and every document differs (its content hash too).

A manifest (manifest.json) says what was written: per document the file, body, year, date, the number
of amounts printed in the nine tables (each one fact once read), the grand total and some amounts.

    python scripts/make_corpus.py OUT_DIR --count 50 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
from decimal import Decimal
from pathlib import Path

CENT = Decimal("0.01")
NUMERALS = "一二三四五六七八九"
COUNTIES = ["安平", "长宁", "永和", "清河", "东阳", "西林", "南丰", "北川", "宁远", "广安", "平山", "高台", "兴隆",
            "德化", "福安", "泰和", "崇仁", "乐平", "龙门", "凤台", "新宁", "石城", "青田", "明溪", "云和"]
KINDS = ["县", "市", "区", "旗"]
DEPARTMENTS = ["财政局", "教育局", "卫生健康委员会", "自然资源局", "交通运输局", "水利局", "农业农村局", "民政局",
               "审计局", "统计局", "司法局", "商务局", "文化体育和旅游局", "住房和城乡建设局", "生态环境局",
               "人力资源和社会保障局", "应急管理局", "市场监督管理局", "林业和草原局", "发展和改革委员会"]
CLASSES = [
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"), ("208", "社会保障和就业支出"),
    ("210", "卫生健康支出"), ("211", "节能环保支出"), ("212", "城乡社区支出"), ("213", "农林水支出"),
    ("214", "交通运输支出"), ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"), ("217", "金融支出"),
    ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("224", "灾害防治及应急管理支出"), ("229", "其他支出"),
]
ITEMS = [  # functional items: class, section, item, name
    ("201", "06", "01", "行政运行"), ("201", "06", "02", "一般行政管理事务"), ("201", "08", "01", "行政运行"),
    ("205", "01", "01", "行政运行"), ("205", "02", "01", "学前教育"), ("208", "05", "01", "行政单位离退休"),
    ("208", "05", "05", "机关事业单位基本养老保险缴费支出"), ("208", "05", "06", "机关事业单位职业年金缴费支出"),
    ("210", "11", "01", "行政单位医疗"), ("210", "11", "02", "事业单位医疗"), ("212", "01", "01", "行政运行"),
    ("213", "01", "01", "行政运行"), ("213", "03", "01", "行政运行"), ("214", "01", "01", "行政运行"),
    ("215", "07", "01", "行政运行"), ("215", "07", "02", "一般行政管理事务"), ("221", "02", "01", "住房公积金"),
]
PERSONNEL = [("301", "01", "基本工资"), ("301", "02", "津贴补贴"), ("301", "03", "奖金"), ("301", "07", "绩效工资"),
             ("301", "08", "机关事业单位基本养老保险缴费"), ("301", "10", "职工基本医疗保险缴费"),
             ("301", "13", "住房公积金"), ("303", "05", "生活补助")]
PUBLIC = [("302", "01", "办公费"), ("302", "05", "水费"), ("302", "06", "电费"), ("302", "07", "邮电费"),
          ("302", "11", "差旅费"), ("302", "16", "培训费"), ("302", "17", "公务接待费"), ("302", "28", "工会经费"),
          ("302", "31", "公务用车运行维护费"), ("302", "39", "其他交通费用")]
PROJECTS = ["信息化建设经费", "专项业务工作经费", "培训经费", "监督检查专项资金", "档案整理经费", "宣传工作经费",
            "课题研究经费", "设备购置经费", "法律顾问费", "年终审计费"]
INCOME = ["财政拨款（补助）", "一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "事业收入",
          "事业单位经营收入", "其他收入"]


def body_name(index: int) -> str:
    """A distinct name for every index (county × kind × department, then numbered)."""
    department = DEPARTMENTS[index % len(DEPARTMENTS)]
    rest = index // len(DEPARTMENTS)
    county = COUNTIES[rest % len(COUNTIES)]
    rest //= len(COUNTIES)
    kind = KINDS[rest % len(KINDS)]
    rest //= len(KINDS)
    return f"{county}{'' if rest == 0 else NUMERALS[(rest - 1) % 9] * (1 + (rest - 1) // 9)}{kind}{department}"


def money(rng: random.Random, low: int, high: int) -> Decimal:
    """An amount in 万元 with two decimals, between low and high 万元."""
    return Decimal(rng.randint(low * 100, high * 100)) * CENT


def split(rng: random.Random, total: Decimal, parts: int) -> list[Decimal]:
    """total split into parts positive amounts (cents) that add up exactly."""
    cents = int(total / CENT)
    parts = max(1, min(parts, cents))
    cuts = sorted(rng.sample(range(1, cents), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, cents]
    return [Decimal(b - a) * CENT for a, b in zip(bounds, bounds[1:])]


def fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


class Writer:
    """Lines in Tika's format: paragraphs as lines, a table cell per tab-led line, blank line per row."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.facts = 0

    def paragraph(self, text: str) -> None:
        self.lines.append(text)

    def table(self, header: list[list[str]], body: list[list[str]], amounts: set[int]) -> None:
        for row in header + body:
            self.lines += ["\t" + cell for cell in row]
            self.lines.append("")
        self.lines.append("")
        self.facts += sum(1 for row in body for i, cell in enumerate(row) if i in amounts and cell)

    def caption(self, number: int, title: str, body: str) -> None:
        self.paragraph(f"表{NUMERALS[number - 1]}：")
        self.paragraph(title)
        self.paragraph(f"编制部门（单位）：{body}                         单位：万元")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def disclosure(index: int, seed: int) -> tuple[str, dict]:
    rng = random.Random(f"{seed}-{index}")
    body = body_name(index)
    year = 2019 + index % 8
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    items = sorted(rng.sample(ITEMS, rng.randint(3, 8)))
    spend = []  # (item, basic, project)
    for item in items:
        basic = money(rng, 5, 400)
        project = money(rng, 1, 120) if rng.random() < 0.4 else Decimal(0)
        spend.append((item, basic, project))
    if not any(p for _, _, p in spend):
        item, basic, _ = spend[0]
        spend[0] = (item, basic, money(rng, 1, 120))
    basic_total = sum(b for _, b, _ in spend)
    project_total = sum(p for _, _, p in spend)
    total = basic_total + project_total
    by_class: dict[str, Decimal] = {}
    for (klass, *_), basic, project in spend:
        by_class[klass] = by_class.get(klass, Decimal(0)) + basic + project

    personnel_total = (basic_total * Decimal(rng.randint(70, 88)) / 100).quantize(CENT)
    public_total = basic_total - personnel_total
    personnel = list(zip(PERSONNEL, split(rng, personnel_total, len(PERSONNEL))))
    public = list(zip(PUBLIC, split(rng, public_total, len(PUBLIC))))
    reception = dict(public)[PUBLIC[6]]
    vehicle = dict(public)[PUBLIC[8]]

    w = Writer()
    w.paragraph(f"第一部分   {body}单位概况")
    w.paragraph("")
    w.paragraph("一、主要职能")
    w.paragraph("1、贯彻执行国家和上级有关方针政策，负责本部门职责范围内工作的组织实施和监督管理。")
    w.paragraph("2、完成本级党委、政府交办的其他任务。")
    w.paragraph("二、机构设置及人员情况")
    staff = rng.randint(8, 120)
    w.paragraph(f"{body}编制数{staff}人，实有人数{staff - rng.randint(0, 5)}人。")
    w.paragraph("")
    w.paragraph("")
    w.paragraph(f"第二部分  {year}年部门（单位）预算公开表")

    # 表一 收支总体情况表
    w.caption(1, "部门（单位）收支总体情况表", body)
    income = {"财政拨款（补助）": total, "一般公共预算": total}
    rows = []
    for i in range(max(len(INCOME), len(CLASSES))):
        label = INCOME[i] if i < len(INCOME) else ""
        code, name = CLASSES[i] if i < len(CLASSES) else ("", "")
        rows.append([label, fmt(income.get(label)), f"{code} {name}" if code else "", fmt(by_class.get(code))])
    rows += [["", "", "", ""], ["收  入  总  计", fmt(total), "支  出  总  计", fmt(total)]]
    w.table([["收     入", "支     出"], ["项     目", "预算数", "功能分类", "预算数"]], rows, {1, 3})
    w.paragraph("")

    # 表二 收入总体情况表
    w.caption(2, "部门（单位）收入总体情况表", body)
    header = [["功能分类科目编码", "功能分类科目名称", "总  计", "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算",
               "财政专户（教育收费）", "事业收入", "事业单位经营收入", "单位其他资金收入"], ["类", "款", "项"] + [""] * 9]
    rows = [[c, s, i, n, fmt(b + p), fmt(b + p)] + [""] * 6 for (c, s, i, n), b, p in spend]
    rows += [[""] * 12, ["", "", "", "合  计", fmt(total), fmt(total)] + [""] * 6]
    w.table(header, rows, set(range(4, 12)))

    # 表三 支出总体情况表, 表五 一般公共预算支出情况表
    def by_function(number: int, title: str, group: str) -> None:
        w.caption(number, title, body)
        header = [["项    目", group], ["功能分类科目编码", "功能分类科目名称", "合  计", "基本支出", "项目支出"],
                  ["类", "款", "项", "", "", "", ""]]
        rows = [[c, s, i, n, fmt(b + p), fmt(b or None), fmt(p or None)] for (c, s, i, n), b, p in spend]
        rows += [[""] * 7, ["", "", "", "合  计", fmt(total), fmt(basic_total), fmt(project_total)]]
        w.table(header, rows, {4, 5, 6})

    by_function(3, "部门（单位）支出总体情况表", "支出预算")

    # 表四 财政拨款收支预算总体情况表
    w.caption(4, "财政拨款收支预算总体情况表", body)
    rows = []
    labels = INCOME[:4]
    for i in range(len(CLASSES)):
        label = labels[i] if i < len(labels) else ""
        code, name = CLASSES[i]
        amount = by_class.get(code)
        rows.append([label, fmt(income.get(label)), f"{code} {name}", fmt(amount), fmt(amount), "", ""])
    rows += [[""] * 7, ["收  入  总  计", fmt(total), "支  出  总  计", fmt(total), fmt(total), "", ""]]
    w.table([["财政拨款收入", "财政拨款支出"],
             ["项    目", "合  计", "功  能  分  类", "合 计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
            rows, {1, 3, 4, 5, 6})

    by_function(5, "一般公共预算支出情况表", "一般公共预算支出")

    # 表六 一般公共预算基本支出情况表
    w.caption(6, "一般公共预算基本支出情况表", body)
    rows = [[c, s, n, fmt(a), fmt(a), ""] for (c, s, n), a in personnel]
    rows += [[c, s, n, fmt(a), "", fmt(a)] for (c, s, n), a in public]
    rows.append(["", "", "合  计", fmt(basic_total), fmt(personnel_total), fmt(public_total)])
    w.table([["项目", "一般公共预算基本支出"], ["经济分类科目编码", "经济分类科目名称", "合  计", "人员经费", "公用经费"],
             ["类", "款", "", "", "", ""]], rows, {3, 4, 5})

    # 表七 一般公共预算项目支出情况表
    w.caption(7, "一般公共预算项目支出情况表", body)
    rows, goods, capital, projects = [], Decimal(0), Decimal(0), []
    names = iter(rng.sample(PROJECTS, len(PROJECTS)))
    for (c, s, i, n), _, p in spend:
        if not p:
            continue
        for amount in split(rng, p, rng.randint(1, 2)):
            name = next(names, f"专项经费{len(projects) + 1}")
            cap = (amount * Decimal(rng.choice([0, 0, 20, 50])) / 100).quantize(CENT)
            goods, capital = goods + amount - cap, capital + cap
            projects.append((name, amount))
            rows.append([c, s, i, n, name, fmt(amount), "", fmt(amount - cap), "", "", "", fmt(cap or None)] + [""] * 4)
    rows.append(["", "", "", "", "合 计", fmt(project_total), "", fmt(goods), "", "", "", fmt(capital or None)] + [""] * 4)
    w.table([["科 目 编 码", "科目", "项目名称", "项目支出合计", "工资福利支出", "商品和服务支出", "对个人和家庭的补助",
              "债务利息及费用支出", "资本性支出（基本建设）", "资本性支出", "对企业补助（基本建设）", "对企业补助",
              "对社会保障基金补助", "其他支出"], ["类", "款", "项"] + [""] * 13], rows, set(range(5, 16)))

    # 表八 三公经费
    w.caption(8, "一般公共预算“三公”经费支出情况表", body)
    three = reception + vehicle
    w.table([["合  计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费"],
             ["", "合计", "合  计", "公务用车购置费", "公务用车运行费", ""]],
            [[fmt(three), "0.00", fmt(vehicle), "0.00", fmt(vehicle), fmt(reception)]], set(range(6)))

    # 表九 政府性基金预算支出情况表 (empty, with a note)
    w.caption(9, "政府性基金预算支出情况表", body)
    w.table([["项  目", "政府性基金预算支出"], ["功能分类科目编码", "功能分类科目名称", "合 计", "基本支出", "项目支出"],
             ["类", "款", "项", "", "", "", ""]], [[""] * 7, ["", "", "", "合  计", "", "", ""]], {4, 5, 6})
    w.paragraph("备注：我单位无政府性基金预算，此表为空表")
    w.paragraph("")

    w.paragraph(f"第三部分  {year}年{body}预算情况说明")
    w.paragraph(f"一、关于{body}{year}年收支预算情况的总体说明")
    w.paragraph(f"按照全口径预算的原则，{body}{year}年所有收入和支出均纳入部门（单位）预算管理。收支总预算{fmt(total)}万元。")
    w.paragraph(f"收入预算包括：一般公共预算{fmt(total)}万元。")
    w.paragraph(f"二、关于{body}{year}年支出预算情况说明")
    w.paragraph(f"{body}{year}年支出预算{fmt(total)}万元，其中：")
    w.paragraph(f"基本支出{fmt(basic_total)}万元。")
    w.paragraph(f"项目支出{fmt(project_total)}万元。")
    w.paragraph(f"三、关于{body}{year}年一般公共预算基本支出情况说明")
    w.paragraph(f"人员经费{fmt(personnel_total)}万元，公用经费{fmt(public_total)}万元。")
    w.paragraph("")
    w.paragraph(body)
    w.paragraph(f"{year}年{month}月{day}日")

    first_item = spend[0]
    info = {
        "index": index,
        "body_zh": body,
        "fiscal_year": year,
        "published": f"{year:04d}-{month:02d}-{day:02d}",
        "facts": w.facts,
        "total_wan": fmt(total),
        "basic_total_wan": fmt(basic_total),
        "project_total_wan": fmt(project_total),
        "basic_salary_wan": fmt(personnel[0][1]),  # 表六 30101 基本工资, 合计 and 人员经费
        "first_item": {"code": "".join(first_item[0][:3]), "name_zh": first_item[0][3],
                       "total_wan": fmt(first_item[1] + first_item[2])},
        "projects": [[name, fmt(amount)] for name, amount in projects],
    }
    return w.text(), info


def generate(count: int, out: Path, seed: int = 1) -> list[dict]:
    """Write count disclosures into out (and manifest.json); what was written, per document."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for index in range(count):
        text, info = disclosure(index, seed)
        name = f"synthetic-{seed}-{index:05d}-{info['fiscal_year']}.txt"
        (out / name).write_text(text, encoding="utf-8")
        manifest.append({"file": name, **info})
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument("-n", "--count", type=int, default=50, help="number of documents (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    options = parser.parse_args()
    manifest = generate(options.count, options.out, options.seed)
    facts = sum(m["facts"] for m in manifest)
    print(f"{len(manifest)} documents, {facts} amounts printed, in {options.out}")


if __name__ == "__main__":
    main()
