"""Linking the names one project is given in 表七, the explanations and the performance tables."""

from __future__ import annotations

import re

from ..knowledge import load


def spec() -> dict:
    return load("narrative/linking")


def bare(name: str) -> str:
    return re.sub(spec()["noise"], "", name or "")


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    x, y = bigrams(bare(a)), bigrams(bare(b))
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _holds(method: dict, name: str, title: str, amount: str | None, candidate: dict) -> bool:
    other = candidate["name"]
    kind = method["method"]
    if kind == "exact":
        return name == other
    if kind == "normalised":
        return bare(name) == bare(other)
    if kind == "contains":
        short = method.get("min_length", 1)
        return len(bare(name)) >= short and len(bare(other)) >= short and (bare(name) in bare(other) or bare(other) in bare(name))
    if kind == "title_contains":
        return bool(title) and bool(bare(other)) and bare(other) in bare(title)
    if kind == "similar_name_same_amount":
        return amount is not None and amount == candidate.get("amount") and similarity(name, other) >= method["min_similarity"]
    raise ValueError(kind)


def link(name: str, candidates: list[dict], title: str = "", amount: str | None = None) -> tuple[dict | None, dict]:
    """The one candidate ({name, amount, …}) this name matches, and the method used; (None, unlinked) if none or
    more than one candidate match at the first method that matches any."""
    for method in spec()["methods"]:
        hits = [c for c in candidates if _holds(method, name, title, amount, c)]
        distinct = {c.get("project_no", id(c)) for c in hits}  # one project may be tried under several names
        if len(distinct) == 1:
            return hits[0], method
        if len(distinct) > 1:
            # several projects of one name (机构运行辅助经费 of each unit): the one of the same amount, if only one
            same = [c for c in hits if amount is not None and c.get("amount") == amount]
            if len({c.get("project_no", id(c)) for c in same}) == 1:
                return same[0], method
            break
    return None, spec()["unlinked"]
