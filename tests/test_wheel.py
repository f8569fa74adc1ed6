"""yusuan as people install it: the built wheel in a fresh virtual environment, used from an empty folder.

The wheel is built from a copy of the checkout (the build never writes into the repository); the fresh venv
gets its dependencies from pip's cache and the machine's configured indexes (what `make setup` used), so the
test takes ~20 s, not minutes. Then, from an empty temporary folder, with no PYTHONPATH and no clone in sight:
build, check, validate, serve (one page fetched over a real port), split and publish a real PDF. The outputs
must be in that folder, and the repository untouched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "tests" / "fixtures" / "real" / "sh_putuo_zfban_dept_2025.pdf"


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def checkout_files() -> list[str]:
    """Files of the checkout as it is now: tracked and new (not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the fresh venv's bin folder, seconds the wheel and the install took)."""
    started = time.monotonic()
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    wheels = work / "wheels"
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(wheels), str(source)],
                          check=True, capture_output=True, text=True, timeout=300)
    (work / "wheel.log").write_text(made.stdout + made.stderr, encoding="utf-8")  # the build backend's words
    [wheel] = wheels.glob("yusuan-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   capture_output=True, timeout=600, env=env)
    return venv / "bin", wheel, time.monotonic() - started


def test_the_wheel_lists_every_package_of_the_source():
    """pyproject.toml names the packages (metadata/ and site/ are mapped into the wheel): none forgotten."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "yusuan").rglob("__init__.py")}
    assert found <= listed


def test_the_wheel_carries_metadata_and_site(installed):
    import zipfile

    _, wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "yusuan/metadata/narrative/privacy.yaml" in names
    assert "yusuan/site/templates/index.html" in names and "yusuan/site/plugins/security.py" in names
    assert "yusuan/samples/changji-sasac-2021-budget.txt" in names
    shipped = {p.relative_to(ROOT / "metadata").as_posix() for p in (ROOT / "metadata").rglob("*") if p.is_file() and p.name != ".keep"}
    assert shipped <= {n.removeprefix("yusuan/metadata/") for n in names}


def test_the_wheel_builds_without_a_licence_warning(installed):
    """pyproject.toml's licence in the form the build backend wants (PEP 639: an SPDX expression)."""
    _, wheel, _ = installed
    log = (wheel.parent.parent / "wheel.log").read_text(encoding="utf-8")
    assert "Successfully built yusuan" in log or "Saved" in log
    assert not re.search(r"(?i)warning.*licen[cs]e|licen[cs]e.*deprecat", log), log[-3000:]
    import zipfile

    metadata = zipfile.ZipFile(wheel).read("yusuan-0.1.0.dist-info/METADATA").decode("utf-8")
    assert "License-Expression: MIT" in metadata.splitlines()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_installed_yusuan_works_in_an_empty_folder(installed, tmp_path):
    bin_dir, _, seconds = installed
    print(f"wheel built and installed in a fresh venv in {seconds:.1f} s")
    assert seconds < 120
    before = git_status()
    here = tmp_path / "budgets-2026"
    here.mkdir()
    shutil.copy2(PDF, here / "zfban.pdf")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}

    def yusuan(*args: str, expect: int = 0) -> subprocess.CompletedProcess:
        done = subprocess.run(["yusuan", *args], cwd=here, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == expect, done.stderr
        assert "Traceback" not in done.stderr
        return done

    where = subprocess.run([str(bin_dir / "python"), "-c", "import yusuan.paths as p; print(p.PACKAGE, p.METADATA, p.SITE)"],
                           cwd=here, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert all(w.startswith(str(bin_dir.parent)) for w in where), where  # the installed copy, not the clone
    version = subprocess.run([str(bin_dir / "python"), "-m", "yusuan", "--version"], cwd=here, env=env, capture_output=True, text=True)
    assert version.stdout.strip() == "yusuan 0.1.0"

    built = yusuan("build", "zfban.pdf")
    assert built.stdout.startswith("built 1 document(s)") and "-> datapackage/ and build/yusuan.db" in built.stdout
    assert (here / "datapackage" / "datapackage.json").is_file() and (here / "build" / "yusuan.db").is_file()
    facts = (here / "datapackage" / "facts.csv").read_text(encoding="utf-8")
    assert "上海市普陀区人民政府办公室" in (here / "datapackage" / "documents.csv").read_text(encoding="utf-8")
    assert facts.count("\n") > 100
    assert yusuan("build", "zfban.pdf").stdout.startswith("unchanged: 1 document(s)")
    assert "finding(s)" in yusuan("check", "zfban.pdf").stdout
    assert yusuan("validate").stdout.strip() == "datapackage/datapackage.json: valid"
    split = yusuan("split", "--by", "year").stdout.split()
    assert split == ["build/downloads/by-year/2025.zip"] and (here / split[0]).is_file()

    port = free_port()
    server = subprocess.Popen(["yusuan", "serve", "--port", str(port)], cwd=here, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        page = None
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/yusuan/documents.json?_shape=array", timeout=5) as response:
                    page = json.loads(response.read())
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read())
                time.sleep(0.2)
        assert page and page[0]["source_file"] == "zfban.pdf"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert "预算" in response.read().decode("utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)

    published = yusuan("publish").stdout.split()
    assert "build/publish/yusuan-datapackage.zip" in published
    ckan = json.loads((here / "build" / "publish" / "ckan-package.json").read_text(encoding="utf-8"))
    assert ckan["resources"][0]["url"] == "yusuan-datapackage.zip"  # relative: no path of this machine
    assert not re.search(r"file:|/tmp/|" + re.escape(str(here)), (here / "build" / "publish" / "dcat.jsonld").read_text(encoding="utf-8"))
    assert sorted(p.name for p in here.iterdir()) == ["build", "datapackage", "zfban.pdf"]
    assert git_status() == before
