"""Strict base64url without padding (RFC 7515 section 2 and appendix C).

Decoding rejects padding, any character outside the URL-safe alphabet (including
whitespace, ``+`` and ``/``), an impossible length, and non-canonical trailing bits, so
that every byte string has exactly one encoding and a token cannot be altered without
changing its bytes' meaning (malleability).
"""

from __future__ import annotations

import binascii

from .errors import MalformedError

__all__ = ["b64decode", "b64encode", "b64encode_str"]

# One translation does two jobs: it maps the URL-safe alphabet onto the standard one for
# binascii, and it maps the standard alphabet's own "+" and "/" to a byte binascii skips.
# binascii (non-strict) skips every byte outside its alphabet, so any foreign byte
# (including "=", whitespace and non-ASCII) shortens the output, and a length check
# catches it: one C pass instead of a regular expression plus a decode.
_TO_STANDARD = bytes.maketrans(b"-_+/", b"+/!!")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_PADDING = (b"", b"", b"==", b"=")
# The last character of an encoding of length 4k+2 carries 4 unused bits, of length 4k+3
# carries 2: those bits must be zero for the encoding to be canonical.
_CANONICAL_LAST_2 = frozenset(b"AQgw")
_CANONICAL_LAST_3 = frozenset(b"AEIMQUYcgkosw048")


def b64encode(data: bytes) -> bytes:
    """Encode ``data`` as unpadded base64url bytes."""
    # What base64.urlsafe_b64encode does, without its two Python-level calls.
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=")


def b64encode_str(data: bytes) -> str:
    """Encode ``data`` as an unpadded base64url ASCII string."""
    return b64encode(data).decode("ascii")


def b64decode(data: str | bytes, error: type[MalformedError] = MalformedError) -> bytes:
    """Decode strict unpadded base64url.

    Raises:
        MalformedError (or the subclass given as ``error``): the input is not canonical
        unpadded base64url.
    """
    if isinstance(data, str):
        if not data.isascii():
            raise error("invalid base64url: non-ASCII character")
        raw = data.encode("ascii")
    else:
        raw = data
    size = len(raw)
    rem = size % 4
    if rem == 1:
        raise error("invalid base64url: impossible length")
    try:
        decoded = binascii.a2b_base64(raw.translate(_TO_STANDARD) + _PADDING[rem])
    except binascii.Error:
        decoded = b""
    if len(decoded) != size * 3 // 4:
        raise error("invalid base64url: character outside the URL-safe alphabet or padding")
    if rem == 2 and raw[-1] not in _CANONICAL_LAST_2:
        raise error("invalid base64url: non-zero trailing bits")
    if rem == 3 and raw[-1] not in _CANONICAL_LAST_3:
        raise error("invalid base64url: non-zero trailing bits")
    return decoded
