"""Shared benchmark inputs: keys (as objects, PEM and JWK), claims and the claim policy.

Every library column gets the same key material and the same policy, so that a row
compares the same work. Keys are generated once per run.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

__all__ = [
    "AUDIENCE",
    "ISSUER",
    "JWE_ROWS",
    "JWKS_SIZE",
    "SIG_ALGS",
    "Fixtures",
    "KeyMaterial",
    "b64url",
    "make_fixtures",
]

ISSUER = "https://issuer.example.com"
AUDIENCE = "https://api.example.com"
#: Signature algorithms benchmarked for encode and decode.
SIG_ALGS = ("HS256", "RS256", "PS256", "ES256", "EdDSA")
#: (alg, enc) pairs benchmarked for JWE compact encrypt and decrypt.
JWE_ROWS = (("dir", "A256GCM"), ("RSA-OAEP-256", "A256GCM"), ("ECDH-ES+A256KW", "A256GCM"))
#: Number of RSA keys in the JWKS row; the token is signed by one near the end.
JWKS_SIZE = 10

_PRIVATE_PEM = (serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8)
_PUBLIC_PEM = (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def b64url(data: bytes) -> str:
    """Unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64(value: int, size: int | None = None) -> str:
    length = size if size is not None else max(1, (value.bit_length() + 7) // 8)
    return b64url(value.to_bytes(length, "big"))


@dataclass(frozen=True)
class KeyMaterial:
    """One key in every form a library may want it.

    ``private``/``public`` are ``cryptography`` objects, or the secret bytes for ``oct``.
    PEM fields are empty for ``oct`` keys.
    """

    kty: str
    private: Any
    public: Any
    private_pem: bytes
    public_pem: bytes
    private_jwk: dict[str, Any]
    public_jwk: dict[str, Any]


def _oct(secret: bytes) -> KeyMaterial:
    jwk = {"kty": "oct", "k": b64url(secret)}
    return KeyMaterial("oct", secret, secret, b"", b"", jwk, jwk)


def _asym_jwks(private: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    if isinstance(private, rsa.RSAPrivateKey):
        priv = private.private_numbers()
        pub = priv.public_numbers
        public_jwk = {"kty": "RSA", "n": _int_b64(pub.n), "e": _int_b64(pub.e)}
        extra = {
            "d": _int_b64(priv.d),
            "p": _int_b64(priv.p),
            "q": _int_b64(priv.q),
            "dp": _int_b64(priv.dmp1),
            "dq": _int_b64(priv.dmq1),
            "qi": _int_b64(priv.iqmp),
        }
        return "RSA", public_jwk, {**public_jwk, **extra}
    if isinstance(private, ec.EllipticCurvePrivateKey):
        numbers = private.private_numbers()
        size = (private.curve.key_size + 7) // 8
        public_jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": _int_b64(numbers.public_numbers.x, size),
            "y": _int_b64(numbers.public_numbers.y, size),
        }
        return "EC", public_jwk, {**public_jwk, "d": _int_b64(numbers.private_value, size)}
    raw = serialization.Encoding.Raw
    public_raw = private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)
    private_raw = private.private_bytes(
        raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public_jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public_raw)}
    return "OKP", public_jwk, {**public_jwk, "d": b64url(private_raw)}


def _asym(private: Any) -> KeyMaterial:
    kty, public_jwk, private_jwk = _asym_jwks(private)
    public = private.public_key()
    private_pem = private.private_bytes(*_PRIVATE_PEM, serialization.NoEncryption())
    return KeyMaterial(
        kty,
        private,
        public,
        private_pem,
        public.public_bytes(*_PUBLIC_PEM),
        private_jwk,
        public_jwk,
    )


def _rsa() -> KeyMaterial:
    return _asym(rsa.generate_private_key(public_exponent=65537, key_size=2048))


def _ec() -> KeyMaterial:
    return _asym(ec.generate_private_key(ec.SECP256R1()))


@dataclass(frozen=True)
class Fixtures:
    """Everything a library adapter needs to build its callables."""

    sig_keys: dict[str, KeyMaterial]
    jwe_keys: dict[str, KeyMaterial]
    jwks_keys: list[KeyMaterial]
    jwks_kids: list[str]
    claims: dict[str, Any]
    plaintext: bytes
    issuer: str = ISSUER
    audience: str = AUDIENCE
    jwks_signer: int = JWKS_SIZE - 3

    @property
    def jwks(self) -> dict[str, Any]:
        """The public JWKS (each key with ``kid``, ``alg`` and ``use``)."""
        keys = [
            {**k.public_jwk, "kid": kid, "alg": "RS256", "use": "sig"}
            for k, kid in zip(self.jwks_keys, self.jwks_kids, strict=True)
        ]
        return {"keys": keys}

    @property
    def jwks_kid(self) -> str:
        """The ``kid`` of the key that signs the JWKS row's token."""
        return self.jwks_kids[self.jwks_signer]

    def claims_with(self, **changes: Any) -> dict[str, Any]:
        """A copy of the standard claims with some members replaced."""
        return {**self.claims, **changes}


def make_fixtures() -> Fixtures:
    """Generate keys and claims for one run."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "248289761001",
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 86400,
        "jti": b64url(os.urandom(12)),
        "scope": "openid profile email",
    }
    sig_keys = {
        "HS256": _oct(os.urandom(32)),
        "RS256": _rsa(),
        "ES256": _ec(),
        "EdDSA": _asym(ed25519.Ed25519PrivateKey.generate()),
    }
    sig_keys["PS256"] = sig_keys["RS256"]
    jwe_keys = {"dir": _oct(os.urandom(32)), "RSA-OAEP-256": _rsa(), "ECDH-ES+A256KW": _ec()}
    jwks_keys = [_rsa() for _ in range(JWKS_SIZE)]
    return Fixtures(
        sig_keys=sig_keys,
        jwe_keys=jwe_keys,
        jwks_keys=jwks_keys,
        jwks_kids=[f"key-{i:02d}-{b64url(os.urandom(6))}" for i in range(JWKS_SIZE)],
        claims=claims,
        plaintext=b'{"iss":"https://issuer.example.com","sub":"248289761001","scope":"openid"}',
    )
