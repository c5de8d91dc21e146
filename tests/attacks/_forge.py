"""Hand-built hostile tokens for the attack suite (RFC 7515 section 7, RFC 7516 section 7).

An attack test must send exactly the bytes an attacker would, so every token here is
assembled from its parts with the standard library and `cryptography` directly: never
with jotkit's own signing or encryption code, whose defaults could hide the attack.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from jotkit.errors import JotkitError

__all__ = [
    "SECRET",
    "b64",
    "b64json",
    "compact",
    "ec_key",
    "ed448_key",
    "ed25519_key",
    "es_sign",
    "hs_sign",
    "hs_token",
    "rejects",
    "rs_sign",
    "rsa_key",
    "signing_input",
    "x25519_key",
]

#: The HMAC secret the "server" holds in these tests (256 bits: fit for HS256).
SECRET = bytes(range(32))

_HASHES: dict[int, Callable[[], hashes.HashAlgorithm]] = {
    256: hashes.SHA256,
    384: hashes.SHA384,
    512: hashes.SHA512,
}


def b64(data: bytes) -> str:
    """Unpadded base64url, as RFC 7515 section 2 defines it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(obj: Any) -> str:
    """base64url of compact JSON; a ``str`` is taken as raw JSON text (duplicates, escapes)."""
    if isinstance(obj, str):
        return b64(obj.encode("utf-8"))
    return b64(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def signing_input(header: Any, payload: bytes) -> str:
    """The JWS Signing Input ``b64(header) . b64(payload)``."""
    return b64json(header) + "." + b64(payload)


def compact(header: Any, payload: bytes, signature: bytes) -> str:
    """A compact JWS from its three parts."""
    return signing_input(header, payload) + "." + b64(signature)


def hs_sign(secret: bytes, data: str | bytes, bits: int = 256) -> bytes:
    """HMAC-SHA-``bits`` of ``data``."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    return hmac.digest(secret, raw, f"sha{bits}")


def hs_token(header: Any, payload: bytes, secret: bytes = SECRET, bits: int = 256) -> str:
    """A compact JWS whose MAC is computed with ``secret``, whatever the header says."""
    head = signing_input(header, payload)
    return head + "." + b64(hs_sign(secret, head, bits))


def es_sign(key: ec.EllipticCurvePrivateKey, data: str | bytes, bits: int = 256) -> bytes:
    """ECDSA as JWS wants it: raw R || S, each the curve's byte length."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    size = (key.curve.key_size + 7) // 8
    r, s = decode_dss_signature(key.sign(raw, ec.ECDSA(_HASHES[bits]())))
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def rs_sign(key: rsa.RSAPrivateKey, data: str | bytes, bits: int = 256) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-``bits``."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    return key.sign(raw, padding.PKCS1v15(), _HASHES[bits]())


@cache
def rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """One RSA key per size for the whole run (generation is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@cache
def ec_key(crv: str = "P-256", index: int = 0) -> ec.EllipticCurvePrivateKey:
    """One EC key per (curve, index) for the whole run; ``index`` tells keys apart."""
    curves: dict[str, ec.EllipticCurve] = {
        "P-256": ec.SECP256R1(),
        "P-384": ec.SECP384R1(),
        "P-521": ec.SECP521R1(),
        "secp256k1": ec.SECP256K1(),
    }
    return ec.generate_private_key(curves[crv])


@cache
def ed25519_key(index: int = 0) -> ed25519.Ed25519PrivateKey:
    """One Ed25519 key per index for the whole run."""
    return ed25519.Ed25519PrivateKey.generate()


@cache
def ed448_key() -> ed448.Ed448PrivateKey:
    """One Ed448 key for the whole run."""
    return ed448.Ed448PrivateKey.generate()


@cache
def x25519_key() -> x25519.X25519PrivateKey:
    """One X25519 key for the whole run."""
    return x25519.X25519PrivateKey.generate()


def rejects(
    expected: type[JotkitError], call: Callable[..., object], *args: Any, **kwargs: Any
) -> JotkitError:
    """Assert ``call`` rejects its input with exactly ``expected``; return the error.

    Anything else fails the test with a message that says which of the three ways the
    attack succeeded: accepted, raised a non-jotkit exception, or raised the wrong class.
    """
    try:
        result = call(*args, **kwargs)
    except JotkitError as exc:
        if type(exc) is not expected:
            pytest.fail(f"rejected with {type(exc).__name__} ({exc}), expected {expected.__name__}")
        return exc
    except Exception as exc:
        pytest.fail(f"raised {type(exc).__name__} ({exc}) instead of a JotkitError")
    pytest.fail(f"ACCEPTED the attack: {result!r}")
