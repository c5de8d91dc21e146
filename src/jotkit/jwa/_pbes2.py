"""PBES2 password-based key wrapping for JWE (RFC 7518 section 4.8).

``PBES2-HS256+A128KW``, ``PBES2-HS384+A192KW``, ``PBES2-HS512+A256KW``: PBKDF2 (RFC 8018)
over the password, salted with ``UTF8(alg) || 0x00 || p2s``, then AES key wrap.

The iteration count ``p2c`` comes from the token, so it is capped by the caller before
any work is done: an attacker-chosen count of billions is a denial of service (the
"PBES2 billion iterations" DoS, CVE-2022-36083 and relatives). Counts under 1,000 and
salts under 8 bytes (RFC 7518 4.8.1.1, 4.8.1.2) are refused as too weak.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from .._b64 import b64encode_str
from ..errors import DecryptionError, ExceededLimitError
from ._content import ContentEncryption
from ._km import (
    KeyManagement,
    Wrapped,
    caller_header_bytes,
    header_bytes,
    kw_unwrap,
    kw_wrap,
    new_cek,
    requirement,
)

__all__ = ["DEFAULT_P2C", "MIN_P2C", "MIN_P2S_BYTES", "pbes2"]

#: The iteration count used when encrypting, unless the header sets ``p2c``.
DEFAULT_P2C = 10_000
#: RFC 7518 4.8.1.2: "A minimum iteration count of 1000 is RECOMMENDED."
MIN_P2C = 1_000
#: RFC 7518 4.8.1.1: "A Salt Input value containing 8 or more octets MUST be used."
MIN_P2S_BYTES = 8
_SALT_BYTES = 16


def _password(key: Any) -> bytes:
    if not isinstance(key, bytes):
        raise TypeError("PBES2 needs the password as bytes")
    return key


def pbes2(hash_bits: int, kw_bits: int) -> KeyManagement:
    """PBES2-HS{hash_bits}+A{kw_bits}KW (RFC 7518 section 4.8)."""
    name = f"PBES2-HS{hash_bits}+A{kw_bits}KW"
    salt_prefix = name.encode("ascii") + b"\x00"
    digest = f"sha{hash_bits}"

    def derive(password: bytes, p2s: bytes, p2c: int) -> bytes:
        return hashlib.pbkdf2_hmac(digest, password, salt_prefix + p2s, p2c, kw_bits // 8)

    def wrap(
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped:
        password = _password(key)
        p2s = caller_header_bytes(header, "p2s")
        if p2s is None:
            p2s = os.urandom(_SALT_BYTES)
        elif len(p2s) < MIN_P2S_BYTES:
            raise ValueError(f"p2s must be at least {MIN_P2S_BYTES} bytes")
        p2c = header.get("p2c", DEFAULT_P2C)
        if not isinstance(p2c, int) or isinstance(p2c, bool) or p2c < MIN_P2C:
            raise ValueError(f"p2c must be an integer of at least {MIN_P2C}")
        cek = new_cek(enc, cek)
        wrapped = kw_wrap(derive(password, p2s, p2c), cek)
        return Wrapped(cek, wrapped, {"p2s": b64encode_str(p2s), "p2c": p2c})

    def unwrap(
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes:
        password = _password(key)
        p2c = header.get("p2c")
        if not isinstance(p2c, int) or isinstance(p2c, bool) or p2c < MIN_P2C:
            raise DecryptionError()
        if p2c > max_p2c:
            raise ExceededLimitError(f"PBES2 p2c exceeds the limit of {max_p2c}")
        p2s = header_bytes(header, "p2s")
        if p2s is None or len(p2s) < MIN_P2S_BYTES:
            raise DecryptionError()
        return kw_unwrap(derive(password, p2s, p2c), encrypted_key, enc.cek_bits // 8)

    return KeyManagement(
        name=name,
        requirement=requirement(frozenset({"oct"})),
        opt_in=True,
        direct=False,
        wrap=wrap,
        unwrap=unwrap,
    )
