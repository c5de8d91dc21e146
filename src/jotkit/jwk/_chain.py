"""A signing key's X.509 certificate chain, for the ``x5c`` and ``x5t#S256`` header
parameters (RFC 7515 sections 4.1.6 and 4.1.8).

The chain is kept as the key's JWK ``x5c`` member (RFC 7517 section 4.7: standard base64
DER, leaf first), so an exported JWK carries it and imports back with it.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._b64 import b64encode_str

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["CertificatesLike", "load_certificates", "load_chain", "x5c_of", "x5t_s256"]

#: What with_certificates accepts: PEM text of one or more certificates, one DER
#: certificate, a `cryptography` certificate, or a sequence of these (leaf first).
CertificatesLike = Any


def _one(item: Any) -> list[x509.Certificate]:
    from cryptography import x509

    if isinstance(item, x509.Certificate):
        return [item]
    if isinstance(item, str):
        item = item.encode("utf-8")
    if not isinstance(item, bytes | bytearray):
        raise TypeError("certificates must be PEM or DER bytes, or cryptography certificates")
    data = bytes(item)
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except (ValueError, x509.InvalidVersion) as exc:
        raise ValueError(f"not an X.509 certificate: {exc}") from None


def load_certificates(certificates: CertificatesLike) -> list[x509.Certificate]:
    """Load certificates given as PEM (one or more), DER, objects, or a sequence of these.

    Raises:
        TypeError: an item of an unsupported type.
        ValueError: no certificate, or one that does not parse.
    """
    items = [certificates] if not isinstance(certificates, Sequence) else certificates
    if isinstance(certificates, str | bytes | bytearray):
        items = [certificates]
    loaded = [cert for item in items for cert in _one(item)]
    if not loaded:
        raise ValueError("no certificate given")
    return loaded


def load_chain(certificates: CertificatesLike) -> list[x509.Certificate]:
    """Load a certificate chain, leaf first.

    Raises:
        TypeError: an item of an unsupported type.
        ValueError: no certificate, one that does not parse, or one not issued by the
            next (the chain must run from the leaf towards the root).
    """
    chain = load_certificates(certificates)
    for child, parent in itertools.pairwise(chain):
        if child.issuer != parent.subject:
            raise ValueError(f"{child.subject.rfc4514_string()} is not issued by the next one")
    return chain


def x5c_of(chain: Sequence[x509.Certificate]) -> list[str]:
    """The ``x5c`` value of a chain: standard base64 (not base64url) of each DER."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return [base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii") for cert in chain]


def x5t_s256(cert: x509.Certificate) -> str:
    """The ``x5t#S256`` of a certificate: base64url SHA-256 of its DER."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return b64encode_str(hashlib.sha256(cert.public_bytes(Encoding.DER)).digest())
