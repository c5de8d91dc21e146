"""Reading a JWT without verifying it, for debugging and routing (RFC 7519 section 7.2).

The function's name says what it does. Nothing it returns may be trusted: use it to
print a token, or to pick an issuer's key set before calling :func:`~jotkit.jwt.decode`,
never to make an access decision.
"""

from __future__ import annotations

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import MalformedJWTError
from ._parse import JWS_SEGMENTS, compact_text, parse_header, parse_payload
from ._result import UnverifiedJWT

__all__ = ["unverified"]


def unverified(token: str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> UnverifiedJWT:
    """Return a compact JWS JWT's header and claims WITHOUT verifying anything.

    Raises:
        MalformedJWTError, ExceededLimitError: not a compact JWS of a JSON object (a JWE
            cannot be read without its key), or not str or bytes at all.
    """
    head, body, _ = compact_text(token, limits, JWS_SEGMENTS).split(".")
    header = parse_header(head, limits)
    if header.get("b64", True) is not True:
        raise MalformedJWTError("a JWT payload must be base64url-encoded (b64: false)")
    return UnverifiedJWT(header, parse_payload(body, limits))
