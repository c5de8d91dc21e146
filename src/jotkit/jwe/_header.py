"""JWE header rules shared by both serializations (RFC 7516 sections 4, 7.2.1).

- The allow-lists of ``alg`` and ``enc`` are resolved to table entries once, and never
  have defaults: ``RSA1_5`` and PBES2 are used only when the caller names them.
- Protected, shared unprotected and per-recipient headers must be disjoint (7.2.1), so an
  unprotected member can never shadow a protected one.
- ``crit`` (RFC 7516 4.1.13, RFC 7515 4.1.11) must be protected and list only understood
  extensions. jotkit understands none for JWE, so any ``crit`` rejects the token: ignoring
  a critical extension is how extension-based bypasses work.
- ``zip`` must be protected (RFC 7516 4.1.3) and ``DEF``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from .. import _json
from .._b64 import b64decode
from .._limits import Limits
from .._lru import LRU
from ..errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    MalformedJWEError,
    UnsupportedAlgorithmError,
)
from ..jwa import CONTENT_ENCRYPTIONS, KEY_MANAGEMENT, ContentEncryption, KeyManagement

__all__ = [
    "CACHE_SIZE",
    "PER_MESSAGE",
    "UNDERSTOOD_CRITICAL",
    "allow_lists",
    "check_crit",
    "decode_protected",
    "is_zipped",
    "merge_disjoint",
    "resolve",
]

#: Critical extensions jotkit's JWE understands: none.
UNDERSTOOD_CRITICAL: frozenset[str] = frozenset()
# RFC 7515 4.1.11: crit must not list header parameters the specs already define.
_REGISTERED = frozenset(
    {
        "alg",
        "enc",
        "zip",
        "jku",
        "jwk",
        "kid",
        "x5u",
        "x5c",
        "x5t",
        "x5t#S256",
        "typ",
        "cty",
        "crit",
        "epk",
        "apu",
        "apv",
        "iv",
        "tag",
        "p2s",
        "p2c",
    }
)


# Allow-lists and flat protected headers repeat from call to call: both are resolved once
# and kept in small bounded LRUs (an attacker can only evict entries, never grow them).
CACHE_SIZE = 256
_ALLOW_CACHE: LRU[
    tuple[tuple[str, ...], tuple[str, ...]],
    tuple[dict[str, KeyManagement], dict[str, ContentEncryption]],
] = LRU(CACHE_SIZE)
_HEADER_CACHE: LRU[str, dict[str, Any]] = LRU(CACHE_SIZE)
_SCALARS = frozenset({str, int, float, bool, type(None)})
#: Header parameters whose values differ in every message (never worth caching).
PER_MESSAGE = frozenset({"epk", "iv", "tag", "p2s"})


def _names(names: Collection[str], what: str) -> tuple[str, ...]:
    if isinstance(names, str | bytes):
        raise TypeError(f"{what} must be a list of names, not a string")
    return tuple(names)


def _resolve(names: tuple[str, ...], table: Mapping[str, Any], what: str) -> dict[str, Any]:
    if not names:
        raise ValueError(f"{what} must name at least one algorithm")
    resolved: dict[str, Any] = {}
    for name in names:
        descriptor = table.get(name) if isinstance(name, str) else None
        if descriptor is None:
            raise ValueError(f"unknown JWE algorithm {name!r} in {what}")
        resolved[name] = descriptor
    return resolved


def allow_lists(
    algorithms: Collection[str], encryptions: Collection[str]
) -> tuple[dict[str, KeyManagement], dict[str, ContentEncryption]]:
    """Resolve the caller's ``alg`` and ``enc`` allow-lists to table entries, once: the
    pair is kept under one key, so a call costs one look-up.

    Raises:
        TypeError: a bare string instead of a list.
        ValueError: empty, or an unknown name.
    """
    algs, encs = _names(algorithms, "algorithms"), _names(encryptions, "encryptions")
    try:
        cached = _ALLOW_CACHE.get((algs, encs))
    except TypeError:  # an unhashable entry: not a name, reported below
        cached = None
    if cached is not None:
        return cached
    resolved = (
        _resolve(algs, KEY_MANAGEMENT, "algorithms"),
        _resolve(encs, CONTENT_ENCRYPTIONS, "encryptions"),
    )
    _ALLOW_CACHE.put((algs, encs), resolved)
    return resolved


def decode_protected(segment: str, limits: Limits) -> dict[str, Any]:
    """Decode a JWE Protected Header segment into a (fresh) JSON object.

    Raises:
        ExceededLimitError: the header is too large or too deep.
        MalformedJWEError: not base64url of a JSON object.
    """
    # The decoded size of unpadded base64url is exactly len * 3 // 4.
    if len(segment) * 3 // 4 > limits.max_header_size:
        raise ExceededLimitError("the JWE header is too large")
    cached = _HEADER_CACHE.get(segment)
    if cached is not None:
        return dict(cached)
    header = _json.loads(
        b64decode(segment, MalformedJWEError),
        max_size=limits.max_header_size,
        max_depth=limits.max_depth,
        error=MalformedJWEError,
    )
    if not isinstance(header, dict):
        raise MalformedJWEError("the JWE header is not a JSON object")
    # Only flat headers without per-message values (epk, iv, tag, p2s) are kept: their
    # copies share no mutable value, depth 1 passes any depth limit, and they repeat.
    if PER_MESSAGE.isdisjoint(header) and all(type(v) in _SCALARS for v in header.values()):
        _HEADER_CACHE.put(segment, header)
        return dict(header)
    return header


def merge_disjoint(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Merge header parts that must not share a member (RFC 7516 7.2.1).

    Raises:
        MalformedJWEError: two parts share a member.
    """
    merged: dict[str, Any] = {}
    for part in parts:
        if not merged.keys().isdisjoint(part):
            raise MalformedJWEError("the protected and unprotected headers share a member")
        merged.update(part)
    return merged


