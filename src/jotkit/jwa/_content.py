"""JWE content encryption algorithms (RFC 7518 section 5).

``A128CBC-HS256``, ``A192CBC-HS384``, ``A256CBC-HS512`` (AES-CBC with HMAC-SHA2, RFC 7518
section 5.2) and ``A128GCM``, ``A192GCM``, ``A256GCM`` (RFC 7518 section 5.3), as a closed,
read-only table of frozen descriptors.

Decryption checks every length exactly (CEK, IV, tag) and fails with the one fixed
:class:`~jotkit.errors.DecryptionError` whatever went wrong, so that no failure can be told
from another (padding oracles, CVE-2016-2107 style). AES-CBC-HMAC verifies the MAC, in
constant time, before it decrypts anything.
"""

from __future__ import annotations

import hmac as _hmac
import struct
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.padding import PKCS7

from .._frozen import Frozen
from ..errors import DecryptionError
from ._base import KeyRequirement, Operation
from ._sig import constant_time_equal as constant_time_equal

__all__ = ["CONTENT_ENCRYPTIONS", "ContentCipher", "ContentEncryption"]

#: ``key_ops`` values that permit a ``dir`` key (the CEK itself) to be used.
CONTENT_OPS: Mapping[Operation, frozenset[str]] = MappingProxyType(
    {"encrypt": frozenset({"encrypt"}), "decrypt": frozenset({"decrypt"})}
)


class ContentCipher(Protocol):
    """A content encryption bound to one CEK (see :attr:`ContentEncryption.cipher`)."""

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        """Return (ciphertext, tag). Raises ``ValueError`` on an IV of the wrong length."""
        ...

    def decrypt(self, iv: bytes, ciphertext: bytes, aad: bytes, tag: bytes) -> bytes:
        """Return the plaintext. Raises :class:`~jotkit.errors.DecryptionError` on any failure."""
        ...


