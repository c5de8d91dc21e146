"""ML-DSA keys as ``AKP`` JWKs (RFC 9964 sections 2-4, FIPS 204).

An AKP ("Algorithm Key Pair") JWK names its parameter set in ``alg``, which is therefore
required, and carries the raw public key in ``pub`` and, for a private key, the 32-byte
seed in ``priv`` (RFC 9964 never carries the expanded FIPS 204 private key). The RFC 7638
thumbprint covers ``alg``, ``kty`` and ``pub``.

Inside jotkit the parameter set (``ML-DSA-65``) stands where a curve stands for EC and
OKP keys, so that one :meth:`Key.check` ties an ML-DSA key to its one algorithm.

ML-DSA needs `cryptography` 48 or newer on OpenSSL 3.5 or newer. Where it is missing,
everything here raises :class:`UnsupportedAlgorithmError` saying so, and nothing else in
jotkit imports the module: the rest works with older versions.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from .._b64 import b64decode, b64encode_str
from ..errors import InvalidKeyError, MalformedError, UnsupportedAlgorithmError

__all__ = [
    "PARAMETER_SETS",
    "available",
    "classify",
    "from_members",
    "generate",
    "private_members",
    "public_members",
]

#: alg -> length of the FIPS 204 public key in bytes (RFC 9964 section 2).
PARAMETER_SETS: Mapping[str, int] = {"ML-DSA-44": 1312, "ML-DSA-65": 1952, "ML-DSA-87": 2592}

#: The length of the private seed (FIPS 204 section 3.6.3, RFC 9964 section 3).
SEED_LENGTH = 32

_MODULE = "cryptography.hazmat.primitives.asymmetric.mldsa"
_NEEDED = "ML-DSA needs cryptography>=48 built on OpenSSL>=3.5 (pip install -U cryptography)"

# alg -> (private class, public class), filled on first use (the import costs ~0.2 ms).
_classes: dict[str, tuple[Any, Any]] = {}


def _load() -> dict[str, tuple[Any, Any]] | None:
    global _classes
    if _classes:
        return _classes
    try:
        module = importlib.import_module(_MODULE)
        from cryptography.hazmat.backends.openssl.backend import backend
    except ImportError:
        return None
    supported = getattr(backend, "mldsa_supported", None)
    if supported is None or not supported():
        return None
    _classes = {
        alg: (
            getattr(module, f"MLDSA{alg[-2:]}PrivateKey"),
            getattr(module, f"MLDSA{alg[-2:]}PublicKey"),
        )
        for alg in PARAMETER_SETS
    }
    return _classes


def available() -> bool:
    """Whether the installed `cryptography` can do ML-DSA."""
    return _load() is not None


def _classes_for(alg: str) -> tuple[Any, Any]:
    classes = _load()
    if classes is None:
        raise UnsupportedAlgorithmError(f"{alg}: {_NEEDED}")
    return classes[alg]


def _member(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InvalidKeyError(f"AKP JWK member {name!r} must be a base64url string")
    try:
        return b64decode(value)
    except MalformedError:
        raise InvalidKeyError(f"AKP JWK member {name!r} is not valid base64url") from None


def from_members(jwk: Mapping[str, Any]) -> tuple[str, str, Any, bool, int]:
    """Parse an AKP JWK into a parsed key ``(kty, parameter set, object, private, bits)``.

    Raises:
        InvalidKeyError: ``alg`` missing or not an ML-DSA parameter set, ``pub`` of the
            wrong length or not a key, a ``priv`` that is not a 32-byte seed, or one whose
            public key is not ``pub``.
        UnsupportedAlgorithmError: the installed `cryptography` has no ML-DSA.
    """
    alg = jwk.get("alg")
    if not isinstance(alg, str) or alg not in PARAMETER_SETS:
        raise InvalidKeyError(f"an AKP JWK needs 'alg' naming an ML-DSA parameter set, not {alg!r}")
    length = PARAMETER_SETS[alg]
    pub = _member(jwk, "pub")
    if len(pub) != length:
        raise InvalidKeyError(f"an {alg} 'pub' must be {length} bytes long")
    private_cls, public_cls = _classes_for(alg)
    bits = length * 8
    if "priv" not in jwk:
        try:
            return "AKP", alg, public_cls.from_public_bytes(pub), False, bits
        except ValueError:
            raise InvalidKeyError(f"invalid {alg} public key") from None
    seed = _member(jwk, "priv")
    # Only the seed form (RFC 9964 section 3): an expanded private key is refused by length.
    if len(seed) != SEED_LENGTH:
        raise InvalidKeyError(f"an AKP 'priv' must be the {SEED_LENGTH}-byte seed")
    private = private_cls.from_seed_bytes(seed)
    if private.public_key().public_bytes_raw() != pub:
        raise InvalidKeyError(f"the {alg} 'priv' seed does not derive 'pub'")
    return "AKP", alg, private, True, bits


def classify(obj: Any) -> tuple[str, bool] | None:
    """Return ``(parameter set, is_private)`` of an ML-DSA key object, else None."""
    classes = _load()
    if classes is None:
        return None
    for alg, (private_cls, public_cls) in classes.items():
        if isinstance(obj, private_cls):
            return alg, True
        if isinstance(obj, public_cls):
            return alg, False
    return None


def bits(alg: str) -> int:
    """The size jotkit reports for a key of ``alg``: its public key in bits."""
    return PARAMETER_SETS[alg] * 8


def generate(alg: str) -> tuple[str, str, Any, bool, int]:
    """Generate a fresh private key of ``alg``'s parameter set.

    Raises:
        UnsupportedAlgorithmError: the installed `cryptography` has no ML-DSA.
    """
    private_cls = _classes_for(alg)[0]
    return "AKP", alg, private_cls.generate(), True, bits(alg)


def public_members(alg: str, public: Any) -> dict[str, str]:
    """The RFC 7638 required members, in order: ``alg``, ``kty``, ``pub``."""
    return {"alg": alg, "kty": "AKP", "pub": b64encode_str(public.public_bytes_raw())}


def private_members(private: Any) -> dict[str, str]:
    """The private member: the seed (RFC 9964 section 3)."""
    return {"priv": b64encode_str(private.private_bytes_raw())}
