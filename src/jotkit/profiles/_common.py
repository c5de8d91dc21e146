"""Rules shared by the one-time signed requests of OAuth: client assertions (RFC 7523
section 3) and request objects (RFC 9101 section 4)."""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from typing import Any

from .. import _time
from ..errors import InvalidClaimError
from ..jwk import Key
from ..jwt._checks import media_type, seconds
from ..replay import store_key

__all__ = [
    "check_lifetime",
    "check_optional_typ",
    "default_alg",
    "issued_now",
    "lifetime",
    "new_jti",
    "single_use",
]

# The alg a holder's or client's key signs with unless told otherwise.
_DEFAULT_ALG = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512", "Ed25519": "EdDSA"}


def default_alg(key: Key) -> str | None:
    """The alg a key signs proofs with by default: its bound ``alg``, else ES256/384/512
    by curve, EdDSA for Ed25519, PS256 for RSA (None: no default for that key)."""
    if key.alg is not None:
        return key.alg
    return _DEFAULT_ALG.get(key.crv or "") if key.kty != "RSA" else "PS256"


def lifetime(value: object, name: str) -> float:
    """A positive duration in seconds (a number or a timedelta).

    Raises:
        TypeError, ValueError: not a positive finite duration.
    """
    result = seconds(value, name)  # type: ignore[arg-type]
    if result <= 0:
        raise ValueError(f"{name} must be positive")
    return result


def check_lifetime(
    claims: Mapping[str, Any], now: float, max_lifetime: float, leeway: float
) -> None:
    """``exp`` must not be further than ``max_lifetime`` from now (nor from ``iat``).

    A long-lived assertion is a long-lived credential: whoever captures one can use it
    until it expires, so its distance is bounded even when its issuer did not bound it.

    Raises:
        InvalidClaimError: ``exp`` too far away (``.claim == "exp"``).
    """
    exp = claims["exp"]
    limit = max_lifetime + leeway
    iat = claims.get("iat")
    if exp - now > limit or (iat is not None and exp - iat > limit):
        raise InvalidClaimError(
            f"the token's exp is more than {max_lifetime:g} seconds away", claim="exp"
        )


def single_use(
    claims: Mapping[str, Any], now: float, leeway: float, what: str, namespace: str, *scope: str
) -> tuple[str, float]:
    """The replay-store key of a one-time token's ``jti`` and how long to keep it: until
    the token can no longer be accepted (``exp`` + ``leeway``).

    ``scope`` (the audience, the client) goes into the key, so that one client's ``jti``
    never spends another's.

    Raises:
        InvalidClaimError: an empty ``jti`` (``.claim == "jti"``).
    """
    jti = claims["jti"]
    if not jti:
        raise InvalidClaimError(f"the {what}'s jti must not be empty", claim="jti")
    return store_key(namespace, *scope, jti), claims["exp"] + leeway - now


def check_optional_typ(header: Mapping[str, Any], typ: str) -> None:
    """A ``typ`` that is present must be ``typ`` (legacy mode, where it may be absent).

    Raises:
        InvalidClaimError: another ``typ`` (``.claim == "typ"``).
    """
    given = header.get("typ")
    if given is not None and (not isinstance(given, str) or media_type(given) != typ):
        raise InvalidClaimError("the header's 'typ' is not the expected type", claim="typ")


def issued_now(now: float | None) -> int:
    """The ``iat`` of a token made now (or at ``now``)."""
    if now is None:
        return int(_time.now())
    if isinstance(now, bool) or not isinstance(now, int | float) or not math.isfinite(now):
        raise TypeError("now must be a NumericDate")
    return int(now)


def new_jti() -> str:
    """A ``jti`` of 128 random bits."""
    return secrets.token_urlsafe(16)
