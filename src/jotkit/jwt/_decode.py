"""One-shot JWT decoding: verify the signature and validate the claims in one call.

RFC 7519 section 7.2 and RFC 8725. There is no way to skip the signature here (see
:func:`~jotkit.jwt.unverified` for reading a token while debugging), and no two-step
decode-then-validate API that a caller could stop halfway through.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..jwk import KeyLike
from . import _prepared
from ._result import DecodedJWT
from ._verifier import Verifier

if TYPE_CHECKING:
    from datetime import timedelta

    from ._numeric import Now

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
    # The usual call, keyed inline (the hot path): one list of names, strings, no extras.
    if (
        now is None
        and type(algorithms) is list
        and len(algorithms) == 1
        and type(algorithms[0]) is str
        and (issuer is None or type(issuer) is str)
        and (audience is None or type(audience) is str)
        and subject is None
        and type(leeway) is int
        and max_age is None
        and type(required) is tuple
        and not required
        and typ is None
        and checks is None
    ):
        kept = _prepared.kept_simple(key, algorithms[0], issuer, audience, leeway, limits)
        if kept is not None:
            return kept._verify(token, None)[1]
    verifier, at = _verifier(
        key, algorithms, issuer, audience, subject, leeway, max_age, required, typ, checks,
        now, limits,
    )  # fmt: skip
    return verifier._verify(token, at)[1]


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
    verifier, at = _verifier(
        key, algorithms, issuer, audience, subject, leeway, max_age, required, typ, checks,
        now, limits,
    )  # fmt: skip
    return DecodedJWT(*verifier._verify(token, at))


def _verifier(
    key: KeyLike,
    algorithms: Collection[str] | None,
    issuer: str | Collection[str] | None,
    audience: str | Collection[str] | None,
    subject: str | None,
    leeway: float | timedelta,
    max_age: float | timedelta | None,
    required: Collection[str],
    typ: str | None,
    checks: Mapping[str, Any] | None,
    now: Now | None,
    limits: Limits,
) -> tuple[Verifier, float | None]:
    """The verifier for these arguments (kept for reuse when they allow), and the time.

    A kept verifier is built without ``now``: the time is applied per call, never bound.

    Raises:
        TypeError, ValueError: an invalid argument.
    """
    at = None if now is None else _prepared.fixed_time(now)
    if at is not _prepared.UNCACHEABLE:
        cache_key = _prepared.cache_key(
            key, algorithms, issuer, audience, subject, leeway, max_age, required, typ,
            checks, limits,
        )  # fmt: skip
        if cache_key is not None:
            kept = _prepared.cached(cache_key, key, limits)
            if kept is not None:
                return kept, at
            verifier = Verifier(
                key, algorithms=algorithms, issuer=issuer, audience=audience, subject=subject,
                leeway=leeway, max_age=max_age, required=required, typ=typ, checks=checks,
                limits=limits,
            )  # fmt: skip
            _prepared.store_verifier(cache_key, key, limits, verifier)
            return verifier, at
    verifier = Verifier(
        key, algorithms=algorithms, issuer=issuer, audience=audience, subject=subject,
        leeway=leeway, max_age=max_age, required=required, typ=typ, checks=checks, now=now,
        limits=limits,
    )  # fmt: skip
    return verifier, None
