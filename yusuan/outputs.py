"""What a build writes, written so that no two builds collide and no reader ever sees a mix.

The outputs are a pair: the package folder (datapackage/) and the database (build/yusuan.db, with its
descriptor copy yusuan.datapackage.json and the build stamp beside it). A build

1. takes a lock on each output (lock(): a second build refuses at once with one line naming the holder's pid),
   and removes what builds killed earlier left (their staging folders and temporary databases, once their
   process is dead);
2. writes everything under names unique to it: the staging folder .<package>.<pid>-<id>.new, the database
   .<db>.<pid>.tmp, the descriptor copy and the stamp as .<name>.<pid>.tmp;
3. stamps both halves with one build id (a hash of the package's files): "yusuan_build" in datapackage.json and
   PRAGMA user_version in the database;
4. commits: the journal .<db>.commit.json, naming every staged file and its target, is renamed into place
   (the commit point), then the package is exchanged with the staging folder in one atomic
   renameat2(RENAME_EXCHANGE) (Linux; two renames elsewhere), the database and the small files are renamed
   over theirs, and the journal removed.

A build killed before the journal is in place leaves the old pair whole (its staged files are removed later);
killed after, any later build or reader finishes the commit from the journal (roll_forward: every step is
idempotent), so a reader (settle(), used by serve, validate, split and publish) sees the old pair or the new
one, never a mix and never nothing.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import YusuanError

BUILD_KEY = "yusuan_build"  # the build id's property in datapackage.json


class OutputError(YusuanError):
    """An output cannot be written (disk full, read-only folder, …): the whole build stops."""


def output_error(exc: OSError, fallback: Path) -> OutputError:
    """One line naming the folder and the cause of an OSError met while writing outputs."""
    name = Path(exc.filename) if exc.filename else Path(fallback)
    folder = name if name.is_dir() else name.parent
    return OutputError(folder, "", f"cannot write here ({exc.strerror or exc})")


# -- processes ---------------------------------------------------------------------------------------------

def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- the lock ----------------------------------------------------------------------------------------------

LOCK_BASES = ("/dev/shm", "/tmp")  # fixed places: no environment (XDG_RUNTIME_DIR, TMPDIR) moves the lock


def _lock_folder() -> Path:
    """One folder for every build of this user, whatever the environment says; the temporary folder only on a
    system that has none of the fixed ones."""
    for base in [*LOCK_BASES, tempfile.gettempdir()]:
        folder = Path(base) / f"yusuan-locks-{os.getuid()}"
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise OSError(f"no folder for the build lock in {', '.join(LOCK_BASES)}")


@contextmanager
def lock(*targets: Path):
    """Hold an exclusive lock on each output (kept outside the output folders: a read-only folder can be
    locked, and nothing is left beside the outputs). The lock is on the output itself: its path with every
    symbolic link resolved. Another build holding one: YusuanError naming its pid."""
    handles = []
    try:
        for target in sorted({Path(os.path.realpath(t)) for t in targets}):
            name = hashlib.sha256(str(target).encode()).hexdigest()[:24] + ".lock"
            handle = open(_lock_folder() / name, "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                handle.close()
                raise YusuanError(target, "", f"another yusuan build (pid {holder}) is writing here; wait for it to finish") from None
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            handles.append(handle)
        yield
    finally:
        for handle in handles:
            handle.close()


# -- names -------------------------------------------------------------------------------------------------

def staging_for(package_dir: Path) -> Path:
    """A staging folder no other build uses: the pid and a random token."""
    import secrets

    return package_dir.with_name(f".{package_dir.name}.{os.getpid()}-{secrets.token_hex(4)}.new")


def temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def journal_for(database: Path) -> Path:
    return database.with_name(f".{database.name}.commit.json")


def stamp_file(database: Path) -> Path:
    return database.with_suffix(".stamp.json")


def descriptor_copy(database: Path) -> Path:
    return database.with_suffix(".datapackage.json")


def clean_stale(package_dir: Path, database: Path) -> None:
    """Remove staging folders and temporary files that builds killed earlier left (their pid is dead)."""
    journal = journal_for(database)
    if journal.is_file():
        roll_forward(journal)
    pattern = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)(-[0-9a-z]+)?\.(new|tmp|old)(-journal|-wal|-shm)?$")
    ours = {package_dir.name, database.name, stamp_file(database).name, descriptor_copy(database).name, journal.name}
    for folder in {package_dir.parent, database.parent}:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = pattern.match(path.name)
            if match and match["name"] in ours and not alive(int(match["pid"])):
                remove(path)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# -- the build id ------------------------------------------------------------------------------------------

def content_id(folder: Path) -> str:
    """The build id: a hash of the package's files (datapackage.json without its id), 7 hex digits (it is
    also the database's PRAGMA user_version). The same content gives the same id."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0")
            data = path.read_bytes()
            if path.name == "datapackage.json":
                descriptor = json.loads(data)
                descriptor.pop(BUILD_KEY, None)
                data = json.dumps(descriptor, sort_keys=True).encode()
            digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:7]


