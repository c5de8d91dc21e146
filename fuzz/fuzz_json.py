"""Harness: strict JSON parsing (``jotkit._json.loads``, RFC 8259 / RFC 7515 section 5.2).

Differential: ``loads`` must accept exactly what the standard library parses once
duplicate member names, NaN/Infinity, overflowing numbers, a byte-order mark, invalid
UTF-8 and documents over the size or depth cap are ruled out, and must return the same
value. Whatever it accepts must survive ``dumps`` and ``loads`` again unchanged.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from jotkit import _json
from jotkit.errors import JotkitError

from ._common import Seed, Target, expect, text_of

__all__ = ["TARGET", "check"]

# (max_size, max_depth): the defaults, and small caps so that the limit paths run too.
_CAPS = ((_json.DEFAULT_MAX_SIZE, _json.DEFAULT_MAX_DEPTH), (64, 3))
_NOT_PARSED = object()


class _Refuse(Exception):
    """The reference parser refuses the document."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({name for name, _ in pairs}) != len(pairs):
        raise _Refuse
    return dict(pairs)


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Refuse
    return value


def _constant(text: str) -> Any:
    raise _Refuse


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _reference(data: bytes | str, max_size: int, max_depth: int) -> Any:
    """The value a strict parser built from the standard library returns, or _NOT_PARSED."""
    if len(data) > max_size:
        return _NOT_PARSED
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            return _NOT_PARSED
    if data.startswith("\ufeff"):
        return _NOT_PARSED
    try:
        value = json.loads(
            data, object_pairs_hook=_pairs, parse_float=_float, parse_constant=_constant
        )
    except (_Refuse, ValueError, RecursionError):
        return _NOT_PARSED
    return value if _depth(value) <= max_depth else _NOT_PARSED


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1, 1.0 and True differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


def _loads(data: bytes | str, max_size: int, max_depth: int) -> Any:
    try:
        return _json.loads(data, max_size=max_size, max_depth=max_depth)
    except JotkitError:
        return _NOT_PARSED


def check(data: bytes) -> None:
    """Parse ``data`` as bytes and as text under each cap; compare with the reference."""
    for form in (data, text_of(data)):
        for max_size, max_depth in _CAPS:
            got = _loads(form, max_size, max_depth)
            expected = _reference(form, max_size, max_depth)
            if got is _NOT_PARSED or expected is _NOT_PARSED:
                expect(got is expected, f"accepted {got!r}, reference {expected!r}")
                continue
            expect(_same(got, expected), f"parsed {got!r}, reference {expected!r}")
            _round_trip(got, max_depth)


def _round_trip(value: Any, max_depth: int) -> None:
    try:
        text = _json.dumps(value)
    except UnicodeEncodeError:
        # A lone surrogate (from a "\\ud800" escape) has no UTF-8 form: dumps is for the
        # caller's own data, where that is the caller's ValueError.
        return
    again = _json.loads(text, max_size=len(text), max_depth=max_depth)
    expect(_same(again, value), f"dumps/loads changed {value!r} into {again!r}")


def seeds() -> Iterator[Seed]:
    """Headers, claims and key sets, and the documents a strict parser must refuse."""
    yield "header", b'{"alg":"HS256","typ":"JWT","kid":"k1"}'
    yield "claims", b'{"iss":"https://a.example","aud":["x","y"],"exp":1700000000.5,"n":null}'
    yield "jwks", b'{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"EC","crv":"P-256"}]}'
    yield "unicode", '{"\u00e9":"\\u00e9\\ud83d\\ude00","a":"\\u0000"}'.encode()
    yield "lone-surrogate", b'{"a":"\\ud800"}'
    yield "duplicate", b'{"alg":"HS256","alg":"none"}'
    yield "nested-duplicate", b'{"a":{"b":1,"b":2}}'
    yield "nan", b'{"exp":NaN}'
    yield "infinity", b"[Infinity,-Infinity]"
    yield "overflow", b'{"exp":1e400}'
    yield "big-int", b"1" + b"0" * 5000
    yield "bom", b'\xef\xbb\xbf{"a":1}'
    yield "bad-utf8", b'{"a":"\xff"}'
    yield "deep-ok", b"[" * 32 + b"]" * 32
    yield "deep", b"[" * 33 + b"]" * 33
    yield "brackets-in-string", b'["[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]'
    yield "escaped-quote", b'["\\"[[[[", {"a": [[[[]]]]}]'
    yield "numbers", b"[-0,0.0,1E-7,-1.5e+3,123456789012345678901234567890]"
    yield "scalars", b" true "


TARGET = Target(
    name="json",
    check=check,
    seeds=seeds,
    dictionary=(
        b'"',
        b"\\u",
        b"\\ud800",
        b"\\\\",
        b"{",
        b"}",
        b"[",
        b"]",
        b":",
        b",",
        b"true",
        b"false",
        b"null",
        b"NaN",
        b"Infinity",
        b"1e400",
        b"-0",
        b"\xef\xbb\xbf",
    ),
)
