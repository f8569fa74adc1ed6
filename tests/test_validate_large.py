"""Validation: the build's own row checks (validate.RowCheck, check_rows, Keys; used by every build) give
the verdict frictionless gives, and a package that is not valid is never published, on both paths."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, read_csv
from yusuan.build import Entry, extract, summarise
from yusuan.errors import YusuanError
from yusuan.stream import publish_entries
from yusuan.validate import RowCheck, check_rows, validate


@pytest.fixture(scope="module")
def sample():
    return extract(SAMPLE)


def renamed(item, document_id: str):
    """The sample's extraction as if it were another document (every row moved to document_id)."""
    other = copy.deepcopy(item)
    for records in other.rows.values():
        for r in records:
            if "document_id" in r:
                r["document_id"] = document_id
    other.document["document_id"] = document_id
    other.document["source_file"] = f"{document_id}.txt"
    return other


def entries(items) -> list[Entry]:
    out = []
    for item in items:
        entry = summarise(item)
        entry.extracted = item
        out.append(entry)
    return out


def corpus(sample, n: int, broken=None) -> list[Entry]:
    items = [renamed(sample, f"doc-{i:03d}") for i in range(n)]
    if broken:
        broken(items)
    return entries(items)


def side_not_in_the_enum(items):
    # the 3rd fact of the 100th document (or of the last, in a small corpus): 表一 208 社会保障和就业支出 34.47
    item = items[min(99, len(items) - 1)]
    assert (item.rows["facts"][2]["code"], item.rows["facts"][2]["amount_as_printed"]) == ("208", "34.47")
    item.rows["facts"][2]["side"] = "outgoing"  # neither income nor expenditure


# --- the row checks give frictionless's verdict -------------------------------------------------------------

def package_rows(package: Path) -> tuple[dict, dict[str, list[dict]]]:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return descriptor, {r["name"]: read_csv(package / r["path"]) for r in descriptor["resources"]}


