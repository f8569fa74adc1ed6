"""The one error type yusuan raises for bad input: it names the file and the place."""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """Text safe for a one-line message: line breaks, other control characters and bidirectional overrides
    (a file name may hold any of them) written as escapes (\\n, \\u202e), so the line stays one line and
    reads in its true order."""
    if text.isprintable():
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")
                   else c for c in text)


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
        where = f"{printable(self.path)}: {printable(self.place)}" if self.place else printable(self.path)
        return f"{where}: {printable(self.message)}"
