"""Issuing JWTs: claims to a compact JWS (RFC 7519 section 7.1).

The registered claims are checked on the way out as strictly as on the way in, so that
jotkit never issues a token it would itself reject.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _json, jws
from .._b64 import b64encode
from .._lru import LRU
from ..errors import InvalidClaimError
from ..jwk import Key
from ..jws._compact import sign_encoded
from ..jws._sign import build_header, signing_key
from ._checks import check_types, from_datetime

__all__ = ["claims_payload", "encode", "jwt_header"]

_TIME_CLAIMS = ("exp", "nbf", "iat")
# A JWT's payload is always base64url JSON: an unencoded payload (RFC 7797) or another
# critical extension would make the token mean something else to other verifiers.
_FORBIDDEN_HEADERS = frozenset({"b64", "crit"})
# (alg, kid, typ) -> the encoded protected header of a JWT with no extra header members.
_HEADERS: LRU[tuple[str, str | None, str | None], bytes] = LRU(64)


def claims_payload(claims: Mapping[str, Any]) -> bytes:
    """Serialise a claims set; ``datetime`` values of ``exp``/``nbf``/``iat`` become NumericDates.

    Raises:
        TypeError: ``claims`` is not a mapping with string keys, a registered claim has the
            wrong type, or a value is not JSON-serialisable.
        ValueError: a naive datetime, or a float that is not finite.
    """
    if type(claims) is not dict and not isinstance(claims, Mapping):
        raise TypeError("claims must be a mapping")
    for name in claims:
        # json would turn a number key into a string: a claim the caller never named.
        if type(name) is not str and not isinstance(name, str):
            raise TypeError("claim names must be strings")
    converted = None
    for name in _TIME_CLAIMS:
        value = claims.get(name)
        if value is None or type(value) is int or type(value) is float:
            continue
        # Deferred: a datetime value implies its module is loaded; numbers never need it.
        from datetime import datetime

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
    if headers is not None or not (typ is None or type(typ) is str):
        return jws.sign_compact(payload, key, alg=alg, headers=jwt_header(headers, typ))
    signer, descriptor = signing_key(key, alg)
    kid = signer.kid
    # The protected header depends only on (alg, kid, typ), all exact strings: encode it
    # once. (A str subclass could compare equal to another key's kid: never cached.)
    cache_key = (descriptor.name, kid, typ) if kid is None or type(kid) is str else None
    protected = None if cache_key is None else _HEADERS.get(cache_key)
    if protected is None:
        header = build_header(descriptor.name, signer, jwt_header(None, typ))
        protected = b64encode(_json.dumps(header))
        if cache_key is not None:
            _HEADERS.put(cache_key, protected)
    return sign_encoded(protected, b64encode(payload), signer, descriptor)
