"""The functional code a narrative names by its 类/款/项 name chain, resolved against the document's own tables
and the official code list (metadata/narrative/codes.yaml)."""

from __future__ import annotations

import re
from functools import cache

from ..codes import official
from ..knowledge import load


@cache
def spec() -> dict:
    return load("narrative/codes")


def bare(name: str) -> str:
    return re.sub(spec()["name_noise"], "", name or "")


def names(printed: list[dict]) -> dict[str, set[str]]:
    """code → every name it has: as printed in the document's tables (normalise's codes), officially, formerly."""
    s = spec()
    out: dict[str, set[str]] = {}
    for item in printed:
        if item.get("scheme") == s["scheme"] and item.get("name_zh"):
            out.setdefault(item["code"], set()).add(bare(item["name_zh"]))
    for code, row in official(s["scheme"]).items():
        out.setdefault(code, set()).add(bare(row["name_zh"]))
    for name, code in s["former_names"].items():
        out.setdefault(str(code), set()).add(bare(name))
    return out


def resolve(chain: list[str], known: dict[str, set[str]], start: int = 0) -> str | None:
    """The code of a chain of names (class first); None unless every name resolves under the one before.
    The class name may carry words before it (主要用于以下方面：一般公共服务支出): its longest known ending counts.
    start = 1 for a chain that begins at the section (审计事务（款）行政运行（项）): the section's name must be unique."""
    code = ""
    for depth, name in enumerate(n for n in chain if n):
        wanted = bare(name)
        width = 3 + 2 * (depth + start)
        candidates = [c for c, ns in known.items() if len(c) == width and c.startswith(code)]
        hits = [c for c in candidates if wanted in known[c] or wanted + "支出" in known[c]]  # 一般公共服务（类）
        if not hits and depth == 0 and start == 0:
            ends = [(max(len(n) for n in known[c] if wanted.endswith(n)), c) for c in candidates
                    if any(wanted.endswith(n) for n in known[c])]
            hits = [max(ends)[1]] if ends else []
        if len(hits) != 1:
            return None
        code = hits[0]
    return code or None


def printed(chain: str, start: int = 0) -> str | None:
    """The code whose digits the chain prints (一般公共服务支出（201类）人大事务（01款）行政运行（01项） → 2010101): the
    digits of each level in order, each level's own (3 for the class, 2 below) or the whole code so far; None when
    a level prints none or they do not make a code. A chain that starts at the section needs whole codes."""
    code = ""
    for depth, digits in enumerate(re.findall(spec()["printed_digits"], chain)):
        level = depth + start
        whole = 3 + 2 * level
        if len(digits) == whole and digits.startswith(code) and (level == 0 or code or start):
            code = digits
        elif code and len(digits) == 2 and level > 0:
            code += digits
        elif not code and level == 0 and len(digits) == 3:
            code = digits
        else:
            return None
    return code or None
