"""What each printed column of a table means, from the words of its header path and from its cells.

The header rows are the rows above the first row of amounts (a column-numbering row such as 栏次 1 2 3 is
left out). Each printed column has a header path: its header cells from the top, where a header cell left
empty under a merged parent takes the parent printed to its left. The columns are then:

- ignored: a numbering column (行次, 栏次, 序号);
- codes: a 类, 款 or 项 part, or a whole code (科目编码, or cells that are codes), or code and name in one
  cell (2080501 行政运行, [201]一般公共服务支出);
- labels: the row's name (科目名称, 项目, 单位名称), a project, or other text;
- amounts: everything else; its measure from the kind's columns (metadata/tables.yaml) or the header words
  of metadata/measures.yaml, or none (the header as printed is kept).

A table printed as blocks side by side (收入 | 支出, or code | name | amount twice) has a block per
label/code group; each amount belongs to its block's row label, and a two-sided table's blocks have sides.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .amounts import looks_like_amount, normalise_text
from .knowledge import load
from .model import Cell, squash
from .recognise import Recognised

LABELS = ("label", "project", "code_name", "text")


@cache
def _vocab() -> dict:
    config = load("tables")
    c = config["columns"]
    out = {
        "ignore": re.compile(c["ignore_header"]),
        "code": re.compile(c["code_header"]),
        "parts": {level: re.compile(p) for level, p in c["code_parts"].items()},
        "label": re.compile(c["label_header"]),
        "project": re.compile(c["project_header"]),
        "forms": {name: re.compile(p, re.S) for name, p in c["code_forms"].items()},
        "part": re.compile(c["part"]),
        "width": c["part_width"],
        "scheme": c["scheme_by_first_digit"],
        "sides": {side: re.compile(p) for side, p in c["sides"].items()},
        "total": re.compile(config["total_label"]),
        "strip": [re.compile(p) for p in c.get("header_strip", [])],
        "not_money": re.compile(c["not_money_header"]),
    }
    grouped, plain = [], []
    for key, m in load("measures").items():
        for entry in m.get("headers", []):
            if isinstance(entry, dict):
                grouped.append((key, re.compile(entry["header"]), re.compile(entry["group"])))
            else:
                plain.append((key, re.compile(entry), None))
    out["measures"] = grouped + plain
    return out


@lru_cache(maxsize=65536)
def header_word(text: str) -> bool:
    """A header cell's text is a known header word (of codes, labels, numbering or a measure)."""
    v = _vocab()
    if v["ignore"].fullmatch(text) or v["code"].fullmatch(text) or v["label"].fullmatch(text) or not_money(text):
        return True
    if any(p.fullmatch(text) for p in v["parts"].values()):
        return True
    return any(h.fullmatch(text) for _, h, group in v["measures"] if group is None)


def _numbering_row(row: list[Cell]) -> bool:
    """栏次 | 1 | 2 | 3 or ** | ** | 1 | 2: a row numbering the columns."""
    texts = [c.bare for c in row if c.bare]
    if not texts:
        return False
    v = _vocab()
    numbers = [t for t in texts if t.isascii() and t.isdigit()]
    others = [t for t in texts if not (t.isascii() and t.isdigit())]
    if others and not all(v["ignore"].fullmatch(t) for t in others):
        return False
    if not numbers:
        return bool(others) and all(re.fullmatch(r"\*+", t) for t in others)
    values = [int(t) for t in numbers]
    return values == list(range(values[0], values[0] + len(values))) and values[0] <= 1 and (len(values) >= 3 or bool(others))


