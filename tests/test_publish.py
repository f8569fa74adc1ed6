"""yusuan publish (issue 6): the data package zip, a CKAN payload and a DCAT-AP record in both languages, a
Datasette bundle that serves, and a push to a CKAN action API (a small local HTTP server standing in for the portal)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from yusuan.publish import publish

DCAT = Namespace("http://www.w3.org/ns/dcat#")
BASE = "https://data.example.org/yusuan"


@pytest.fixture(scope="module")
def published(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("publish")
    return out, publish(built / "dp", built / "yusuan.db", out, base_url=BASE)


def test_files_written(published):
    out, paths = published
    assert [p.name for p in paths] == ["yusuan-datapackage.zip", "data", "ckan-package.json", "dcat.jsonld", "datasette"]
    assert all(p.exists() for p in paths)
    archive = zipfile.ZipFile(out / "yusuan-datapackage.zip")
    assert {"datapackage.json", "facts.csv", "LICENSE.txt"} <= set(archive.namelist())
    assert (out / "data" / "facts.csv").is_file()


def test_ckan_payload_keeps_both_languages(published):
    out, _ = published
    payload = json.loads((out / "ckan-package.json").read_text(encoding="utf-8"))
    assert payload["title_translated"] == {"zh": "中国政府部门预算公开数据", "en": "Chinese Government Department Budget Disclosures"}
    assert set(payload["notes_translated"]) == {"zh", "en"} and payload["notes_translated"]["en"].startswith("Every table")
    assert payload["license_id"] == "cc-zero" and payload["name"] == "yusuan-budget-disclosures"
    formats = {r["url"]: r["format"] for r in payload["resources"]}
    assert formats[f"{BASE}/yusuan-datapackage.zip"] == "ZIP" and formats[f"{BASE}/data/facts.csv"] == "CSV"
    facts = next(r for r in payload["resources"] if r["url"].endswith("/facts.csv"))
    assert facts["name_translated"]["zh"] == "金额事实" and facts["mimetype"] == "text/csv"
    extras = {e["key"]: e["value"] for e in payload["extras"]}
    assert (extras["temporal_start"], extras["temporal_end"], extras["spatial_codes"]) == ("2021-01-01", "2021-12-31", "652300")


def test_dcat_record_parses_as_rdf_with_the_expected_triples(published):
    out, _ = published
    graph = Graph().parse(out / "dcat.jsonld", format="json-ld")
    dataset = URIRef(f"{BASE}/#dataset")
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert (dataset, DCTERMS.title, Literal("中国政府部门预算公开数据", lang="zh")) in graph
    assert (dataset, DCTERMS.title, Literal("Chinese Government Department Budget Disclosures", lang="en")) in graph
    descriptions = {o.language for o in graph.objects(dataset, DCTERMS.description)}
    assert descriptions == {"zh", "en"}
    assert (dataset, DCTERMS.license, URIRef("https://creativecommons.org/publicdomain/zero/1.0/")) in graph
    distributions = list(graph.objects(dataset, DCAT.distribution))
    assert len(distributions) >= 3
    downloads = {str(graph.value(d, DCAT.downloadURL)): str(graph.value(d, DCAT.mediaType)) for d in distributions}
    assert downloads[f"{BASE}/yusuan-datapackage.zip"] == "http://www.iana.org/assignments/media-types/application/zip"
    assert downloads[f"{BASE}/data/facts.csv"] == "http://www.iana.org/assignments/media-types/text/csv"
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert publisher is not None
    temporal = graph.value(dataset, DCTERMS.temporal)
    assert str(graph.value(temporal, DCAT.startDate)) == "2021-01-01" and str(graph.value(temporal, DCAT.endDate)) == "2021-12-31"
    names = {(str(o), o.language) for s in graph.objects(dataset, DCTERMS.spatial)
             for o in graph.objects(s, URIRef("http://www.w3.org/ns/locn#geographicName"))}
    assert ("新疆维吾尔自治区昌吉回族自治州", "zh") in names


def test_bundle_is_pinned_and_serves(published):
    out, _ = published
    bundle = out / "datasette"
    requirements = (bundle / "requirements.txt").read_text().split()
    assert "datasette==0.65.5" in requirements and any(r.startswith("openpyxl==") for r in requirements)
    assert {"yusuan.db", "metadata.json", "start.sh", "site", "yusuan-datapackage.zip"} <= {p.name for p in bundle.iterdir()}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PORT=str(port), HOST="127.0.0.1", PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    server = subprocess.Popen([str(bundle / "start.sh")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        page = urllib.request.urlopen(url + "/doc/changji-sasac-2021-budget", timeout=10).read().decode("utf-8")
        assert ">525.81</data>" in page and ">420.81</data>" in page
        archive = urllib.request.urlopen(url + "/-/download/yusuan-datapackage.zip", timeout=10).read()
        assert archive == (bundle / "yusuan-datapackage.zip").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)


class FakePortal(BaseHTTPRequestHandler):
    """A CKAN action API that knows no datasets and records what it is asked to create."""
    created: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        action = self.path.rsplit("/", 1)[-1]
        if action == "package_show":
            status, reply = 404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}}
        else:
            FakePortal.created.append((action, self.headers.get("Authorization") or self.headers.get("X-CKAN-API-Key"), body))
            status, reply = 200, {"success": True, "result": dict(body, id="new-id")}
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_push_to_ckan(built, tmp_path):
    server = HTTPServer(("127.0.0.1", 0), FakePortal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        publish(built / "dp", built / "yusuan.db", tmp_path, base_url=BASE, ckan_url=f"http://127.0.0.1:{server.server_port}", api_key="secret-key")
    finally:
        server.shutdown()
    assert len(FakePortal.created) == 1
    action, key, body = FakePortal.created[0]
    assert action == "package_create" and key == "secret-key"
    assert body["title_translated"]["en"] == "Chinese Government Department Budget Disclosures"


YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def test_without_base_url_the_download_urls_are_relative(built, tmp_path):
    """Never a file:/// path of the machine that published: the URLs are relative to the published folder."""
    publish(built / "dp", built / "yusuan.db", tmp_path)
    ckan = json.loads((tmp_path / "ckan-package.json").read_text(encoding="utf-8"))
    urls = [r["url"] for r in ckan["resources"]]
    assert urls[:2] == ["yusuan-datapackage.zip", "data/datapackage.json"]
    assert all((tmp_path / url).is_file() for url in urls)
    dcat = (tmp_path / "dcat.jsonld").read_text(encoding="utf-8")
    assert "file:" not in dcat and str(tmp_path) not in dcat
    assert json.loads(dcat)["dcat:distribution"][0]["dcat:downloadURL"] == "yusuan-datapackage.zip"


def test_a_package_and_a_database_of_different_builds_are_refused(built, tmp_path):
    """Two builds of different sources: the package of one with the database of the other is no dataset."""
    from conftest import SAMPLE

    other = tmp_path / "other"
    changed = tmp_path / SAMPLE.name
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace("\t4.41\n", "\t4.42\n", 1), encoding="utf-8")
    assert subprocess.run([YUSUAN, "build", str(changed), "--package", str(other / "dp"), "--db", str(other / "yusuan.db")],
                          capture_output=True).returncode == 0
    done = subprocess.run([YUSUAN, "publish", "--package", str(built / "dp"), "--db", str(other / "yusuan.db"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"yusuan: {built / 'dp'}: the package (build ") and line.endswith("come from different builds; run yusuan build")
    assert not (tmp_path / "out").exists()
    with pytest.raises(Exception, match="different builds"):
        publish(built / "dp", other / "yusuan.db", tmp_path / "out")
    assert subprocess.run([YUSUAN, "validate", "--package", str(built / "dp"), "--db", str(other / "yusuan.db")],
                          capture_output=True).returncode == 1
