"""Unsecured JWTs, ``alg: none`` (RFC 7519 section 6).

The only code in jotkit that reads or writes ``alg: none``. ``none`` is in no algorithm
table, so no verifying path can be talked into it by a token's header (the classic
"alg: none" bypass); these functions say what they do in their name, and accept nothing
else: a signed token given to :func:`decode_unsecured` is refused, not half-checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._b64 import b64encode
from .._json import dumps
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import AlgorithmNotAllowedError, MalformedJWTError
from ._encode import claims_payload, jwt_header
from ._parse import JWS_SEGMENTS, compact_text, parse_header, parse_payload
from ._policy import ClaimsPolicy, with_policy_docs

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._policy import PolicyArgs

__all__ = ["decode_unsecured", "encode_unsecured"]


def encode_unsecured(
    claims: Mapping[str, Any],
    *,
    headers: Mapping[str, Any] | None = None,
    typ: str | None = "JWT",
) -> str:
    """Return an unsecured JWT (``alg: none``, empty signature). Anyone can forge one.

    Raises:
        TypeError, ValueError: bad claims or headers (``alg``, ``kid``, ``b64``, ``crit``
            are not allowed in ``headers``).
    """
    extra = jwt_header(headers, typ)
    for name in ("alg", "kid"):
        if name in extra:
            raise ValueError(f"an unsecured JWT's header must not carry {name!r}")
    header = b64encode(dumps({"alg": "none", **extra}))
    return (header + b"." + b64encode(claims_payload(claims)) + b".").decode("ascii")


@with_policy_docs
def decode_unsecured(
    token: str | bytes,
    *,
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    **options: Unpack[PolicyArgs],
) -> dict[str, Any]:
    """Decode an unsecured JWT (``alg: none``) and validate its claims. Nothing is verified.

    Args:
        token: the unsecured compact JWT.
        limits: input size limits.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    Raises:
        MalformedJWTError, ExceededLimitError: not an unsecured compact JWT of a JSON object.
        AlgorithmNotAllowedError: the token is signed (``alg`` is not ``none``).
        ClaimsError: a claim breaks the policy.
        TypeError, ValueError: invalid arguments.
    """
    claims_policy = ClaimsPolicy.of(policy, options)
    head, body, signature = compact_text(token, limits, JWS_SEGMENTS).split(".")
    header = parse_header(head, limits)
    if header.get("alg") != "none":
        raise AlgorithmNotAllowedError("decode_unsecured accepts only alg 'none'")
    if signature:
        raise MalformedJWTError("an unsecured JWT has an empty signature")
    if "crit" in header or "b64" in header:
        raise MalformedJWTError("an unsecured JWT takes no critical extensions")
    claims = parse_payload(body, limits)
    claims_policy.check(claims, header)
    return claims
