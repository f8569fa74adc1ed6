"""What a stated figure is about: the canonical topic, from the rules of metadata/narrative/topics.yaml."""

from __future__ import annotations

import re

from ..knowledge import load


def topics() -> dict[str, dict]:
    return load("narrative/topics")["topics"]


def classify(subject: str, sentence: str, unit: str | None, code: str) -> str:
    for key, topic in topics().items():
        for rule in topic["rules"]:
            if "subject" in rule and not re.search(rule["subject"], subject):
                continue
            if "sentence" in rule and not re.search(rule["sentence"], sentence):
                continue
            if "not_sentence" in rule and re.search(rule["not_sentence"], sentence):
                continue
            if "unit" in rule and rule["unit"] != unit:
                continue
            if "code" in rule and not re.search(rule["code"], code):
                continue
            return key
    return "other"


def label(key: str) -> tuple[str, str]:
    topic = topics()[key]
    return topic["zh"], topic["en"]
