"""JWK metadata members (RFC 7517 section 4): ``kid``, ``use``, ``key_ops``, ``alg``, ``x5*``.

Key material members are handled by :mod:`._material`; everything else a JWK carries is
validated here and kept on the key, so that an imported JWK exports back the same.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import UnsupportedAlgorithm

from .._b64 import b64decode
from ..errors import InvalidKeyError, MalformedError
from ..jwa import constant_time_equal

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["MATERIAL", "parse_members"]

#: Members that carry key material, per key type (never kept as metadata).
MATERIAL = frozenset(
    {"kty", "k", "n", "e", "d", "p", "q", "dp", "dq", "qi", "oth", "crv", "x", "y", "pub", "priv"}
)

_SIG_OPS = frozenset({"sign", "verify"})
_ENC_OPS = frozenset({"encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"})
_KNOWN_OPS = _SIG_OPS | _ENC_OPS


def _string(jwk: Mapping[str, Any], name: str) -> None:
    if name in jwk and not isinstance(jwk[name], str):
        raise InvalidKeyError(f"JWK member {name!r} must be a string")


def _key_ops(value: Any, use: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(op, str) for op in value):
        raise InvalidKeyError("JWK member 'key_ops' must be a list of strings")
    if len(set(value)) != len(value):
        raise InvalidKeyError("JWK member 'key_ops' has duplicate values")
    # RFC 7517 4.3: when both are present they must be consistent.
    if use == "sig" and not _SIG_OPS.issuperset(value):
        raise InvalidKeyError("'key_ops' contradicts use 'sig'")
    if use == "enc" and not _ENC_OPS.issuperset(value):
        raise InvalidKeyError("'key_ops' contradicts use 'enc'")


def _x5c(value: Any) -> x509.Certificate:
    from cryptography import x509  # deferred: x509 costs ~90 ms of import time

    if not isinstance(value, list) or not value:
        raise InvalidKeyError("JWK member 'x5c' must be a non-empty list")
    certs = []
    for item in value:
        # x5c uses standard base64 with padding, not base64url (RFC 7517 4.7).
        if not isinstance(item, str):
            raise InvalidKeyError("JWK member 'x5c' must hold base64 strings")
        try:
            certs.append(x509.load_der_x509_certificate(base64.b64decode(item, validate=True)))
        except (ValueError, binascii.Error, x509.InvalidVersion):  # the last is no ValueError
            raise InvalidKeyError("JWK member 'x5c' holds an invalid certificate") from None
    try:
        # The leaf's key is compared with the JWK's; a key algorithm unknown to
        # `cryptography` raises UnsupportedAlgorithm, which callers would not expect.
        certs[0].public_key()
    except (ValueError, UnsupportedAlgorithm):
        raise InvalidKeyError("the x5c certificate holds an unsupported key") from None
    return certs[0]


def _thumb(jwk: Mapping[str, Any], name: str, size: int, cert: x509.Certificate | None) -> None:
    value = jwk[name]
    try:
        digest = b64decode(value) if isinstance(value, str) else b""
    except MalformedError:
        digest = b""
    if len(digest) != size:
        raise InvalidKeyError(f"JWK member {name!r} is not a valid thumbprint")
    if cert is not None:
        from cryptography.hazmat.primitives.serialization import Encoding

        hash_name = "sha1" if size == 20 else "sha256"
        actual = hashlib.new(hash_name, cert.public_bytes(Encoding.DER)).digest()
        if not constant_time_equal(actual, digest):
            raise InvalidKeyError(f"JWK member {name!r} does not match 'x5c'")


def parse_members(jwk: Mapping[str, Any]) -> tuple[dict[str, Any], x509.Certificate | None]:
    """Validate and return a JWK's metadata members and its ``x5c`` leaf certificate.

    Raises:
        InvalidKeyError: a member has the wrong type or contradicts another.
    """
    for name in ("kid", "alg", "use", "x5u"):
        _string(jwk, name)
    if "key_ops" in jwk:
        _key_ops(jwk["key_ops"], jwk.get("use"))
    cert = _x5c(jwk["x5c"]) if "x5c" in jwk else None
    if "x5t" in jwk:
        _thumb(jwk, "x5t", 20, cert)
    if "x5t#S256" in jwk:
        _thumb(jwk, "x5t#S256", 32, cert)
    members = {name: value for name, value in jwk.items() if name not in MATERIAL}
    return members, cert
