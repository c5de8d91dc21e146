"""Reading an ``x5c`` header parameter (RFC 7515 section 4.1.6) from untrusted input.

Every limit is checked before any certificate is parsed: the number of certificates and
their total length first (so 10,000 certificates cost a ``len``), then each entry's strict
standard base64 (RFC 4648 section 4, not base64url, canonical), then DER.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._b64 import b64decode
from ..errors import CertificateError, MalformedError
from ..jwa import constant_time_equal

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["check_thumbprints", "decode_x5c", "x5c_value"]

_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}\Z")


def x5c_value(x5c: Any, *, max_certificates: int, max_size: int) -> tuple[str, ...]:
    """Check an ``x5c`` value's shape and size; return it as a tuple (a cache key).

    Raises:
        CertificateError: not a non-empty list of strings, too many, or too long.
    """
    if not isinstance(x5c, list) or not x5c:
        raise CertificateError("x5c must be a non-empty list of base64 strings")
    if len(x5c) > max_certificates:
        raise CertificateError(f"x5c holds {len(x5c)} certificates; at most {max_certificates}")
    if not all(type(item) is str for item in x5c):
        raise CertificateError("x5c must hold base64 strings")
    if sum(len(item) for item in x5c) > max_size:
        raise CertificateError(f"x5c is longer than {max_size} characters")
    return tuple(x5c)


def decode_x5c(x5c: tuple[str, ...]) -> list[x509.Certificate]:
    """Decode each entry: strict standard base64 of a DER certificate.

    Raises:
        CertificateError: an entry is not canonical standard base64, or not a DER
            X.509 certificate.
    """
    from cryptography import x509

    certs = []
    for index, item in enumerate(x5c):
        # RFC 7515 4.1.6: base64 (section 4 of RFC 4648), not base64url; one spelling only,
        # so that the exact x5c text names one chain (it keys the validation cache).
        if len(item) % 4 or not _BASE64.match(item):
            raise CertificateError(f"x5c[{index}] is not standard base64")
        try:
            der = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise CertificateError(f"x5c[{index}] is not standard base64") from None
        if base64.b64encode(der).decode("ascii") != item:
            raise CertificateError(f"x5c[{index}] is not canonical base64")
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except (ValueError, x509.InvalidVersion):
            raise CertificateError(f"x5c[{index}] is not a DER X.509 certificate") from None
    return certs


def check_thumbprints(header: Mapping[str, Any], leaf_der: bytes) -> None:
    """``x5t`` (SHA-1) and ``x5t#S256``, when present, must be the leaf's (RFC 7515 4.1.7-8).

    Raises:
        CertificateError: a thumbprint is malformed or names another certificate.
    """
    for name, hash_name, size in (("x5t", "sha1", 20), ("x5t#S256", "sha256", 32)):
        if name not in header:
            continue
        value = header[name]
        try:
            digest = b64decode(value) if isinstance(value, str) else b""
        except MalformedError:
            digest = b""
        if len(digest) != size:
            raise CertificateError(f"{name} is not a base64url {hash_name} thumbprint")
        if not constant_time_equal(hashlib.new(hash_name, leaf_der).digest(), digest):
            raise CertificateError(f"{name} does not match the x5c leaf certificate")
