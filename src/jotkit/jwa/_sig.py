"""JWS signature and MAC algorithms (RFC 7518 section 3, RFC 8037, RFC 8812, RFC 9864, RFC 9964).

A closed table of frozen descriptors built by small factories. ``none`` is not in it:
unsecured JWTs go through :mod:`jotkit.jwt` functions that say so in their name.
"""

from __future__ import annotations

import hmac as _hmac
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from .._frozen import Frozen
from ._base import SIGNATURE_OPS, KeyRequirement, Operation

__all__ = ["JWS_ALGORITHMS", "SignatureAlgorithm", "constant_time_equal"]

#: The one comparison used for MACs, tags and hashes (timing attacks). Bytes only: the
#: declared type is what callers may rely on (the standard function also takes str).
constant_time_equal: Callable[[bytes, bytes], bool] = _hmac.compare_digest

_ASYMMETRIC_PRIVATE: frozenset[Operation] = frozenset({"sign"})


class SignatureAlgorithm(Frozen):
    """One JWS ``alg``: how to sign and verify, and which keys fit.

    ``sign(key_obj, data)`` takes the private ``cryptography`` object (or the secret bytes
    for HMAC); ``verify(key_obj, data, signature)`` takes the public object and returns
    whether the signature is valid. Neither raises on a bad signature.
    """

    name: str
    requirement: KeyRequirement
    sign: Callable[[Any, bytes], bytes]
    verify: Callable[[Any, bytes, bytes], bool]

    __slots__ = ("name", "requirement", "sign", "verify")

    def __init__(
        self,
        name: str,
        requirement: KeyRequirement,
        sign: Callable[[Any, bytes], bytes],
        verify: Callable[[Any, bytes, bytes], bool],
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "name", name)
        setattr_(self, "requirement", requirement)
        setattr_(self, "sign", sign)
        setattr_(self, "verify", verify)


def _requirement(kty: str, crvs: frozenset[str] = frozenset(), min_bits: int = 0) -> KeyRequirement:
    return KeyRequirement(
        ktys=frozenset({kty}),
        crvs=crvs,
        min_bits=min_bits,
        exact_bits=0,
        use="sig",
        key_ops=SIGNATURE_OPS,
        private_for=_ASYMMETRIC_PRIVATE,
    )


def hmac_sha(bits: int) -> SignatureAlgorithm:
    """HS256/384/512: the secret must be at least as long as the hash (RFC 7518 3.2)."""
    digest = f"sha{bits}"

    def sign(secret: bytes, data: bytes) -> bytes:
        return _hmac.digest(secret, data, digest)

    def verify(secret: bytes, data: bytes, signature: bytes) -> bool:
        return constant_time_equal(_hmac.digest(secret, data, digest), signature)

    return SignatureAlgorithm(f"HS{bits}", _requirement("oct", min_bits=bits), sign, verify)


_HASHES: Mapping[int, Callable[[], hashes.HashAlgorithm]] = {
    256: hashes.SHA256,
    384: hashes.SHA384,
    512: hashes.SHA512,
}


def _rsa(
    name: str, pad: padding.AsymmetricPadding, hash_alg: hashes.HashAlgorithm
) -> SignatureAlgorithm:
    def sign(key: Any, data: bytes) -> bytes:
        return bytes(key.sign(data, pad, hash_alg))

    def verify(key: Any, data: bytes, signature: bytes) -> bool:
        # An RSA signature is exactly the modulus length (RFC 8017 8.2.2 step 1).
        if len(signature) != (key.key_size + 7) // 8:
            return False
        try:
            key.verify(signature, data, pad, hash_alg)
        except InvalidSignature:
            return False
        return True

    return SignatureAlgorithm(name, _requirement("RSA", min_bits=2048), sign, verify)


def rsa_pkcs1(bits: int) -> SignatureAlgorithm:
    """RS256/384/512: RSASSA-PKCS1-v1_5 (RFC 7518 3.3)."""
    return _rsa(f"RS{bits}", padding.PKCS1v15(), _HASHES[bits]())


def rsa_pss(bits: int) -> SignatureAlgorithm:
    """PS256/384/512: RSASSA-PSS with MGF1 of the same hash and a salt of hash length."""
    hash_alg = _HASHES[bits]()
    pad = padding.PSS(mgf=padding.MGF1(hash_alg), salt_length=hash_alg.digest_size)
    return _rsa(f"PS{bits}", pad, hash_alg)


