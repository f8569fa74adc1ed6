"""The bilingual field descriptions as written: an unquoted comma in a YAML flow mapping (`{zh: …, en: a, b}`)
cuts the value there and makes a stray key of the rest (`Level: 部门 (department` was published, issue 21).
Every description of every resource, field and measure is loaded and held against the keys it may have; a
text whose brackets do not close is a cut text."""

from __future__ import annotations

import yaml
import pytest

from yusuan.knowledge import load as metadata
from yusuan.paths import METADATA

FIELD_KEYS = {"name", "type", "zh", "en", "description_zh", "description_en", "enum", "pattern", "fdp"}
FIELD_NEEDS = {"name", "type", "zh", "en", "description_zh", "description_en"}
PAIRS = ("()", "（）", "[]", "【】", "“”", "《》", "「」")
RESOURCES = sorted((METADATA / "resources").glob("*.yaml"))


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def unbalanced(text: str) -> str | None:
    """The first bracket pair that does not close in text, else None."""
    for left, right in PAIRS:
        depth = 0
        for ch in text:
            depth += (ch == left) - (ch == right)
            if depth < 0:
                return left + right
        if depth:
            return left + right
    return None


def texts(entry: dict) -> dict[str, str]:
    return {k: v for k, v in entry.items() if k in ("zh", "en", "description_zh", "description_en", "title_zh", "title_en") and isinstance(v, str)}


@pytest.mark.parametrize("path", RESOURCES, ids=lambda p: p.stem)
def test_every_field_of_every_resource_has_its_keys_and_whole_texts(path):
    resource = load(path)
    assert resource["fields"], path.name
    for text_key, text in texts(resource).items():
        assert unbalanced(text) is None, (path.name, text_key, text)
    for field in resource["fields"]:
        where = (path.name, field.get("name"))
        assert set(field) <= FIELD_KEYS, (*where, sorted(set(field) - FIELD_KEYS))
        assert FIELD_NEEDS <= set(field), (*where, sorted(FIELD_NEEDS - set(field)))
        for key, text in texts(field).items():
            assert isinstance(field[key], str) and text.strip(), (*where, key)
            assert unbalanced(text) is None, (*where, key, text)


def test_the_description_the_issue_found_cut_is_whole():
    """documents.level_zh's English description, typed from metadata/resources/documents.yaml as meant."""
    [level] = [f for f in load(METADATA / "resources" / "documents.yaml")["fields"] if f["name"] == "level_zh"]
    assert level["description_en"].startswith("部门 (department, con") and level["description_en"].endswith(".")
    assert unbalanced(level["description_en"]) is None


def test_shared_fields_and_measures_have_no_stray_keys():
    for name, entry in load(METADATA / "fields.yaml").items():
        assert set(entry) == {"zh", "en", "description_zh", "description_en"}, name
        assert all(unbalanced(t) is None for t in texts(entry).values()), name
    for name, entry in load(METADATA / "measures.yaml").items():
        if isinstance(entry, dict):
            assert set(entry) <= {"zh", "en", "headers"}, (name, sorted(set(entry) - {"zh", "en", "headers"}))
            assert all(unbalanced(t) is None for t in texts(entry).values()), name


def prose_keys(value, path=()):
    """Keys with no value that read like prose (a space or a final full stop): the tail of a cut text."""
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None and isinstance(key, str) and (" " in key.strip() or key.endswith((".", ")", "。"))):
                yield (*path, key)
            yield from prose_keys(item, (*path, key))
    elif isinstance(value, list):
        for item in value:
            yield from prose_keys(item, path)


def test_no_metadata_file_has_a_cut_text():
    found = [(p.relative_to(METADATA).as_posix(), *where) for p in sorted(METADATA.rglob("*.yaml")) for where in prose_keys(load(p))]
    assert found == []


def test_the_check_finds_a_cut_text():
    """The checks above fail on the text as it was written before."""
    cut = yaml.safe_load("{name: level_en, type: string, zh: 层级, en: Level, description_zh: 层级。, description_en: class, section or item.}")
    assert set(cut) - FIELD_KEYS == {"section or item."} and list(prose_keys(cut)) == [("section or item.",)]
    assert unbalanced("部门 (department") == "()" and unbalanced("单位 (unit)") is None


def test_every_canned_query_parameter_has_its_label_in_both_languages():
    labels = metadata("site/parameters")["parameters"]
    used = {name for path in sorted((METADATA / "queries").glob("*.yaml"))
            for query in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).values() for name in query.get("params", [])}
    assert {"document", "q", "severity"} <= used
    assert used <= set(labels), used - set(labels)
    assert all(label.get("zh") and label.get("en") for label in labels.values())
