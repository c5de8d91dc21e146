"""Hand-built hostile JWEs (RFC 7516 section 7.1, RFC 7518 sections 4 and 5).

Like :mod:`._forge`, everything is assembled from the standard library and
`cryptography` primitives, so that a test controls every byte: a padding that is wrong
under a correct MAC, a truncated tag, an ephemeral key off the curve.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import zlib
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

from ._forge import b64, b64json

__all__ = [
    "CEK_BYTES",
    "cbc_hs",
    "concat_kdf",
    "deflate",
    "direct",
    "ecdh_es",
    "jwe",
    "pbes2",
    "pbes2_kek",
    "pkcs7",
    "seal",
]

CEK_BYTES = {
    "A128CBC-HS256": 32,
    "A192CBC-HS384": 48,
    "A256CBC-HS512": 64,
    "A128GCM": 16,
    "A192GCM": 24,
    "A256GCM": 32,
}


def jwe(header: Any, encrypted_key: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> str:
    """A compact JWE from its five parts (``header`` as for :func:`._forge.b64json`)."""
    return ".".join((b64json(header), b64(encrypted_key), b64(iv), b64(ciphertext), b64(tag)))


def pkcs7(data: bytes) -> bytes:
    """PKCS#7 padding to the AES block size."""
    pad = 16 - len(data) % 16
    return data + bytes([pad]) * pad


def cbc_hs(
    cek: bytes, iv: bytes, padded: bytes, aad: bytes, *, tag_bytes: int | None = None
) -> tuple[bytes, bytes]:
    """AES-CBC-HMAC-SHA2 (RFC 7518 5.2.2.1) over already-padded data; returns (C, T).

    Taking the padded plaintext lets a test put a wrong padding under a correct MAC.
    """
    half = len(cek) // 2
    encryptor = Cipher(algorithms.AES(cek[half:]), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    al = struct.pack(">Q", 8 * len(aad))
    digest = {16: "sha256", 24: "sha384", 32: "sha512"}[half]
    mac = hmac.digest(cek[:half], aad + iv + ciphertext + al, digest)
    return ciphertext, mac[: tag_bytes if tag_bytes is not None else half]


def seal(enc: str, cek: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """Encrypt with ``enc`` under ``cek``; returns (ciphertext, tag)."""
    if enc.endswith("GCM"):
        sealed = AESGCM(cek).encrypt(iv, plaintext, aad)
        return sealed[:-16], sealed[-16:]
    return cbc_hs(cek, iv, pkcs7(plaintext), aad)


def direct(header: dict[str, Any], cek: bytes, plaintext: bytes, iv: bytes | None = None) -> str:
    """A ``dir`` JWE of ``plaintext`` under ``cek`` with exactly ``header`` protected."""
    enc = header["enc"]
    iv = iv if iv is not None else bytes(range(12 if enc.endswith("GCM") else 16))
    protected = b64json(header)
    ciphertext, tag = seal(enc, cek, iv, plaintext, protected.encode("ascii"))
    return ".".join((protected, "", b64(iv), b64(ciphertext), b64(tag)))


def deflate(data: bytes) -> bytes:
    """Raw DEFLATE (RFC 1951), as ``zip: DEF`` uses."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def concat_kdf(z: bytes, algorithm_id: str, bits: int) -> bytes:
    """The RFC 7518 4.6.2 Concat KDF with empty apu/apv."""
    other = (
        struct.pack(">I", len(algorithm_id))
        + algorithm_id.encode("ascii")
        + struct.pack(">I", 0)
        + struct.pack(">I", 0)
        + struct.pack(">I", bits)
    )
    return ConcatKDFHash(hashes.SHA256(), bits // 8, other).derive(z)


def ecdh_es(recipient: ec.EllipticCurvePublicKey, enc: str, plaintext: bytes) -> str:
    """A genuine ECDH-ES JWE to ``recipient`` (the control for the invalid-epk tests)."""
    ephemeral = ec.generate_private_key(recipient.curve)
    z = ephemeral.exchange(ec.ECDH(), recipient)
    numbers = ephemeral.public_key().public_numbers()
    size = (recipient.curve.key_size + 7) // 8
    epk = {
        "kty": "EC",
        "crv": {256: "P-256", 384: "P-384", 521: "P-521"}[recipient.curve.key_size],
        "x": b64(numbers.x.to_bytes(size, "big")),
        "y": b64(numbers.y.to_bytes(size, "big")),
    }
    cek = concat_kdf(z, enc, CEK_BYTES[enc] * 8)
    return direct({"alg": "ECDH-ES", "enc": enc, "epk": epk}, cek, plaintext)


def pbes2_kek(alg: str, password: bytes, p2s: bytes, p2c: int) -> bytes:
    """The PBES2 key-encryption key (RFC 7518 4.8.1.1)."""
    bits = {"PBES2-HS256+A128KW": 256, "PBES2-HS384+A192KW": 384, "PBES2-HS512+A256KW": 512}
    size = {256: 16, 384: 24, 512: 32}[bits[alg]]
    salt = alg.encode("ascii") + b"\x00" + p2s
    return hashlib.pbkdf2_hmac(f"sha{bits[alg]}", password, salt, p2c, size)


def pbes2(password: bytes, p2c: int, p2s: bytes, plaintext: bytes) -> str:
    """A genuine PBES2-HS256+A128KW / A128GCM JWE (the control for the p2c tests)."""
    alg = "PBES2-HS256+A128KW"
    cek = bytes(range(16))
    wrapped = aes_key_wrap(pbes2_kek(alg, password, p2s, p2c), cek)
    header = {"alg": alg, "enc": "A128GCM", "p2s": b64(p2s), "p2c": p2c}
    protected = b64json(header)
    iv = bytes(12)
    ciphertext, tag = seal("A128GCM", cek, iv, plaintext, protected.encode("ascii"))
    return ".".join((protected, b64(wrapped), b64(iv), b64(ciphertext), b64(tag)))