_CURVE_ORDERS: Mapping[str, int] = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
    "P-521": int(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
        16,
    ),
    "secp256k1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
}


def ecdsa(name: str, crv: str, size: int, hash_alg: hashes.HashAlgorithm) -> SignatureAlgorithm:
    """ES256/384/512/ES256K: ECDSA with the signature as raw R||S of ``2*size`` bytes.

    DER signatures and wrong lengths are rejected (RFC 7518 3.4), and r, s must lie in
    [1, n-1] (CVE-2022-21449, "psychic signatures").
    """
    order = _CURVE_ORDERS[crv]
    # Built on first use: creating an ECDSA object loads the OpenSSL backend (and
    # threading), about 2.5 ms that ``import jotkit`` would otherwise pay up front.
    built: list[ec.ECDSA] = []

    def algorithm() -> ec.ECDSA:
        if not built:
            built.append(ec.ECDSA(hash_alg))
        return built[0]

    def sign(key: Any, data: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(data, algorithm()))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def verify(key: Any, data: bytes, signature: bytes) -> bool:
        if len(signature) != 2 * size:
            return False
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        if not (0 < r < order and 0 < s < order):
            return False
        try:
            key.verify(encode_dss_signature(r, s), data, algorithm())
        except InvalidSignature:
            return False
        return True

    return SignatureAlgorithm(name, _requirement("EC", frozenset({crv})), sign, verify)


def eddsa(name: str, crvs: frozenset[str]) -> SignatureAlgorithm:
    """EdDSA (RFC 8037) and the fully specified Ed25519 / Ed448 (RFC 9864)."""

    def sign(key: Any, data: bytes) -> bytes:
        return bytes(key.sign(data))

    def verify(key: Any, data: bytes, signature: bytes) -> bool:
        try:
            key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    return SignatureAlgorithm(name, _requirement("OKP", crvs), sign, verify)


#: ML-DSA signature lengths in bytes (FIPS 204 table 2).
_MLDSA_SIGNATURE_LENGTHS: Mapping[str, int] = {
    "ML-DSA-44": 2420,
    "ML-DSA-65": 3309,
    "ML-DSA-87": 4627,
}


def mldsa(name: str) -> SignatureAlgorithm:
    """ML-DSA-44/65/87 (RFC 9964 section 2, FIPS 204) with the empty context string.

    Signing is hedged (randomized); verification accepts only a signature of the
    parameter set's exact length. The key type is ``AKP``, its parameter set the name.
    """
    length = _MLDSA_SIGNATURE_LENGTHS[name]

    def sign(key: Any, data: bytes) -> bytes:
        return bytes(key.sign(data))

    def verify(key: Any, data: bytes, signature: bytes) -> bool:
        if len(signature) != length:
            return False
        try:
            key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    return SignatureAlgorithm(name, _requirement("AKP", frozenset({name})), sign, verify)


def _table(*algorithms: SignatureAlgorithm) -> Mapping[str, SignatureAlgorithm]:
    return MappingProxyType({a.name: a for a in algorithms})


#: Every JWS algorithm jotkit implements, by name. Read-only.
JWS_ALGORITHMS: Mapping[str, SignatureAlgorithm] = _table(
    hmac_sha(256),
    hmac_sha(384),
    hmac_sha(512),
    rsa_pkcs1(256),
    rsa_pkcs1(384),
    rsa_pkcs1(512),
    rsa_pss(256),
    rsa_pss(384),
    rsa_pss(512),
    ecdsa("ES256", "P-256", 32, hashes.SHA256()),
    ecdsa("ES384", "P-384", 48, hashes.SHA384()),
    ecdsa("ES512", "P-521", 66, hashes.SHA512()),
    ecdsa("ES256K", "secp256k1", 32, hashes.SHA256()),
    eddsa("EdDSA", frozenset({"Ed25519", "Ed448"})),
    eddsa("Ed25519", frozenset({"Ed25519"})),
    eddsa("Ed448", frozenset({"Ed448"})),
    mldsa("ML-DSA-44"),
    mldsa("ML-DSA-65"),
    mldsa("ML-DSA-87"),
)
