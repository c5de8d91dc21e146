"""Nested JWTs: sign, then encrypt, with ``cty: "JWT"`` (RFC 7519 sections 5.2 and 11.2).

The inner token must be a compact JWS verified against the caller's ``algorithms``,
which come from the JWS table where ``none`` does not exist: encryption alone proves
nothing about who wrote the claims (anyone with the recipient's public key can encrypt),
so an unsigned inner token is never accepted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import MalformedJWTError
from ..jwk import Key, KeyLike
from ._encode import encode
from ._encrypted import is_nested
from ._parse import JWE_SEGMENTS, compact_text
from ._policy import ClaimsPolicy, with_policy_docs
from ._verifier import Verifier

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._policy import PolicyArgs

__all__ = ["decode_nested", "encode_nested"]


def encode_nested(
    claims: Mapping[str, Any],
    signing_key: Key | bytes,
    encryption_key: Key | bytes,
    *,
    alg: str | None = None,
    key_alg: str,
    enc: str,
    headers: Mapping[str, Any] | None = None,
    encryption_headers: Mapping[str, Any] | None = None,
    zip: str | None = None,
    typ: str | None = "JWT",
) -> str:
    """Sign ``claims`` as a JWT, then encrypt that JWT to a compact JWE with ``cty: "JWT"``.

    Args:
        claims: the claims set.
        signing_key: the issuer's private key (or oct secret).
        encryption_key: the recipient's public key (or oct key / bytes).
        alg: the JWS algorithm of the inner token (default: the signing key's ``alg``).
        key_alg: the JWE key management algorithm.
        enc: the JWE content encryption algorithm.
        headers: extra members of the inner (JWS) header.
        encryption_headers: extra members of the outer (JWE) header.
        zip: ``"DEF"`` to compress the inner token.
        typ: the inner header's ``typ``.

    Raises:
        TypeError, ValueError: bad claims, headers or algorithm names.
        InvalidKeyError, AlgorithmNotAllowedError: a key does not fit its algorithm.
    """
    inner = encode(claims, signing_key, alg=alg, headers=headers, typ=typ)
    outer: dict[str, Any] = {"cty": "JWT"}
    if encryption_headers is not None:
        outer.update(encryption_headers)
        if not is_nested(outer):
            raise ValueError("a nested JWT's cty must be 'JWT'")
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    return jwe.encrypt_compact(
        inner.encode("ascii"), encryption_key, alg=key_alg, enc=enc, headers=outer, zip=zip
    )


@with_policy_docs
def decode_nested(
    token: str | bytes,
    decryption_key: KeyLike,
    verification_key: KeyLike,
    *,
    algorithms: Collection[str],
    key_algorithms: Collection[str],
    encryptions: Collection[str],
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    **options: Unpack[PolicyArgs],
) -> dict[str, Any]:
    """Decrypt a nested JWT, verify the inner JWS and validate its claims.

    Args:
        token: the compact JWE.
        decryption_key: the recipient's private key (or oct key).
        verification_key: the issuer's key source for the inner signature.
        algorithms: the accepted inner JWS algorithms.
        key_algorithms: the accepted JWE key management algorithms.
        encryptions: the accepted JWE ``enc`` values.
        limits: input size limits, for both layers.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    The policy's ``typ`` applies to the inner header.

    Raises:
        MalformedJWTError: not a compact JWE, no ``cty: "JWT"``, or an inner token that
            is not a compact JWS of a JSON object.
        MalformedJWEError, MalformedJWSError, ExceededLimitError: a malformed layer.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: an algorithm is refused.
        KeyNotFoundError, InvalidKeyError: no fitting key.
        DecryptionError, InvalidSignatureError: decryption or the signature failed.
        ClaimsError: a claim breaks the policy (only after both layers passed).
        TypeError, ValueError: invalid arguments.
    """
    verifier = Verifier(
        verification_key, algorithms=algorithms, limits=limits, policy=policy, **options
    )
    text = compact_text(token, limits, JWE_SEGMENTS)
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    outer = jwe.decrypt_compact(
        text, decryption_key, algorithms=key_algorithms, encryptions=encryptions, limits=limits
    )
    if not is_nested(outer.header):
        raise MalformedJWTError("not a nested JWT: the JWE's cty is not 'JWT'")
    try:
        inner = outer.plaintext.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedJWTError("the nested token is not ASCII text") from None
    return verifier.decode(inner)
