"""Harness: JWK and JWK Set import (``Key.from_jwk``, ``KeySet.from_jwks``, RFC 7517).

Each input is imported as bytes, as text and as the dict the standard library parses
from it, both as one key and as a key set.

Oracles on every key that imports: asking whether it fits any algorithm and operation
answers (a JotkitError at most, never an exception), and so does ``KeySet.find``; its
thumbprint, its public half and its export work; and exporting it then importing it
again gives an equal key.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import math
from collections.abc import Iterator
from typing import Any, get_args

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from jotkit import Key, KeySet
from jotkit._b64 import b64encode_str
from jotkit.errors import JotkitError
from jotkit.jwa import CONTENT_ENCRYPTIONS, JWS_ALGORITHMS, KEY_MANAGEMENT, Operation
from jotkit.jwk import AlgorithmDescriptor, _akp

from ._common import Seed, Target, expect, lenient_json, text_of

__all__ = ["TARGET", "check"]

_DESCRIPTORS: tuple[AlgorithmDescriptor, ...] = (
    *JWS_ALGORITHMS.values(),
    *KEY_MANAGEMENT.values(),
    *CONTENT_ENCRYPTIONS.values(),
)
_OPERATIONS: tuple[Operation, ...] = get_args(Operation)


def _check_key(key: Key) -> None:
    for descriptor in _DESCRIPTORS:
        for op in _OPERATIONS:
            problem = key.problem(op, descriptor)
            expect(problem is None or isinstance(problem, JotkitError), f"problem: {problem!r}")
    key.thumbprint()
    repr(key)
    again = Key.from_jwk(key.to_jwk(private=True))
    expect(again == key, "export then import changed the key")
    if key.kty != "oct":
        public = key.public()
        expect(not public.is_private, "public() kept the private key")
        expect(public.thumbprint() == key.thumbprint(), "public() changed the thumbprint")
        pem = Key.from_pem(key.to_pem())
        expect(pem.thumbprint() == key.thumbprint(), "PEM round trip changed the key")


def _key(value: Any) -> Key | None:
    try:
        return Key.from_jwk(value)
    except JotkitError:
        return None


def _key_set(value: Any) -> KeySet | None:
    try:
        return KeySet.from_jwks(value)
    except JotkitError:
        return None


def _check_key_set(keys: KeySet) -> None:
    for key in keys:
        _check_key(key)
        expect(key in keys.find(kid=key.kid), "find(kid=) missed a key of the set")
    for descriptor in _DESCRIPTORS:
        keys.find(alg=descriptor.name)
    again = KeySet.from_jwks(keys.to_jwks(private=True))
    expect(list(again) == list(keys), "key set round trip changed the keys")


def check(data: bytes) -> None:
    """Import ``data`` as bytes, text and dict, as a key and as a key set.

    The forms that import must agree; the (costly) oracles run on the first of them.
    """
    text = text_of(data)
    parsed = lenient_json(text)
    forms: list[Any] = [data, text, parsed] if isinstance(parsed, dict) else [data, text]
    keys = [key for key in map(_key, forms) if key is not None]
    if keys:
        _check_key(keys[0])
        expect(all(key == keys[0] for key in keys), "the forms imported different keys")
    sets = [key_set for key_set in map(_key_set, forms) if key_set is not None]
    if sets:
        _check_key_set(sets[0])
        first = list(sets[0])
        expect(all(list(s) == first for s in sets), "the forms imported different key sets")


def _b64uint(value: int) -> str:
    return b64encode_str(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def _multiprime() -> dict[str, Any]:
    """A three-prime RSA JWK (RFC 7518 6.3.2.7), from the primes of two generated keys."""
    first = rsa.generate_private_key(65537, 1024).private_numbers()
    second = rsa.generate_private_key(65537, 1024).private_numbers()
    p, q, r = first.p, first.q, second.p
    n, e = p * q * r, 65537
    d = pow(e, -1, math.lcm(p - 1, q - 1, r - 1))
    return {
        "kty": "RSA",
        "n": _b64uint(n),
        "e": _b64uint(e),
        "d": _b64uint(d),
        "p": _b64uint(p),
        "q": _b64uint(q),
        "dp": _b64uint(d % (p - 1)),
        "dq": _b64uint(d % (q - 1)),
        "qi": _b64uint(pow(q, -1, p)),
        "oth": [{"r": _b64uint(r), "d": _b64uint(d % (r - 1)), "t": _b64uint(pow(p * q, -1, r))}],
    }


def _with_certificate() -> dict[str, Any]:
    """A P-256 JWK carrying a self-signed certificate in ``x5c`` and its thumbprint."""
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fuzz")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    jwk = Key.from_cryptography(private.public_key(), kid="cert").to_jwk()
    jwk["x5c"] = [base64.b64encode(der).decode("ascii")]
    jwk["x5t#S256"] = b64encode_str(hashlib.sha256(der).digest())
    return jwk


def seeds() -> Iterator[Seed]:
    """A JWK of every key type and curve, public and private, and key sets of them."""
    keys = [
        Key.generate(alg, kid=alg)
        for alg in ("HS256", "RS256", "ES256", "ES384", "ES512", "ES256K", "Ed25519", "Ed448")
    ]
    keys += [Key.generate("ECDH-ES", kid="x25519"), Key.generate("A128KW", kid="kw")]
    if _akp.available():  # ML-DSA (RFC 9964) AKP keys, where cryptography has them
        keys += [Key.generate(alg, kid=alg) for alg in ("ML-DSA-44", "ML-DSA-65")]
    for key in keys:
        yield f"{key.kid}-private", json.dumps(key.to_jwk(private=True)).encode()
        if key.kty != "oct":
            yield f"{key.kid}-public", json.dumps(key.to_jwk()).encode()
    rsa_jwk = keys[1].to_jwk(private=True)
    d_only = {m: rsa_jwk[m] for m in ("kty", "n", "e", "d")}
    yield "rsa-d-only", json.dumps(d_only).encode()
    yield "rsa-multiprime", json.dumps(_multiprime()).encode()
    yield "ec-x5c", json.dumps(_with_certificate()).encode()
    yield (
        "use-key-ops",
        json.dumps(
            {**keys[2].to_jwk(), "use": "sig", "key_ops": ["verify"], "alg": "ES256"}
        ).encode(),
    )
    public_set = {"keys": [k.to_jwk() for k in keys if k.kty != "oct"]}
    yield "jwks-public", json.dumps(public_set).encode()
    mixed = {"keys": [keys[0].to_jwk(private=True), {"kty": "unknown"}, {"kty": "EC", "crv": "X"}]}
    yield "jwks-skipped", json.dumps(mixed).encode()


TARGET = Target(
    name="jwk",
    check=check,
    seeds=seeds,
    max_len=8192,
    dictionary=(
        b'"kty"',
        b'"oct"',
        b'"RSA"',
        b'"EC"',
        b'"OKP"',
        b'"crv"',
        b'"P-256"',
        b'"P-521"',
        b'"secp256k1"',
        b'"Ed25519"',
        b'"X448"',
        b'"k"',
        b'"n"',
        b'"e"',
        b'"d"',
        b'"p"',
        b'"q"',
        b'"dp"',
        b'"dq"',
        b'"qi"',
        b'"oth"',
        b'"r"',
        b'"t"',
        b'"x"',
        b'"y"',
        b'"kid"',
        b'"use"',
        b'"key_ops"',
        b'"alg"',
        b'"AKP"',
        b'"pub"',
        b'"priv"',
        b'"ML-DSA-44"',
        b'"ML-DSA-65"',
        b'"ML-DSA-87"',
        b'"x5c"',
        b'"x5t"',
        b'"x5t#S256"',
        b'"keys"',
        b'"AQAB"',
        b'"AAAA"',
    ),
)
