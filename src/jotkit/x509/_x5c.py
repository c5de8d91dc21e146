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

__all__ = ["check_thumbprints", "decode_x5c", "is_self_issued", "x5c_value"]

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


def _tlv(der: bytes, at: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at ``at``."""
    tag, first = der[at], der[at + 1]
    start = at + 2
    if first < 0x80:
        return tag, start, start + first
    width = first & 0x7F
    length = int.from_bytes(der[start : start + width], "big")
    return tag, start + width, start + width + length


def _serial_is_positive(der: bytes) -> bool:
    """Whether the TBSCertificate's serialNumber is positive (RFC 5280 4.1.2.2).

    cryptography loads a zero or negative serial with a deprecation warning (an error in
    its next versions); reading the INTEGER here refuses it without touching the
    process-wide warning filters. Structure it does not recognise is left to the parser.
    """
    try:
        _, certificate, _ = _tlv(der, 0)
        _, at, _ = _tlv(der, certificate)  # TBSCertificate
        tag, start, end = _tlv(der, at)
        if tag == 0xA0:  # [0] EXPLICIT version
            tag, start, end = _tlv(der, end)
        if tag != 0x02:
            return True
        value = der[start:end]
        return bool(value) and not value[0] & 0x80 and value.strip(b"\0") != b""
    except IndexError:
        return True


def is_self_issued(der: bytes) -> bool:
    """Whether the certificate's issuer and subject are the same Name, byte for byte.

    Read from the DER rather than through ``Certificate.issuer``: cryptography warns
    (UserWarning) while building a Name with an out-of-range attribute, and hostile input
    must not make jotkit emit warnings. Names spelled differently but equal under RFC 5280
    section 7.1 do not count; the path validation then refuses such a leaf as untrusted.
    """
    try:
        _, certificate, _ = _tlv(der, 0)
        _, at, _ = _tlv(der, certificate)  # TBSCertificate
        tag, _, end = _tlv(der, at)
        if tag == 0xA0:  # [0] EXPLICIT version
            _, _, end = _tlv(der, end)  # serialNumber
        _, _, end = _tlv(der, end)  # signature AlgorithmIdentifier
        _, _, issuer_end = _tlv(der, end)
        _, _, validity_end = _tlv(der, issuer_end)
        _, _, subject_end = _tlv(der, validity_end)
    except IndexError:
        return False
    return der[end:issuer_end] == der[validity_end:subject_end]


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
        if not _serial_is_positive(der):
            raise CertificateError(f"x5c[{index}] has a serial number that is not positive")
        try:
            cert = x509.load_der_x509_certificate(der)
            # cryptography parses some fields only when read: read the one used before
            # path validation here, so that a malformed one is refused, not a crash.
            cert.signature_algorithm_oid  # noqa: B018
        # TypeError too: cryptography's Name refuses some attribute types that way.
        except (ValueError, TypeError, x509.InvalidVersion):
            raise CertificateError(f"x5c[{index}] is not a DER X.509 certificate") from None
        certs.append(cert)
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
