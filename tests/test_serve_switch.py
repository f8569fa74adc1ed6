"""A running site follows rebuilds whole (issue 21, item 4): after `yusuan build` commits a new pair, the pages, the
JSON, the response cache and the zip are all of the new build, never a mix; the server closes connections that
send nothing or send a request a byte now and then, and leaves nothing in the temporary folder (issue 22, item
8). In process and through `yusuan serve`."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from yusuan.build import build
from yusuan.paths import bundled_sources
from yusuan.serve import datasette

YUSUAN = str(Path(sys.executable).parent / "yusuan")
SAMPLE = bundled_sources()[0]


def sources(root: Path, name: str) -> Path:
    """A folder holding the sample as the budget of the year in `name` (its document id)."""
    year = name.split("-")[-2]
    folder = root / name
    folder.mkdir()
    (folder / f"{name}.txt").write_text(SAMPLE.read_text(encoding="utf-8").replace("2021", year), encoding="utf-8")
    return folder / f"{name}.txt"


def get(site, path: str):
    return asyncio.run(site.client.get(path))


def zipped_documents(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        rows = archive.read("documents.csv").decode("utf-8").splitlines()[1:]
        descriptor = json.loads(archive.read("datapackage.json"))
    return [descriptor["yusuan_build"]] + sorted(r.split(",")[0] for r in rows)


def test_a_running_site_switches_to_a_rebuild_whole(tmp_path):
    out = tmp_path / "out"
    first, second = sources(tmp_path, "changji-sasac-2021-budget"), sources(tmp_path, "changji-sasac-2022-budget")
    build([str(first)], package_dir=out / "dp", database=out / "yusuan.db", progress=False)
    site = datasette(out / "yusuan.db", package_dir=out / "dp")

    def served() -> list[str]:
        return [d["document_id"] for d in get(site, "/yusuan/documents.json?_shape=array").json()]

    old_build = json.loads((out / "dp" / "datapackage.json").read_text(encoding="utf-8"))["yusuan_build"]
    assert served() == served() == ["changji-sasac-2021-budget"]  # the second from the cache
    assert get(site, "/doc/changji-sasac-2021-budget").status_code == 200
    assert zipped_documents(get(site, "/-/download/yusuan-datapackage.zip").content) == [old_build, "changji-sasac-2021-budget"]
    build([str(second)], package_dir=out / "dp", database=out / "yusuan.db", progress=False)
    new_build = json.loads((out / "dp" / "datapackage.json").read_text(encoding="utf-8"))["yusuan_build"]
    assert new_build != old_build
    time.sleep(1.1)
    assert served() == ["changji-sasac-2022-budget"]
    assert get(site, "/doc/changji-sasac-2022-budget").status_code == 200 and get(site, "/doc/changji-sasac-2021-budget").status_code == 404
    assert zipped_documents(get(site, "/-/download/yusuan-datapackage.zip").content) == [new_build, "changji-sasac-2022-budget"]
    assert "changji-sasac-2022-budget" in get(site, "/yusuan/facts.csv?_size=1").text


def test_the_zip_is_refused_while_the_pages_are_of_the_build_before(tmp_path):
    """Between a rebuild's commit and the switch (at most a second), the zip of the new package is not sent."""
    out = tmp_path / "out"
    first, second = sources(tmp_path, "changji-sasac-2021-budget"), sources(tmp_path, "changji-sasac-2022-budget")
    build([str(first)], package_dir=out / "dp", database=out / "yusuan.db", progress=False)
    site = datasette(out / "yusuan.db", package_dir=out / "dp")
    assert get(site, "/-/download/yusuan-datapackage.zip").status_code == 200
    build([str(second)], package_dir=out / "dp", database=out / "yusuan.db", progress=False)
    site.follow.checked = time.monotonic() + 3600  # the server has not looked yet
    busy = get(site, "/-/download/yusuan-datapackage.zip")
    assert busy.status_code == 503 and busy.headers["retry-after"]
    assert [d["document_id"] for d in get(site, "/yusuan/documents.json?_shape=array").json()] == ["changji-sasac-2021-budget"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def sending_slowly_is_cut_off(port: int, within: float) -> bool:
    """Whether the server closes a connection whose request comes a byte every 0.3 s (a request of 60 bytes:
    18 s) within `within` seconds, before the request is whole."""
    request = b"GET /yusuan HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 24 + b"\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        started = time.monotonic()
        for byte in request:
            try:
                slow.sendall(bytes([byte]))
            except OSError:  # reset: closed by the server
                break
            slow.settimeout(0.3)
            try:
                if slow.recv(100) == b"":
                    break  # closed by the server
            except TimeoutError:
                continue
            except OSError:
                break
        else:
            return False  # the whole request went through
        return time.monotonic() - started < within


def test_yusuan_serve_follows_a_rebuild_closes_idle_connections_and_leaves_no_temporary_files(tmp_path):
    out, temp = tmp_path / "out", tmp_path / "temp"
    temp.mkdir()
    first, second = sources(tmp_path, "changji-sasac-2021-budget"), sources(tmp_path, "changji-sasac-2022-budget")
    outputs = ["--package", str(out / "dp"), "--db", str(out / "yusuan.db"), "--no-progress"]
    assert subprocess.run([YUSUAN, "build", str(first), *outputs], capture_output=True).returncode == 0
    port = free_port()
    env = dict(os.environ, TMPDIR=str(temp), YUSUAN_IDLE_SECONDS="1", YUSUAN_REQUEST_SECONDS="2")
    server = subprocess.Popen([YUSUAN, "serve", "--db", str(out / "yusuan.db"), "--package", str(out / "dp"), "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                documents = json.loads(fetch(base + "/yusuan/documents.json?_shape=array"))
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert [d["document_id"] for d in documents] == ["changji-sasac-2021-budget"]
        fetch(base + "/-/download/yusuan-datapackage.zip")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as idle:  # sends nothing
            started = time.monotonic()
            assert idle.recv(100) == b"" and time.monotonic() - started < 5  # closed by the server
        assert sending_slowly_is_cut_off(port, within=6)
        assert json.loads(fetch(base + "/yusuan/documents.json?_shape=array"))  # the site still answers
        assert subprocess.run([YUSUAN, "build", str(second), *outputs], capture_output=True).returncode == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            documents = [d["document_id"] for d in json.loads(fetch(base + "/yusuan/documents.json?_shape=array"))]
            try:
                fetch(base + "/-/download/yusuan-datapackage.zip")
            except urllib.error.HTTPError as error:  # 503 while the package folder is of another build, by design
                assert error.code == 503
            if documents == ["changji-sasac-2022-budget"]:
                break
            time.sleep(0.2)
        new_build = json.loads((out / "dp" / "datapackage.json").read_text(encoding="utf-8"))["yusuan_build"]
        assert documents == ["changji-sasac-2022-budget"]
        assert zipped_documents(fetch(base + "/-/download/yusuan-datapackage.zip")) == [new_build, "changji-sasac-2022-budget"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode in (0, -15)
    assert sorted(p.name for p in temp.iterdir()) == [], "temporary files left after the server stopped"
