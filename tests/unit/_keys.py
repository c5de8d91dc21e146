"""Key material shared by the unit tests, built once per session with `cryptography`.

The helpers here never go through the jwk layer under test, except :func:`key_for`,
which wraps a cached private key for the JWS tests.
"""

from __future__ import annotations

import datetime
import math
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PrivateKeyTypes,
    PublicKeyTypes,
)
from cryptography.x509.oid import NameOID

from jotkit._b64 import b64encode_str
from jotkit.jwk import Key

__all__ = [
    "ALL_JWS_ALGS",
    "EC_CURVES",
    "FAMILIES",
    "JWS_FAMILY",
    "MULTI_PRIMES",
    "OKP_CURVES",
    "SECRET",
    "certificate",
    "der_public",
    "ec_private",
    "is_probable_prime",
    "key_for",
    "mldsa_private",
    "multiprime_jwk",
    "okp_private",
    "private_key",
    "rsa_private",
    "self_signed_or_issued",
    "uint",
]

#: A 512-bit HMAC secret: long enough for HS512, and not recognisable key material.
SECRET = bytes(range(1, 65))

EC_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
    "secp256k1": ec.SECP256K1(),
}
OKP_CURVES = ("Ed25519", "Ed448", "X25519", "X448")
#: Every asymmetric family jotkit supports: "RSA" or a curve name.
FAMILIES = ("RSA", *EC_CURVES, *OKP_CURVES)

#: The family of the key each JWS algorithm is signed with in these tests.
JWS_FAMILY: dict[str, str] = {
    **{f"HS{b}": "oct" for b in (256, 384, 512)},
    **{f"{p}{b}": "RSA" for p in ("RS", "PS") for b in (256, 384, 512)},
    "ES256": "P-256",
    "ES384": "P-384",
    "ES512": "P-521",
    "ES256K": "secp256k1",
    "EdDSA": "Ed25519",
    "Ed25519": "Ed25519",
    "Ed448": "Ed448",
    # ML-DSA (RFC 9964): the family is the parameter set, the alg itself.
    "ML-DSA-44": "ML-DSA-44",
    "ML-DSA-65": "ML-DSA-65",
    "ML-DSA-87": "ML-DSA-87",
}
ALL_JWS_ALGS = tuple(JWS_FAMILY)

_OKP_CLASSES: dict[str, Any] = {
    "Ed25519": ed25519.Ed25519PrivateKey,
    "Ed448": ed448.Ed448PrivateKey,
    "X25519": x25519.X25519PrivateKey,
    "X448": x448.X448PrivateKey,
}


@cache
def rsa_private(bits: int = 2048, index: int = 0) -> rsa.RSAPrivateKey:
    """An RSA private key of ``bits`` bits; ``index`` tells several keys apart."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@cache
def ec_private(crv: str, index: int = 0) -> ec.EllipticCurvePrivateKey:
    """An EC private key on ``crv``; ``index`` tells several keys apart."""
    return ec.generate_private_key(EC_CURVES[crv])


@cache
def okp_private(crv: str, index: int = 0) -> Any:
    """An OKP private key on ``crv``; ``index`` tells several keys apart."""
    return _OKP_CLASSES[crv].generate()


@cache
def mldsa_private(alg: str, index: int = 0) -> Any:
    """An ML-DSA private key of ``alg``'s parameter set; ``index`` tells several apart."""
    from cryptography.hazmat.primitives.asymmetric import mldsa

    return getattr(mldsa, f"MLDSA{alg[-2:]}PrivateKey").generate()


def private_key(family: str, index: int = 0) -> PrivateKeyTypes:
    """A cached private key of ``family`` ("RSA" or a curve name)."""
    if family == "RSA":
        return rsa_private(2048, index)
    if family in EC_CURVES:
        return ec_private(family, index)
    if family.startswith("ML-DSA-"):
        pq: PrivateKeyTypes = mldsa_private(family, index)
        return pq
    key: PrivateKeyTypes = okp_private(family, index)
    return key


