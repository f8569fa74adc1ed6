"""A bureau publishes under its own name (issue 21): from an empty folder holding its yusuan.toml and two real
PDFs, `yusuan build`, `split`, `publish` and the site carry the bureau's dataset name, organisation, contact and
each file's size and hash; no portal file names anything by a hash or says None. Every value asserted is one
typed in the TOML below, one typed from the PDFs' printed pages, or computed here from the published files."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
REAL = Path(__file__).resolve().parent / "fixtures" / "real"
PDFS = ("sh_putuo_zfban_dept_2025.pdf", "sh_putuo_wanlijd_dept_2024.pdf")
TOML = """\
# the bureau's own project file
[dataset]
name = "some-city-budgets"
title_zh = "某市部门预算公开数据"
title_en = "Some City Department Budgets"
description_zh = "某市财政局发布的部门预算公开文件数据。"
description_en = "Department budget disclosures published by Some City Finance Bureau."
homepage = "https://czj.example.gov.cn/yusuan"
licence = "CC-BY-4.0"
spatial_zh = "某省某市"
spatial_en = "Some City, Some Province"

[publisher]
name_zh = "某市财政局"
name_en = "Some City Finance Bureau"
email = "opendata@czj.example.gov.cn"
url = "https://czj.example.gov.cn"

[ckan]
owner_org = "some-city-finance"

[sources]
paths = ["pdfs/"]

