"""The synthetic corpus generator: its documents build, and what it says it wrote is what is read."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

import yusuan.corpus
from yusuan.build import build
from yusuan.paths import ROOT

spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "scripts" / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_corpus)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    manifest = make_corpus.generate(20, root / "src", seed=11)
    patch = pytest.MonkeyPatch()
    patch.setattr(yusuan.corpus, "CACHE", root / "cache")  # keep the extraction cache out of build/
    try:
        result = build([str(root / "src")], package_dir=root / "dp", database=root / "yusuan.db", workers=1, progress=False)
    finally:
        patch.undo()
    return root, manifest, result


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_document_is_built(corpus):
    root, manifest, result = corpus
    assert not result.failures and not result.duplicates
    documents = rows(root / "dp" / "documents.csv")
    assert len(documents) == len(manifest) == 20
    assert sorted((d["department_zh"], int(d["fiscal_year"]), d["published"]) for d in documents) == sorted(
        (m["body_zh"], m["fiscal_year"], m["published"]) for m in manifest)
    assert len({d["source_sha256"] for d in documents}) == 20
    assert {int(d["fiscal_year"]) for d in documents} == set(range(2019, 2027))


def test_fact_counts_are_what_the_generator_printed(corpus):
    root, manifest, _ = corpus
    facts = rows(root / "dp" / "facts.csv")
    assert len(facts) == sum(m["facts"] for m in manifest)
    by_source = {d["document_id"]: d["source_file"] for d in rows(root / "dp" / "documents.csv")}
    counts: dict[str, int] = {}
    for fact in facts:
        counts[by_source[fact["document_id"]]] = counts.get(by_source[fact["document_id"]], 0) + 1
    assert counts == {m["file"]: m["facts"] for m in manifest}


def test_known_amounts_round_trip(corpus):
    root, manifest, _ = corpus
    ids = {d["source_file"]: d["document_id"] for d in rows(root / "dp" / "documents.csv")}
    facts = rows(root / "dp" / "facts.csv")
    for m in manifest[:5]:
        mine = [f for f in facts if f["document_id"] == ids[m["file"]]]
        yuan = lambda wan: str(int((__import__("decimal").Decimal(wan) * 10000)))  # noqa: E731
        salary = {f["measure"]: f["amount_yuan"] for f in mine if f["table_no"] == "6" and f["code"] == "30101"}
        assert salary == {"total": yuan(m["basic_salary_wan"]), "personnel": yuan(m["basic_salary_wan"])}
        total = [f["amount_yuan"] for f in mine if f["table_no"] == "3" and f["is_total"] in ("true", "True") and f["measure"] == "total"]
        assert total == [yuan(m["total_wan"])]
        item = m["first_item"]
        first = [f for f in mine if f["table_no"] == "2" and f["code"] == item["code"] and f["measure"] == "total"]
        assert [(f["name_zh"], f["amount_yuan"]) for f in first] == [(item["name_zh"], yuan(item["total_wan"]))]


def test_same_seed_same_files(tmp_path):
    first = make_corpus.generate(3, tmp_path / "a", seed=5)
    second = make_corpus.generate(3, tmp_path / "b", seed=5)
    other = make_corpus.generate(3, tmp_path / "c", seed=6)
    assert first == second
    for m in first:
        assert (tmp_path / "a" / m["file"]).read_bytes() == (tmp_path / "b" / m["file"]).read_bytes()
    assert [m["total_wan"] for m in first] != [m["total_wan"] for m in other]
    assert len({m["body_zh"] for m in make_corpus.generate(50, tmp_path / "d", seed=5)}) == 50
