"""Strict JSON in, compact JSON out (RFC 8259 as profiled by RFC 7515 section 5.2).

Parsing rejects what a lenient parser would let an attacker exploit: duplicate member
names (RFC 7515 section 5.2 allows rejecting them; two parsers choosing different
duplicates is a known bypass), ``NaN``/``Infinity`` and numbers that overflow to
infinity, invalid UTF-8, a byte-order mark, input over a size cap and nesting deeper
than a depth cap (stack exhaustion).
"""

from __future__ import annotations

import json
import json.scanner
import math
import sys
from collections.abc import Callable
from typing import Any, cast

from .errors import ExceededLimitError, MalformedError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "check_parsed",
    "copy_json",
    "copy_shaped",
    "dumps",
    "loads",
    "shape",
]

#: Default cap on the size of one JSON document, in bytes.
DEFAULT_MAX_SIZE = 256 * 1024
#: Default cap on nesting depth (objects and arrays).
DEFAULT_MAX_DEPTH = 32


class _Reject(Exception):
    """Raised inside the parser's hooks; turned into a MalformedError by :func:`loads`."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise _Reject("duplicate member name")
    return obj


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Reject("number out of range")
    return value


def _constant(text: str) -> float:
    raise _Reject(f"{text} is not JSON")


#: Integers longer than this are rejected: converting them costs quadratic time.
MAX_INT_DIGITS = 4300


def _int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise _Reject("integer too long")
    return int(text)


# Python 3.11+ already refuses integers over 4300 digits (sys.int_info.default_max_str_digits)
# with a ValueError; only older versions need the hook, which costs a call per integer.
_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs,
    parse_float=_float,
    parse_constant=_constant,
    parse_int=_int if sys.version_info < (3, 11) else None,
    strict=True,
)
# The decoder's own scanner (what JSONDecoder.raw_decode calls), with the same hooks.
_SCAN: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(cast(Any, _DECODER))
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# Measures a value parsed elsewhere as the JSON it came from. Unlike _ENCODER it takes
# every value a JSON parser yields: a lone surrogate from a "\ud800" escape, and NaN in
# a dict the caller parsed leniently (a crash there is a crash on untrusted input).
_MEASURE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _depth(text: str) -> int:
    """Return the maximum nesting depth of ``text``, skipping string contents."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _too_deep(text: str, max_depth: int) -> bool:
    # Counting brackets is cheap; the exact, string-aware scan runs only when the count
    # alone cannot rule out a document that is too deep.
    return text.count("[") + text.count("{") > max_depth and _depth(text) > max_depth


def loads(
    data: bytes | str,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    error: type[MalformedError] = MalformedError,
) -> Any:
    """Parse one strict JSON document.

    Raises:
        ExceededLimitError: over ``max_size`` bytes or nested deeper than ``max_depth``.
        MalformedError (or ``error``): not strict JSON.
    """
    if len(data) > max_size:
        raise ExceededLimitError(f"JSON document larger than {max_size} bytes")
    if isinstance(data, bytes):
        if data[:3] == b"\xef\xbb\xbf":
            raise error("invalid JSON: byte-order mark")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise error("invalid JSON: not UTF-8") from None
    else:
        text = data
        if text[:1] == "\ufeff":
            raise error("invalid JSON: byte-order mark")
    if _too_deep(text, max_depth):
        raise ExceededLimitError(f"JSON nested deeper than {max_depth}")
    try:
        # The scanner alone parses a document with no surrounding whitespace, the usual
        # case; anything else (whitespace, trailing data, an error) takes the full path.
        try:
            value, end = _SCAN(text, 0)
        except StopIteration:
            return _DECODER.decode(text)
        return value if end == len(text) else _DECODER.decode(text)
    except _Reject as exc:
        raise error(f"invalid JSON: {exc}") from None
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and integers over the digit limit.
        raise error("invalid JSON") from None


def check_parsed(value: Any, max_size: int, max_depth: int, what: str) -> None:
    """Apply the caps of :func:`loads` to a value already parsed (an unprotected header).

    The value is measured as compact UTF-8 JSON, whether it came out of :func:`loads`
    (where only the whole document was capped) or from a caller who parsed it.

    Raises:
        ExceededLimitError: ``what`` is over ``max_size`` bytes or nested deeper than
            ``max_depth``.
    """
    text = _MEASURE.encode(value)
    if len(text.encode("utf-8", "surrogatepass")) > max_size:
        raise ExceededLimitError(f"{what} is too large (over {max_size} bytes)")
    if _too_deep(text, max_depth):
        raise ExceededLimitError(f"{what} is nested too deep (over {max_depth})")


def dumps(obj: Any) -> bytes:
    """Serialize ``obj`` as compact UTF-8 JSON (no whitespace, no NaN)."""
    return _ENCODER.encode(obj).encode("utf-8")


_CONTAINERS = (dict, list)


def copy_json(value: Any) -> Any:
    """Deep-copy a parsed JSON object or array (only those are mutable in parsed JSON)."""
    if type(value) is dict:
        return {k: v if type(v) not in _CONTAINERS else copy_json(v) for k, v in value.items()}
    return [v if type(v) not in _CONTAINERS else copy_json(v) for v in value]


def shape(obj: dict[str, Any]) -> tuple[str, ...] | None:
    """How :func:`copy_shaped` copies ``obj``: the names of its members that are objects
    holding no object or array, when only those nest; None when anything nests deeper
    or an array appears (a full :func:`copy_json` then).

    ``()`` means ``obj`` is flat: ``dict(obj)`` is a deep copy. A header with a ``jwk``
    (DPoP, SD-JWT key binding) or claims with ``cnf`` are one level deep.
    """
    nested = []
    for name, value in obj.items():
        kind = type(value)
        if kind is dict:
            for inner in value.values():
                if type(inner) in _CONTAINERS:
                    return None
            nested.append(name)
        elif kind is list:
            return None
    return tuple(nested)


def copy_shaped(obj: dict[str, Any], nested: tuple[str, ...] | None) -> dict[str, Any]:
    """A deep copy of ``obj`` whose :func:`shape` is ``nested``; cheaper than
    :func:`copy_json` for the common shapes."""
    if nested is None:
        result: dict[str, Any] = copy_json(obj)
        return result
    copy = dict(obj)
    for name in nested:
        copy[name] = dict(copy[name])
    return copy