def split(rows: list[list[Cell]]) -> tuple[list[list[Cell]], list[list[Cell]], list[int]]:
    """(header rows, body rows, indexes of numbering rows in the body kept blank) of a table's rows."""
    numbering = [n for n, row in enumerate(rows) if _numbering_row(row)]
    first = next((n for n, row in enumerate(rows) if n not in numbering and any(looks_like_amount(c.text) for c in row)), None)
    if first is None:
        first = 0
        while first < len(rows) and (first in numbering or not _is_data_row(rows[first])):
            first += 1
    header = [row for n, row in enumerate(rows[:first]) if n not in numbering]
    body = rows[first:]
    return header, body, [n - first for n in numbering if n >= first]


def _is_data_row(row: list[Cell]) -> bool:
    return all(not c.clean for c in row) or any(looks_like_amount(c.text) for c in row)


def paths(header: list[list[Cell]], width: int) -> list[list[str]]:
    """The header path of each printed column (white space removed), parents first."""
    grid = [[(row[j].bare if j < len(row) else "") for j in range(width)] for row in header]
    filled = [[bool(t) for t in r] for r in grid]
    eff = [list(r) for r in grid]
    for r in range(len(grid)):
        for j in range(width):
            if grid[r][j] or not any(filled[s][j] for s in range(r + 1, len(grid))):
                continue
            k = j - 1
            while k >= 0 and not grid[r][k]:
                k -= 1
            # a merged parent printed to the left: it has headers under it too, and the same parents above
            if k >= 0 and any(filled[s][k] or filled[s][k + 1] for s in range(r + 1, len(grid))) \
                    and (r == 0 or eff[r - 1][j] == eff[r - 1][k]):
                eff[r][j] = grid[r][k]
    out = []
    for j in range(width):
        path = []
        for r in range(len(grid)):
            text = eff[r][j]
            if text and (not path or path[-1] != text):
                path.append(text)
        out.append(path)
    return out


def read_columns(item: Recognised) -> None:
    """Split the table into header and body and say what each printed column means (item.columns)."""
    v = _vocab()
    kind = load("tables")["kinds"].get(item.kind or "", {})
    header, body, numbering = split(item.body)
    width = max([_used(r) for r in header + body] + [0])
    body = [([Cell(text="", line=c.line, page=c.page) for c in row] if n in numbering else row) for n, row in enumerate(body)]
    header, body = _carried_header(header, body, width)
    item.header, item.body = header, body
    if item.unit is None:  # a unit printed in a header cell: 预算数（单位：万元）
        unit = re.compile(load("tables")["unit"])
        found = next((m for row in header for c in row if c.bare and (m := unit.search(c.bare))), None)
        if found:
            item.unit = next(g for g in found.groups() if g)
    printed = max([len(r) for r in header + body] + [0])
    body_width = max([_used(r) for r in body] + [0])
    columns = None
    if any(0 < len(r) < printed for r in header):
        columns = _listed(header, body_width, printed, kind)
    if columns is None:
        heads = paths(header, width)
        cells = [[row[j] for row in body if j < len(row) and row[j].bare] for j in range(width)]
        columns = []
        for j in range(width):
            path, filled = heads[j], cells[j]
            leaf = path[-1] if path else ""
            columns.append({"no": j + 1, "path": path, "header": leaf, **_role(path, filled, v)})
        _blocks(columns, kind, v)
        _assign(columns, kind)
    if not any(c["role"] == "amount" for c in columns):
        item.fail("not_read", "没有金额列", "no amount column")
    unknown = [c for c in columns if c["role"] == "amount" and not c.get("measure")]
    if unknown:
        names = "、".join("/".join(c["path"]) or f"第{c['no']}列" for c in unknown)
        item.fail("partial", f"列含义未识别：{names}（金额照录，度量为空）",
                  f"column meaning not recognised: {names} (amounts kept, measure empty)")
    item.columns = columns
    item.headers_printed = [c["header"] for c in columns]


def _used(row: list[Cell]) -> int:
    """The printed width of a row: up to its last cell with text."""
    return max((n + 1 for n, c in enumerate(row) if c.bare), default=0)


