"""The kinds of key the interop suite uses, and jotkit's own keys of each kind.

One key per kind per session: RSA key generation is slow, and nothing here needs a key
to be fresh. Keys are unbound (no ``alg`` member) so that one RSA key serves RS*, PS* and
RSA-OAEP*, and one P-256 key serves ES256 and ECDH-ES.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import x448, x25519

from jotkit.jwk import Key

__all__ = ["KINDS", "KeyKind", "Keyring"]


@dataclass(frozen=True)
class KeyKind:
    """A key type and size or curve, and the algorithm a peer imports such a key for."""

    name: str
    kty: str
    crv: str | None
    bits: int
    alg: str  # for peers that bind a key to an algorithm on import (jose, PyJWT)


def _kinds(*kinds: KeyKind) -> dict[str, KeyKind]:
    return {kind.name: kind for kind in kinds}


KINDS = _kinds(
    KeyKind("RSA-2048", "RSA", None, 2048, "RS256"),
    KeyKind("P-256", "EC", "P-256", 256, "ES256"),
    KeyKind("P-384", "EC", "P-384", 384, "ES384"),
    KeyKind("P-521", "EC", "P-521", 521, "ES512"),
    KeyKind("secp256k1", "EC", "secp256k1", 256, "ES256K"),
    KeyKind("Ed25519", "OKP", "Ed25519", 256, "EdDSA"),
    KeyKind("Ed448", "OKP", "Ed448", 456, "EdDSA"),
    KeyKind("X25519", "OKP", "X25519", 256, "ECDH-ES"),
    KeyKind("X448", "OKP", "X448", 448, "ECDH-ES"),
    KeyKind("oct-128", "oct", None, 128, "A128KW"),
    KeyKind("oct-192", "oct", None, 192, "A192KW"),
    KeyKind("oct-256", "oct", None, 256, "HS256"),
    KeyKind("oct-384", "oct", None, 384, "HS384"),
    KeyKind("oct-512", "oct", None, 512, "HS512"),
    KeyKind("password", "oct", None, 0, "PBES2-HS256+A128KW"),
    # AKP keys (RFC 9964) are bound to their alg by definition; size: the public key.
    KeyKind("ML-DSA-44", "AKP", None, 1312 * 8, "ML-DSA-44"),
    KeyKind("ML-DSA-65", "AKP", None, 1952 * 8, "ML-DSA-65"),
    KeyKind("ML-DSA-87", "AKP", None, 2592 * 8, "ML-DSA-87"),
)

# Kinds jotkit's Key.generate makes, by the algorithm it is asked for.
_GENERATED_FOR = {
    "RSA-2048": "RS256",
    "P-256": "ES256",
    "P-384": "ES384",
    "P-521": "ES512",
    "secp256k1": "ES256K",
    "Ed25519": "Ed25519",
    "Ed448": "Ed448",
    "oct-128": "A128KW",
    "oct-192": "A192KW",
    "oct-256": "HS256",
    "oct-384": "HS384",
    "oct-512": "HS512",
    "ML-DSA-44": "ML-DSA-44",
    "ML-DSA-65": "ML-DSA-65",
    "ML-DSA-87": "ML-DSA-87",
}

#: The PBES2 password: printable, as users type them, and long enough for every peer.
PASSWORD = b"correct horse battery staple"


def _unbound(key: Key) -> Key:
    jwk = key.to_jwk(private=True)
    if jwk["kty"] != "AKP":  # an AKP key names its parameter set in alg: never unbound
        jwk.pop("alg", None)
    return Key.from_jwk(jwk)


def _make(kind: str) -> Key:
    if kind in _GENERATED_FOR:
        return _unbound(Key.generate(_GENERATED_FOR[kind]))
    if kind == "X25519":
        return Key.from_cryptography(x25519.X25519PrivateKey.generate())
    if kind == "X448":
        return Key.from_cryptography(x448.X448PrivateKey.generate())
    if kind == "password":
        return Key.from_secret(PASSWORD)
    raise ValueError(f"unknown key kind {kind!r}")


class Keyring:
    """jotkit's private keys, one per kind, made on first use."""

    def __init__(self) -> None:
        self._keys: dict[str, Key] = {}

    def private(self, kind: str) -> Key:
        """The private key (or secret) of ``kind``."""
        if kind not in self._keys:
            key = _make(kind)
            expected = KINDS[kind]
            assert (key.kty, key.crv) == (expected.kty, expected.crv), kind
            assert expected.bits in (0, key.size), (kind, key.size)
            self._keys[kind] = key
        return self._keys[kind]

    def public(self, kind: str) -> Key:
        """The public half of ``kind`` (the secret itself for oct keys)."""
        key = self.private(kind)
        return key if key.kty == "oct" else key.public()
