"""Build ``cryptography`` key objects from JWK dicts, without the jwk layer under test."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519

from jotkit._b64 import b64decode

__all__ = ["ec_private", "okp_private"]

_CURVES: Mapping[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
}


def ec_private(jwk: Mapping[str, Any]) -> ec.EllipticCurvePrivateKey:
    """The private key of an EC JWK."""
    return ec.derive_private_key(int.from_bytes(b64decode(jwk["d"]), "big"), _CURVES[jwk["crv"]])


def okp_private(jwk: Mapping[str, Any]) -> x25519.X25519PrivateKey | x448.X448PrivateKey:
    """The private key of an X25519 or X448 OKP JWK."""
    raw = b64decode(jwk["d"])
    if jwk["crv"] == "X25519":
        return x25519.X25519PrivateKey.from_private_bytes(raw)
    return x448.X448PrivateKey.from_private_bytes(raw)
