"""What the matrix covers: every JWS algorithm, every JWE ``alg`` x ``enc`` pair, every
key type, and how jotkit makes and reads each token.

RFC 7518 (JWA), RFC 8037 (OKP keys, EdDSA, ECDH-ES with X25519/X448), RFC 8812 (ES256K),
RFC 9864 (the fully specified Ed25519 and Ed448), RFC 9964 (ML-DSA, AKP keys).
"""

from __future__ import annotations

from dataclasses import dataclass

from jotkit import jwe, jws

from ._keys import Keyring

__all__ = [
    "ENCRYPTIONS",
    "JWE_CASES",
    "JWS_CASES",
    "KEY_FORMAT_KINDS",
    "Case",
    "jotkit_make",
    "jotkit_read",
    "payload_for",
]


@dataclass(frozen=True)
class Case:
    """One token algorithm (and enc) with the kind of key it runs on."""

    section: str  # "JWS" or "JWE"
    alg: str
    kind: str
    enc: str | None = None

    @property
    def row(self) -> tuple[str, ...]:
        """The matrix row: (alg, key) or (alg, key, enc)."""
        if self.enc is None:
            return (self.alg, self.kind)
        return (self.alg, self.kind, self.enc)


JWS_CASES: tuple[Case, ...] = tuple(
    Case("JWS", alg, kind)
    for alg, kind in (
        ("HS256", "oct-256"),
        ("HS384", "oct-384"),
        ("HS512", "oct-512"),
        ("RS256", "RSA-2048"),
        ("RS384", "RSA-2048"),
        ("RS512", "RSA-2048"),
        ("PS256", "RSA-2048"),
        ("PS384", "RSA-2048"),
        ("PS512", "RSA-2048"),
        ("ES256", "P-256"),
        ("ES384", "P-384"),
        ("ES512", "P-521"),
        ("ES256K", "secp256k1"),
        ("EdDSA", "Ed25519"),
        ("EdDSA", "Ed448"),
        ("Ed25519", "Ed25519"),
        ("Ed448", "Ed448"),
        ("ML-DSA-44", "ML-DSA-44"),
        ("ML-DSA-65", "ML-DSA-65"),
        ("ML-DSA-87", "ML-DSA-87"),
    )
)

#: Content encryptions, and the size of the ``dir`` key (the CEK) each needs.
ENCRYPTIONS: dict[str, str] = {
    "A128CBC-HS256": "oct-256",
    "A192CBC-HS384": "oct-384",
    "A256CBC-HS512": "oct-512",
    "A128GCM": "oct-128",
    "A192GCM": "oct-192",
    "A256GCM": "oct-256",
}

_ECDH_CURVES = ("P-256", "P-384", "P-521", "X25519", "X448")


def _key_managements() -> list[tuple[str, str | None]]:
    """(alg, kind) pairs; kind None means the key is the CEK itself (``dir``)."""
    pairs: list[tuple[str, str | None]] = [
        (alg, "RSA-2048")
        for alg in ("RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512")
    ]
    pairs += [(f"A{bits}KW", f"oct-{bits}") for bits in (128, 192, 256)]
    pairs.append(("dir", None))
    for alg in ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"):
        pairs += [(alg, crv) for crv in _ECDH_CURVES]
    pairs += [(f"A{bits}GCMKW", f"oct-{bits}") for bits in (128, 192, 256)]
    pairs += [
        (alg, "password")
        for alg in ("PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW")
    ]
    return pairs


JWE_CASES: tuple[Case, ...] = tuple(
    Case("JWE", alg, kind or ENCRYPTIONS[enc], enc)
    for alg, kind in _key_managements()
    for enc in ENCRYPTIONS
)

#: Key types exchanged as JWK and PEM in both directions (oct keys: JWK only).
KEY_FORMAT_KINDS: tuple[str, ...] = (
    "RSA-2048",
    "P-256",
    "P-384",
    "P-521",
    "secp256k1",
    "Ed25519",
    "Ed448",
    "X25519",
    "X448",
    "oct-256",
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
)


def payload_for(case: Case) -> bytes:
    """The payload of ``case``: text with non-ASCII and arbitrary bytes, distinct per case."""
    return "jotkit interop ✓ {}".format(" ".join(case.row)).encode() + b"\x00\xff"


def jotkit_make(case: Case, keyring: Keyring, payload: bytes) -> str:
    """Sign (with the private key) or encrypt (to the public key) ``payload`` with jotkit.

    Raises:
        Exception: whatever jotkit raises; the caller records it as a FAIL.
    """
    if case.enc is None:
        return jws.sign_compact(payload, keyring.private(case.kind), alg=case.alg)
    return jwe.encrypt_compact(payload, keyring.public(case.kind), alg=case.alg, enc=case.enc)


def jotkit_read(case: Case, keyring: Keyring, token: bytes) -> bytes:
    """Verify (with the public key) or decrypt (with the private key) a peer's token.

    Raises:
        Exception: whatever jotkit raises; the caller records it as a FAIL.
    """
    if case.enc is None:
        verified = jws.verify_compact(token, keyring.public(case.kind), algorithms=[case.alg])
        return verified.payload
    decrypted = jwe.decrypt_compact(
        token, keyring.private(case.kind), algorithms=[case.alg], encryptions=[case.enc]
    )
    return decrypted.plaintext
