"""A rebuild replaces the package and the database by renaming what was built aside, never by writing or
copying into place: a reader polling during the build never sees a partial package, and the files finally
in place are the very files (same inodes) that were built elsewhere first."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sqlite3
import sys
import threading
from pathlib import Path

from conftest import SAMPLE
from yusuan.build import build


class Watcher(threading.Thread):
    """Polls root while a build runs: the inode of every file and folder seen anywhere but at its final
    place, and every moment the package looked partial or mixed."""

    def __init__(self, root: Path, package: Path, final: set[Path]):
        super().__init__(daemon=True)
        self.root, self.package, self.final = root, package, final
        self.elsewhere: set[int] = set()
        self.partial: list[str] = []
        self.looks = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.look()

    def look(self) -> None:
        self.looks += 1
        for folder, dirs, files in os.walk(self.root):
            for name in dirs + files:
                path = Path(folder) / name
                if path not in self.final:
                    try:
                        self.elsewhere.add(path.stat(follow_symlinks=False).st_ino)
                    except OSError:
                        pass
        try:
            descriptor = json.loads((self.package / "datapackage.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (ValueError, OSError) as exc:
            self.partial.append(f"datapackage.json unreadable: {exc}")
            return
        for resource in descriptor["resources"]:
            try:
                data = (self.package / resource["path"]).read_bytes()
            except FileNotFoundError:
                self.partial.append(f"{resource['path']} missing beside datapackage.json")
                continue
            if not data.endswith(b"\n"):
                self.partial.append(f"{resource['path']} cut short")


def test_rebuild_renames_the_new_package_and_database_into_place(tmp_path):
    package, database = tmp_path / "dp", tmp_path / "yusuan.db"
    build([str(SAMPLE)], package_dir=package, database=database, workers=1, progress=False)
    names = sorted(p.name for p in package.iterdir())
    before = {p.name: p.stat().st_ino for p in package.iterdir()}
    changed = tmp_path / "src" / "changed.txt"
    changed.parent.mkdir()
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace("\t4.41\n", "\t4.42\n", 1), encoding="utf-8")
    final = {package, database, *(package / n for n in names)}
    watcher = Watcher(tmp_path, package, final)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)  # let the watcher look often
    watcher.start()
    try:
        build([str(changed)], package_dir=package, database=database, workers=1, progress=False)
    finally:
        watcher.stop.set()
        watcher.join()
        sys.setswitchinterval(interval)
    assert watcher.looks > 10
    assert watcher.partial == []
    assert sorted(p.name for p in package.iterdir()) == names
    # each published file was built under another name and renamed: its inode was seen elsewhere first
    for path in [package, database, *(package / n for n in names)]:
        assert path.stat().st_ino in watcher.elsewhere, f"{path.name} was written or copied in place, not renamed"
        assert path == package or path == database or path.stat().st_ino != before[path.name]
    db = sqlite3.connect(database)
    assert db.execute("select amount_yuan from facts where document_id = 'changji-sasac-2021-budget' "
                      "and table_no = 6 and code = '30201' and measure = 'total'").fetchall() == [(44200,)]
    db.close()
    assert ",44200,4.42," in (package / "facts.csv").read_text(encoding="utf-8")
    # nothing half-done is left beside the package and the database: no staged or old package, no temporary file
    assert [p.name for p in tmp_path.iterdir() if p.is_dir() and p.name.startswith(".")] == []
    assert [p.name for p in tmp_path.rglob("*.tmp")] == []


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_build_killed_between_the_two_renames_is_recovered(built, tmp_path):
    """The state a build killed inside the swap leaves: the previous package renamed aside (.dp.old), the new
    one not yet in place. recover() puts the previous one back whole; a package in place is left alone."""
    from yusuan.build import recover

    package = tmp_path / "dp"
    shutil.copytree(built / "dp", tmp_path / ".dp.old")
    (tmp_path / ".dp.new").mkdir()
    (tmp_path / ".dp.new" / "facts.csv").write_text("half", encoding="utf-8")
    recover(package)
    assert files(package) == files(built / "dp")
    assert not (tmp_path / ".dp.old").exists()
    # killed after the second rename: the new package is in place, the old one still aside
    shutil.copytree(built / "dp", tmp_path / ".dp.old")
    (package / "facts.csv").write_text("the new package", encoding="utf-8")
    recover(package)
    assert (package / "facts.csv").read_text(encoding="utf-8") == "the new package"
    recover(tmp_path / "nothing-here")
    assert not (tmp_path / "nothing-here").exists()


def test_a_build_after_one_killed_after_the_swap_works(tmp_path):
    """A previous package left aside (.dp.<pid>.old of a build killed before it removed it) does not stop the
    next build, which removes it."""
    package, database = tmp_path / "dp", tmp_path / "yusuan.db"
    build([str(SAMPLE)], package_dir=package, database=database, workers=1, progress=False)
    child = subprocess.Popen(["true"])
    child.wait()  # its pid is the pid of a build that is no more
    left = tmp_path / f".dp.{child.pid}.old"
    shutil.copytree(package, left)
    result = build([str(SAMPLE)], package_dir=package, database=database, workers=1, progress=False, force=True)
    assert result.counts["facts"] == 153
    assert not left.exists()
    assert ",5258100,525.81," in (package / "facts.csv").read_text(encoding="utf-8")
