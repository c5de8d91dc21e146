"""One-shot JWT decoding: verify the signature and validate the claims in one call.

RFC 7519 section 7.2 and RFC 8725. There is no way to skip the signature here (see
:func:`~jotkit.jwt.unverified` for reading a token while debugging), and no two-step
decode-then-validate API that a caller could stop halfway through. Both functions run
through a :class:`~jotkit.jwt.Verifier`, kept for reuse by ``_prepared``: one path down
from ``key`` to the signature check.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from .._limits import DEFAULT_LIMITS, Limits
from ..jwk import KeyLike
from ._policy import ClaimsPolicy, with_policy_docs
from ._prepared import verifier_for
from ._result import DecodedJWT

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._policy import PolicyArgs

__all__ = ["decode", "decode_complete"]


@with_policy_docs
def decode(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    **options: Unpack[PolicyArgs],
) -> dict[str, Any]:
    """Verify a compact JWS JWT and validate its claims; return the claims.

    Args:
        token: the compact JWS.
        key: a key source: a Key, a KeySet, an oct secret as bytes, a callable
            ``(header) -> Key``, or a source such as ``jotkit.remote.RemoteKeySet``.
        algorithms: the accepted JWS algorithms; may be omitted only when every
            candidate key is bound to one ``alg``.
        limits: input size limits.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    Raises:
        TypeError, ValueError: invalid arguments (a caller's mistake).
        MalformedJWTError, MalformedJWSError, ExceededLimitError: not a well-formed
            compact JWS of a JSON object, or not a str or bytes.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``alg`` is refused.
        KeyNotFoundError, InvalidKeyError, KeySetUnavailableError: no fitting key.
        InvalidSignatureError: the signature does not verify.
        ClaimsError: a claim breaks the policy (raised only after the signature passed).
    """
    verifier, at = verifier_for(key, algorithms, limits, policy, options)
    return verifier._verify(token, at)[1]


@with_policy_docs
def decode_complete(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    **options: Unpack[PolicyArgs],
) -> DecodedJWT:
    """Like :func:`decode`, returning the header and the verifying key with the claims.

    Args:
        token, key, algorithms, limits: as :func:`decode`.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    Raises:
        JotkitError: as :func:`decode`; TypeError, ValueError for invalid arguments.
    """
    verifier, at = verifier_for(key, algorithms, limits, policy, options)
    return DecodedJWT(*verifier._verify(token, at))