def write_rows(package: Path, name: str, rows: list[dict]) -> None:
    with open(package / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def first_rows(problems: list[str]) -> list[str]:
    """'facts, row 5' of each problem."""
    return [p.split(":")[0] for p in problems]


def defect(built: Path, tmp_path: Path, change) -> tuple[list[str], list[str]]:
    """(row checks, frictionless) on a copy of the sample package with one defect made by change(rows)."""
    package = tmp_path / "dp"
    shutil.copytree(built / "dp", package)
    descriptor, rows = package_rows(package)
    name = change(rows)
    write_rows(package, name, rows[name])
    return check_rows(descriptor, rows), validate(package)


def test_the_sample_package_is_valid_for_both(built):
    descriptor, rows = package_rows(built / "dp")
    assert check_rows(descriptor, rows) == [] and validate(built / "dp") == []


@pytest.mark.parametrize("case, expected", [
    ("text in an amount", "facts, row 4"),
    ("code with a letter", "facts, row 10"),
    ("side not in the enum", "facts, row 7"),
    ("fact repeated", "facts, row 155"),
    ("document unknown", "facts, row 154"),
    ("year not a year", "documents, row 2"),
    ("boolean misspelt", "facts, row 30"),
])
def test_each_defect_is_found_on_the_same_row_as_frictionless(built, tmp_path, case, expected):
    def change(rows):
        facts = rows["facts"]
        if case == "text in an amount":
            facts[2]["amount_yuan"] = "五百万"
        elif case == "code with a letter":
            assert facts[8]["code"]
            facts[8]["code"] = facts[8]["code"] + "A"
        elif case == "side not in the enum":
            facts[5]["side"] = "sideways"
        elif case == "fact repeated":
            facts.append(dict(facts[40]))
        elif case == "document unknown":
            facts[-1]["document_id"] = "no-such-document"  # the last: rows stay grouped by document
        elif case == "year not a year":
            rows["documents"][0]["fiscal_year"] = "二〇二一"
            return "documents"
        elif case == "boolean misspelt":
            facts[28]["is_total"] = "yes"
        return "facts"

    ours, theirs = defect(built, tmp_path, change)
    assert first_rows(ours) == [expected], ours
    assert expected in first_rows(theirs), theirs


def test_row_checks_a_batch_at_a_time(built):
    """RowCheck given one document's rows at a time (as a corpus build does) finds a key repeated across
    batches, a foreign key that only a later batch satisfies is no problem, and one never satisfied is."""
    descriptor, rows = package_rows(built / "dp")
    facts = rows["facts"]
    a = [dict(f) for f in facts]
    b = [dict(f, document_id="b") for f in facts]
    doc_a = rows["documents"][0]
    doc_b = dict(doc_a, document_id="b")

    def run(*batches):
        check = RowCheck(descriptor["resources"])
        for batch in batches:
            check.add(batch)
        return check.finish()

    # facts of b before the documents row of b: found in finish(), not before
    assert run({"documents": [doc_a], "facts": a}, {"facts": b}, {"documents": [doc_b]}) == []
    assert run({"documents": [doc_a], "facts": a}, {"facts": b}) == [f"facts, row {2 + 153}: foreign key ('b',) not in documents"]
    # a fact of a repeated after b's: its group (document a) was done
    assert run({"documents": [doc_a, doc_b], "facts": a}, {"facts": b}, {"facts": [a[7]]}) == [
        f"facts, row {2 + 306}: primary key {tuple(a[7][k] for k in ('document_id', 'table_no', 'row_no', 'column_no'))} repeated"]
    # within a batch
    assert run({"documents": [doc_a], "facts": a + [a[0]]}) == [
        f"facts, row {2 + 153}: primary key {tuple(a[0][k] for k in ('document_id', 'table_no', 'row_no', 'column_no'))} repeated"]
    # the first bad value of a column is reported, in whichever batch
    bad = [dict(f) for f in b]
    bad[3]["amount_yuan"] = "1e5"
    assert run({"documents": [doc_a, doc_b], "facts": a}, {"facts": bad}) == [
        f"facts, row {2 + 153 + 3}: value '1e5' of field amount_yuan does not fit the schema"]


def test_several_defects_are_reported_in_frictionless_order(built, tmp_path):
    """A bad year in documents, text in an amount and a repeated fact: one line each, resource by resource,
    row by row, as frictionless gives them; a second repeat (in a later batch) does not replace the first."""
    def change(rows):
        rows["documents"][0]["fiscal_year"] = "二〇二一"
        rows["facts"][2]["amount_yuan"] = "五百万"
        rows["facts"].append(dict(rows["facts"][0]))
        return "facts"

    package = tmp_path / "dp"
    shutil.copytree(built / "dp", package)
    descriptor, rows = package_rows(package)
    change(rows)
    write_rows(package, "facts", rows["facts"])
    write_rows(package, "documents", rows["documents"])
    ours = check_rows(descriptor, rows)
    assert first_rows(ours) == ["documents, row 2", "facts, row 4", "facts, row 155"], ours
    assert [p for p in first_rows(validate(package)) if p.startswith(("documents", "facts"))][:3] == first_rows(ours)
    check = RowCheck(descriptor["resources"])
    check.add(rows)
    check.add({"facts": [dict(rows["facts"][1])]})
    assert first_rows(check.finish()) == ["documents, row 2", "facts, row 4", "facts, row 155"]


# --- the two paths: the package is validated before anything is published ------------------------------

@pytest.mark.parametrize("documents", [3, 132])  # 459 facts, 20,196 facts
def test_an_invalid_document_is_not_published_the_others_are(sample, tmp_path, documents):
    """A document whose rows break the schema fails alone, named with the stage and its first bad row, before
    any of its rows is written; the others are published, valid."""
    assert len(sample.rows["facts"]) == 153
    package, database = tmp_path / "dp", tmp_path / "yusuan.db"
    failures: list = []
    counts = publish_entries(corpus(sample, documents, side_not_in_the_enum), package, database, failures=failures)
    bad = f"doc-{min(99, documents - 1):03d}"
    assert [str(f) for f in failures] == [f"{bad}.txt: validation: its rows would make the package not valid: facts, row 4: "
                                          f"value 'outgoing' of field side is not one of ['expenditure', 'income']"]
    assert counts == {"documents": documents - 1, "facts": (documents - 1) * 153, "findings": counts["findings"]}
    ids = {r["document_id"] for r in read_csv(package / "documents.csv")}
    assert len(ids) == documents - 1 and bad not in ids
    assert bad not in {r["document_id"] for r in read_csv(package / "facts.csv")}
    if documents == 3:
        assert validate(package) == []
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["dp"]  # no staged package left
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []


@pytest.mark.parametrize("documents", [3, 132])
def test_a_document_repeating_another_documents_keys_fails_alone(sample, tmp_path, documents):
    """Two documents with one id: each is valid alone, together their keys repeat. Loading finds it (the
    database's keys); the second is named, not published, none of its rows written."""
    package, database = tmp_path / "dp", tmp_path / "yusuan.db"
    items = [renamed(sample, f"doc-{i:03d}") for i in range(documents)]
    twin = renamed(sample, "doc-000")
    twin.document["source_file"] = "twin.txt"
    failures: list = []
    counts = publish_entries(entries([items[0], twin, *items[1:]]), package, database, failures=failures)
    assert [str(f) for f in failures] == ["twin.txt: load: its rows repeat the keys of a document published before "
                                          "(UNIQUE constraint failed: documents.document_id)"]
    assert counts["documents"] == documents
    assert [r["source_file"] for r in read_csv(package / "documents.csv")].count("twin.txt") == 0
    assert len(read_csv(package / "facts.csv")) == documents * 153
    if documents == 3:
        assert validate(package) == []
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["dp"]


def test_a_large_valid_corpus_is_published(sample, tmp_path):
    package, database = tmp_path / "dp", tmp_path / "yusuan.db"
    counts = publish_entries(corpus(sample, 132), package, database)
    assert counts["documents"] == 132 and counts["facts"] == 132 * 153
    facts = read_csv(package / "facts.csv")
    assert len(facts) == 20196 and facts[-1]["document_id"] == "doc-131"
    assert validate(package) == []


# --- yusuan validate on a damaged package -------------------------------------------------------------------

@pytest.mark.parametrize("damage, problem", [
    ("name", "datapackage.json: The data package has an error: descriptor is not valid (The data package has an error: "
             "'Not A Valid Name!' does not match '^([-a-z0-9._/])+$' at property 'name')"),
    ("key", "datapackage.json: The data package has an error: descriptor is not valid (Schema is not valid: primary key "
            "\"['no_such_field']\""),
    ("json", "datapackage.json: The data package has an error: cannot retrieve metadata"),
    ("file", "rules: The data source could not be successfully loaded: [Errno 2] No such file or directory"),
])
def test_validate_command_on_a_damaged_package(built, tmp_path, damage, problem):
    import subprocess
    import sys

    package = tmp_path / "dp"
    shutil.copytree(built / "dp", package)
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    if damage == "name":
        descriptor["name"] = "Not A Valid Name!"
    elif damage == "key":
        descriptor["resources"][1]["schema"]["primaryKey"] = ["no_such_field"]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    if damage == "json":
        path.write_text("{not json", encoding="utf-8")
    if damage == "file":
        (package / "rules.csv").unlink()
    [found] = validate(package)
    assert found.startswith(problem), found
    out = subprocess.run([str(Path(sys.executable).with_name("yusuan")), "validate", "--package", str(package)],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)  # no database of another build here
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stdout.strip().splitlines() == [found]
    assert out.stderr.strip().splitlines() == [f"yusuan: {package}: not valid (1 problem(s))"]


def test_builds_keep_the_verdict_on_their_descriptor_in_their_cache(sample, tmp_path):
    """The descriptor is validated by frictionless once: a later build of other documents with the same
    resources finds the verdict in the build cache (validate.descriptor_problems) and publishes a valid package."""
    cache = tmp_path / "cache"
    publish_entries(corpus(sample, 2), tmp_path / "a" / "dp", tmp_path / "a" / "yusuan.db", cache=cache)
    verdicts = sorted(cache.glob("*.descriptor.json"))
    assert len(verdicts) == 1 and json.loads(verdicts[0].read_text(encoding="utf-8")) == []
    counts = publish_entries(corpus(sample, 3), tmp_path / "b" / "dp", tmp_path / "b" / "yusuan.db", cache=cache)
    assert counts["documents"] == 3 and sorted(cache.glob("*.descriptor.json")) == verdicts
    assert len(json.loads((tmp_path / "b" / "dp" / "datapackage.json").read_text(encoding="utf-8"))["sources"]) == 3
    assert validate(tmp_path / "b" / "dp") == []
