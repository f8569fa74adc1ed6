"""One document never stops the others: every step a build runs per document is a stage, and what goes wrong
in it (bad input, a defect of ours, too much time or memory) fails that document alone, in one line naming its
file and the stage. A defect's traceback goes to the build log (build/yusuan.log, beside the database), and the
line says where it is.

Limits per document (environment): YUSUAN_DOC_TIMEOUT seconds (default 180) and YUSUAN_DOC_MEMORY megabytes
(default 2048) of memory a document may take while it is read."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from .errors import YusuanError
from .outputs import OutputError

TIMEOUT = 180.0  # seconds one document may take to be read (YUSUAN_DOC_TIMEOUT)
MEMORY = 2048  # megabytes one document may take while it is read (YUSUAN_DOC_MEMORY)
LOG = "yusuan.log"  # the build log's name, beside the database
LOG_LIMIT = 4 << 20  # a log grown past this is started again


class StageError(YusuanError):
    """A document failed in one stage of a build (reading, classifications, audit, validation, package, load);
    trace is the traceback when the cause is a defect of ours (an internal error)."""

    def __init__(self, path: object, stage: str, message: str, trace: str | None = None) -> None:
        self.stage, self.trace = stage, trace
        super().__init__(path, stage, message)

    def __reduce__(self):  # picklable, for the worker processes
        return (type(self), (self.path, self.stage, self.message, self.trace))


def limit(name: str, default: float) -> float:
    """A limit from the environment (a positive number), else the default."""
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def timeout() -> float:
    return limit("YUSUAN_DOC_TIMEOUT", TIMEOUT)


def memory() -> float:
    return limit("YUSUAN_DOC_MEMORY", MEMORY)


def number(value: float) -> str:
    return f"{value:g}"


def too_slow(path: object, stage: str, seconds: float) -> StageError:
    return StageError(path, stage, f"took longer than {number(seconds)} s; not published (the limit is YUSUAN_DOC_TIMEOUT)")


def too_big(path: object, stage: str, megabytes: float) -> StageError:
    return StageError(path, stage, f"needs more than {number(megabytes)} MB of memory; not published (the limit is YUSUAN_DOC_MEMORY)")


def internal(path: object, stage: str, exc: BaseException) -> StageError:
    """A defect of ours met on one document: one line, the traceback kept for the log."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 300 else text[:300] + "…"
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return StageError(path, stage, f"internal error: {type(exc).__name__}: {text} (please report)", trace)


class Timeout(BaseException):
    """The time allowed for one document's stage is over (a BaseException: no `except Exception` swallows it)."""


@contextmanager
def stage(path: object, name: str, seconds: float | None = None):
    """Run a stage of one document: a YusuanError becomes this document's StageError, any other exception an
    internal error, running past `seconds` (main thread only, where a timer signal can interrupt) a timeout."""
    armed = seconds is not None and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if armed:
        def ring(signum, frame):
            raise Timeout

        previous = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except (StageError, OutputError, OSError, sqlite3.OperationalError):
        raise  # an output that cannot be written (a full disk, a read-only folder) stops the whole build
    except Timeout:
        raise too_slow(path, name, seconds) from None
    except sqlite3.IntegrityError as exc:  # a key another document's rows hold already
        raise StageError(path, name, f"its rows repeat the keys of a document published before ({exc})") from None
    except YusuanError as exc:
        raise StageError(path, name, exc.message if str(exc.path) == str(path) else str(exc)) from None
    except Exception as exc:  # a defect of ours, on this document only
        raise internal(path, name, exc) from None
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def write_log(folder: Path, failures: list) -> Path | None:
    """Append the traceback of every internal error among failures to folder/yusuan.log; each such failure's
    line then says where the traceback is. Returns the log, or None when nothing was written."""
    traced = [f for f in failures if isinstance(f, StageError) and f.trace and "traceback in" not in f.message]
    if not traced:
        return None
    log = Path(folder) / LOG
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        if log.is_file() and log.stat().st_size > LOG_LIMIT:
            log.unlink()
        with open(log, "a", encoding="utf-8") as handle:
            for failure in traced:
                handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {failure.path}: {failure.stage}\n{failure.trace}\n")
    except OSError:
        return None  # a log that cannot be written: the one line still says what failed
    for failure in traced:
        failure.message = failure.message.replace(" (please report)", "") + f" (please report; traceback in {log})"
    return log


def log_exception(folder: Path, exc: BaseException) -> Path | None:
    """The traceback of an error that stopped a whole command, appended to folder/yusuan.log."""
    error = internal("yusuan", "command", exc)
    return write_log(folder, [error])
