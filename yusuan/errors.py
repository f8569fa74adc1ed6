"""The one error type yusuan raises for bad input: it names the file and the place."""

from __future__ import annotations


class YusuanError(Exception):
    """A problem with an input document or the project's own state, told in one line."""

    def __init__(self, path: object, place: str, message: str) -> None:
        self.path = str(path)
        self.place = place
        self.message = message
        super().__init__(str(self))

    def __reduce__(self):  # picklable, for parallel builds
        return (type(self), (self.path, self.place, self.message))

    def __str__(self) -> str:
        where = f"{self.path}: {self.place}" if self.place else self.path
        return f"{where}: {self.message}"
