"""JWS header rules shared by both serializations (RFC 7515 section 4, RFC 7797 section 6).

``crit`` (RFC 7515 4.1.11): must be protected, a non-empty list of distinct strings, each
naming a member present in the protected header that jotkit understands. jotkit
understands exactly one extension, ``b64``. Ignoring ``crit`` is how extension-based
bypasses work, so anything else rejects the token.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .. import _json
from .._b64 import b64decode
from .._limits import Limits
from ..errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    MalformedJWSError,
    UnsupportedAlgorithmError,
)
from ..jwa import JWS_ALGORITHMS, SignatureAlgorithm

__all__ = [
    "UNDERSTOOD_CRITICAL",
    "allowed_algorithms",
    "check_crit",
    "decode_header",
    "resolve_alg",
]

UNDERSTOOD_CRITICAL = frozenset({"b64"})
# RFC 7515 4.1.11: crit must not list header parameters the spec already defines.
_REGISTERED = frozenset(
    {
        "alg",
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
        "enc",
        "zip",
        "epk",
        "apu",
        "apv",
        "iv",
        "tag",
        "p2s",
        "p2c",
    }
)


def allowed_algorithms(algorithms: Collection[str] | None) -> dict[str, SignatureAlgorithm]:
    """Resolve the caller's allow-list to table entries, once.

    Raises:
        TypeError: ``algorithms`` is a bare string or not a collection.
        ValueError: empty, or names an algorithm jotkit does not implement (``none`` too).
    """
    if isinstance(algorithms, str | bytes):
        raise TypeError("algorithms must be a list of names, e.g. ['ES256'], not a string")
    if not algorithms:
        raise ValueError("algorithms must name at least one algorithm")
    table: dict[str, SignatureAlgorithm] = {}
    for name in algorithms:
        descriptor = JWS_ALGORITHMS.get(name)
        if descriptor is None:
            raise ValueError(f"unknown JWS algorithm {name!r} in algorithms")
        table[name] = descriptor
    return table


def resolve_alg(
    header: Mapping[str, Any], allowed: Mapping[str, SignatureAlgorithm]
) -> SignatureAlgorithm:
    """Return the table entry for the header's ``alg``, which must be allowed.

    Raises:
        MalformedJWSError: ``alg`` missing or not a string.
        AlgorithmNotAllowedError: ``alg`` is not in the allow-list (``none`` never is).
        UnsupportedAlgorithmError: never raised for an allowed alg; kept for clarity.
    """
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise MalformedJWSError("the header's 'alg' is missing or not a string")
    descriptor = allowed.get(alg)
    if descriptor is None:
        if alg in JWS_ALGORITHMS:
            raise AlgorithmNotAllowedError(f"alg {alg!r} is not in the allowed algorithms")
        raise UnsupportedAlgorithmError(f"alg {alg!r} is not supported")
    return descriptor


def decode_header(segment: str, limits: Limits) -> dict[str, Any]:
    """Decode a protected header segment into a JSON object.

    Raises:
        ExceededLimitError: the header is too large or too deep.
        MalformedJWSError: not base64url of a JSON object.
    """
    if len(segment) > limits.max_header_size * 4 // 3 + 4:
        raise ExceededLimitError("the JWS header is too large")
    raw = b64decode(segment, MalformedJWSError)
    header = _json.loads(
        raw, max_size=limits.max_header_size, max_depth=limits.max_depth, error=MalformedJWSError
    )
    if not isinstance(header, dict):
        raise MalformedJWSError("the JWS header is not a JSON object")
    return header


def check_crit(protected: Mapping[str, Any], unprotected: Mapping[str, Any] | None = None) -> bool:
    """Apply the ``crit`` and ``b64`` rules; return the ``b64`` value (True when absent).

    Raises:
        MalformedJWSError: ``crit`` is unprotected, empty, ill-typed, lists an unknown or
            absent extension; ``b64`` is unprotected, not a boolean, or not critical.
    """
    if unprotected and ("crit" in unprotected or "b64" in unprotected):
        raise MalformedJWSError("'crit' and 'b64' must be in the protected header")
    crit = protected.get("crit")
    if crit is not None:
        if not isinstance(crit, list) or not crit or not all(isinstance(c, str) for c in crit):
            raise MalformedJWSError("'crit' must be a non-empty list of strings")
        if len(set(crit)) != len(crit):
            raise MalformedJWSError("'crit' has duplicate values")
        for name in crit:
            if name in _REGISTERED:
                raise MalformedJWSError(f"'crit' must not list registered parameter {name!r}")
            if name not in UNDERSTOOD_CRITICAL:
                raise MalformedJWSError(f"critical extension {name!r} is not understood")
            if name not in protected:
                raise MalformedJWSError(f"critical extension {name!r} is not in the header")
    elif "crit" in protected:
        raise MalformedJWSError("'crit' must be a non-empty list of strings")
    if "b64" not in protected:
        return True
    b64 = protected["b64"]
    if not isinstance(b64, bool):
        raise MalformedJWSError("'b64' must be a boolean")
    if crit is None or "b64" not in crit:
        raise MalformedJWSError("'b64' must be listed in 'crit' (RFC 7797 section 6)")
    return b64
