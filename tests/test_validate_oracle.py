"""The build's row checks (validate.RowCheck, descriptor_problems) against frictionless itself, the oracle: on the
packages of every fixture both find nothing; on a package made invalid in one way (a value of the wrong type,
a required value missing, a repeated or empty primary key, a broken foreign key, a blank row, a descriptor that
is not valid) both find it, on the same rows. A schema using what the row checks do not check is refused by
them (frictionless then validates)."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import read_csv
from yusuan.validate import RowCheck, Unsupported, check_rows, descriptor_problems, validate


def package_rows(package: Path) -> tuple[dict, dict[str, list[dict]]]:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return descriptor, {r["name"]: read_csv(package / r["path"]) for r in descriptor["resources"]}


def ours(package: Path) -> list[str]:
    """The build's verdict on a written package: the descriptor, then the rows as they were written."""
    descriptor, rows = package_rows(package)
    return descriptor_problems(descriptor) + check_rows(descriptor, rows)


def places(problems: list[str]) -> set[str]:
    """'facts, row 5' of each problem about a row; the whole line of any other."""
    return {p.split(":")[0] if ", row " in p.split(":")[0] else p for p in problems}


@pytest.mark.parametrize("fixture", ["built", "families"])
def test_every_fixture_package_is_valid_for_both(fixture, request):
    package = request.getfixturevalue(fixture) / "dp"
    assert ours(package) == []
    assert validate(package) == []