class ContentEncryption(Frozen):
    """One JWE ``enc``: an AEAD over (CEK, IV, plaintext, AAD).

    Attributes:
        name: the ``enc`` header value.
        cek_bits: the exact size of the content encryption key, in bits.
        iv_bytes: the exact size of the initialization vector.
        tag_bytes: the exact size of the authentication tag.
        requirement: the keys accepted as a ``dir`` key (an oct key of ``cek_bits``).
        cipher: ``(cek) -> ContentCipher``, the AEAD bound to one CEK, so that a
            long-lived ``dir`` key is prepared once; raises ``ValueError`` on a CEK of
            the wrong length.
    """

    name: str
    cek_bits: int
    iv_bytes: int
    tag_bytes: int
    requirement: KeyRequirement
    cipher: Callable[[bytes], ContentCipher]

    __slots__ = ("cek_bits", "cipher", "iv_bytes", "name", "requirement", "tag_bytes")

    def encrypt(self, cek: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        """Return (ciphertext, tag). Raises ``ValueError`` on a CEK or IV of the wrong length."""
        return self.cipher(cek).encrypt(iv, plaintext, aad)

    def decrypt(self, cek: bytes, iv: bytes, ciphertext: bytes, aad: bytes, tag: bytes) -> bytes:
        """Return the plaintext.

        Raises:
            DecryptionError: any failure, a CEK of the wrong length included.
        """
        if len(cek) * 8 != self.cek_bits:
            raise DecryptionError()
        return self.cipher(cek).decrypt(iv, ciphertext, aad, tag)


def _requirement(cek_bits: int) -> KeyRequirement:
    return KeyRequirement(
        ktys=frozenset({"oct"}),
        crvs=frozenset(),
        min_bits=0,
        exact_bits=cek_bits,
        use="enc",
        key_ops=CONTENT_OPS,
        private_for=frozenset(),
        bound_aliases=frozenset({"dir"}),
    )


def _check_cek(name: str, cek: bytes, cek_len: int) -> None:
    if len(cek) != cek_len:
        raise ValueError(f"{name} needs a {cek_len * 8}-bit CEK")


class _CbcHmac:
    """AES-CBC with HMAC-SHA2 bound to one CEK (RFC 7518 section 5.2.2)."""

    __slots__ = ("_aes", "_digest", "_half", "_mac_key", "_name")

    def __init__(self, name: str, bits: int, cek: bytes) -> None:
        half = bits // 8
        _check_cek(name, cek, 2 * half)
        self._name = name
        self._half = half
        self._digest = f"sha{2 * bits}"
        self._mac_key = cek[:half]
        self._aes = algorithms.AES(cek[half:])

    def _mac(self, iv: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        al = struct.pack(">Q", 8 * len(aad))
        mac = _hmac.digest(self._mac_key, b"".join((aad, iv, ciphertext, al)), self._digest)
        return mac[: self._half]

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        if len(iv) != 16:
            raise ValueError(f"{self._name} needs a 16-byte IV")
        padder = PKCS7(128).padder()
        padded = padder.update(plaintext) + padder.finalize()
        encryptor = Cipher(self._aes, modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(padded) + encryptor.finalize()
        return ciphertext, self._mac(iv, ciphertext, aad)

    def decrypt(self, iv: bytes, ciphertext: bytes, aad: bytes, tag: bytes) -> bytes:
        if len(iv) != 16 or len(tag) != self._half or not ciphertext or len(ciphertext) % 16:
            raise DecryptionError()
        # Authenticate before touching the padding: a padding check on unauthenticated
        # data is a padding oracle (Vaudenay 2002, Lucky Thirteen).
        if not constant_time_equal(self._mac(iv, ciphertext, aad), tag):
            raise DecryptionError()
        decryptor = Cipher(self._aes, modes.CBC(iv)).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = PKCS7(128).unpadder()
        try:
            return unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise DecryptionError() from None


class _Gcm:
    """AES-GCM bound to one CEK (RFC 7518 section 5.3): 96-bit IV, 128-bit tag."""

    __slots__ = ("_aead", "_name")

    def __init__(self, name: str, bits: int, cek: bytes) -> None:
        _check_cek(name, cek, bits // 8)
        self._name = name
        self._aead = AESGCM(cek)

    def encrypt(self, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
        if len(iv) != 12:
            raise ValueError(f"{self._name} needs a 12-byte IV")
        sealed = self._aead.encrypt(iv, plaintext, aad)
        return sealed[:-16], sealed[-16:]

    def decrypt(self, iv: bytes, ciphertext: bytes, aad: bytes, tag: bytes) -> bytes:
        # A truncated tag would be accepted by a GCM API that takes the tag length from
        # the input (tag truncation forgeries); the length is fixed here.
        if len(iv) != 12 or len(tag) != 16:
            raise DecryptionError()
        try:
            return self._aead.decrypt(iv, ciphertext + tag, aad)
        except InvalidTag:
            raise DecryptionError() from None


def aes_cbc_hmac(bits: int) -> ContentEncryption:
    """A128CBC-HS256 / A192CBC-HS384 / A256CBC-HS512 (RFC 7518 section 5.2.2).

    The CEK is MAC_KEY || ENC_KEY, each ``bits`` long; the tag is the first half of
    HMAC-SHA-(2*bits) over AAD || IV || ciphertext || AL (AAD length in bits, 64-bit).
    """
    name = f"A{bits}CBC-HS{2 * bits}"
    return ContentEncryption(
        name, 2 * bits, 16, bits // 8, _requirement(2 * bits), partial(_CbcHmac, name, bits)
    )


def aes_gcm(bits: int) -> ContentEncryption:
    """A128GCM / A192GCM / A256GCM (RFC 7518 section 5.3): 96-bit IV, 128-bit tag."""
    name = f"A{bits}GCM"
    return ContentEncryption(name, bits, 12, 16, _requirement(bits), partial(_Gcm, name, bits))


def _table(*encryptions: ContentEncryption) -> Mapping[str, ContentEncryption]:
    return MappingProxyType({e.name: e for e in encryptions})


#: Every JWE content encryption jotkit implements, by ``enc`` name. Read-only.
CONTENT_ENCRYPTIONS: Mapping[str, ContentEncryption] = _table(
    aes_cbc_hmac(128),
    aes_cbc_hmac(192),
    aes_cbc_hmac(256),
    aes_gcm(128),
    aes_gcm(192),
    aes_gcm(256),
)