def package_id(package_dir: Path) -> str | None:
    try:
        return json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8")).get(BUILD_KEY)
    except (OSError, ValueError):
        return None


def database_id(database: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            value = con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return f"{value:07x}" if value else None


# -- the commit --------------------------------------------------------------------------------------------

def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if os.environ.get("YUSUAN_TEST_NO_EXCHANGE"):  # for the crash tests: as on a system without it
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def commit(build: str, staging: Path, package_dir: Path, files: list[tuple[Path, Path]], database: Path) -> None:
    """Put the staged package and files (staged path, target) in place together; see the module's doc."""
    journal = journal_for(database)
    record = {"build": build, "pid": os.getpid(), "staging": str(staging), "package": str(package_dir),
              "files": [[str(s), str(t)] for s, t in files]}
    staged = temporary(journal)
    with open(staged, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False))
        handle.flush()
        os.fsync(handle.fileno())
    _pause("before-commit")
    os.replace(staged, journal)  # the commit point
    roll_forward(journal)


def roll_forward(journal: Path) -> None:
    """Finish a commit from its journal; every step can be redone, so a commit killed anywhere completes."""
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except ValueError:  # a journal not fully written is never renamed into place; be safe anyway
        journal.unlink(missing_ok=True)
        return
    staging, package_dir = Path(record["staging"]), Path(record["package"])
    old = package_dir.with_name(f".{package_dir.name}.{record['pid']}.old")  # the previous package, without exchange
    if staging.is_dir() and package_id(staging) == record["build"]:  # the new package is not in place yet
        if not package_dir.exists():
            staging.rename(package_dir)
        elif not _exchange(staging, package_dir):
            package_dir.rename(old)
            _pause("between-renames")
            staging.rename(package_dir)
    _pause("after-package")
    for source, target in record["files"]:
        if Path(source).exists():
            os.replace(source, target)
    journal.unlink(missing_ok=True)
    remove(staging)  # now the previous package (after an exchange)
    remove(old)


def _pause(instant: str) -> None:
    """For the crash tests: YUSUAN_TEST_KILL_AT=<instant> kills the build there (SIGKILL, as a crash)."""
    if os.environ.get("YUSUAN_TEST_KILL_AT") == instant:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def settle(package_dir: Path | None, database: Path | None = None, wait: float = 30.0) -> None:
    """Before reading the pair: wait for a build committing right now, finish a commit a killed build left,
    then make sure package and database come from the same build."""
    if database is None:
        return
    journal = journal_for(database)
    deadline = time.monotonic() + wait
    while journal.is_file():
        try:
            pid = json.loads(journal.read_text(encoding="utf-8")).get("pid", 0)
        except (OSError, ValueError):
            pid = 0
        if pid and alive(pid) and pid != os.getpid() and time.monotonic() < deadline:
            time.sleep(0.05)
            continue
        try:
            roll_forward(journal)
        except OSError as exc:
            raise YusuanError(database.parent, "", f"an interrupted build left its commit unfinished and it cannot be "
                                                   f"finished here ({exc.strerror}); run yusuan build") from None
    if package_dir is not None:
        mismatch(package_dir, database)


def mismatch(package_dir: Path, database: Path) -> None:
    """YusuanError when the package and the database come from different builds."""
    if not (package_dir / "datapackage.json").is_file() or not database.is_file():
        return
    ours, theirs = package_id(package_dir), database_id(database)
    if ours != theirs:
        raise YusuanError(package_dir, "", f"the package (build {ours or 'unknown'}) and {database} (build {theirs or 'unknown'}) "
                                           "come from different builds; run yusuan build")