def _listed(header: list[list[Cell]], least: int, most: int, kind: dict) -> list[dict] | None:
    """Columns of a table whose header rows list only the cells they print (a merged cell is one cell, as
    Word tables come): the kind's columns whose header words are printed, in the kind's order, when they
    are as many as the printed columns; else None."""
    texts = [c.bare for row in header for c in row if c.bare]
    used = [False] * len(texts)
    picked = []
    for k in kind.get("columns", []):
        if "group" in k and not any(re.fullmatch(k["group"], t) for t in texts):
            continue
        for i, text in enumerate(texts):
            if not used[i] and re.fullmatch(k["header"], text):
                used[i] = True
                picked.append((k, text))
                break
    if not least <= len(picked) <= most:
        return None
    sided = len({k.get("side") for k, _ in picked} - {None}) > 1
    panels = len({k.get("panel") for k, _ in picked} - {None}) > 1
    columns = []
    for j, (k, text) in enumerate(picked):
        group = next((t for t in texts if re.fullmatch(k["group"], t)), None) if "group" in k else None
        c = {"no": j + 1, "path": [group, text] if group else [text], "header": text, "role": k["role"],
             "field": k["field"], "vocab": k, "group": group, "side": k.get("side", kind.get("side")),
             "block": (k.get("panel", 1) if panels else (1 if k.get("side") == "income" or not sided else 2)),
             "own": sided or panels, "measure": k.get("measure")}
        for key in ("column_code", "scheme", "level"):
            if key in k:
                c[key] = k[key]
        columns.append(c)
    return columns


def _carried_header(header, body, width):
    """A header row that also carries the first row of amounts (类 | 款 | 项 | 合计 | 2,946.25 …): its cells
    that are header words of codes or labels and have no header above them are header."""
    if not body:
        return header, body
    v = _vocab()
    first = body[0]
    heads = paths(header, width)
    carried = [n for n, cell in enumerate(first) if cell.bare and not looks_like_amount(cell.text) and not heads[n]
               and (any(p.fullmatch(cell.bare) for p in v["parts"].values()) or v["code"].fullmatch(cell.bare))]
    if not carried:
        return header, body
    top = [Cell(text=first[n].text if n in carried else "", line=first[n].line, page=first[n].page) for n in range(len(first))]
    rest = [Cell(text="", line=c.line, page=c.page) if n in carried else c for n, c in enumerate(first)]
    return header + [top], [rest] + body[1:]


