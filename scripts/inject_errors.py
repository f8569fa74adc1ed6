"""Put ten errors of the kinds reviewers report into a real document, at the text level a reader sees, and count
how many the audit finds.

    python scripts/inject_errors.py [--source FILE] [--write FILE] [--one-by-one]

The document is the bundled sample (yusuan/samples/changji-sasac-2021-budget.txt: the 2021 department budget of
昌吉州国资委 as Apache Tika extracts it from the published Word file, one cell a line). The shared corpus holds no
final account (决算) that builds, so a budget it is. Each injection names the line of the text, the words printed
there and what they become, and where the audit must report it: the rule and the place (the text's line, or the
table and its code or column). An injection is found when a finding of that rule, shown by `yusuan check` (error
or warning), is at that place and was not given by the unchanged document. By default all ten go into one copy
(as in a document with ten errors); --one-by-one audits a copy for each. --write keeps the injected text.
Exit status 0 whatever is found (a measurement): the figure is the count printed last."""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "yusuan" / "samples" / "changji-sasac-2021-budget.txt"
SHOWN = ("error", "warning")


@dataclass(frozen=True)
class Injection:
    kind: str          # what a reviewer would call it
    line: int          # line of the text (1-based) where the words are printed
    old: str           # the words printed there (exactly once on that line)
    new: str           # what they become
    rule: str          # the rule that must report it
    place: dict        # where: {"line": N} or {"table_no": T, "code": C} / {"table_no": T, "column_zh": …}


INJECTIONS = (
    Injection("a table figure changed (行政运行 total 355.24 → 365.24 in 表五)", 762, "355.24", "365.24",
              "table.row_total", {"table_no": 5, "code": "2150701"}),
    Injection("a text figure differing from its table (人员经费 361.45 → 316.45; 表六 prints 361.45)", 1450,
              "人员经费361.45万元", "人员经费316.45万元", "narrative.figures", {"line": 1450}),
    Injection("a comparison with the wrong year (比上年预算 → 比2019年预算 in a 2021 budget)", 1516,
              "比上年预算增加19.53万元", "比2019年预算增加19.53万元", "text.comparison_year_old", {"line": 1516}),
    Injection("a doubled full stop", 1436, "收支总预算525.81万元。", "收支总预算525.81万元。。",
              "text.punctuation", {"line": 1436}),
    Injection("a class name older than the fiscal year (卫生健康支出 printed as 医疗卫生与计划生育支出, renamed 2019)", 1439,
              "卫生健康支出31.1万元", "医疗卫生与计划生育支出31.1万元", "names.class_renamed", {"line": 1439}),
    Injection("growth of 100% over a zero base (the whole amount stated as the increase)", 1428,
              "比上年增加118.83   万元", "比上年增加525.81万元，增长100%", "yoy.zero_base", {"line": 1428}),
    Injection("a total of 0 whose parts add to more (“三公”经费 合计 3.9 → 0 in 表八)", 1304, "\t3.9", "\t0",
              "table.row_total", {"table_no": 8}),
    Injection("a sentence cut short before its content (主要原因是：项目增加。 → 主要原因是。)", 1442,
              "主要原因是：项目增加。", "主要原因是。", "text.cut_short", {"line": 1442}),
    Injection("a table's note naming another table's fund (表九 政府性基金 note says 国有资本经营预算)", 1414,
              "我单位无政府性基金预算", "我单位无国有资本经营预算", "table.note_other_fund", {"table_no": 9}),
    Injection("a percent on the wrong base (增加20万元 given as 19% of this year's 105, not of last year's 85)", 1434,
              "比上年增加20万元，", "比上年增加20万元，增长19%，", "yoy.percent_base", {"line": 1434}),
)

# kinds beyond the ten, measured beside them (not in the ten's count)
EXTRA = (
    Injection("a share on the wrong base (项目支出 105 given as 25%: of 基本支出 420.81, not of the total 525.81)", 1434,
              "项目支出105万元，占20%", "项目支出105万元，占25%", "narrative.shares", {"line": 1434}),
    Injection("a stray quote (the closing ” of “昌吉国资” dropped; reported at the line that prints it)", 1506,
              "“昌吉国资”微信", "“昌吉国资微信", "text.brackets", {"line": 1506}),
    Injection("the template's placeholder left (XX局)", 1518, "昌吉州国资委政府采购预算", "XX局政府采购预算",
              "text.template_phrase", {"line": 1518}),
)


def inject(text: str, injections=INJECTIONS) -> str:
    """The text with each injection made on its line; a definition whose words are not printed there once is an
    error (the definitions are checked against the document, never applied blindly)."""
    lines = text.split("\n")
    for i in injections:
        printed = lines[i.line - 1]
        if printed.count(i.old) != 1:
            raise ValueError(f"line {i.line} does not print {i.old!r} once: {printed[:60]!r}")
        lines[i.line - 1] = printed.replace(i.old, i.new)
    return "\n".join(lines)


def audit_text(text: str, name: str = SAMPLE.name) -> list[dict]:
    """The findings of the audit on a text in the sample's format (read as the build reads it)."""
    from yusuan.build import collect
    from yusuan.check import audit

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        return audit(collect([path], use_cache=False).rows).findings


def _at(f: dict, place: dict) -> bool:
    if "line" in place:
        return f.get("line") == place["line"] or place["line"] in (f.get("lines") or ())
    return all(str(f.get(k)) == str(v) for k, v in place.items())


def signature(f: dict) -> tuple:
    return (f["rule_id"], f.get("line"), f.get("table_no"), f.get("code"), f.get("column_zh"), f.get("expected"),
            f.get("actual"))


def matches(injection: Injection, findings: list[dict], baseline: list[dict]) -> list[dict]:
    """The shown findings of the injection's rule at its place that the unchanged document did not give."""
    before = {signature(f) for f in baseline}
    return [f for f in findings if f["rule_id"] == injection.rule and f["severity"] in SHOWN and _at(f, injection.place)
            and signature(f) not in before]


def measure(text: str, one_by_one: bool = False, injections=INJECTIONS) -> list[tuple[Injection, list[dict]]]:
    baseline = audit_text(text)
    if one_by_one:
        return [(i, matches(i, audit_text(inject(text, (i,))), baseline)) for i in injections]
    findings = audit_text(inject(text, injections))
    return [(i, matches(i, findings, baseline)) for i in injections]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SAMPLE, help="a text in the sample's format (default: the sample)")
    parser.add_argument("--write", type=Path, help="write the injected text here")
    parser.add_argument("--one-by-one", action="store_true", help="audit one copy per injection")
    args = parser.parse_args(argv)
    text = args.source.read_text(encoding="utf-8")
    try:
        injected = inject(text)
    except ValueError as exc:
        print(f"{args.source}: {exc}", file=sys.stderr)
        return 1
    if args.write:
        args.write.write_text(injected, encoding="utf-8")
    for title, injections in (("ten kinds", INJECTIONS), ("further kinds", EXTRA)):
        results = measure(text, args.one_by_one, injections)
        for i, found in results:
            where = ", ".join(f"{k} {v}" for k, v in i.place.items())
            mark = "found " if found else "MISSED"
            print(f"{mark} {i.rule:30} {where:24} {i.kind}")
            for f in found[:1]:
                print(f"       {f['severity']}: {f['message_zh'][:100]}")
        print(f"{title}: {sum(1 for _, f in results if f)} of {len(results)} injected errors found")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
