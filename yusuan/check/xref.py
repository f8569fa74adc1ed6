"""Cross-references: a project's name, amount and policy basis agree between 表七, the explanations and its
performance table; the projects under performance targets match 表七."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ..amounts import plain
from ..narrative.policy import document_numbers
from .codes import _bare, _subsequence
from .engine import Document, amount, config, in_unit, numbers, pattern, rule, table_zh
from .locate import is_total_label, table_total
from .narrative import _said, _said_en, in_statement_unit, money, where
from ..model import place, place_zh

SECTION_ZH = "项目支出情况说明"


def project_rows(doc: Document) -> dict[tuple, dict]:
    """表七's project rows by (table_no, row_no)."""
    return doc.memo("project_rows", lambda: {(r["table_no"], r["row_no"]): r for r in doc.table("general_budget_projects")
                                             if r.get("project_zh") and not is_total_label(r.get("project_zh"))})


def table_row_of_goal(doc: Document, goal: dict) -> dict | None:
    """The 表七 row of a performance table: through its linked project, else by the same project name."""
    rows = project_rows(doc)
    for p in doc.rows.get("projects", []):
        if goal.get("project_no") is not None and p.get("project_no") == goal["project_no"]:
            return rows.get((p.get("table_no"), p.get("table_row_no")))
    same = [r for r in rows.values() if _bare(r["project_zh"]) == _bare(goal.get("project_zh") or "")]
    return same[0] if len(same) == 1 else None


def goals(doc: Document) -> list[dict]:
    return doc.rows.get("performance_goals", []) + doc.rows.get("performance_targets", [])


def related(a: str, b: str) -> bool:
    """One name is the other shortened (its characters in order): 微信公众号 / 微信平台公众号专项资金."""
    a, b = _bare(a), _bare(b)
    return _subsequence(a, b) or _subsequence(b, a)


def _link(item: dict) -> tuple[str, str]:
    method, confidence = item.get("link_method") or "?", item.get("link_confidence")
    return (f"对应方法 {method}，可信度 {confidence}", f"linked by {method}, confidence {confidence}")


@rule("xref.projects", "项目在表七、说明中金额一致", "A project's amount agrees between 表七 and the explanations", "error",
      "项目支出说明中的项目应在项目支出表中，预算金额应相同；表七中的项目也应有说明。",
      "A project explained in the narrative should be in the project table, with the same amount; a project of the "
      "table should be explained.",
      needs=["projects"])
def projects(doc: Document):
    has_table = doc.has("general_budget_projects")
    for p in doc.rows["projects"]:
        if not p.get("name_zh"):
            continue   # the reader found no name: nothing a reviewer could look up
        stated, table = amount(p.get("stated_amount")), amount(p.get("table_amount"))
        base = {"section_zh": SECTION_ZH, "page": p.get("page"), "line": p.get("line"), "subject_zh": p.get("name_zh"),
                "table_no": p.get("table_no"), "row_no": p.get("table_row_no"), "unit_as_printed": p.get("unit")}
        if p.get("link_method") == "table_only":
            yield base | {"severity": "warning", "expected": p.get("name_zh"),
                          "message_zh": f"{table_zh(p.get('table_no'))}的项目“{p.get('name_zh')}”在项目支出说明中未找到。",
                          "message_en": f"The project {p.get('name_zh')} of table {p.get('table_no')} is not explained in the narrative."}
        elif table is None and has_table:
            yield base | {"severity": "warning", "actual": p.get("name_zh"),
                          "message_zh": f"说明中的项目“{p.get('name_zh')}”在项目支出表中未找到。",
                          "message_en": f"The project {p.get('name_zh')} explained in the narrative is not in the project table."}
        elif stated is not None and stated != table:
            yield base | numbers(table, stated) | {
                "message_zh": f"项目“{p.get('name_zh')}”说明中为 {p.get('stated_amount')}，项目支出表中为 {p.get('table_amount')}。",
                "message_en": f"The project {p.get('name_zh')} is {p.get('stated_amount')} in the narrative but {p.get('table_amount')} in the project table."}


@rule("xref.project_names", "项目名称在表七、说明、绩效目标表中一致", "A project has one name in 表七, the explanations and its performance table",
      "warning",
      "同一项目在项目支出表、项目说明和绩效目标表（项目名称栏及表名）中应使用同一名称。名称只是简写或扩写时记为提示（注明对应方法），"
      "名称互不包含时记为警告；表名常有简写，只在两者互不包含时提示。",
      "A project should carry the same name in the project table, its explanation and its performance table (the "
      "project-name cell and the table's title). A name that only shortens or lengthens the other is info (with the "
      "method that linked them), names that share no such form a warning; titles, often shortened, are noted only then.",
      needs=["general_budget_projects"])
