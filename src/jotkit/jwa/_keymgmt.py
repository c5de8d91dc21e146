"""JWE key management algorithms (RFC 7518 section 4, RFC 8037 section 3.2).

RSA (``RSA1_5``, ``RSA-OAEP``, ``RSA-OAEP-256/384/512``), AES key wrap (``A128KW``,
``A192KW``, ``A256KW``), direct encryption (``dir``), AES-GCM key wrap (``A128GCMKW``,
``A192GCMKW``, ``A256GCMKW``), plus ECDH-ES (:mod:`._ecdh`) and PBES2 (:mod:`._pbes2`), as
one closed, read-only table of frozen descriptors.

``RSA1_5`` and PBES2 are ``opt_in``: the JWE layer uses them only when the caller names
them. ``RSA1_5`` decryption follows RFC 7516 section 11.5 against Bleichenbacher's
padding oracle (CRYPTO '98): whatever goes wrong, a random CEK is used, so a padding
failure surfaces as the same tag failure as everything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .._b64 import b64encode_str
from ..errors import DecryptionError
from ._content import CONTENT_OPS, ContentEncryption
from ._ecdh import ecdh_es
from ._km import (
    DEFAULT_MAX_P2C,
    KeyManagement,
    Wrapped,
    header_bytes,
    kw_unwrap,
    kw_wrap,
    new_cek,
    requirement,
)
from ._pbes2 import pbes2

__all__ = ["DEFAULT_MAX_P2C", "KEY_MANAGEMENT", "KeyManagement", "Wrapped"]

_RSA = frozenset({"RSA"})
_OCT = frozenset({"oct"})


def _rsa_public(key: Any) -> rsa.RSAPublicKey:
    if isinstance(key, rsa.RSAPrivateKey):
        return key.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return key
    raise TypeError("RSA key management needs an RSA key")


def _rsa_private(key: Any) -> rsa.RSAPrivateKey:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("RSA decryption needs the recipient's private key")
    return key


def _secret(key: Any, size: int, name: str) -> bytes:
    if not isinstance(key, bytes):
        raise TypeError(f"{name} needs the key as bytes")
    if size and len(key) != size:
        raise ValueError(f"{name} needs a {size * 8}-bit key")
    return key


def _rsa(name: str, pad: padding.AsymmetricPadding, *, opt_in: bool) -> KeyManagement:
    pkcs1v15 = isinstance(pad, padding.PKCS1v15)

    def wrap(
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped:
        cek = new_cek(enc, cek)
        return Wrapped(cek, _rsa_public(key).encrypt(cek, pad), {})

    def unwrap(
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes:
        private = _rsa_private(key)
        cek_len = enc.cek_bits // 8
        # RFC 7516 11.5: the fallback CEK exists before decryption starts, and every
        # failure (padding, length) falls back to it, so the only observable failure is
        # the content's tag check, whatever the padding said (Bleichenbacher oracle).
        fallback = os.urandom(cek_len) if pkcs1v15 else b""
        try:
            cek = private.decrypt(encrypted_key, pad)
        except ValueError:
            cek = fallback
        if len(cek) != cek_len:
            cek = fallback
        if not cek:
            raise DecryptionError()
        return cek

    return KeyManagement(
        name=name,
        requirement=requirement(_RSA, min_bits=2048, asymmetric=True),
        opt_in=opt_in,
        direct=False,
        wrap=wrap,
        unwrap=unwrap,
    )


def rsa1_5() -> KeyManagement:
    """RSA1_5: RSAES-PKCS1-v1_5 (RFC 7518 section 4.2). Opt-in only."""
    return _rsa("RSA1_5", padding.PKCS1v15(), opt_in=True)


def rsa_oaep(bits: int | None) -> KeyManagement:
    """RSA-OAEP (SHA-1, RFC 7518 4.3) when ``bits`` is None, else RSA-OAEP-{bits} (SHA-2)."""
    hash_alg: hashes.HashAlgorithm = {
        # RFC 7518 4.3 fixes SHA-1 for RSA-OAEP; OAEP needs no collision resistance.
        None: hashes.SHA1(),  # noqa: S303
        256: hashes.SHA256(),
        384: hashes.SHA384(),
        512: hashes.SHA512(),
    }[bits]
    name = "RSA-OAEP" if bits is None else f"RSA-OAEP-{bits}"
    pad = padding.OAEP(mgf=padding.MGF1(hash_alg), algorithm=hash_alg, label=None)
    return _rsa(name, pad, opt_in=False)


def aes_kw(bits: int) -> KeyManagement:
    """A128KW / A192KW / A256KW: AES key wrap, RFC 3394 (RFC 7518 section 4.4)."""
    name = f"A{bits}KW"
    size = bits // 8

    def wrap(
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped:
        kek = _secret(key, size, name)
        cek = new_cek(enc, cek)
        return Wrapped(cek, kw_wrap(kek, cek), {})

    def unwrap(
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes:
        kek = _secret(key, size, name)
        return kw_unwrap(kek, encrypted_key, enc.cek_bits // 8)

    return KeyManagement(
        name=name,
        requirement=requirement(_OCT, exact_bits=bits),
        opt_in=False,
        direct=False,
        wrap=wrap,
        unwrap=unwrap,
    )


def aes_gcm_kw(bits: int) -> KeyManagement:
    """A128GCMKW / A192GCMKW / A256GCMKW: AES-GCM key wrap (RFC 7518 section 4.7)."""
    name = f"A{bits}GCMKW"
    size = bits // 8

    def wrap(
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped:
        kek = _secret(key, size, name)
        cek = new_cek(enc, cek)
        if iv is None:
            iv = os.urandom(12)
        elif len(iv) != 12:
            raise ValueError(f"{name} needs a 96-bit IV")
        sealed = AESGCM(kek).encrypt(iv, cek, None)
        params = {"iv": b64encode_str(iv), "tag": b64encode_str(sealed[-16:])}
        return Wrapped(cek, sealed[:-16], params)

    def unwrap(
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes:
        kek = _secret(key, size, name)
        iv = header_bytes(header, "iv")
        tag = header_bytes(header, "tag")
        # Exact lengths: a short tag is a forgery shortcut (RFC 7518 4.7.1.2: 128 bits).
        if iv is None or tag is None or len(iv) != 12 or len(tag) != 16:
            raise DecryptionError()
        if len(encrypted_key) != enc.cek_bits // 8:
            raise DecryptionError()
        try:
            return AESGCM(kek).decrypt(iv, encrypted_key + tag, None)
        except InvalidTag:
            raise DecryptionError() from None

    return KeyManagement(
        name=name,
        requirement=requirement(_OCT, exact_bits=bits),
        opt_in=False,
        direct=False,
        wrap=wrap,
        unwrap=unwrap,
    )


def direct() -> KeyManagement:
    """``dir``: the shared symmetric key is the CEK (RFC 7518 section 4.5).

    Its ``requirement`` accepts any oct key; the JWE layer checks the key against the
    ``enc``'s requirement, which fixes the size.
    """

    def wrap(
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped:
        secret = _secret(key, enc.cek_bits // 8, f"dir with {enc.name}")
        if cek is not None:
            raise ValueError("dir uses the key as the CEK; it cannot take another")
        return Wrapped(secret, b"", {})

    def unwrap(
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes:
        if not isinstance(key, bytes):
            raise TypeError("dir needs the key as bytes")
        # RFC 7516 5.2 step 10: with direct encryption the encrypted key must be empty.
        if encrypted_key or len(key) != enc.cek_bits // 8:
            raise DecryptionError()
        return key

    return KeyManagement(
        name="dir",
        requirement=requirement(_OCT, key_ops=CONTENT_OPS),
        opt_in=False,
        direct=True,
        wrap=wrap,
        unwrap=unwrap,
    )


def _table(*algorithms: KeyManagement) -> Mapping[str, KeyManagement]:
    return MappingProxyType({a.name: a for a in algorithms})


#: Every JWE key management algorithm jotkit implements, by ``alg`` name. Read-only.
KEY_MANAGEMENT: Mapping[str, KeyManagement] = _table(
    rsa1_5(),
    rsa_oaep(None),
    rsa_oaep(256),
    rsa_oaep(384),
    rsa_oaep(512),
    aes_kw(128),
    aes_kw(192),
    aes_kw(256),
    direct(),
    ecdh_es(None),
    ecdh_es(128),
    ecdh_es(192),
    ecdh_es(256),
    aes_gcm_kw(128),
    aes_gcm_kw(192),
    aes_gcm_kw(256),
    pbes2(256, 128),
    pbes2(384, 192),
    pbes2(512, 256),
)
