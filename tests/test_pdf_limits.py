"""The compression-bomb check (yusuan.read.pdf_limits) stops inflating once the bytes left cannot reach the limit:
deflate gives at most 1,032 bytes per byte it reads (zlib's FAQ: "the maximum compression factor is 1032:1"),
so a small file is not inflated at all; a bomb after other streams, or after bytes of another kind, is still
found."""

from __future__ import annotations

import os
import zlib

from pdf_draw import serialise
from yusuan.read import pdf_limits


def bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MiB of spaces, compressed as tightly as zlib can."""
    packer = zlib.compressobj(9)
    return b"".join(packer.compress(b" " * (16 << 20)) for _ in range(megabytes // 16)) + packer.flush()


def stream(data: bytes, flate: bool = True) -> bytes:
    kind = b" /Filter /FlateDecode" if flate else b" /Filter /DCTDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), kind) + data + b"\nendstream"


def pdf(streams: list[bytes]) -> bytes:
    return serialise([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", *streams])


def test_zlib_at_its_tightest_gives_at_most_1032_bytes_a_byte():
    data = bomb(256)
    assert 1000 * len(data) < 256 << 20 <= 1032 * len(data)


def test_a_bomb_after_other_streams_and_a_picture_is_found():
    text = zlib.compress(b"BT /F1 9 Tf 72 720 Td (budget) Tj ET\n" * 200)
    picture = os.urandom(700_000)  # bytes of another kind (a JPEG's): nothing to inflate, and the bytes left shrink
    data = pdf([stream(text), stream(picture, flate=False), stream(text), stream(bomb(640))])
    assert len(data) < 2 << 20
    place, message = pdf_limits.inflated_problem(data)
    assert message.startswith("its compressed streams inflate to more than 512 MB")


def test_streams_under_the_limit_are_not_refused_whatever_the_size():
    text = zlib.compress(b"BT /F1 9 Tf 72 720 Td (budget) Tj ET\n" * 200)
    assert pdf_limits.inflated_problem(pdf([stream(text), stream(bomb(400))])) is None  # 400 MB: under 512
    assert pdf_limits.inflated_problem(pdf([stream(text), stream(os.urandom(900_000), flate=False)])) is None
