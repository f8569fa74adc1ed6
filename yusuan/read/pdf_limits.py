"""Limits on the work one PDF may ask for, checked before and while it is read (issue 22, item 6): a PDF whose
compressed streams inflate far beyond its size (a compression bomb: 1.5 MB that inflates to 2.7 GB) is refused
before PDFium inflates anything; a page ruled so densely that finding its tables would take minutes is read as
text (pdf_grid.find, MAX_CROSSINGS)."""

from __future__ import annotations

import re
import zlib

MAX_INFLATED_MB = 512  # a PDF's streams may inflate to this, or to RATIO times its size when that is more
RATIO = 200  # Flate-compressed text and drawings inflate 3-20 times; images less
DEFLATE_MAX = 1032  # deflate gives at most 1,032 bytes per byte it reads (a 258-byte copy in 2 bits; zlib's FAQ)
CHUNK = 16 << 20
_STREAM = re.compile(rb"stream\r?\n")


def inflated_problem(data: bytes) -> tuple[str, str] | None:
    """(place, message) when the Flate streams of `data` inflate to more than the limit, else None. Each stream
    is inflated a chunk at a time and the count stops at the limit: the check never holds more than a chunk.

    A stream starts where the last one ended or later (a ``stream`` keyword inside the bytes another stream
    inflated from is part of that stream): streams read disjoint bytes, so those from a place on cannot inflate
    to more than DEFLATE_MAX times the bytes left. Once that cannot reach the limit, nothing more is inflated:
    a file of less than 520 KB is never inflated (its streams cannot exceed 512 MB), a larger one only in part."""
    limit = max(MAX_INFLATED_MB << 20, RATIO * len(data))
    total = 0
    end = 0  # where the bytes the last stream inflated from end
    for match in _STREAM.finditer(data):
        start = match.end()
        if total + DEFLATE_MAX * (len(data) - start) <= limit:
            return None
        if start < end or data[start:start + 1] not in (b"x", b"h", b"X", b"H", b"8", b"("):  # a zlib CMF byte
            continue
        inflater = zlib.decompressobj()
        pending = memoryview(data)[start:]
        try:
            while pending is not None and not inflater.eof:
                out = inflater.decompress(pending, CHUNK)
                total += len(out)
                if total > limit:
                    return "", (f"its compressed streams inflate to more than {limit >> 20} MB "
                                f"(the file is {len(data) >> 20 or '<1'} MB; a compression bomb?); not read")
                end = len(data) - len(inflater.unused_data if inflater.eof else inflater.unconsumed_tail)
                pending = inflater.unconsumed_tail if inflater.unconsumed_tail else None
        except zlib.error:
            continue
    return None
