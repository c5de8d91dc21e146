"""Issuing JWTs: claims to a compact JWS (RFC 7519 section 7.1).

The registered claims are checked on the way out as strictly as on the way in, so that
jotkit never issues a token it would itself reject.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .. import _json, jws
from ..errors import InvalidClaimError
from ..jwk import Key
from ._checks import check_types
from ._numeric import from_datetime

__all__ = ["claims_payload", "encode", "jwt_header"]

_TIME_CLAIMS = ("exp", "nbf", "iat")
# A JWT's payload is always base64url JSON: an unencoded payload (RFC 7797) or another
# critical extension would make the token mean something else to other verifiers.
_FORBIDDEN_HEADERS = frozenset({"b64", "crit"})


def claims_payload(claims: Mapping[str, Any]) -> bytes:
    """Serialise a claims set; ``datetime`` values of ``exp``/``nbf``/``iat`` become NumericDates.

    Raises:
        TypeError: ``claims`` is not a mapping with string keys, a registered claim has the
            wrong type, or a value is not JSON-serialisable.
        ValueError: a naive datetime, or a float that is not finite.
    """
    if not isinstance(claims, Mapping):
        raise TypeError("claims must be a mapping")
    if not all(isinstance(name, str) for name in claims):
        raise TypeError("claim names must be strings")
    converted = None
    for name in _TIME_CLAIMS:
        value = claims.get(name)
        if isinstance(value, datetime):
            if converted is None:
                converted = dict(claims)
            converted[name] = from_datetime(value, name)
    if converted is not None:
        claims = converted
    try:
        check_types(claims)
    except InvalidClaimError as exc:
        raise TypeError(exc.message) from None
    return _json.dumps(claims)


def jwt_header(headers: Mapping[str, Any] | None, typ: str | None) -> dict[str, Any]:
    """Build the extra header members of a JWT: ``typ`` first, then the caller's.

    Raises:
        TypeError: ``headers`` is not a mapping, or ``typ`` is not a string.
        ValueError: ``headers`` carries ``b64`` or ``crit``.
    """
    header: dict[str, Any] = {}
    if typ is not None:
        if not isinstance(typ, str):
            raise TypeError("typ must be a string or None")
        header["typ"] = typ
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise TypeError("headers must be a mapping")
        forbidden = _FORBIDDEN_HEADERS.intersection(headers)
        if forbidden:
            raise ValueError(f"a JWT header must not carry {sorted(forbidden)}")
        header.update(headers)
    return header


def encode(
    claims: Mapping[str, Any],
    key: Key | bytes,
    *,
    alg: str | None = None,
    headers: Mapping[str, Any] | None = None,
    typ: str | None = "JWT",
) -> str:
    """Sign ``claims`` and return a compact JWT.

    Args:
        claims: the claims set; ``datetime`` values of ``exp``, ``nbf``, ``iat`` are
            converted to NumericDates (aware datetimes only).
        key: a private Key, or an oct secret as bytes.
        alg: the JWS algorithm; defaults to the key's bound ``alg``.
        headers: extra protected header members (``kid`` comes from the key). A ``typ``
            here replaces the ``typ`` argument.
        typ: the header ``typ`` (RFC 8725 3.11); None leaves it out.

    Raises:
        TypeError, ValueError: bad claims or headers, or no ``alg`` given or bound.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``.
    """
    payload = claims_payload(claims)
    return jws.sign_compact(payload, key, alg=alg, headers=jwt_header(headers, typ))