def write(package: Path, name: str, rows: list[dict], names: list[str]) -> None:
    with open(package / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def field(descriptor: dict, resource: str, name: str) -> dict:
    res = next(r for r in descriptor["resources"] if r["name"] == resource)
    return next(f for f in res["schema"]["fields"] if f["name"] == name)


# (resource, row index changed (0-based), field, value written) and the CSV line both must name (header: 1)
ROW_DEFECTS = {
    "integer with a letter": ("facts", 5, "row_no", "3a", "facts, row 7"),
    "integer in words": ("facts", 0, "table_no", "一", "facts, row 2"),
    "number with text": ("facts", 2, "amount_yuan", "五百万", "facts, row 4"),
    "number with two points": ("facts", 9, "amount_yuan", "1.2.3", "facts, row 11"),
    "year of two digits": ("documents", 0, "fiscal_year", "21", "documents, row 2"),
    "boolean misspelt": ("facts", 28, "is_total", "yes", "facts, row 30"),
    "date that does not exist": ("documents", 0, "published", "2021-02-30", "documents, row 2"),
    "date in another form": ("documents", 0, "published", "2021年2月3日", "documents, row 2"),
    "pattern not matched": ("facts", 8, "code", "20101A", "facts, row 10"),
    "value not in the enum": ("facts", 5, "side", "sideways", "facts, row 7"),
    "line break in a coded value": ("facts", 8, "code", "201\n01", "facts, row 10"),
}


@pytest.mark.parametrize("case", sorted(ROW_DEFECTS))
def test_a_value_of_the_wrong_kind_is_found_by_both_on_its_row(built, tmp_path, case):
    resource, index, name, value, expected = ROW_DEFECTS[case]
    package = tmp_path / "dp"
    shutil.copytree(built / "dp", package)
    descriptor, rows = package_rows(package)
    assert rows[resource][index][name] != value
    rows[resource][index][name] = value
    write(package, resource, rows[resource], [f["name"] for f in field_list(descriptor, resource)])
    assert places(ours(package)) == {expected}
    assert places(validate(package)) == {expected}


def field_list(descriptor: dict, resource: str) -> list[dict]:
    return next(r for r in descriptor["resources"] if r["name"] == resource)["schema"]["fields"]


def damaged(built: Path, tmp_path: Path, change) -> Path:
    """A copy of the sample package, change(descriptor, rows) applied, every resource written back."""
    package = tmp_path / "dp"
    shutil.copytree(built / "dp", package)
    descriptor, rows = package_rows(package)
    change(descriptor, rows)
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    for res in descriptor["resources"]:
        write(package, res["name"], rows[res["name"]], [f["name"] for f in res["schema"]["fields"]])
    return package


def required_missing(descriptor, rows):
    field(descriptor, "facts", "unit_as_printed")["constraints"] = {"required": True}
    assert all(f["unit_as_printed"] for f in rows["facts"])
    rows["facts"][11]["unit_as_printed"] = ""


def primary_key_repeated(descriptor, rows):
    rows["facts"].append(dict(rows["facts"][40]))


def primary_key_repeated_as_typed(descriptor, rows):
    """'07' and '7' are one integer: frictionless compares typed values."""
    rows["facts"].append(dict(rows["facts"][40], column_no="0" + rows["facts"][40]["column_no"]))


def primary_key_empty(descriptor, rows):
    rows["rules"][3]["rule_id"] = ""


def foreign_key_broken(descriptor, rows):
    rows["facts"][-1]["document_id"] = "no-such-document"


def blank_row(descriptor, rows):
    rows["statements"].append({})


ROWS_AND_KEYS = {
    "required value missing": (required_missing, {"facts, row 13"}),
    "primary key repeated": (primary_key_repeated, {"facts, row 155"}),
    "primary key repeated as typed values": (primary_key_repeated_as_typed, {"facts, row 155"}),
    "primary key empty": (primary_key_empty, {"rules, row 5"}),
    "foreign key broken": (foreign_key_broken, {"facts, row 154"}),
    "blank row": (blank_row, None),
}


@pytest.mark.parametrize("case", sorted(ROWS_AND_KEYS))
def test_a_key_or_a_required_value_broken_is_found_by_both(built, tmp_path, case):
    change, expected = ROWS_AND_KEYS[case]
    package = damaged(built, tmp_path, change)
    if expected is None:  # the blank row is the last of its resource
        expected = {f"statements, row {len(read_csv(package / 'statements.csv')) + 1}"}
    assert places(ours(package)) == expected
    assert places(validate(package)) == expected


def bad_name(descriptor):
    descriptor["name"] = "Not A Valid Name!"


def key_of_no_field(descriptor):
    descriptor["resources"][1]["schema"]["primaryKey"] = ["no_such_field"]


def unknown_type(descriptor):
    descriptor["resources"][1]["schema"]["fields"][2]["type"] = "integr"


def foreign_key_to_no_resource(descriptor):
    descriptor["resources"][1]["schema"]["foreignKeys"][0]["reference"]["resource"] = "no_such_resource"


def resource_without_path(descriptor):
    del descriptor["resources"][2]["path"]


@pytest.mark.parametrize("change", [bad_name, key_of_no_field, unknown_type, foreign_key_to_no_resource,
                                    resource_without_path])
def test_a_descriptor_that_is_not_valid_is_found_by_both(built, change):
    descriptor = json.loads((built / "dp" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor_problems(descriptor) == []
    change(descriptor)
    found = descriptor_problems(descriptor)
    assert found, change.__name__
    package = built.parent / f"descriptor-{change.__name__}"
    shutil.rmtree(package, ignore_errors=True)
    shutil.copytree(built / "dp", package)
    (package / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    assert validate(package), change.__name__  # frictionless refuses it too


@pytest.mark.parametrize("change", [
    lambda f: f.setdefault("constraints", {}).update(unique=True),
    lambda f: f.setdefault("constraints", {}).update(maxLength=3),
    lambda f: f.update(type="datetime"),
    lambda f: f.update(format="email"),
])
def test_a_schema_the_row_checks_do_not_cover_is_left_to_frictionless(built, change):
    descriptor, _ = package_rows(built / "dp")
    RowCheck(descriptor["resources"])
    other = copy.deepcopy(descriptor)
    change(field(other, "documents", "department_zh"))
    with pytest.raises(Unsupported):
        RowCheck(other["resources"])


def test_a_cached_verdict_answers_only_for_the_descriptor_it_was_made_of(built, tmp_path):
    """A build keeps frictionless's verdict on its descriptor (sources left out) in its cache: a descriptor
    that differs only in its sources is answered from it, any other change is validated again, and sources
    frictionless would refuse are never answered from it."""
    cache = tmp_path / "cache"
    good = json.loads((built / "dp" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor_problems(good, cache) == []
    kept = sorted(p.name for p in cache.iterdir())
    assert len(kept) == 1 and kept[0].endswith(".descriptor.json")
    other_sources = copy.deepcopy(good) | {"sources": [{"title": "另一份 / another", "path": "b.pdf", "sha256": "0" * 64}]}
    assert descriptor_problems(other_sources, cache) == []
    assert sorted(p.name for p in cache.iterdir()) == kept  # the same verdict: nothing validated again
    for change in (bad_name, key_of_no_field, unknown_type, foreign_key_to_no_resource, resource_without_path):
        broken = copy.deepcopy(good)
        change(broken)
        assert descriptor_problems(broken, cache) == descriptor_problems(broken) != [], change.__name__
        assert descriptor_problems(broken, cache) == descriptor_problems(broken), change.__name__  # from the cache
    assert len(list(cache.iterdir())) == 6
    for sources in ([{"title": "a", "email": "not an e-mail"}], [{"title": "a", "path": 5}], {"title": "a"}):
        odd = copy.deepcopy(good) | {"sources": sources}
        assert descriptor_problems(odd, cache) == descriptor_problems(odd) != [], sources
