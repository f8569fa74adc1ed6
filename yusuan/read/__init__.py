"""Read a source file into the neutral document model (yusuan.model.Document)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import YusuanError
from ..model import Document
from . import docx, pdf, text, xlsx

READERS = {".txt": text.parse, ".docx": docx.parse, ".xlsx": xlsx.parse, ".pdf": pdf.parse}


def read(path: Path, encoding: str | None = None) -> Document:
    """Read one source file; any problem is a YusuanError naming the file."""
    path = Path(path)
    if not path.exists():
        raise YusuanError(path, "", "no such file")
    if not path.is_file():
        raise YusuanError(path, "", "not a file")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise YusuanError(path, "", f"unsupported file type {path.suffix or '(none)'!r}; yusuan reads {known}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YusuanError(path, "", f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise YusuanError(path, "", "the file is empty")
    digest = hashlib.sha256(data).hexdigest()
    blocks, used = reader(path, data, encoding)
    return Document(path=path, sha256=digest, encoding=used, blocks=blocks)