def _role(path: list[str], filled: list[Cell], v: dict) -> dict:
    leaf = path[-1] if path else ""
    texts = [normalise_text(c.text) for c in filled]
    texts = [t for t in texts if not v["total"].match(t)]
    amounts = sum(looks_like_amount(t) for t in texts)
    if leaf and v["ignore"].fullmatch(leaf):
        return {"role": "ignore"}
    if not path and not filled:
        return {"role": "ignore"}  # nothing printed in it at all
    if leaf and not_money(leaf):
        return {"role": "text"}  # an indicator value, weight or score: its numbers are not amounts
    if not filled and leaf and not _measure(path):
        return {"role": "text"}  # nothing printed under a header that names no measure (采购组织形式)
    for level, pattern in v["parts"].items():
        if any(pattern.fullmatch(p) for p in path[-1:]):
            return {"role": "code", "level": level}
    codes = sum(bool(v["forms"]["code"].match(t)) for t in texts)
    named = sum(bool(v["forms"]["code_name"].match(t)) for t in texts)
    if any(v["code"].fullmatch(p) for p in path):
        return {"role": "code_name" if named > codes else "code", "level": None}
    if texts and named >= max(1, len(texts) // 2) and named > codes:
        return {"role": "code_name"}
    label = bool(leaf) and bool(v["label"].fullmatch(leaf))
    if texts and codes == len(texts) and not label and _nested_codes(texts) and not _measure(path):
        return {"role": "code", "level": None}
    if label or (texts and amounts < len(texts) / 2):
        if leaf and v["project"].fullmatch(leaf):
            return {"role": "project"}
        return {"role": "label" if label or amounts == 0 else "text"}
    return {"role": "amount"}


def not_money(text: str) -> bool:
    """A header whose column's numbers are never money (指标值, 指标权重, 分值: not_money_header)."""
    pattern = _vocab()["not_money"]
    return bool(pattern.fullmatch(text) or pattern.fullmatch(stripped(text)))


def _nested_codes(texts: list[str]) -> bool:
    """Codes of a classification: 3, 5 or 7 digits."""
    return all(len(t) in (3, 5, 7) for t in texts)


def _blocks(columns: list[dict], kind: dict, v: dict) -> None:
    """Number the blocks printed side by side and give each its side."""
    block, seen_amount = 1, False
    for c in columns:
        if c["role"] in ("code", "code_name", "label") and seen_amount:
            block, seen_amount = block + 1, False
        if c["role"] == "amount":
            seen_amount = True
        c["block"] = block
    count = block
    sided = any(k.get("side") for k in kind.get("columns", []))
    order = ["income"] + ["expenditure"] * (count - 1)
    for c in columns:
        said = next((side for p in c["path"][:1] for side, pattern in v["sides"].items() if pattern.fullmatch(p)), None)
        c["side"] = kind.get("side")
        if count > 1 and (sided or said or not kind.get("side")):
            c["side"] = said or (order[c["block"] - 1] if sided or not kind.get("side") else kind.get("side"))
        c["own"] = count > 1  # an amount goes with its own block's row label only
    # a side said by a parent header holds for the whole block
    for b in range(1, count + 1):
        said = {c["side"] for c in columns if c["block"] == b and c["path"] and any(
            pattern.fullmatch(c["path"][0]) for pattern in v["sides"].values())}
        if len(said) == 1:
            for c in columns:
                if c["block"] == b:
                    c["side"] = next(iter(said))


def _assign(columns: list[dict], kind: dict) -> None:
    """Each printed column's own column of the kind (field, measure), else its measure by header words."""
    vocab = kind.get("columns", [])
    panels = any("panel" in k for k in vocab)
    used: set[int] = set()
    for c in columns:
        if c["role"] == "ignore":
            continue
        best = None
        for i, k in enumerate(vocab):
            if i in used or not _fits(c, k, panels):
                continue
            grouped = "group" in k
            if grouped and not any(re.fullmatch(k["group"], p) for p in c["path"][:-1]):
                continue
            if best is None or (grouped and not best[2]):
                best = (i, k, grouped)
                if grouped:
                    break
        if best:
            i, k, grouped = best
            used.add(i)
            if c.get("named_by") and not re.fullmatch(k["header"], c["header"]):
                c["header"] = c["named_by"]
            c["field"] = k["field"]
            c["vocab"] = k
            if c["role"] != "code" or k["role"] == "code":
                c["role"] = k["role"] if c["role"] != "amount" or k["role"] == "amount" else c["role"]
            for key in ("measure", "column_code", "scheme", "level"):
                if key in k:
                    c[key] = k[key]
            if grouped:
                c["group"] = next(p for p in c["path"][:-1] if re.fullmatch(k["group"], p))
            if "side" in k:
                c["side"] = k["side"]
        elif c["role"] == "amount":
            found = _measure(c["path"])
            if found:
                c["measure"], c["group"] = found
            elif len(c["path"]) > 1:
                c["group"] = "/".join(c["path"][:-1])
    for c in columns:
        c.setdefault("field", None)
        c.setdefault("measure", None)
        c.setdefault("group", None)
    # columns of one measure under different parents (总计 > 一般公共预算, 公务接待费 > 一般公共预算): the
    # parents printed above each tell them apart
    same: dict = {}
    for c in columns:
        if c["role"] == "amount" and c["measure"] and not c["group"] and len(c["path"]) > 1:
            same.setdefault((c["measure"], c["header"], c.get("side"), c.get("block")), []).append(c)
    for group in same.values():
        if len({tuple(c["path"][:-1]) for c in group}) > 1:
            for c in group:
                c["group"] = "/".join(c["path"][:-1])


def _fits(c: dict, k: dict, panels: bool) -> bool:
    role = c["role"]
    if k["role"] == "amount":
        if role != "amount":
            return False
    elif k["role"] == "code":
        if role != "code" or c.get("level") != k.get("level"):
            return False
    elif role not in LABELS:
        return False
    if k.get("side") and c.get("side") and k["side"] != c["side"]:
        return False
    if panels and k.get("panel", 1) != c["block"]:
        return False
    texts = c["path"][-1:] if k["role"] in ("amount", "code") else c["path"]
    if any(re.fullmatch(k["header"], t) for t in texts):
        return True
    # 合计 printed under a column's own name (因公出国（境）费 > 合计): the parent names the column
    if k["role"] == "amount" and "group" not in k and len(c["path"]) > 1 and _TOTAL_WORD.fullmatch(c["path"][-1]) \
            and re.fullmatch(k["header"], c["path"][-2]):
        c["named_by"] = c["path"][-2]
        return True
    # the header words of the kind's measure (metadata/measures.yaml): 小计 is the total as much as 合计
    if k["role"] == "amount" and k.get("measure"):
        found = _measure(c["path"])
        if not found or found[0] != k["measure"]:
            return False
        return found[1] is None if "group" not in k else bool(found[1] and re.fullmatch(k["group"], found[1]))
    return False


_TOTAL_WORD = re.compile(r"合计|小计|总计")


def _measure(path: list[str]) -> tuple[str, str | None] | None:
    """The measure of an amount column by the header words of metadata/measures.yaml (a measure with a
    group needs it printed above), and the group printed."""
    if not path:
        return None
    found = _measure_of(path[-1], tuple(path[:-1]))
    if found is None and (bare := stripped(path[-1])) != path[-1] and bare:
        found = _measure_of(bare, tuple(path[:-1]))
    return found


def stripped(text: str) -> str:
    """A header cell without what it may print around its words (其中：, a year, a unit): header_strip."""
    for pattern in _vocab()["strip"]:
        text = pattern.sub("", text)
    return text


@lru_cache(maxsize=65536)
def _measure_of(leaf: str, parents: tuple[str, ...]) -> tuple[str, str | None] | None:
    matching = [(key, group) for key, header, group in _vocab()["measures"] if header.fullmatch(leaf)]
    for above in reversed(parents):  # a grouped measure by the nearest header above that names a group
        for key, group in matching:
            if group is not None and (group.fullmatch(above) or group.fullmatch(stripped(above))):
                return key, above
    plain = next((key for key, group in matching if group is None), None)
    return (plain, None) if plain else None


def code_of(text: str) -> str:
    """The digits of a code cell (full-width digits and spaces normalised)."""
    return normalise_text(text)


def code_name(text: str) -> tuple[str, str]:
    """(code, name) of a cell holding a code and its name, or ('', name)."""
    bare = squash(normalise_text(text))
    m = _vocab()["forms"]["code_name"].match(bare)
    if m:
        return m.group("code"), m.group("name")
    m = re.match(r"^(\d{3,7})(.*)$", bare, re.S)
    if m:
        return m.group(1), m.group(2)
    return "", squash(text)


def join_parts(parts: list[tuple[str, str]]) -> str:
    """The code of 类/款/项 parts, each padded to its width (301 | 2 → 30102)."""
    width = _vocab()["width"]
    out = ""
    for level, digits in parts:
        if not digits:
            continue
        n = width.get(level, len(digits)) if level else len(digits)
        out += digits.zfill(n) if len(digits) < n else digits
    return out


def scheme_of(code: str) -> str | None:
    return _vocab()["scheme"].get(code[:1]) if code else None
