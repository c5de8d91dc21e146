"""Generate a key fit for an algorithm, from the algorithm's own key requirement."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..jwa import KeyRequirement
from . import _material

__all__ = ["descriptors", "generate"]

# When an algorithm accepts several curves, the first listed here is generated.
_CURVE_PREFERENCE = ("P-256", "P-384", "P-521", "secp256k1", "Ed25519", "Ed448", "X25519", "X448")


def descriptors() -> Iterator[Any]:
    """Yield every algorithm descriptor jotkit knows: JWS, JWE key management, JWE enc."""
    from .. import jwa

    yield from jwa.JWS_ALGORITHMS.values()
    for table in ("KEY_MANAGEMENT", "CONTENT_ENCRYPTIONS"):
        yield from getattr(jwa, table, {}).values()


def _requirement(alg: str) -> KeyRequirement:
    if alg == "dir":
        raise ValueError("for 'dir', generate a key for the content encryption, e.g. 'A256GCM'")
    for descriptor in descriptors():
        if descriptor.name == alg:
            requirement: KeyRequirement = descriptor.requirement
            return requirement
    raise ValueError(f"unknown algorithm {alg!r}")


def generate(alg: str) -> _material.Parsed:
    """Generate key material fit for ``alg``.

    Raises:
        ValueError: ``alg`` is unknown or does not determine a key.
    """
    req = _requirement(alg)
    if "oct" in req.ktys:
        bits = req.exact_bits or max(req.min_bits, 256)
        return "oct", None, os.urandom(bits // 8), True, bits
    if "RSA" in req.ktys:
        key = rsa.generate_private_key(public_exponent=65537, key_size=max(2048, req.min_bits))
        return _material.describe(key)
    if "AKP" in req.ktys:
        from . import _akp

        return _akp.generate(next(iter(req.crvs)))
    crv = next(c for c in _CURVE_PREFERENCE if c in req.crvs)
    if crv in _material.EC_CURVES:
        return _material.describe(ec.generate_private_key(_material.EC_CURVES[crv][0]))
    private_cls = _material.okp_classes(crv)[0]
    return _material.describe(private_cls.generate())
