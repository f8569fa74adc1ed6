"""Many documents at once: a content-hash cache of extractions and parallel parsing on all cores."""

from __future__ import annotations

import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import cache
from pathlib import Path
from typing import Callable

from .errors import YusuanError
from .paths import BUILD, METADATA, PACKAGE

CACHE = Path(os.environ.get("YUSUAN_CACHE", BUILD / "cache" / "extract"))  # the default; builds pass their own


@cache
def fingerprint() -> str:
    """A hash of the code and the metadata: a cached extraction is valid only for the same of both."""
    digest = hashlib.sha256()
    for root in (PACKAGE, METADATA):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".yaml", ".tsv") and "samples" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def source_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def cache_key(digest: str, options: tuple) -> str:
    """The cache file stem: the code fingerprint first (to prune entries of other code), then the content."""
    return fingerprint() + "-" + hashlib.sha256(f"{digest}|{options!r}".encode()).hexdigest()[:32]


def prune(folder: Path = CACHE) -> None:
    """Remove cached extractions made by other code or metadata (they can never be used again) and the
    temporary files of builds that were killed while writing one (their process is dead)."""
    from .outputs import alive

    if folder.is_dir():
        for path in folder.glob("*.pickle"):
            if not path.name.startswith(fingerprint() + "-"):
                path.unlink(missing_ok=True)
        for path in folder.glob(".*.tmp"):
            pid = path.name.rsplit(".", 2)[-2]
            if pid.isdigit() and not alive(int(pid)):
                path.unlink(missing_ok=True)


def load_cached(key: str, folder: Path = CACHE, head: bool = False):
    """A cached extraction (or, with head, only the small summary stored before it); None when missing."""
    return load_file(folder / f"{key}.pickle", head)


def load_file(path: Path, head: bool = False):
    try:
        with open(path, "rb") as handle:
            summary = pickle.load(handle)
            return summary if head else pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def store(key: str, item, folder: Path = CACHE, head=None) -> Path:
    """Write head (a small summary, readable alone) then item; return the cache file."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{key}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as handle:
            pickle.dump(head, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"{key}.pickle")
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return folder / f"{key}.pickle"


def run_all(jobs: list[tuple], work: Callable, workers: int, on_done: Callable) -> dict[int, object]:
    """work(*job) for every job, in parallel when worth it; results (or YusuanError) by job index."""
    results: dict[int, object] = {}
    if workers <= 1 or len(jobs) < 4:
        for i, job in enumerate(jobs):
            results[i] = _safe(work, job)
            on_done(results[i])
        return results
    with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(_safe, work, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            on_done(results[futures[future]])
    return results


def die_with_parent(parent: int) -> None:
    """In a worker: be killed (SIGKILL) when the build process dies, even by SIGKILL (Linux
    PR_SET_PDEATHSIG); elsewhere a thread watches the parent and exits when it is gone."""
    import signal

    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError
    except (OSError, AttributeError):
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _safe(work: Callable, job: tuple):
    try:
        return work(*job)
    except YusuanError as exc:
        return exc
    except Exception as exc:  # a defect on one document must not stop the corpus
        return YusuanError(job[0], "", f"internal error while reading: {type(exc).__name__}: {exc}")
