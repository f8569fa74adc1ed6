"""Read a source file into the neutral document model (yusuan.model.Document)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import YusuanError
from ..model import Document
from . import docx, pdf, pdf_limits, text, xlsx

READERS = {".txt": text.parse, ".docx": docx.parse, ".xlsx": xlsx.parse, ".pdf": pdf.parse}
CONVERTED = {".doc": ".docx", ".wps": ".docx", ".xls": ".xlsx", ".et": ".xlsx"}  # by LibreOffice, then read
READERS |= {suffix: READERS[target] for suffix, target in CONVERTED.items()}


def read(path: Path, encoding: str | None = None, cover=None) -> Document:
    """Read one source file; any problem is a YusuanError naming the file. ``cover``: a function of the blocks of
    a PDF's first pages, called once they cannot change (yusuan.read.pdf.parse), which may refuse the file."""
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
    digest = hashlib.sha256(data).hexdigest()  # of the bytes given: the document's source_sha256
    suffix = path.suffix.lower()
    parsed = convert(path, data, CONVERTED[suffix]) if suffix in CONVERTED else data
    problem = pdf_limits.inflated_problem(parsed) if suffix == ".pdf" else None
    if problem:
        raise YusuanError(path, *problem)
    # a paged reader also says which pages are images, and (PDF) on which it could not look for ruled tables and
    # which print nothing
    blocks, used, *more = pdf.parse(path, parsed, encoding, cover) if reader is pdf.parse and cover is not None \
        else reader(path, parsed, encoding)
    return Document(path=path, sha256=digest, encoding=used, blocks=blocks, image_pages=more[0] if more else [],
                    unruled_pages=more[1] if len(more) > 1 else [], blank_pages=more[2] if len(more) > 2 else [])


def convert(path: Path, data: bytes, suffix: str) -> bytes:
    """The bytes of path (an old Office or WPS file) converted by LibreOffice to suffix (.docx, .xlsx), in a
    private temporary folder (with its own LibreOffice profile: no clash with another LibreOffice running)."""
    import shutil
    import subprocess
    import tempfile

    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise YusuanError(path, "", f"{path.suffix} files are converted by LibreOffice, which is not installed "
                                    "(apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)")
    with tempfile.TemporaryDirectory(prefix="yusuan-convert-") as folder:
        source = Path(folder) / f"source{path.suffix.lower()}"
        source.write_bytes(data)  # the very bytes hashed are the bytes converted
        profile = (Path(folder) / "profile").as_uri()
        command = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
                   suffix.lstrip("."), "--outdir", str(Path(folder) / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=300, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise YusuanError(path, "", "LibreOffice did not convert it within 5 minutes") from None
        converted = Path(folder) / "out" / f"source{suffix}"
        if not converted.is_file() or not converted.stat().st_size:
            raise YusuanError(path, "", f"LibreOffice could not convert it to {suffix} (damaged, or not a {path.suffix} file?)")
        return converted.read_bytes()
