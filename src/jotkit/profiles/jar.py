"""JWT-Secured Authorization Requests: request objects (RFC 9101).

:func:`create` signs the authorization request parameters as a JWT (and encrypts it to
the authorization server when asked, a nested JWT, section 4); :func:`verify` checks
one and returns the parameters. The header carries ``typ: oauth-authz-req+jwt``
(section 10.8: explicit typing keeps another JWT the client signed, an ID token say,
from being replayed as a request); ``iss`` is the ``client_id``, ``aud`` the
authorization server's issuer, ``exp`` is required and bounded. The ``client_id`` of
the outer request (the query parameter) must equal the request object's ``client_id``
and ``iss`` (section 5): the server then uses only the request object's parameters.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import MalformedJWTError
from ..jwk import Key, KeyLike
from ..jwt import Verifier, decode_nested, encode, encode_nested
from ..replay import ReplayStore, consume
from ._common import check_lifetime, issued_now, lifetime, new_jti, single_use

if TYPE_CHECKING:
    from datetime import timedelta

    from ..jwt import Now

__all__ = ["TYP", "create", "verify"]

TYP = "oauth-authz-req+jwt"
_REQUIRED = ("iss", "aud", "exp", "client_id")
# JWT claims that frame the request object and are not authorization parameters.
_FRAMING = frozenset({"iss", "aud", "exp", "iat", "nbf", "jti"})


def create(
    params: Mapping[str, Any],
    key: Key | bytes,
    *,
    client_id: str,
    audience: str,
    alg: str | None = None,
    lifetime: float = 300,
    encrypt_to: Key | None = None,
    key_alg: str | None = None,
    enc: str = "A256GCM",
    now: float | None = None,
) -> str:
    """Sign the authorization request ``params`` as a request object.

    Args:
        params: the authorization request parameters (``response_type``, ...).
        key: the client's private key.
        client_id: the client (``iss`` and ``client_id``).
        audience: the authorization server's issuer identifier (``aud``).
        alg: the JWS algorithm (default: the key's ``alg``).
        lifetime: seconds until ``exp``.
        encrypt_to: the authorization server's public key: sign, then encrypt.
        key_alg, enc: the JWE algorithms when encrypting (``key_alg`` required then).
        now: the ``iat`` (default: now).

    Raises:
        TypeError, ValueError: wrong argument types, conflicting parameters.
        InvalidKeyError, AlgorithmNotAllowedError: a key does not fit its algorithm.
    """
    if not isinstance(params, Mapping):
        raise TypeError("params must be a mapping of authorization request parameters")
    if not isinstance(client_id, str) or not isinstance(audience, str):
        raise TypeError("client_id and audience must be str")
    clash = _FRAMING.intersection(params)
    if clash or params.get("client_id", client_id) != client_id:
        raise ValueError(f"params must not set {sorted(clash) or ['client_id']}")
    iat = issued_now(now)
    claims: dict[str, Any] = {
        **params,
        "iss": client_id,
        "aud": audience,
        "client_id": client_id,
        "jti": new_jti(),
        "iat": iat,
        "exp": iat + max(1, int(_lifetime(lifetime))),
    }
    if encrypt_to is None:
        return encode(claims, key, alg=alg, typ=TYP)
    if key_alg is None:
        raise ValueError("pass key_alg=... to encrypt the request object")
    return encode_nested(claims, key, encrypt_to, alg=alg, key_alg=key_alg, enc=enc, typ=TYP)


def _lifetime(value: float) -> float:
    return lifetime(value, "lifetime")


def verify(
    request: str | bytes,
    keys: KeyLike,
    *,
    client_id: str,
    audience: str,
    algorithms: Collection[str] | None = None,
    decryption_key: KeyLike | None = None,
    key_algorithms: Collection[str] = (),
    encryptions: Collection[str] = (),
    require_encryption: bool = False,
    replay: ReplayStore | None = None,
    max_lifetime: float | timedelta = 3600,
    leeway: float | timedelta = 5,
    now: Now | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> dict[str, Any]:
    """Verify a request object; return its authorization request parameters.

    Args:
        request: the ``request`` parameter (a compact JWS, or a JWE of one).
        keys: the client's registered keys.
        client_id: the outer request's ``client_id`` parameter.
        audience: this authorization server's issuer identifier.
        algorithms: the accepted JWS algorithms (may be omitted when every key is bound).
        decryption_key: the server's key, to accept encrypted request objects.
        key_algorithms, encryptions: the accepted JWE algorithms then.
        require_encryption: refuse request objects that are only signed.
        replay: a replay store to make each request object single-use (``jti`` then
            required); None to allow reuse until ``exp``, as RFC 9101 does.
        max_lifetime: the furthest ``exp`` accepted, in seconds.
        leeway: clock skew allowed, in seconds.
        now: a fixed time or clock (tests).
        limits: input size limits.

    Returns:
        The parameters: the claims without ``iss``, ``aud``, ``exp``, ``iat``, ``nbf``,
        ``jti`` (``client_id`` kept).

    Raises:
        MalformedError, ExceededLimitError: not a compact JWS (or JWE of one) JWT.
        AlgorithmNotAllowedError, KeyNotFoundError, InvalidKeyError: no key fits.
        InvalidSignatureError, DecryptionError: a layer does not verify.
        ClaimsError: ``typ``, ``iss``, ``aud``, ``exp``, ``client_id`` break the rules.
        ReplayError, ReplayStoreUnavailableError: with ``replay``, as its store says.
        TypeError, ValueError: invalid arguments.
    """
    if not isinstance(client_id, str) or not isinstance(audience, str):
        raise TypeError("client_id and audience must be str")
    bound = lifetime(max_lifetime, "max_lifetime")
    required = (*_REQUIRED, "jti") if replay is not None else _REQUIRED
    # ``client_id`` is checked against the outer request both as iss and as the claim.
    policy: dict[str, Any] = {
        "issuer": client_id, "audience": audience, "required": required, "typ": TYP,
        "checks": {"client_id": client_id}, "leeway": leeway, "now": now, "limits": limits,
    }  # fmt: skip
    verifier = Verifier(keys, algorithms=algorithms, **policy)
    encrypted = _segments(request) == 5
    if encrypted:
        if decryption_key is None:
            raise MalformedJWTError("an encrypted request object, and no decryption key")
        if algorithms is None:
            raise ValueError("pass algorithms=... to accept encrypted request objects")
        claims = decode_nested(
            request, decryption_key, keys, algorithms=algorithms,
            key_algorithms=key_algorithms, encryptions=encryptions, **policy,
        )  # fmt: skip
    else:
        if require_encryption:
            raise MalformedJWTError("the request object must be encrypted")
        claims = verifier.decode(request)
    policy_now = verifier.policy.current_time()
    check_lifetime(claims, policy_now, bound, verifier.policy.leeway)
    if replay is not None:
        key, ttl = single_use(
            claims, policy_now, verifier.policy.leeway, "request object", "jar", audience,
            client_id,
        )  # fmt: skip
        consume(replay, key, ttl, claim="jti")
    return {name: value for name, value in claims.items() if name not in _FRAMING}


def _segments(request: object) -> int:
    if isinstance(request, bytes | bytearray):
        return bytes(request).count(b".") + 1
    if isinstance(request, str):
        return request.count(".") + 1
    return 0
