"""Strict base64url without padding (RFC 7515 section 2 and appendix C).

Decoding rejects padding, any character outside the URL-safe alphabet (including
whitespace, ``+`` and ``/``), an impossible length, and non-canonical trailing bits, so
that every byte string has exactly one encoding and a token cannot be altered without
changing its bytes' meaning (malleability).
"""

from __future__ import annotations

import base64
import binascii
import re

from .errors import MalformedError

__all__ = ["b64decode", "b64encode", "b64encode_str"]

_ALPHABET = re.compile(rb"[A-Za-z0-9_-]*\Z")
# The last character of an encoding of length 4k+2 carries 4 unused bits, of length 4k+3
# carries 2: those bits must be zero for the encoding to be canonical.
_CANONICAL_LAST_2 = frozenset(b"AQgw")
_CANONICAL_LAST_3 = frozenset(b"AEIMQUYcgkosw048")


def b64encode(data: bytes) -> bytes:
    """Encode ``data`` as unpadded base64url bytes."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def b64encode_str(data: bytes) -> str:
    """Encode ``data`` as an unpadded base64url ASCII string."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(data: str | bytes, error: type[MalformedError] = MalformedError) -> bytes:
    """Decode strict unpadded base64url.

    Raises:
        MalformedError (or the subclass given as ``error``): the input is not canonical
        unpadded base64url.
    """
    if isinstance(data, str):
        try:
            raw = data.encode("ascii")
        except UnicodeEncodeError:
            raise error("invalid base64url: non-ASCII character") from None
    else:
        raw = data
    rem = len(raw) % 4
    if rem == 1:
        raise error("invalid base64url: impossible length")
    if not _ALPHABET.match(raw):
        raise error("invalid base64url: character outside the URL-safe alphabet or padding")
    if rem == 2 and raw[-1] not in _CANONICAL_LAST_2:
        raise error("invalid base64url: non-zero trailing bits")
    if rem == 3 and raw[-1] not in _CANONICAL_LAST_3:
        raise error("invalid base64url: non-zero trailing bits")
    try:
        return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    except binascii.Error:  # pragma: no cover - the checks above leave nothing for it
        raise error("invalid base64url") from None
