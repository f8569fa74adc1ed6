"""The command line: help with an example for every command; bad input gives one line and a non-zero exit."""

from __future__ import annotations

import csv

import subprocess
import sys
from pathlib import Path

import pytest

YUSUAN = str(Path(sys.executable).with_name("yusuan"))


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([YUSUAN, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def commands() -> list[str]:
    from yusuan.cli import app

    return [c.name or c.callback.__name__ for c in app.registered_commands]


def test_top_level_help_lists_every_command():
    out = run("--help")
    assert out.returncode == 0
    for name in commands():
        assert name in out.stdout
    assert "Example:" in out.stdout


@pytest.mark.parametrize("name", commands())
def test_each_command_has_help_with_an_example(name):
    out = run(name, "--help")
    assert out.returncode == 0, out.stderr
    assert "Example: yusuan " + name in out.stdout


def one_line_error(out: subprocess.CompletedProcess) -> str:
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_missing_file(tmp_path):
    line = one_line_error(run("build", str(tmp_path / "nope.txt"), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "y.db")))
    assert line == f"yusuan: {tmp_path / 'nope.txt'}: no such file"
    assert not (tmp_path / "dp").exists() and not (tmp_path / "y.db").exists()


def test_unsupported_and_unrecognisable_files(tmp_path):
    odd = tmp_path / "notes.odt"
    odd.write_bytes(b"x")
    line = one_line_error(run("build", str(odd), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "y.db")))
    assert line.startswith(f"yusuan: {odd}: unsupported file type '.odt'")
    poem = tmp_path / "poem.txt"
    poem.write_text("床前明月光\n疑是地上霜\n", encoding="utf-8")
    line = one_line_error(run("build", str(poem), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "y.db")))
    assert line == f"yusuan: {poem}: whole document: no budget table recognised (is this a budget disclosure?)"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert one_line_error(run("build", str(empty), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "y.db"))) == f"yusuan: {empty}: the file is empty"


def test_text_in_an_amount_names_the_table_row_and_column(tmp_path):
    from conftest import SAMPLE

    text = SAMPLE.read_text(encoding="utf-8").replace("\t134.99\n\t134.99\n", "\t134.99\n\t一百三十四\n", 1)
    bad = tmp_path / "bad.txt"
    bad.write_text(text, encoding="utf-8")
    done = run("build", str(bad), "--package", str(tmp_path / "dp"), "--db", str(tmp_path / "y.db"))
    assert done.returncode == 0  # the table is read in part, the rest of the document is published
    with open(tmp_path / "dp" / "tables.csv", encoding="utf-8") as handle:
        [table] = [r for r in csv.DictReader(handle) if r["table_no"] == "6"]
    assert table["status"] == "partial" and "1 cells are not amounts and were not read (row/column 1/5 '一百三十四')" in table["reason_en"]


def test_validate_and_serve_without_a_build(tmp_path):
    assert one_line_error(run("validate", "--package", str(tmp_path / "dp"))) == f"yusuan: {tmp_path / 'dp'}: no datapackage.json (run yusuan build first)"
    assert one_line_error(run("serve", "--db", str(tmp_path / "y.db"))) == f"yusuan: {tmp_path / 'y.db'}: no database (run yusuan build first)"


def test_validate_a_built_package(built):
    out = run("validate", "--package", str(built / "dp"))
    assert out.returncode == 0 and out.stdout.strip().endswith("valid")


def test_serve_answers_on_its_port(built):
    """`yusuan serve` as a user runs it (the venv's bin not on PATH): the home and document pages answer."""
    import os
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "PATH"} | {"PATH": "/usr/bin:/bin"}
    server = subprocess.Popen([YUSUAN, "serve", "--db", str(built / "yusuan.db"), "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.2)
        assert "昌吉回族自治州国有资产监督管理委员会" in home
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/doc/changji-sasac-2021-budget", timeout=5).read().decode()
        assert "525.81" in page and "420.81" in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_version_and_python_dash_m():
    from yusuan import __version__

    assert run("--version").stdout.strip() == f"yusuan {__version__}"
    done = subprocess.run([sys.executable, "-m", "yusuan", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"yusuan {__version__}"


def test_main_help_shows_every_description_uncut():
    """Each command's one-line description (its docstring's first line) whole, wrapped but never cut."""
    import inspect

    from yusuan.cli import app

    text = " ".join(run("--help").stdout.split())
    for command in app.registered_commands:
        summary = " ".join(inspect.getdoc(command.callback).split("\n", 1)[0].split())
        assert summary in text, summary


def test_split_lists_its_choices():
    assert "--by <year|body>" in run("split", "--help").stdout
    done = run("split", "--by", "month")
    assert done.returncode == 2 and "'month' is not one of 'year', 'body'" in done.stderr


def test_outputs_go_to_the_current_folder_and_a_relative_path_means_what_it_says(tmp_path):
    """Run elsewhere, `yusuan build` writes there, not into the clone; --package ./datapackage is ./datapackage
    of that folder too (it used to be taken for the default and written into the clone)."""
    from conftest import SAMPLE

    repo = Path(__file__).resolve().parent.parent
    before = (repo / "datapackage" / "datapackage.json").read_bytes()
    done = run("build", str(SAMPLE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("-> datapackage/ and build/yusuan.db\n")
    assert (tmp_path / "datapackage" / "facts.csv").is_file() and (tmp_path / "build" / "yusuan.db").is_file()
    other = tmp_path / "other"
    other.mkdir()
    assert run("build", str(SAMPLE), "--package", "./datapackage", "--db", "./build/yusuan.db", cwd=other).returncode == 0
    assert (other / "datapackage" / "facts.csv").is_file() and (other / "build" / "yusuan.db").is_file()
    assert run("validate", cwd=other).stdout.strip() == "datapackage/datapackage.json: valid"
    assert (repo / "datapackage" / "datapackage.json").read_bytes() == before


def test_project_folder_option_is_shared_by_every_command(tmp_path):
    from conftest import SAMPLE

    project = tmp_path / "budgets"
    assert run("--project", str(project), "build", str(SAMPLE), cwd=tmp_path).returncode == 0
    assert (project / "datapackage" / "datapackage.json").is_file() and (project / "build" / "yusuan.db").is_file()
    assert run("--project", str(project), "validate", cwd=tmp_path).returncode == 0
    assert run("--project", str(project), "split", "--by", "year", cwd=tmp_path).stdout.split() == [
        str(project / "build" / "downloads" / "by-year" / "2021.zip")]
    published = run("--project", str(project), "publish", cwd=tmp_path)
    assert published.returncode == 0, published.stderr
    assert (project / "build" / "publish" / "yusuan-datapackage.zip").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budgets"]
