"""A progress bar on stderr for corpus builds: documents done, failed, and time left."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int, enabled: bool | None = None, stream=sys.stderr) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.start = self.last = time.monotonic()

    def step(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.1 or self.done == self.total):
            self.last = now
            self.stream.write("\r" + self.line(now))
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()

    def line(self, now: float) -> str:
        width = 30
        filled = width * self.done // max(self.total, 1)
        elapsed = now - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else 0
        return (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} documents, "
                f"{self.failed} failed, {int(left) // 60:02d}:{int(left) % 60:02d} left")


# Seconds spent per stage in this process (scripts/bench_build.py prints them): read, recognise, narrative,
# audit, validation, package, load… Always counted (a clock read per stage of a document costs nothing).
SECONDS: dict[str, float] = {}


class timed:
    """with timed("read"): … adds the block's wall seconds to SECONDS["read"]."""

    __slots__ = ("name", "start")

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        SECONDS[self.name] = SECONDS.get(self.name, 0.0) + time.perf_counter() - self.start
