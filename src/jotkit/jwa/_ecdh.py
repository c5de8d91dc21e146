"""ECDH-ES key agreement for JWE (RFC 7518 section 4.6, RFC 8037 section 3.2).

``ECDH-ES`` (the agreed key is the CEK) and ``ECDH-ES+A128KW/A192KW/A256KW`` (the agreed
key wraps the CEK) on P-256, P-384, P-521, X25519 and X448, with the Concat KDF of
RFC 7518 section 4.6.2 (NIST SP 800-56A section 5.8.1).

The ephemeral public key (``epk``) comes from the token, so it is validated before use:
same ``kty`` and ``crv`` as the recipient's key, exact coordinate lengths, a point on the
curve (invalid-curve attacks recover the private key otherwise: Jager, Schwenk and
Somorovsky, ESORICS 2015), and for X25519/X448 a non-zero shared secret (RFC 7748
section 6, small-order points).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .._b64 import b64decode, b64encode_str
from ..errors import DecryptionError, MalformedError
from ._content import ContentEncryption
from ._km import (
    DERIVE_OPS,
    KeyManagement,
    Wrapped,
    caller_header_bytes,
    header_bytes,
    kw_unwrap,
    kw_wrap,
    new_cek,
    requirement,
)

__all__ = ["agree", "concat_kdf", "ecdh_es", "epk_public_key", "epk_to_jwk"]

_EC_CURVES: Mapping[str, tuple[ec.EllipticCurve, int]] = {
    "P-256": (ec.SECP256R1(), 32),
    "P-384": (ec.SECP384R1(), 48),
    "P-521": (ec.SECP521R1(), 66),
}
_ECDH = ec.ECDH()
_EC_NAMES: Mapping[str, str] = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
_OKP_SIZES: Mapping[str, int] = {"X25519": 32, "X448": 56}

ECDH_CURVES = frozenset({*_EC_CURVES, *_OKP_SIZES})

_FAMILIES = (
    ("EC", ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey),
    ("X25519", x25519.X25519PrivateKey, x25519.X25519PublicKey),
    ("X448", x448.X448PrivateKey, x448.X448PublicKey),
)
# Concrete key class -> (family, is_private), so that the abstract-class isinstance checks
# (several per message) run once per class. Only `cryptography`'s own classes are kept,
# a bounded set; a proxy whose __class__ differs from its type is classified every time.
_KINDS: dict[type, tuple[str, bool] | None] = {}


def _kind(key: Any) -> tuple[str, bool] | None:
    """(``EC``, ``X25519`` or ``X448``, whether private) for an ECDH key object, else None."""
    cls = type(key)
    if cls in _KINDS:
        return _KINDS[cls]
    kind = None
    for family, private_cls, public_cls in _FAMILIES:
        if isinstance(key, private_cls | public_cls):
            kind = family, isinstance(key, private_cls)
            break
    if key.__class__ is cls and cls.__module__.startswith("cryptography."):
        _KINDS[cls] = kind
    return kind


def _is_private(key: Any) -> bool:
    kind = _kind(key)
    return kind is not None and kind[1]


def curve_of(key: Any) -> str:
    """Return the JOSE ``crv`` name of an ECDH key object (public or private).

    Raises:
        TypeError: not an EC (P-256/384/521), X25519 or X448 key.
    """
    kind = _kind(key)
    if kind is not None:
        if kind[0] != "EC":
            return kind[0]
        crv = _EC_NAMES.get(key.curve.name)
        if crv is not None:
            return crv
    raise TypeError("ECDH-ES needs a P-256, P-384, P-521, X25519 or X448 key")


def _coordinate(jwk: Mapping[str, Any], name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise DecryptionError()
    try:
        raw = b64decode(value)
    except MalformedError:
        raise DecryptionError() from None
    # RFC 7518 6.2.1.2 and RFC 8037 2: the full, fixed length, never shortened.
    if len(raw) != size:
        raise DecryptionError()
    return raw


def epk_public_key(epk: Any, crv: str) -> Any:
    """Validate an ``epk`` header value against the recipient's curve ``crv``.

    Returns the ``cryptography`` public key.

    Raises:
        DecryptionError: not a JWK of the recipient's kty and crv, or not a valid point.
    """
    if not isinstance(epk, dict | Mapping) or epk.get("crv") != crv:
        raise DecryptionError()
    if crv in _EC_CURVES:
        curve, size = _EC_CURVES[crv]
        if epk.get("kty") != "EC":
            raise DecryptionError()
        point = b"\x04" + _coordinate(epk, "x", size) + _coordinate(epk, "y", size)
        try:
            # cryptography (OpenSSL) checks the coordinates are in range and the point is
            # on the curve (invalid-curve attack).
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
        except ValueError:
            raise DecryptionError() from None
    if epk.get("kty") != "OKP":
        raise DecryptionError()
    raw = _coordinate(epk, "x", _OKP_SIZES[crv])
    if crv == "X25519":
        return x25519.X25519PublicKey.from_public_bytes(raw)
    return x448.X448PublicKey.from_public_bytes(raw)


def epk_to_jwk(public: Any) -> dict[str, str]:
    """Return the public JWK of an ephemeral key, in RFC 7520's member order."""
    return _public_jwk(public, curve_of(public))


