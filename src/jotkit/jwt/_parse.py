"""Parsing shared by every JWT path: the token's shape and the claims set (RFC 7519 7.2).

A JWT is accepted only in the one serialization the caller asked for. A verifier that
takes a JSON serialization or a JWE where it expects a compact JWS (or the reverse)
lets an attacker swap a token for one that was checked differently, as in jwcrypto
CVE-2022-3102 (token substitution).

:func:`unverified` reads a token WITHOUT verifying it, for debugging and routing (RFC
7519 section 7.2). Its name says what it does: nothing it returns may be trusted; use it
to print a token or to pick an issuer's key set before :func:`~jotkit.jwt.decode`, never
to make an access decision.
"""

from __future__ import annotations

from typing import Any

from .. import _json
from .._b64 import b64decode
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import ExceededLimitError, MalformedJWTError
from ._result import UnverifiedJWT

__all__ = [
    "JWE_SEGMENTS",
    "JWS_SEGMENTS",
    "compact_text",
    "parse_claims",
    "parse_header",
    "parse_payload",
    "unverified",
]

JWS_SEGMENTS = 3
JWE_SEGMENTS = 5
_WHAT = {JWS_SEGMENTS: "a compact JWS", JWE_SEGMENTS: "a compact JWE"}


def compact_text(token: object, limits: Limits, segments: int) -> str:
    """Return ``token`` as text after checking it is a compact token of ``segments`` parts.

    Raises:
        ExceededLimitError: the token is too large.
        MalformedJWTError: another serialization (JSON, JWS for JWE, JWE for JWS), or
            not a str or bytes (a JSON body chooses its value's type: untrusted input).
    """
    if not isinstance(token, str):
        if not isinstance(token, bytes | bytearray):
            raise MalformedJWTError(f"a token is a str or bytes, not {type(token).__name__}")
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedJWTError("a compact token is ASCII text") from None
    if len(token) > limits.max_token_size:
        raise ExceededLimitError("the token is too large")
    if token[:1] == "{":
        raise MalformedJWTError("a JSON serialization is not a JWT; pass a compact token")
    found = token.count(".") + 1
    if found != segments:
        expected = _WHAT[segments]
        if found in _WHAT:
            raise MalformedJWTError(f"expected {expected}, got {_WHAT[found]}")
        raise MalformedJWTError(f"expected {expected} ({segments} segments), got {found}")
    return token


def parse_claims(payload: bytes, limits: Limits) -> dict[str, Any]:
    """Parse a JWT claims set: strict JSON that must be an object.

    Raises:
        ExceededLimitError: too large or too deep.
        MalformedJWTError: not strict JSON, or not an object.
    """
    claims = _json.loads(
        payload,
        max_size=limits.max_payload_size,
        max_depth=limits.max_depth,
        error=MalformedJWTError,
    )
    if type(claims) is not dict:
        raise MalformedJWTError("the JWT claims set is not a JSON object")
    return claims


def parse_header(segment: str, limits: Limits) -> dict[str, Any]:
    """Decode a header segment that no JWS or JWE layer parses (unsecured, unverified).

    Raises:
        ExceededLimitError: too large or too deep.
        MalformedJWTError: not base64url of a JSON object.
    """
    if len(segment) > limits.max_header_size * 4 // 3 + 4:
        raise ExceededLimitError("the JWT header is too large")
    header = _json.loads(
        b64decode(segment, MalformedJWTError),
        max_size=limits.max_header_size,
        max_depth=limits.max_depth,
        error=MalformedJWTError,
    )
    if type(header) is not dict:
        raise MalformedJWTError("the JWT header is not a JSON object")
    return header


def parse_payload(segment: str, limits: Limits) -> dict[str, Any]:
    """Decode a base64url claims segment (unsecured, unverified).

    Raises:
        ExceededLimitError: too large or too deep.
        MalformedJWTError: not base64url of a JSON object.
    """
    if len(segment) > limits.max_payload_size * 4 // 3 + 4:
        raise ExceededLimitError("the JWT payload is too large")
    return parse_claims(b64decode(segment, MalformedJWTError), limits)


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
