"""JWT client authentication: ``private_key_jwt`` and ``client_secret_jwt`` (RFC 7523
section 2.2 and 3, with draft-ietf-oauth-rfc7523bis).

:func:`create` makes an assertion; :func:`verify` checks one at the authorization
server. ``iss`` and ``sub`` are the ``client_id``; ``aud`` is the authorization server's
issuer identifier as a single string, and the header carries
``typ: client-authentication+jwt``. rfc7523bis requires both to close the audience
injection attack (2025): a client that put a token endpoint URL, or a list of
audiences, in ``aud`` could be made to sign an assertion that another server accepts.
Verification is strict by default; ``legacy_audiences`` (the token endpoint URL, say)
admits old clients explicitly, and only then is ``typ`` optional.

``exp`` is required and at most ``max_lifetime`` away; ``jti`` is required and used
once, recorded in the replay store until ``exp``. ``client_secret_jwt`` is the same with
an HMAC algorithm (HS256) and the client secret as the key.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import InvalidClaimError
from ..jwk import Key, KeyLike
from ..jwt import DecodedJWT, Verifier, encode
from ..replay import ReplayStore, consume, consume_async
from ._common import (
    check_lifetime,
    check_optional_typ,
    issued_now,
    lifetime,
    new_jti,
    single_use,
)

if TYPE_CHECKING:
    from datetime import timedelta

    from ..jwt import Now

__all__ = ["ASSERTION_TYPE", "TYP", "create", "verify", "verify_async"]

TYP = "client-authentication+jwt"
#: The ``client_assertion_type`` form parameter that goes with an assertion.
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_REQUIRED = ("iss", "sub", "aud", "exp", "jti")


def create(
    key: Key | bytes,
    *,
    client_id: str,
    issuer: str,
    alg: str | None = None,
    lifetime: float = 60,
    now: float | None = None,
) -> str:
    """Make a client assertion for the authorization server ``issuer``.

    Args:
        key: the client's private key (``private_key_jwt``), or its secret as bytes or
            an oct Key (``client_secret_jwt``, with ``alg="HS256"``).
        client_id: the client's identifier (``iss`` and ``sub``).
        issuer: the authorization server's issuer identifier (``aud``, one string).
        alg: the JWS algorithm (default: the key's ``alg``).
        lifetime: seconds until ``exp``.
        now: the ``iat`` (default: now).

    Raises:
        TypeError, ValueError: wrong argument types, no ``alg``.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``.
    """
    if not isinstance(client_id, str) or not isinstance(issuer, str):
        raise TypeError("client_id and issuer must be str")
    iat = issued_now(now)
    claims: dict[str, Any] = {
        "iss": client_id,
        "sub": client_id,
        "aud": issuer,
        "jti": new_jti(),
        "iat": iat,
        "exp": iat + _lifetime(lifetime),
    }
    return encode(claims, key, alg=alg, typ=TYP)


def _lifetime(value: float) -> int:
    return max(1, int(lifetime(value, "lifetime")))


def _verifier(
    keys: KeyLike,
    client_id: str,
    issuer: str,
    algorithms: Collection[str] | None,
    legacy_audiences: Collection[str],
    leeway: float | timedelta,
    now: Now | None,
    limits: Limits,
) -> Verifier:
    if not isinstance(client_id, str) or not isinstance(issuer, str):
        raise TypeError("client_id and issuer must be str")
    if isinstance(legacy_audiences, str):
        raise TypeError("legacy_audiences must be a collection of strings")
    legacy = tuple(legacy_audiences)
    return Verifier(
        keys, algorithms=algorithms, issuer=client_id, subject=client_id,
        audience=(issuer, *legacy), required=_REQUIRED, typ=None if legacy else TYP,
        leeway=leeway, now=now, limits=limits,
    )  # fmt: skip


def _check(
    verifier: Verifier,
    decoded: DecodedJWT,
    client_id: str,
    issuer: str,
    legacy: bool,
    max_lifetime: float,
) -> tuple[str, float]:
    """The checks beyond the policy; the store key and the ttl of the ``jti``."""
    claims, header = decoded.claims, decoded.header
    aud = claims["aud"]
    if not legacy and type(aud) is not str:
        # rfc7523bis: one audience, the issuer; a list is how injection worked.
        raise InvalidClaimError("the assertion's aud must be the issuer, one string", claim="aud")
    if legacy:
        check_optional_typ(header, TYP)
    policy = verifier.policy
    now = policy.current_time()
    check_lifetime(claims, now, max_lifetime, policy.leeway)
    return single_use(
        claims, now, policy.leeway, "assertion", "client_assertion", issuer, client_id
    )


def verify(
    assertion: str | bytes,
    keys: KeyLike,
    *,
    client_id: str,
    issuer: str,
    replay: ReplayStore,
    algorithms: Collection[str] | None = None,
    legacy_audiences: Collection[str] = (),
    max_lifetime: float | timedelta = 300,
    leeway: float | timedelta = 5,
    now: Now | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Verify a client assertion for ``client_id``; record its ``jti``; return its claims.

    Args:
        assertion: the ``client_assertion`` form parameter.
        keys: the client's registered keys (a KeySet, a RemoteKeySet of its
            ``jwks_uri``), or its secret for ``client_secret_jwt``.
        client_id: the client being authenticated (``iss`` and ``sub`` must equal it).
        issuer: this authorization server's issuer identifier (``aud``).
        replay: the replay store shared by every instance of the server.
        algorithms: the accepted algorithms (may be omitted when every key is bound).
        legacy_audiences: also accepted as ``aud`` (for example the token endpoint URL),
            a string or in a list, with ``typ`` then optional: for old clients only.
        max_lifetime: the furthest ``exp`` accepted, in seconds from now (and from
            ``iat``).
        leeway: clock skew allowed, in seconds.
        now: a fixed time or clock (tests).
        limits: input size limits.

    Raises:
        MalformedError, ExceededLimitError: not a well-formed compact JWS JWT.
        AlgorithmNotAllowedError, KeyNotFoundError: no client key fits.
        InvalidKeyError, InvalidSignatureError: the signature does not verify.
        ClaimsError: ``typ``, ``iss``, ``sub``, ``aud``, ``exp``, ``jti`` break the rules.
        ReplayError: the assertion was used before.
        ReplayStoreUnavailableError: the store cannot answer.
        TypeError, ValueError: invalid arguments.
    """
    verifier = _verifier(keys, client_id, issuer, algorithms, legacy_audiences, leeway, now, limits)
    bound = lifetime(max_lifetime, "max_lifetime")
    decoded = verifier.decode_complete(assertion)
    key, ttl = _check(verifier, decoded, client_id, issuer, bool(legacy_audiences), bound)
    consume(replay, key, ttl, claim="jti")
    return decoded.claims


async def verify_async(
    assertion: str | bytes,
    keys: KeyLike,
    *,
    client_id: str,
    issuer: str,
    replay: ReplayStore,
    algorithms: Collection[str] | None = None,
    legacy_audiences: Collection[str] = (),
    max_lifetime: float | timedelta = 300,
    leeway: float | timedelta = 5,
    now: Now | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """:func:`verify`, awaiting the key source and the replay store.

    Raises:
        JotkitError: as :func:`verify`.
    """
    verifier = _verifier(keys, client_id, issuer, algorithms, legacy_audiences, leeway, now, limits)
    bound = lifetime(max_lifetime, "max_lifetime")
    decoded = await verifier.decode_complete_async(assertion)
    key, ttl = _check(verifier, decoded, client_id, issuer, bool(legacy_audiences), bound)
    await consume_async(replay, key, ttl, claim="jti")
    return decoded.claims
