"""`yusuan publish` as a command, and its push to a CKAN portal: created the first time, updated (same id,
new contents) the next. The portal is a small CKAN action API served in the test that keeps its datasets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
BASE = "https://data.example.org/yusuan"


class Portal(BaseHTTPRequestHandler):
    """package_show / package_create / package_update over a dict of datasets; every request recorded."""

    datasets: dict = {}
    requests: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        action = self.path.rstrip("/").rsplit("/", 1)[-1]
        key = self.headers.get("Authorization") or self.headers.get("X-CKAN-API-Key")
        Portal.requests.append((self.path, action, key, body))
        if key != "secret-key":
            status, reply = 403, {"success": False, "error": {"__type": "Authorization Error", "message": "denied"}}
        elif action == "package_show":
            found = next((d for d in Portal.datasets.values() if body.get("id") in (d["id"], d["name"])), None)
            status, reply = (200, {"success": True, "result": found}) if found else (
                404, {"success": False, "error": {"__type": "Not Found Error", "message": "Not found"}})
        elif action == "package_create":
            dataset = dict(body, id=f"ds-{len(Portal.datasets) + 1}")
            Portal.datasets[dataset["id"]] = dataset
            status, reply = 200, {"success": True, "result": dataset}
        elif action == "package_update" and body.get("id") in Portal.datasets:
            Portal.datasets[body["id"]] = dict(body)
            status, reply = 200, {"success": True, "result": body}
        else:
            status, reply = 409, {"success": False, "error": {"__type": "Validation Error", "message": "bad"}}
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def portal():
    Portal.datasets, Portal.requests = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def publish(built: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, "publish", "--package", str(built / "dp"), "--db", str(built / "yusuan.db"),
                           "--out", str(out), *extra], capture_output=True, text=True, timeout=300, env=env)


def test_publish_command_writes_the_portal_files(built, tmp_path):
    out = publish(built, tmp_path / "pub", "--base-url", BASE)
    assert out.returncode == 0, out.stderr
    names = ["yusuan-datapackage.zip", "data", "ckan-package.json", "dcat.jsonld", "datasette"]
    assert out.stdout.splitlines() == [str(tmp_path / "pub" / n) for n in names]
    payload = json.loads((tmp_path / "pub" / "ckan-package.json").read_text(encoding="utf-8"))
    assert payload["title_translated"] == {"zh": "中国政府部门预算公开数据", "en": "Chinese Government Department Budget Disclosures"}
    assert f"{BASE}/data/facts.csv" in {r["url"] for r in payload["resources"]}
    assert ",5258100,525.81," in (tmp_path / "pub" / "data" / "facts.csv").read_text(encoding="utf-8")


def test_push_creates_then_updates_the_same_dataset(built, tmp_path, portal):
    first = publish(built, tmp_path / "pub", "--base-url", BASE, "--ckan-url", portal, "--api-key", "secret-key")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == f"pushed to {portal}"
    assert [a for _, a, _, _ in Portal.requests] == ["package_show", "package_create"]
    [created] = Portal.datasets.values()
    assert created["id"] == "ds-1" and created["name"] == "yusuan-budget-disclosures"
    # the next publication, from another base URL, with the key from the environment
    env = dict(os.environ, CKAN_API_KEY="secret-key")
    second = publish(built, tmp_path / "pub2", "--base-url", "https://mirror.example.org/y", "--ckan-url", portal, env=env)
    assert second.returncode == 0, second.stderr
    assert [a for _, a, _, _ in Portal.requests] == ["package_show", "package_create", "package_show", "package_update"]
    path, _, key, update = Portal.requests[-1]
    assert path.endswith("/action/package_update") and key == "secret-key"
    assert update["id"] == "ds-1" and update["name"] == "yusuan-budget-disclosures"
    assert update["title_translated"]["en"] == "Chinese Government Department Budget Disclosures"
    assert "https://mirror.example.org/y/data/facts.csv" in {r["url"] for r in update["resources"]}
    assert list(Portal.datasets) == ["ds-1"]  # one dataset, updated in place
    assert Portal.datasets["ds-1"]["resources"] == update["resources"]


def test_a_refused_key_is_one_line(built, tmp_path, portal):
    out = publish(built, tmp_path / "pub", "--ckan-url", portal, "--api-key", "wrong")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("yusuan: ")
    assert Portal.datasets == {}


def test_url_without_key_and_missing_build(built, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CKAN_API_KEY"}
    out = publish(built, tmp_path / "pub", "--ckan-url", "http://127.0.0.1:9", env=env)
    assert out.returncode == 1 and out.stderr.strip().splitlines() == [
        "yusuan: publish: CKAN: a portal needs absolute download URLs: give --base-url too"]
    out = publish(built, tmp_path / "pub", "--ckan-url", "http://127.0.0.1:9", "--base-url", "https://data.example.org/yusuan/", env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == ["yusuan: publish: CKAN: give both the portal URL and the API key, or neither"]
    missing = subprocess.run([YUSUAN, "publish", "--package", str(tmp_path / "none"), "--db", str(tmp_path / "none.db"),
                              "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [f"yusuan: {tmp_path / 'none'} or {tmp_path / 'none.db'}: missing (run yusuan build first)"]
    assert not (tmp_path / "out").exists()