def project_names(doc: Document):
    rows = project_rows(doc)
    for p in doc.rows.get("projects", []):
        explained, table = p.get("explained_name_zh"), p.get("table_name_zh")
        if not explained or not table or _bare(explained) == _bare(table):
            continue
        zh, en = _link(p)
        row = rows.get((p.get("table_no"), p.get("table_row_no")), {})
        yield {"severity": "info" if related(explained, table) else "warning", "section_zh": SECTION_ZH,
               "page": p.get("page"), "line": p.get("line"), "table_no": p.get("table_no"), "table_kind": "general_budget_projects",
               "row_no": row.get("row_no", p.get("table_row_no")), "subject_zh": table, "expected": table, "actual": explained,
               "message_zh": f"项目说明（{place_zh(p.get('page'), p.get('line'))}）的项目名称“{explained}”与{table_zh(p.get('table_no'))}“{table}”不同（{zh}）。",
               "message_en": f"The explanation ({place(p.get('page'), p.get('line'))}) names the project {explained}; table {p.get('table_no')} "
                             f"names it {table} ({en})."}
    title = pattern(config()["performance_title"])
    for g in goals(doc):
        row = table_row_of_goal(doc, g)
        if row is None:
            continue
        table = row["project_zh"]
        zh, en = _link(g)
        at = {"section_zh": g.get("title_zh"), "page": g.get("page"), "line": g.get("line"), "table_no": row["table_no"],
              "table_kind": "general_budget_projects", "row_no": row["row_no"], "subject_zh": table, "expected": table}
        name = g.get("project_zh")
        if name and _bare(name) != _bare(table):
            yield at | {"severity": "info" if related(name, table) else "warning", "actual": name,
                        "message_zh": f"绩效目标表（{place_zh(g.get('page'), g.get('line'))}）的项目名称“{name}”与{table_zh(row['table_no'])}“{table}”不同（{zh}）。",
                        "message_en": f"The performance table ({place(g.get('page'), g.get('line'))}) names the project {name}; table "
                                      f"{row['table_no']} names it {table} ({en})."}
        m = title.search(_bare(g.get("title_zh") or ""))
        if m and not related(m.group("name"), table):
            yield at | {"severity": "info", "actual": m.group("name"),
                        "message_zh": f"绩效目标表表名“{g.get('title_zh')}”中的项目“{m.group('name')}”与{table_zh(row['table_no'])}“{table}”不同（{zh}）。",
                        "message_en": f"The performance table's title {g.get('title_zh')} names the project {m.group('name')}; "
                                      f"table {row['table_no']} names it {table} ({en})."}


@rule("xref.performance_funds", "绩效目标表资金与表七一致", "A performance table's funds equal the project's amount in 表七", "error",
      "项目支出绩效目标表中的项目资金（年度资金总额）应等于项目支出表中该项目的金额。",
      "The funds of a project's performance table (its total for the year) should equal the project's amount in the project table.",
      needs=["general_budget_projects"])
def performance_funds(doc: Document):
    for g in goals(doc):
        funds = amount(g.get("funds_total"))
        row = table_row_of_goal(doc, g)
        if funds is None or row is None or amount(row.get("total")) is None:
            continue
        expected = in_unit(amount(row["total"]), row.get("unit_as_printed"), g.get("funds_unit") or row.get("unit_as_printed"))
        if expected == funds:
            continue
        yield {"section_zh": g.get("title_zh"), "page": g.get("page"), "line": g.get("line"), "table_no": row["table_no"],
               "table_kind": "general_budget_projects", "row_no": row["row_no"], "column_zh": "资金总额",
               "subject_zh": row["project_zh"], "unit_as_printed": g.get("funds_unit"), **numbers(expected, funds),
               "message_zh": f"绩效目标表（{place_zh(g.get('page'), g.get('line'))}）“{row['project_zh']}”资金总额 {g.get('funds_total_as_printed') or g['funds_total']}，"
                             f"{table_zh(row['table_no'])}第{row['row_no']}行为 {plain(expected)}。",
               "message_en": f"The performance table ({place(g.get('page'), g.get('line'))}) gives {row['project_zh']} funds of {g['funds_total']}; "
                             f"table {row['table_no']}, row {row['row_no']} gives {plain(expected)}."}


@rule("xref.performance_funds_split", "绩效目标表资金总额 = 财政拨款 + 其他资金", "A performance table's funds: total = fiscal + other", "error",
      "项目资金的年度资金总额应等于其中财政拨款与其他资金之和（其他资金空白记为 0）。",
      "A performance table's total funds for the year should equal its fiscal appropriation plus its other funds "
      "(other funds left blank count as 0).",
      needs=["performance_goals"])
