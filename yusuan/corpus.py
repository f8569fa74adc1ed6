"""Many documents at once: a content-hash cache of extractions and parallel parsing on all cores."""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from multiprocessing.connection import wait
from functools import cache
from pathlib import Path
from typing import Callable

from .errors import YusuanError
from .isolation import too_big, too_slow
from .paths import BUILD, METADATA, PACKAGE
from .progress import SECONDS

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
    """Remove cached extractions and descriptor verdicts (validate.descriptor_problems) made by other code or
    metadata (they can never be used again) and the temporary files of builds that were killed while writing
    one (their process is dead)."""
    from .outputs import alive

    if folder.is_dir():
        for path in [*folder.glob("*.pickle"), *folder.glob("*.descriptor.json")]:
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
    """work(*job) for every job (job[0] a file: the largest first), each in a worker process with a time limit
    and a memory limit per job (yusuan.isolation: YUSUAN_DOC_TIMEOUT, YUSUAN_DOC_MEMORY); results (or
    YusuanError) by job index, whatever the order they were done in. A job
    past its time is killed with its worker, a worker that dies takes only its job with it: a new worker
    takes the next job."""
    from .isolation import memory, timeout

    results: dict[int, object] = {}
    if not jobs:
        return results
    seconds, megabytes = timeout(), memory()
    # the largest files first (popped from the end): the last jobs are short, no worker waits long for the other
    queue = sorted(enumerate(jobs), key=lambda job: (_size(job[1][0]), -job[0]))
    pool = [_Worker(work, megabytes) for _ in range(max(1, min(workers, len(jobs))))]

    def done(i: int, result: object, worker: _Worker) -> None:
        results[i] = result
        on_done(result)
        # the seconds workers spent on jobs, against the wall time of run_all (scripts/bench_build.py)
        SECONDS["worker busy"] = SECONDS.get("worker busy", 0.0) + time.monotonic() - worker.started

    try:
        while queue or any(w.job is not None for w in pool):
            for n, w in enumerate(pool):
                if w.job is None and queue:
                    if not w.alive():
                        w.stop()
                        w = pool[n] = _Worker(work, megabytes)
                    w.give(*queue.pop())
            busy = [w for w in pool if w.job is not None]
            left = min(w.started + seconds for w in busy) - time.monotonic()
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, min(left, 0.1)))
            for n, w in enumerate(pool):
                if w.job is None:
                    continue
                i, job = w.job
                outcome = w.result()
                if outcome is not _NOTHING:
                    done(i, outcome, w)
                elif not w.alive():
                    done(i, w.died(job, megabytes), w)
                    pool[n] = _Worker(work, megabytes)
                elif time.monotonic() - w.started > seconds:
                    w.stop()
                    done(i, too_slow(job[0], "reading", seconds), w)
                    pool[n] = _Worker(work, megabytes)
                elif w.grown() > megabytes:
                    w.stop()
                    done(i, too_big(job[0], "reading", megabytes), w)
                    pool[n] = _Worker(work, megabytes)
    finally:
        for w in pool:
            w.stop()
    return results


_NOTHING = object()


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, TypeError, ValueError):
        return 0


class _Worker:
    """One worker process (forked, so it has what the build process has loaded) and the job it runs."""

    def __init__(self, work: Callable, megabytes: float):
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work, os.getpid(), megabytes), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[int, tuple] | None = None
        self.started = 0.0
        self.base = _mapped(os.getpid())  # what the worker maps when forked: its growth is what a job takes
        self.peak = 0.0

    def grown(self) -> float:
        """Megabytes the worker maps beyond what it mapped when forked (the measure of RLIMIT_AS)."""
        size = _mapped(self.process.pid)
        if size and self.base:
            self.peak = max(self.peak, (size - self.base) / (1 << 20))
            return (size - self.base) / (1 << 20)
        return 0.0

    def alive(self) -> bool:
        return self.process.is_alive()

    def give(self, i: int, job: tuple) -> None:
        self.job, self.started, self.peak = (i, job), time.monotonic(), 0.0
        try:
            self.conn.send(job)
        except (OSError, ValueError):  # the worker is gone: result() sees it
            pass

    def result(self) -> object:
        try:
            if not self.conn.poll():
                return _NOTHING
            outcome = self.conn.recv()
        except (EOFError, OSError):
            return _NOTHING
        self.job = None
        return outcome

    def died(self, job: tuple, megabytes: float):
        from .isolation import StageError, too_big

        self.process.join(5)
        code = self.process.exitcode
        self.job = None
        if code == _MEMORY_EXIT or (code is not None and code < 0 and self.peak > megabytes / 2):
            return too_big(job[0], "reading", megabytes)  # an allocation refused in native code aborts
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return StageError(job[0], "reading", f"internal error: the process reading it stopped ({how}) (please report)")

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
            if self.job is not None:
                self.process.kill()
            self.process.join(1)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self.conn.close()


_MEMORY_EXIT = 86  # a worker that ran out of its memory limit exits with this status (after telling its job)


def _serve(conn, work: Callable, parent: int, megabytes: float) -> None:
    """A worker's loop: jobs in, results out, until told to stop (None) or its parent is gone."""
    die_with_parent(parent)
    _limit_memory(megabytes)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outcome = _safe(work, job)
        try:
            conn.send(outcome)
        except Exception as exc:  # a result that cannot be sent back (pickled): the document fails, told
            from .isolation import internal

            conn.send(internal(job[0], "reading", exc))
        from .isolation import StageError

        if isinstance(outcome, StageError) and "needs more than" in outcome.message:
            os._exit(_MEMORY_EXIT)  # memory may be left in a bad state: a fresh worker takes the next job


def _mapped(pid: int) -> int:
    """Bytes of address space the process maps (Linux /proc; 0 elsewhere or when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(megabytes: float) -> None:
    """Allow this process megabytes of address space beyond what it maps now (RLIMIT_AS), a little more than
    the build process watches for (it stops a worker past the limit): an allocation past it fails, MemoryError
    in Python, and the document fails alone."""
    try:
        import resource

        mapped = _mapped(os.getpid())
        if mapped:
            hard = mapped + int(megabytes * 1.25 * (1 << 20)) + (64 << 20)
            resource.setrlimit(resource.RLIMIT_AS, (hard, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):  # not Linux: no memory limit
        pass


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
    """work(*job); a YusuanError is the job's result, any other exception a defect told in one line naming
    the stage it was raised in (its traceback kept for the build log), MemoryError the memory limit."""
    from .isolation import internal, memory, too_big

    try:
        return work(*job)
    except YusuanError as exc:
        if _caused_by(exc, MemoryError):
            return too_big(job[0], "reading", memory())
        return exc
    except MemoryError:
        return too_big(job[0], "reading", memory())
    except Exception as exc:  # a defect on one document must not stop the corpus
        return internal(job[0], reading_stage(exc), exc)


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, kind):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


READING_STAGES = {"read": "reading", "privacy": "redacting", "recognise": "recognising tables", "columns": "recognising tables",
                  "describe": "describing the document", "normalise": "normalising tables", "narrative": "reading the narrative"}


def reading_stage(exc: BaseException) -> str:
    """The stage of extraction an exception was raised in: the yusuan module build.extract called."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    names = [Path(f.filename) for f in frames]
    for i, name in enumerate(names[:-1]):
        if name.name == "build.py" and frames[i].name == "extract":
            after = names[i + 1]
            module = after.parent.name if after.parent.name in ("read", "narrative") else after.stem
            return READING_STAGES.get(module, "reading")
    return "reading"
