"""One-shot JWT decoding: verify the signature and validate the claims in one call.

RFC 7519 section 7.2 and RFC 8725. There is no way to skip the signature here (see
:func:`~jotkit.jwt.unverified` for reading a token while debugging), and no two-step
decode-then-validate API that a caller could stop halfway through.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import timedelta
from typing import Any

from .._limits import DEFAULT_LIMITS, Limits
from ..jwk import KeyLike
from ._numeric import Now
from ._result import DecodedJWT
from ._verifier import Verifier

__all__ = ["decode", "decode_complete"]


def decode(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    issuer: str | Collection[str] | None = None,
    audience: str | Collection[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_age: float | timedelta | None = None,
    required: Collection[str] = (),
    typ: str | None = None,
    checks: Mapping[str, Any] | None = None,
    now: Now | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Verify a compact JWS JWT and validate its claims; return the claims.

    Args:
        token: the compact JWS.
        key: a Key, a KeySet, an oct secret as bytes, or a callable ``(header) -> Key``.
        algorithms: the accepted JWS algorithms; may be omitted only when every
            candidate key is bound to one ``alg``.
        issuer: the accepted ``iss`` (a string or a collection), compared for equality.
        audience: the accepted audiences; ``aud`` must contain one. When None, a token
            that carries ``aud`` is rejected (RFC 7519 4.1.3).
        subject: the exact ``sub`` required.
        leeway: clock skew allowed, in seconds or as a ``timedelta``.
        max_age: the oldest ``iat`` accepted, in seconds or as a ``timedelta``.
        required: claims that must be present.
        typ: the header ``typ`` required (case-insensitive, ``application/`` optional).
        checks: claim name -> expected value, or a predicate on the claim's value.
        now: the time to check against (NumericDate, aware datetime, or a callable).
        limits: input size limits.

    Raises:
        TypeError, ValueError: invalid arguments (a caller's mistake).
        MalformedJWTError, MalformedJWSError, ExceededLimitError: not a well-formed
            compact JWS of a JSON object.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``alg`` is refused.
        KeyNotFoundError, InvalidKeyError: no fitting key.
        InvalidSignatureError: the signature does not verify.
        ClaimsError: a claim breaks the policy (raised only after the signature passed).
    """
    return Verifier(
        key,
        algorithms=algorithms,
        issuer=issuer,
        audience=audience,
        subject=subject,
        leeway=leeway,
        max_age=max_age,
        required=required,
        typ=typ,
        checks=checks,
        now=now,
        limits=limits,
    ).decode(token)


def decode_complete(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    issuer: str | Collection[str] | None = None,
    audience: str | Collection[str] | None = None,
    subject: str | None = None,
    leeway: float | timedelta = 0,
    max_age: float | timedelta | None = None,
    required: Collection[str] = (),
    typ: str | None = None,
    checks: Mapping[str, Any] | None = None,
    now: Now | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> DecodedJWT:
    """Like :func:`decode`, returning the header and the verifying key with the claims.

    Raises:
        JotkitError: as :func:`decode`; TypeError, ValueError for invalid arguments.
    """
    return Verifier(
        key,
        algorithms=algorithms,
        issuer=issuer,
        audience=audience,
        subject=subject,
        leeway=leeway,
        max_age=max_age,
        required=required,
        typ=typ,
        checks=checks,
        now=now,
        limits=limits,
    ).decode_complete(token)