def performance_funds_split(doc: Document):
    for g in goals(doc):
        total, fiscal, other = amount(g.get("funds_total")), amount(g.get("funds_fiscal")), amount(g.get("funds_other"))
        if total is None or fiscal is None:
            continue
        parts = fiscal + (other or Decimal(0))
        if parts == total:
            continue
        yield {"section_zh": g.get("title_zh"), "page": g.get("page"), "line": g.get("line"), "column_zh": "年度资金总额",
               "subject_zh": g.get("project_zh"), "unit_as_printed": g.get("funds_unit"), **numbers(parts, total),
               "message_zh": f"绩效目标表（{place_zh(g.get('page'), g.get('line'))}）“{g.get('project_zh')}”年度资金总额 {plain(total)}，"
                             f"而财政拨款 {plain(fiscal)} 与其他资金 {plain(other or Decimal(0))} 之和为 {plain(parts)}。",
               "message_en": f"The performance table ({place(g.get('page'), g.get('line'))}) for {g.get('project_zh')} gives total funds of "
                             f"{plain(total)}, but fiscal {plain(fiscal)} plus other {plain(other or Decimal(0))} is {plain(parts)}."}


@lru_cache(maxsize=4096)
def _numbers(text: str) -> list[tuple[str, str, str]]:
    """(issuer, year, number) of each document number cited, from the normalised form 机关〔年〕号号."""
    out = []
    for d in document_numbers(text):
        m = pattern(r"^(.*)〔(\d{4})〕(\d+)号$").match(d)
        if m:
            out.append(m.groups())
    return out


def _same_issuer(a: str, b: str) -> bool:
    return a.endswith(b) or b.endswith(a)


@rule("xref.project_basis", "项目依据文号一致", "A project's policy basis is cited alike", "warning",
      "项目说明的立项依据与绩效目标表引用同一机关同一年度的文件时，文号应相同；机关、年度相同而号不同多为笔误。",
      "Where a project's explanation and its performance table cite a document of the same issuer and year, the "
      "numbers should be the same; the same issuer and year with another number is usually a typing slip.",
      needs=["projects"])
def project_basis(doc: Document):
    by_no = {p.get("project_no"): p for p in doc.rows["projects"]}
    for g in goals(doc):
        p = by_no.get(g.get("project_no"))
        if p is None or not p.get("basis_documents"):
            continue
        basis = _numbers(p["basis_documents"])
        for issuer, year, no in _numbers(g.get("goal_zh") or ""):
            same = [b for b in basis if b[1] == year and _same_issuer(b[0], issuer)]
            if not same or any(b[2] == no for b in same):
                continue
            cited, stated = f"{issuer}〔{year}〕{no}号", f"{same[0][0]}〔{year}〕{same[0][2]}号"
            yield {"section_zh": g.get("title_zh"), "page": g.get("page"), "line": g.get("line"), "subject_zh": p.get("name_zh"),
                   "expected": stated, "actual": cited,
                   "message_zh": f"绩效目标表（{place_zh(g.get('page'), g.get('line'))}）引用“{cited}”，项目说明（{place_zh(p.get('page'), p.get('line'))}）的依据为“{stated}”。",
                   "message_en": f"The performance table ({place(g.get('page'), g.get('line'))}) cites {cited}; the project's explanation "
                                 f"({place(p.get('page'), p.get('line'))}) gives {stated} as its basis."}


@rule("xref.performance_count", "绩效项目数与金额与表七一致", "Projects under performance targets match 表七", "warning",
      "说明中实行绩效管理的项目个数、涉及金额应与项目支出表的项目数、合计一致。",
      "The number and amount of projects under performance management stated in the narrative should match the project table.",
      needs=["statements", "general_budget_projects"])
def performance_count(doc: Document):
    rows = list(project_rows(doc).values())
    found = table_total(doc, "general_budget_projects", "total")
    for s in doc.rows["statements"]:
        if s.get("topic") == "performance_projects_count" and amount(s.get("amount")) is not None:
            expected, actual = Decimal(len(rows)), amount(s["amount"])
        elif s.get("topic") == "performance_projects_amount" and money(s) and found:
            expected, actual = in_statement_unit(found[1], found[0].get("unit_as_printed"), s), amount(s["amount"])
        else:
            continue
        if expected != actual:
            yield where(s) | numbers(expected, actual) | {
                "table_no": rows[0]["table_no"] if rows else None, "table_kind": "general_budget_projects",
                "message_zh": f"{_said(s)}称{s.get('subject_zh')} {s['amount']}，项目支出表为 {plain(expected)}。",
                "message_en": f"{_said_en(s).capitalize()} states {s.get('subject_zh')} as {s['amount']}; the project table gives {plain(expected)}."}