def _public_jwk(public: Any, crv: str) -> dict[str, str]:
    if crv in _EC_CURVES:
        size = _EC_CURVES[crv][1]
        point = public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {
            "kty": "EC",
            "crv": crv,
            "x": b64encode_str(point[1 : 1 + size]),
            "y": b64encode_str(point[1 + size :]),
        }
    return {"kty": "OKP", "crv": crv, "x": b64encode_str(public.public_bytes_raw())}


def agree(private: Any, public: Any) -> bytes:
    """Compute the shared secret Z of ``private`` and ``public`` (same curve).

    Raises:
        ValueError: the agreement failed, or X25519/X448 produced the all-zero secret
            (RFC 7748 section 6).
    """
    if _kind(private) == ("EC", True):
        # An x-coordinate of zero is a legitimate P-256 result (Wycheproof tc3); the
        # point itself was checked to be on the curve.
        return bytes(private.exchange(_ECDH, public))
    z = private.exchange(public)
    if not any(z):
        raise ValueError("the ECDH shared secret is all zero (small-order point)")
    return bytes(z)


def concat_kdf(z: bytes, algorithm_id: str, apu: bytes, apv: bytes, bits: int) -> bytes:
    """Derive ``bits`` of key from Z with the Concat KDF over SHA-256 (RFC 7518 4.6.2).

    Round ``i`` hashes ``i || Z || OtherInfo`` (NIST SP 800-56A 5.8.1, 32-bit big-endian
    counter from 1); one round covers up to 256 bits.
    """
    alg_id = algorithm_id.encode("ascii")
    other_info = struct.pack(">I", len(alg_id)) + alg_id
    other_info += struct.pack(">I", len(apu)) + apu + struct.pack(">I", len(apv)) + apv
    other_info += struct.pack(">I", bits)
    derived = b""
    counter = 1
    while len(derived) * 8 < bits:
        derived += hashlib.sha256(struct.pack(">I", counter) + z + other_info).digest()
        counter += 1
    return derived[: bits // 8]


def _generate(crv: str) -> Any:
    if crv in _EC_CURVES:
        return ec.generate_private_key(_EC_CURVES[crv][0])
    if crv == "X25519":
        return x25519.X25519PrivateKey.generate()
    return x448.X448PrivateKey.generate()


def ecdh_es(kw_bits: int | None) -> KeyManagement:
    """ECDH-ES (``kw_bits`` None) or ECDH-ES+A{kw_bits}KW (RFC 7518 section 4.6)."""
    name = "ECDH-ES" if kw_bits is None else f"ECDH-ES+A{kw_bits}KW"

    def derive(z: bytes, enc: ContentEncryption, apu: bytes | None, apv: bytes | None) -> bytes:
        if kw_bits is None:
            return concat_kdf(z, enc.name, apu or b"", apv or b"", enc.cek_bits)
        return concat_kdf(z, name, apu or b"", apv or b"", kw_bits)

    def wrap(
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped:
        public = key.public_key() if _is_private(key) else key
        crv = curve_of(public)
        if ephemeral is None:
            ephemeral = _generate(crv)
        elif curve_of(ephemeral) != crv or not _is_private(ephemeral):
            raise ValueError("the ephemeral key must be a private key on the recipient's curve")
        z = agree(ephemeral, public)
        apu = caller_header_bytes(header, "apu")
        apv = caller_header_bytes(header, "apv")
        derived = derive(z, enc, apu, apv)
        params = {"epk": _public_jwk(ephemeral.public_key(), crv)}
        if kw_bits is None:
            if cek is not None:
                raise ValueError("ECDH-ES derives the CEK; it cannot take one")
            return Wrapped(derived, b"", params)
        cek = new_cek(enc, cek)
        return Wrapped(cek, kw_wrap(derived, cek), params)

    def unwrap(
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes:
        if not _is_private(key):
            raise TypeError("ECDH-ES decryption needs the recipient's private key")
        # RFC 7516 5.2 step 10: with direct key agreement the encrypted key must be empty.
        if kw_bits is None and encrypted_key:
            raise DecryptionError()
        peer = epk_public_key(header.get("epk"), curve_of(key))
        try:
            z = agree(key, peer)
        except ValueError:
            raise DecryptionError() from None
        derived = derive(z, enc, header_bytes(header, "apu"), header_bytes(header, "apv"))
        if kw_bits is None:
            return derived
        return kw_unwrap(derived, encrypted_key, enc.cek_bits // 8)

    return KeyManagement(
        name=name,
        requirement=requirement(
            frozenset({"EC", "OKP"}), crvs=ECDH_CURVES, key_ops=DERIVE_OPS, asymmetric=True
        ),
        opt_in=False,
        direct=kw_bits is None,
        wrap=wrap,
        unwrap=unwrap,
    )
