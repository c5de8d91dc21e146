"""Fresh keys for the JWE tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519

from jotkit.jwk import Key

__all__ = ["ecdh_jwk"]

_GENERATORS: dict[str, Callable[[], Any]] = {
    "P-256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "P-384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "P-521": lambda: ec.generate_private_key(ec.SECP521R1()),
    "X25519": x25519.X25519PrivateKey.generate,
    "X448": x448.X448PrivateKey.generate,
}


def ecdh_jwk(crv: str) -> dict[str, Any]:
    """A fresh private ECDH JWK on ``crv`` (no ``alg``, so it fits every ECDH-ES variant)."""
    return Key.from_cryptography(_GENERATORS[crv]()).to_jwk(private=True)