@cache
def key_for(alg: str) -> Key:
    """An unbound private Key that fits the JWS algorithm ``alg``."""
    family = JWS_FAMILY[alg]
    if family == "oct":
        return Key.from_secret(SECRET)
    return Key.from_cryptography(private_key(family))


@cache
def _issuer() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def certificate(
    subject: PublicKeyTypes, signer: CertificateIssuerPrivateKeyTypes | None = None
) -> x509.Certificate:
    """A certificate for ``subject``, self-signed by ``signer`` or issued by a test CA."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jotkit unit test")])
    issuer = signer if signer is not None else _issuer()
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(subject)  # type: ignore[arg-type]
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=36500))
    )
    algorithm = (
        None
        if isinstance(issuer, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
        else hashes.SHA256()
    )
    return builder.sign(issuer, algorithm)


@cache
def self_signed_or_issued(family: str) -> x509.Certificate:
    """A certificate holding the cached key of ``family``, self-signed where it can sign."""
    private = private_key(family)
    signer = None if family in ("X25519", "X448") else private
    return certificate(private.public_key(), signer)  # type: ignore[arg-type]


def der_public(family: str) -> bytes:
    """The DER SubjectPublicKeyInfo of the cached key of ``family``."""
    return (
        private_key(family)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def uint(value: int) -> str:
    """The base64url big-endian encoding of a non-negative integer (RFC 7518 section 2)."""
    return b64encode_str(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def is_probable_prime(n: int) -> bool:
    """Miller-Rabin with the first twelve prime bases (deterministic below 3.3e24, else
    a probable-prime test with error under 4**-12)."""
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    if n < 2:
        return False
    for p in bases:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for a in bases:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


#: Three 704-bit primes (generated once with Miller-Rabin, typed in as data) for a
#: 2112-bit three-prime RSA key: `cryptography` cannot generate or load multi-prime keys.
MULTI_PRIMES = (
    int(
        "d99573bb7b08579083414759c5fe764c3ca8b33c8a5d34d2cdbd7aa8aa85d4fe2c248e03be79e86e"
        "6cfe049c0693d812f645e2fe7ca32f18c37fadbd2bf9d0c2fc8c4309980c19403101a27343b99622"
        "7c4b6e04fb4bb091",
        16,
    ),
    int(
        "f5429a114d197736adc56099bd3160a4dde4d59ff8a6c3bf334607b8a5c3223fb71af22b68c99452"
        "094ef8d74638c66919037e38b7163af0706492685452030914091b2b426eb2ef1c802f94e0ac5020"
        "596fb70271cda29b",
        16,
    ),
    int(
        "ddda2c929238ea27cbeafe00e4ee2844b39975d9bfc24a411dac9e587f654c244b4780f39e312f26"
        "d7ecd41bddec6be4fd9582dd5f3631ff86b7989cdbd2f0c714df0503c8d4424aa7ba5392159b0d34"
        "5c42c3df65adbc49",
        16,
    ),
)


def multiprime_jwk(primes: tuple[int, ...] = MULTI_PRIMES, e: int = 65537) -> dict[str, Any]:
    """A private RSA JWK with ``oth`` (RFC 7518 section 6.3.2.7) built from ``primes``."""
    n = math.prod(primes)
    d = pow(e, -1, math.lcm(*(r - 1 for r in primes)))
    p, q, *others = primes
    jwk: dict[str, Any] = {
        "kty": "RSA",
        "n": uint(n),
        "e": uint(e),
        "d": uint(d),
        "p": uint(p),
        "q": uint(q),
        "dp": uint(d % (p - 1)),
        "dq": uint(d % (q - 1)),
        "qi": uint(pow(q, -1, p)),
    }
    oth, product = [], p * q
    for r in others:
        oth.append({"r": uint(r), "d": uint(d % (r - 1)), "t": uint(pow(product, -1, r))})
        product *= r
    jwk["oth"] = oth
    return jwk