[[bodies]]
name = "上海市普陀区人民政府办公室"
id = "putuo-gov-office"
english = "General Office of Putuo District Government"
level = "部门"
"""
HEXLIKE = re.compile(r"(?<![0-9a-z])[0-9a-f]{8,}(?![0-9a-z])")


def yusuan(*args, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([YUSUAN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, (args, done.stderr)
    return done


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    return line


@pytest.fixture(scope="module")
def bureau(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bureau")
    (root / "pdfs").mkdir()
    for name in PDFS:
        shutil.copy(REAL / name, root / "pdfs" / name)
    (root / "yusuan.toml").write_text(TOML, encoding="utf-8")
    yusuan("build", "--no-progress", cwd=root)
    yusuan("split", "--by", "body", cwd=root)
    yusuan("split", "--by", "year", cwd=root)
    yusuan("publish", "--base-url", "https://data.czj.example.gov.cn/budgets", cwd=root)
    return root


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_package_is_the_bureaus(bureau):
    descriptor = json.loads((bureau / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "some-city-budgets"
    assert (descriptor["title_zh"], descriptor["title_en"]) == ("某市部门预算公开数据", "Some City Department Budgets")
    assert descriptor["homepage"] == "https://czj.example.gov.cn/yusuan"
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0" and descriptor["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert descriptor["contributors"] == [{"title": "某市财政局 / Some City Finance Bureau", "role": "publisher",
                                           "email": "opendata@czj.example.gov.cn", "path": "https://czj.example.gov.cn"}]
    assert descriptor["spatial"] == {"zh": "某省某市", "en": "Some City, Some Province"}
    # the two PDFs of [sources], the office known by the bureau's [[bodies]]
    documents = {(d["body_id"], d["department_zh"], d["fiscal_year"]) for d in _csv(bureau / "datapackage" / "documents.csv")}
    assert documents == {("putuo-gov-office", "上海市普陀区人民政府办公室", "2025"), ("putuo-wanli", "上海市普陀区人民政府万里街道办事处", "2024")}


def _csv(path: Path) -> list[dict]:
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ckan_payload_names_the_bureau_with_sizes_and_hashes(bureau):
    out = bureau / "build" / "publish"
    payload = json.loads((out / "ckan-package.json").read_text(encoding="utf-8"))
    assert payload["name"] == "some-city-budgets" and payload["owner_org"] == "some-city-finance"
    assert payload["title_translated"] == {"zh": "某市部门预算公开数据", "en": "Some City Department Budgets"}
    assert payload["maintainer"] == "某市财政局 / Some City Finance Bureau"
    assert payload["maintainer_email"] == "opendata@czj.example.gov.cn"
    assert payload["license_id"] == "cc-by" and payload["url"] == "https://czj.example.gov.cn/yusuan"
    extras = {e["key"]: e["value"] for e in payload["extras"]}
    assert (extras["spatial_text_zh"], extras["spatial_text_en"]) == ("某省某市", "Some City, Some Province")
    base = "https://data.czj.example.gov.cn/budgets/"
    for resource in payload["resources"]:
        local = out / unquote(resource["url"].removeprefix(base))
        assert resource["url"].startswith(base) and local.is_file(), resource["url"]
        assert resource["size"] == local.stat().st_size and resource["hash"] == sha256(local), resource["url"]
        assert resource["hash_algorithm"] == "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", resource["last_modified"]) and resource["format"]
    names = {r["name"] for r in payload["resources"]}
    # the splits, by the bodies' printed names and by year
    assert {"上海市普陀区人民政府办公室（zip）", "上海市普陀区人民政府万里街道办事处（zip）", "2024年（zip）", "2025年（zip）"} <= names
    urls = {unquote(r["url"]) for r in payload["resources"]}
    assert {base + "downloads/by-body/上海市普陀区人民政府办公室.zip", base + "downloads/by-year/2025.zip",
            base + "yusuan-datapackage.zip", base + "data/facts.csv"} <= urls


def test_dcat_record_names_the_bureau_with_contact_sizes_and_checksums(bureau):
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF

    dcat, vcard, spdx = (Namespace("http://www.w3.org/ns/dcat#"), Namespace("http://www.w3.org/2006/vcard/ns#"),
                         Namespace("http://spdx.org/rdf/terms#"))
    out = bureau / "build" / "publish"
    graph = Graph().parse(out / "dcat.jsonld", format="json-ld")
    dataset = URIRef("https://data.czj.example.gov.cn/budgets/#dataset")
    assert (dataset, RDF.type, dcat.Dataset) in graph
    assert (dataset, DCTERMS.identifier, Literal("some-city-budgets")) in graph
    assert (dataset, DCTERMS.title, Literal("Some City Department Budgets", lang="en")) in graph
    contact = graph.value(dataset, dcat.contactPoint)
    assert (contact, vcard.fn, Literal("某市财政局", lang="zh")) in graph
    assert (contact, vcard.hasEmail, URIRef("mailto:opendata@czj.example.gov.cn")) in graph
    assert graph.value(dataset, DCTERMS.issued) is not None and graph.value(dataset, DCTERMS.modified) is not None
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert (publisher, URIRef("http://xmlns.com/foaf/0.1/name"), Literal("Some City Finance Bureau", lang="en")) in graph
    base = "https://data.czj.example.gov.cn/budgets/"
    distributions = list(graph.objects(dataset, dcat.distribution))
    assert len(distributions) == len(json.loads((out / "ckan-package.json").read_text(encoding="utf-8"))["resources"])
    for d in distributions:
        local = out / unquote(str(graph.value(d, dcat.downloadURL)).removeprefix(base))
        assert int(graph.value(d, dcat.byteSize)) == local.stat().st_size
        checksum = graph.value(d, spdx.checksum)
        assert str(graph.value(checksum, spdx.checksumValue)) == sha256(local)
        assert graph.value(checksum, spdx.algorithm) == spdx.checksumAlgorithm_sha256
        assert graph.value(d, dcat.mediaType) is not None and graph.value(d, DCTERMS.modified) is not None


def test_no_portal_file_names_a_hash_or_says_none(bureau):
    out = bureau / "build" / "publish"
    payload = json.loads((out / "ckan-package.json").read_text(encoding="utf-8"))
    record = json.loads((out / "dcat.jsonld").read_text(encoding="utf-8"))
    shown = [payload["name"], payload["title"], payload["maintainer"]]
    shown += [text for r in payload["resources"] for text in (r["name"], *r["name_translated"].values(), unquote(r["url"]))]
    shown += [t["@value"] for d in record["dcat:distribution"] for t in d["dct:title"]] + [unquote(d["dcat:downloadURL"]) for d in record["dcat:distribution"]]
    assert [s for s in shown if HEXLIKE.search(s)] == []
    for path in (out / "ckan-package.json", out / "dcat.jsonld", out / "data" / "datapackage.json", out / "datasette" / "metadata.json"):
        text = path.read_text(encoding="utf-8")
        assert "None" not in text and "null" not in text, path.name
    for name in [p.name for p in (bureau / "build" / "downloads").rglob("*")]:
        assert not HEXLIKE.search(name), name


def test_split_zips_hold_their_bodys_documents(bureau):
    office = bureau / "build" / "downloads" / "by-body" / "上海市普陀区人民政府办公室.zip"
    with zipfile.ZipFile(office) as archive:
        part = json.loads(archive.read("datapackage.json"))
        documents = archive.read("documents.csv").decode("utf-8")
    assert part["title_zh"] == "某市部门预算公开数据（上海市普陀区人民政府办公室）"
    assert part["name"].startswith("some-city-budgets-")
    assert "putuo-gov-office-2025-budget" in documents and "putuo-wanli" not in documents


def test_the_site_is_the_bureaus(bureau):
    from yusuan.serve import datasette

    site = datasette(bureau / "build" / "yusuan.db", bureau / "datapackage")
    page = asyncio.run(site.client.get("/"))
    assert page.status_code == 200
    assert "某市部门预算公开数据" in page.text and "Some City Department Budgets" in page.text
    meta = asyncio.run(site.client.get("/-/metadata.json")).json()
    assert meta["license"] == "CC-BY-4.0" and meta["source_url"] == "https://czj.example.gov.cn"
    assert meta["source"].startswith("某市财政局：")


def test_build_and_check_without_arguments(tmp_path):
    """No sources and no project file: one line says what to do; an empty [sources] says so; the sample only
    with --sample."""
    line = one_line(yusuan("build", cwd=tmp_path, check=False))
    assert "yusuan init" in line and "--sample" in line and "yusuan.toml" in line
    assert one_line(yusuan("check", cwd=tmp_path, check=False)) == line
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written
    assert yusuan("init", cwd=tmp_path).stdout.strip() == "yusuan.toml"
    assert one_line(yusuan("build", cwd=tmp_path, check=False)).startswith("yusuan: yusuan.toml: [sources] paths is empty")
    assert one_line(yusuan("build", "--sample", str(REAL / PDFS[0]), cwd=tmp_path, check=False)) == "yusuan: give sources or --sample, not both"
    done = yusuan("build", "--sample", "--no-progress", cwd=tmp_path)
    assert done.stdout.startswith("built 1 document(s)")
    [doc] = _csv(tmp_path / "datapackage" / "documents.csv")
    assert doc["department_zh"] == "昌吉回族自治州国有资产监督管理委员会"  # the sample, typed from its text


def test_init_never_overwrites_and_reads_back(tmp_path):
    (tmp_path / "pdfs").mkdir()
    shutil.copy(REAL / PDFS[0], tmp_path / "pdfs" / PDFS[0])
    yusuan("--project", str(tmp_path), "init", cwd=tmp_path.parent)
    text = (tmp_path / "yusuan.toml").read_text(encoding="utf-8")
    assert 'paths = ["pdfs/"]' in text
    (tmp_path / "yusuan.toml").write_text(text + "\n# mine\n", encoding="utf-8")
    line = one_line(yusuan("init", cwd=tmp_path, check=False))
    assert line == "yusuan: yusuan.toml: already exists (yusuan init --force writes a new one over it)"
    assert (tmp_path / "yusuan.toml").read_text(encoding="utf-8").endswith("# mine\n")
    yusuan("init", "--force", cwd=tmp_path)
    assert "# mine" not in (tmp_path / "yusuan.toml").read_text(encoding="utf-8")
    assert yusuan("check", cwd=tmp_path).returncode == 0  # the [sources] init found


@pytest.mark.parametrize("edit, expected", [
    (('name = "some-city-budgets"', 'naem = "x"'), "yusuan: yusuan.toml: line 3: [dataset] naem: unknown key (known: name, "),
    (('owner_org = "some-city-finance"', "owner_org = 3"), "yusuan: yusuan.toml: line 20: [ckan] owner_org: a text in quotes, not a number"),
    (('paths = ["pdfs/"]', 'paths = "pdfs/"'), "yusuan: yusuan.toml: line 23: [sources] paths: a list of folders, files or globs"),
    (("[ckan]", "[ckans]"), "yusuan: yusuan.toml: line 19: unknown section [ckans]"),
    (('title_en = "Some City Department Budgets"', 'title_en = "Some City'), "yusuan: yusuan.toml: line 5: not valid TOML: "),
    (('email = "opendata@czj.example.gov.cn"', 'email = "13912345678"'), "yusuan: yusuan.toml: line 16: [publisher] email: '13912345678' is not an e-mail address"),
    (('licence = "CC-BY-4.0"', 'licence = "GPL-3.0"'), "yusuan: yusuan.toml: line 9: [dataset] licence: 'GPL-3.0' is none of"),
    (('level = "部门"', 'level = "科室"'), "yusuan: yusuan.toml: line 25: [[bodies]] entry 1: level '科室' is not one of 部门, 单位, 本级"),
])
def test_a_bad_project_file_is_one_line(tmp_path, edit, expected):
    (tmp_path / "pdfs").mkdir()
    shutil.copy(REAL / PDFS[0], tmp_path / "pdfs" / PDFS[0])
    assert TOML.count(edit[0]) == 1
    (tmp_path / "yusuan.toml").write_text(TOML.replace(*edit), encoding="utf-8")
    line = one_line(yusuan("build", "--no-progress", cwd=tmp_path, check=False))
    assert line.startswith(expected), line
    assert not (tmp_path / "datapackage").exists()


def test_an_edited_project_file_is_a_new_build(tmp_path):
    """The package carries the project file's words: editing them rebuilds (nothing else changed)."""
    (tmp_path / "yusuan.toml").write_text('[dataset]\ntitle_en = "First Title"\n', encoding="utf-8")
    assert yusuan("build", "--sample", "--no-progress", cwd=tmp_path).stdout.startswith("built 1 document(s)")
    assert yusuan("build", "--sample", "--no-progress", cwd=tmp_path).stdout.startswith("unchanged: 1 document(s)")
    (tmp_path / "yusuan.toml").write_text('[dataset]\ntitle_en = "Second Title"\n', encoding="utf-8")
    assert yusuan("build", "--sample", "--no-progress", cwd=tmp_path).stdout.startswith("built 1 document(s)")
    descriptor = json.loads((tmp_path / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["title_en"] == "Second Title" and descriptor["title_zh"] == "中国政府部门预算公开数据"  # the rest: metadata/package.yaml


def test_a_split_of_another_build_is_not_published(tmp_path):
    """Split zips are listed with the package they were split from, never with a later build's."""
    yusuan("build", "--sample", "--no-progress", cwd=tmp_path)
    assert yusuan("split", "--by", "year", cwd=tmp_path).stdout.split() == [str(Path("build/downloads/by-year/2021.zip"))]
    yusuan("build", str(REAL / PDFS[0]), "--no-progress", cwd=tmp_path)
    line = one_line(yusuan("publish", cwd=tmp_path, check=False))
    assert line == "yusuan: build/downloads/by-year/2021.zip: split from another build of the package (run yusuan split again)"
    assert not (tmp_path / "build" / "publish" / "ckan-package.json").exists()  # nothing half-written
    yusuan("split", "--by", "year", cwd=tmp_path)
    assert yusuan("publish", cwd=tmp_path).returncode == 0
    payload = json.loads((tmp_path / "build" / "publish" / "ckan-package.json").read_text(encoding="utf-8"))
    assert [r["url"] for r in payload["resources"] if r["url"].startswith("downloads/")] == ["downloads/by-year/2025.zip"]


def test_bodies_listed_twice_are_refused(tmp_path):
    """The bureau's bodies are in yusuan.toml or in bodies.yaml (the older way, still read), not both."""
    (tmp_path / "yusuan.toml").write_text(TOML, encoding="utf-8")
    (tmp_path / "bodies.yaml").write_text("- {name: 某市教育局, id: some-education}\n", encoding="utf-8")
    line = one_line(yusuan("build", str(REAL / PDFS[0]), cwd=tmp_path, check=False))
    assert line == "yusuan: yusuan.toml: [[bodies]]: bodies are listed here and in bodies.yaml: keep one list"
    (tmp_path / "yusuan.toml").write_text(TOML.split("[[bodies]]")[0], encoding="utf-8")
    (tmp_path / "bodies.yaml").write_text("- {name: 上海市普陀区人民政府办公室, id: office-from-yaml}\n", encoding="utf-8")
    yusuan("build", str(REAL / PDFS[0]), "--no-progress", cwd=tmp_path)
    assert [d["body_id"] for d in _csv(tmp_path / "datapackage" / "documents.csv")] == ["office-from-yaml"]