def check_crit(protected: Mapping[str, Any], unprotected: Iterable[Mapping[str, Any]] = ()) -> None:
    """Apply the ``crit`` rules: protected, a non-empty list of understood names.

    Raises:
        MalformedJWEError: ``crit`` is unprotected, ill-formed, or lists anything (no JWE
            extension is understood).
    """
    if any("crit" in part for part in unprotected):
        raise MalformedJWEError("'crit' must be in the protected header")
    if "crit" not in protected:
        return
    crit = protected["crit"]
    if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
        raise MalformedJWEError("'crit' must be a non-empty list of strings")
    for name in crit:
        if name in _REGISTERED:
            raise MalformedJWEError(f"'crit' must not list registered parameter {name!r}")
        if name not in UNDERSTOOD_CRITICAL:
            raise MalformedJWEError(f"critical extension {name!r} is not understood")
    # Unreachable while UNDERSTOOD_CRITICAL is empty; kept for when an extension is added.
    raise MalformedJWEError("'crit' lists no understood extension")  # pragma: no cover


def is_zipped(protected: Mapping[str, Any], unprotected: Iterable[Mapping[str, Any]] = ()) -> bool:
    """Whether the plaintext is compressed: ``zip`` must be protected and ``DEF``.

    Raises:
        MalformedJWEError: ``zip`` in an unprotected header.
        UnsupportedAlgorithmError: a ``zip`` other than ``DEF``.
    """
    if any("zip" in part for part in unprotected):
        raise MalformedJWEError("'zip' must be in the protected header")
    if "zip" not in protected:
        return False
    if protected["zip"] != "DEF":
        raise UnsupportedAlgorithmError("the only supported 'zip' is 'DEF'")
    return True


def _lookup(
    header: Mapping[str, Any], member: str, allowed: Mapping[str, Any], table: Mapping[str, Any]
) -> Any:
    name = header.get(member)
    if not isinstance(name, str):
        raise MalformedJWEError(f"the header's {member!r} is missing or not a string")
    descriptor = allowed.get(name)
    if descriptor is None:
        if name in table:
            raise AlgorithmNotAllowedError(f"{member} {name!r} is not in the allowed list")
        raise UnsupportedAlgorithmError(f"{member} {name!r} is not supported")
    return descriptor


def resolve(
    header: Mapping[str, Any],
    algorithms: Mapping[str, KeyManagement],
    encryptions: Mapping[str, ContentEncryption],
) -> tuple[KeyManagement, ContentEncryption]:
    """Return the allowed table entries for the header's ``alg`` and ``enc``.

    Raises:
        MalformedJWEError: ``alg`` or ``enc`` missing or not a string.
        AlgorithmNotAllowedError: known but not allowed.
        UnsupportedAlgorithmError: unknown to jotkit.
    """
    alg = _lookup(header, "alg", algorithms, KEY_MANAGEMENT)
    enc = _lookup(header, "enc", encryptions, CONTENT_ENCRYPTIONS)
    return alg, enc
