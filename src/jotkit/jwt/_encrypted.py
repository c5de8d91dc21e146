"""Encrypted JWTs: the claims set as the plaintext of a compact JWE (RFC 7519 sections 7.1,
7.2; RFC 7516).

Only the compact JWE serialization is accepted, and a JWS given to :func:`decrypt` is
refused (token substitution, jwcrypto CVE-2022-3102). A JWE whose ``cty`` says it holds
a nested JWT is refused too: its inner signature must be checked, by
:func:`~jotkit.jwt.decode_nested`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import MalformedJWTError
from ..jwk import Key, KeyLike
from ._checks import media_type
from ._encode import claims_payload, jwt_header
from ._parse import JWE_SEGMENTS, compact_text, parse_claims
from ._policy import ClaimsPolicy

if TYPE_CHECKING:
    from datetime import timedelta

    from ._numeric import Now

__all__ = ["decrypt", "encrypt", "is_nested"]


def is_nested(header: Mapping[str, Any]) -> bool:
    """Whether a header's ``cty`` says the payload is itself a JWT (RFC 7519 5.2)."""
    cty = header.get("cty")
    return isinstance(cty, str) and media_type(cty) == "jwt"


def encrypt(
    claims: Mapping[str, Any],
    key: Key | bytes,
    *,
    alg: str,
    enc: str,
    headers: Mapping[str, Any] | None = None,
    zip: str | None = None,
    typ: str | None = "JWT",
) -> str:
    """Encrypt ``claims`` to a compact JWE (an encrypted, unsigned JWT).

    Args:
        claims: the claims set (``datetime`` values of ``exp``/``nbf``/``iat`` converted).
        key: the recipient's public key, or an oct Key / bytes for symmetric algorithms.
        alg: the JWE key management algorithm.
        enc: the JWE content encryption algorithm.
        headers: extra protected header members.
        zip: ``"DEF"`` to compress the claims first.
        typ: the header ``typ``; None leaves it out.

    Raises:
        TypeError, ValueError: bad claims, headers or algorithm names.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``/``enc``.
    """
    header = jwt_header(headers, typ)
    if is_nested(header):
        raise ValueError("cty 'JWT' marks a nested JWT: use encode_nested")
    payload = claims_payload(claims)
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    return jwe.encrypt_compact(payload, key, alg=alg, enc=enc, headers=header, zip=zip)


def decrypt(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str],
    encryptions: Collection[str],
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
    """Decrypt an encrypted JWT (compact JWE) and validate its claims; return the claims.

    ``algorithms`` lists the accepted JWE key management algorithms, ``encryptions``
    the accepted ``enc`` values. The claims policy arguments are those of
    :func:`~jotkit.jwt.decode`; ``typ`` is checked against the JWE header.

    Raises:
        MalformedJWTError: not a compact JWE (a JWS or JSON serialization), a nested
            JWT, or a plaintext that is not a JSON object.
        MalformedJWEError, ExceededLimitError: a malformed or oversized JWE.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: ``alg``/``enc`` refused.
        KeyNotFoundError, InvalidKeyError: no fitting key.
        DecryptionError: decryption failed.
        ClaimsError: a claim breaks the policy (raised only after decryption passed).
        TypeError, ValueError: invalid arguments.
    """
    policy = ClaimsPolicy(
        issuer=issuer,
        audience=audience,
        subject=subject,
        leeway=leeway,
        max_age=max_age,
        required=required,
        typ=typ,
        checks=checks,
        now=now,
    )
    text = compact_text(token, limits, JWE_SEGMENTS)
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    result = jwe.decrypt_compact(
        text, key, algorithms=algorithms, encryptions=encryptions, limits=limits
    )
    header = dict(result.header)
    if is_nested(header):
        raise MalformedJWTError("this JWE holds a nested JWT: use decode_nested")
    claims = parse_claims(result.plaintext, limits)
    policy.check(claims, header)
    return claims
