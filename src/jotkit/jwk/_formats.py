"""PEM, DER and OpenSSH key formats, and refusing key material as an HMAC secret.

Formats are explicit: the caller says PEM, DER or OpenSSH; jotkit never guesses a format
from a ``str``. Within a format, the PEM label (or the DER structure) tells a private
key, a public key and an X.509 certificate apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

from ..errors import InvalidKeyError

if TYPE_CHECKING:
    from cryptography import x509

__all__ = ["load_der", "load_openssh", "load_pem"]

# (key object, certificate or None)
Loaded = tuple[Any, "x509.Certificate | None"]

_LOAD_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm)
_CERTIFICATE_LABELS = (b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE")


def _as_bytes(data: bytes | str) -> bytes:
    if type(data) is bytes:
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise TypeError("key data must be bytes or str")


def _password(password: bytes | str | None) -> bytes | None:
    return password.encode("utf-8") if isinstance(password, str) else password


def load_pem(data: bytes | str, password: bytes | str | None) -> Loaded:
    """Load a PEM private key (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8), public key or cert.

    Raises:
        InvalidKeyError: not a PEM key or certificate, or a wrong password.
    """
    raw = data if type(data) is bytes and data[:11] == b"-----BEGIN " else _as_bytes(data).strip()
    if raw[:11] != b"-----BEGIN ":
        raise InvalidKeyError("not PEM: expected a '-----BEGIN ...' line")
    label = raw[11 : raw.find(b"-----", 11)]
    try:
        if label in _CERTIFICATE_LABELS:
            from cryptography import x509  # deferred: x509 costs ~90 ms of import time

            try:
                cert = x509.load_pem_x509_certificate(raw)
            except x509.InvalidVersion as exc:  # an unknown X.509 version is no ValueError
                raise InvalidKeyError(f"cannot load the PEM certificate: {exc}") from None
            return cert.public_key(), cert
        if label == b"OPENSSH PRIVATE KEY":
            return serialization.load_ssh_private_key(raw, _password(password)), None
        if label.endswith(b"PRIVATE KEY"):
            secret = None if password is None else _password(password)
            return serialization.load_pem_private_key(raw, secret), None
        return serialization.load_pem_public_key(raw), None
    except _LOAD_ERRORS as exc:
        raise InvalidKeyError(
            f"cannot load the PEM {label.decode('ascii', 'replace')}: {exc}"
        ) from None


def load_der(data: bytes, password: bytes | str | None) -> Loaded:
    """Load a DER private key, public key (SPKI or PKCS#1) or X.509 certificate.

    Raises:
        InvalidKeyError: not a DER key or certificate, or a wrong password.
    """
    raw = _as_bytes(data)
    try:
        return serialization.load_der_private_key(raw, _password(password)), None
    except _LOAD_ERRORS:
        pass
    try:
        return serialization.load_der_public_key(raw), None
    except _LOAD_ERRORS:
        pass
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(raw)
        return cert.public_key(), cert
    except (*_LOAD_ERRORS, x509.InvalidVersion):
        raise InvalidKeyError("not a DER key or certificate, or a wrong password") from None


def load_openssh(data: bytes | str, password: bytes | str | None) -> Loaded:
    """Load an OpenSSH private key or a public key line (``ssh-ed25519 AAAA... comment``).

    Raises:
        InvalidKeyError: not an OpenSSH key, or a wrong password.
    """
    raw = _as_bytes(data).strip()
    try:
        if raw.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----"):
            return serialization.load_ssh_private_key(raw, _password(password)), None
        return serialization.load_ssh_public_key(raw), None
    except _LOAD_ERRORS as exc:
        raise InvalidKeyError(f"cannot load the OpenSSH key: {exc}") from None
