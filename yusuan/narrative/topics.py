"""What a stated figure is about: the canonical topic, from the rules of metadata/narrative/topics.yaml."""

from __future__ import annotations

import re
from functools import cache

from ..knowledge import load


def topics() -> dict[str, dict]:
    return load("narrative/topics")["topics"]


def classify(subject: str, sentence: str, unit: str | None, code: str) -> str:
    for key, rules in _rules():
        for subject_is, sentence_is, sentence_not, unit_is, code_is in rules:
            if subject_is is not None and not subject_is.search(subject):
                continue
            if sentence_is is not None and not sentence_is.search(sentence):
                continue
            if sentence_not is not None and sentence_not.search(sentence):
                continue
            if unit_is is not _ANY and unit_is != unit:
                continue
            if code_is is not None and not code_is.search(code):
                continue
            return key
    return "other"


_ANY = object()  # a rule that names no unit


@cache
def _rules() -> list[tuple[str, list[tuple]]]:
    """Each topic's rules with their patterns compiled (subject, sentence, not_sentence, unit, code; None or _ANY
    where the rule does not say)."""
    def compiled(rule: dict, name: str):
        return re.compile(rule[name]) if name in rule else None

    return [(key, [(compiled(r, "subject"), compiled(r, "sentence"), compiled(r, "not_sentence"), r.get("unit", _ANY),
                    compiled(r, "code")) for r in topic["rules"]]) for key, topic in topics().items()]


def label(key: str) -> tuple[str, str]:
    topic = topics()[key]
    return topic["zh"], topic["en"]
