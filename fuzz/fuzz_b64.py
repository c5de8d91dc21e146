"""Harness: strict base64url decoding (``jotkit._b64.b64decode``, RFC 7515 section 2).

Beyond "only MalformedError escapes", the decoder is checked against a reference built
from the standard library: it must accept exactly the canonical unpadded encodings and
return their bytes, so that no token segment has two spellings (malleability).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

from jotkit._b64 import b64decode, b64encode, b64encode_str
from jotkit.errors import MalformedError

from ._common import Seed, Target, expect, text_of

__all__ = ["TARGET", "check"]

_URL_SAFE = re.compile(rb"[A-Za-z0-9_-]*")


class _Marker(MalformedError):
    """Passed as ``error=``: the decoder must raise exactly the class it is given."""


def _reference(raw: bytes) -> bytes | None:
    """The bytes ``raw`` canonically encodes, or None when it is not canonical."""
    if len(raw) % 4 == 1 or not _URL_SAFE.fullmatch(raw):
        return None
    decoded = base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    return decoded if b64encode(decoded) == raw else None


def _decode(value: str | bytes) -> bytes | None:
    try:
        return b64decode(value, _Marker)
    except _Marker:
        return None


def check(data: bytes) -> None:
    """Decode ``data`` as bytes and as text; compare with the reference; round-trip."""
    expected = _reference(data)
    got = _decode(data)
    expect(got == expected, f"bytes: decoded {got!r}, reference {expected!r}")
    text = text_of(data)
    expected_text = _reference(text.encode("ascii")) if text.isascii() else None
    got_text = _decode(text)
    expect(got_text == expected_text, f"text: decoded {got_text!r}, ref {expected_text!r}")
    expect(b64decode(b64encode(data)) == data, "encode-then-decode changed the bytes")
    expect(b64encode_str(data).encode("ascii") == b64encode(data), "str and bytes differ")


def seeds() -> Iterator[Seed]:
    """Canonical encodings of short strings, and the classic non-canonical spellings."""
    for size in range(7):
        yield f"len{size}", b64encode(bytes(range(250, 250 - size, -1)))
    yield "json", b64encode(b'{"alg":"HS256"}')
    yield from {
        "padded": b"QQ==",
        "padded-3": b"QUI=",
        "plus-slash": b"+/+/",
        "trailing-bits": b"QR",
        "trailing-bits-3": b"QUJ",
        "whitespace": b"QU JD",
        "newline": b"QUJD\n",
        "pad-middle": b"QQ==QUJD",
        "bad-length": b"QUJDR",
        "non-ascii": "QUJD\u00e9".encode(),
        "nul": b"QU\x00D",
    }.items()


TARGET = Target(
    name="b64",
    check=check,
    seeds=seeds,
    max_len=1024,
    dictionary=(b"=", b"==", b"+", b"/", b"-", b"_", b"\n", b" ", b"A", b"Q", b"w"),
)
