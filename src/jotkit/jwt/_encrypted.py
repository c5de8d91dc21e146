"""Encrypted JWTs: the claims set as the plaintext of a compact JWE (RFC 7519 sections 7.1,
7.2; RFC 7516).

Only the compact JWE serialization is accepted, and a JWS given to :func:`decrypt` is
refused (token substitution, jwcrypto CVE-2022-3102). A JWE whose ``cty`` says it holds
a nested JWT is refused too: its inner signature must be checked, by
:func:`~jotkit.jwt.decode_nested`.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import MalformedJWTError
from ..jwk import Key, KeyLike
from ._checks import media_type
from ._encode import claims_payload, jwt_header
from ._parse import JWE_SEGMENTS, compact_text, parse_claims
from ._policy import ClaimsPolicy, with_policy_docs

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._policy import PolicyArgs

__all__ = ["decrypt", "encrypt", "is_nested", "renamed"]


def renamed(new: Any, old: Any, names: str) -> Any:
    """The value of a renamed keyword (``names`` is ``"new/old"``); the old name warns.

    Raises:
        TypeError: both or neither given.
    """
    new_name, old_name = names.split("/")
    if old is None:
        if new is None:
            raise TypeError(f"{new_name}= is required")
        return new
    if new is not None:
        raise TypeError(f"pass {new_name}= only ({old_name}= is its old name)")
    # One name for the JWE key-management algorithm across the JWT layer.
    warnings.warn(f"{old_name}= is now {new_name}=", DeprecationWarning, stacklevel=3)
    return old


def is_nested(header: Mapping[str, Any]) -> bool:
    """Whether a header's ``cty`` says the payload is itself a JWT (RFC 7519 5.2)."""
    cty = header.get("cty")
    return isinstance(cty, str) and media_type(cty) == "jwt"


def encrypt(
    claims: Mapping[str, Any],
    key: Key | bytes,
    *,
    key_alg: str | None = None,
    enc: str,
    headers: Mapping[str, Any] | None = None,
    zip: str | None = None,
    typ: str | None = "JWT",
    alg: str | None = None,
) -> str:
    """Encrypt ``claims`` to a compact JWE (an encrypted, unsigned JWT).

    Args:
        claims: the claims set (``datetime`` values of ``exp``/``nbf``/``iat`` converted).
        key: the recipient's public key, or an oct Key / bytes for symmetric algorithms.
        key_alg: the JWE key management algorithm (``alg=``, its old name, still works
            with a ``DeprecationWarning``).
        enc: the JWE content encryption algorithm.
        headers: extra protected header members.
        zip: ``"DEF"`` to compress the claims first.
        typ: the header ``typ``; None leaves it out.

    Raises:
        TypeError, ValueError: bad claims, headers or algorithm names.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``/``enc``.
    """
    key_alg = renamed(key_alg, alg, "key_alg/alg")
    header = jwt_header(headers, typ)
    if is_nested(header):
        raise ValueError("cty 'JWT' marks a nested JWT: use encode_nested")
    payload = claims_payload(claims)
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    return jwe.encrypt_compact(payload, key, alg=key_alg, enc=enc, headers=header, zip=zip)


@with_policy_docs
def decrypt(
    token: str | bytes,
    key: KeyLike,
    *,
    key_algorithms: Collection[str] | None = None,
    encryptions: Collection[str],
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    algorithms: Collection[str] | None = None,
    **options: Unpack[PolicyArgs],
) -> dict[str, Any]:
    """Decrypt an encrypted JWT (compact JWE) and validate its claims; return the claims.

    Args:
        token: the compact JWE.
        key: the recipient's key source (a private Key, a KeySet, an oct secret...).
        key_algorithms: the accepted JWE key management algorithms (``algorithms=``,
            its old name, still works with a ``DeprecationWarning``).
        encryptions: the accepted JWE ``enc`` values.
        limits: input size limits.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    The header ``typ`` (policy ``typ=``) is checked against the JWE header.

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
    key_algorithms = renamed(key_algorithms, algorithms, "key_algorithms/algorithms")
    claims_policy = ClaimsPolicy.of(policy, options)
    text = compact_text(token, limits, JWE_SEGMENTS)
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    result = jwe.decrypt_compact(
        text, key, algorithms=key_algorithms, encryptions=encryptions, limits=limits
    )
    header = dict(result.header)
    if is_nested(header):
        raise MalformedJWTError("this JWE holds a nested JWT: use decode_nested")
    claims = parse_claims(result.plaintext, limits)
    claims_policy.check(claims, header)
    return claims
