"""Harness: ``x5c`` chains through ``CertificateTrust`` (RFC 7515 4.1.6, RFC 5280 6).

Each input is read as a protected JWS header (the dict the standard library parses from
it) and, whole, as the one entry of an ``x5c``. The trust has one fixed anchor whose
intermediate issued one leaf, all made deterministically (fixed keys, deterministic
ECDSA), so saved inputs replay identically.

Oracles: only a chain whose leaf is that known leaf can be trusted (no input forges a
signature: the leaf's signed TBSCertificate must be the one the intermediate signed), the
key returned fits the header's algorithm and holds the leaf's key, and
the same header marked unprotected (as the JWS JSON verifier marks it) is always refused.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from collections.abc import Iterator
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jotkit._b64 import b64encode_str
from jotkit._joined import join
from jotkit.errors import CertificateError, JotkitError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.x509 import CertificateTrust

from ._common import Seed, Target, expect, lenient_json, text_of

__all__ = ["TARGET", "check"]

_START = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
_NOW = _START + datetime.timedelta(days=10)


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _cert(cn: str, secret: int, issuer: tuple[x509.Certificate, Any] | None, ca: bool) -> Any:
    key = ec.derive_private_key(secret, ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_cert.subject if issuer_cert else name)
        .public_key(key.public_key())
        .serial_number(secret)
        .not_valid_before(_START)
        .not_valid_after(_START + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca, 0 if ca and issuer else None), True)
        .add_extension(_usage(ca), True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key())
        builder = builder.add_extension(aki, False)
    cert = builder.sign(issuer_key, hashes.SHA256(), ecdsa_deterministic=True)
    return cert, key


_ROOT = _cert("fuzz root", 11, None, True)
_INTER = _cert("fuzz intermediate", 12, _ROOT, True)
_LEAF = _cert("fuzz leaf", 13, _INTER, False)
_TRUST = CertificateTrust(anchors=[_ROOT[0]], now=_NOW, cache_size=4)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _b64(cert: x509.Certificate) -> str:
    return base64.b64encode(_der(cert)).decode("ascii")


_LEAF_DER = _der(_LEAF[0])
_LEAF_TBS = _LEAF[0].tbs_certificate_bytes
_ES256 = JWS_ALGORITHMS["ES256"]


def _try(header: Any) -> None:
    alg = header.get("alg")
    descriptor = JWS_ALGORITHMS.get(alg, _ES256) if isinstance(alg, str) else _ES256
    try:
        key = _TRUST.key_for(header, "verify", descriptor)
    except JotkitError:
        pass
    else:
        expect(key.certificate is not None, "a trusted key without its certificate")
        assert key.certificate is not None
        # The signed part, not the whole DER: what lies outside the TBSCertificate (the
        # signature's encoding, its BIT STRING's unused-bits octet) is not signed, and
        # cryptography accepts such re-encodings of the one signature.
        signed = key.certificate.tbs_certificate_bytes
        expect(signed == _LEAF_TBS, "trusted a leaf the anchor never issued")
        expect(key.fits("verify", descriptor), "returned a key that does not fit the alg")
        expect(not key.is_private, "returned a private key")
    if "x5c" in header:
        unprotected = {k: v for k, v in header.items() if k != "alg"}
        try:
            _TRUST.key_for(join({"alg": alg}, unprotected), "verify", descriptor)
        except CertificateError:
            return
        raise AssertionError("accepted x5c from an unprotected header")


def check(data: bytes) -> None:
    """Read ``data`` as a header and as one x5c entry; see the module docstring."""
    text = text_of(data)
    parsed = lenient_json(text)
    if isinstance(parsed, dict):
        _try(parsed)
    _try({"alg": "ES256", "x5c": [text]})


def seeds() -> Iterator[Seed]:
    """Valid chains, thumbprints, and the classic malformed x5c values."""
    chain = [_b64(_LEAF[0]), _b64(_INTER[0])]
    thumb = b64encode_str(hashlib.sha256(_LEAF_DER).digest())
    headers = {
        "valid-chain": {"alg": "ES256", "x5c": chain},
        "valid-with-root": {"alg": "ES256", "x5c": [*chain, _b64(_ROOT[0])]},
        "valid-x5t-s256": {"alg": "ES256", "x5c": chain, "x5t#S256": thumb},
        "wrong-alg": {"alg": "RS256", "x5c": chain},
        "leaf-only": {"alg": "ES256", "x5c": chain[:1]},
        "reversed": {"alg": "ES256", "x5c": chain[::-1]},
        "base64url": {
            "alg": "ES256",
            "x5c": [c.replace("+", "-").replace("/", "_") for c in chain],
        },
        "many": {"alg": "ES256", "x5c": ["MA=="] * 64},
    }
    for name, header in headers.items():
        yield name, json.dumps(header).encode()
    yield "raw-leaf", chain[0].encode()


TARGET = Target(
    name="x5c",
    check=check,
    seeds=seeds,
    max_len=8192,
    dictionary=(b'"x5c"', b'"x5t"', b'"x5t#S256"', b'"alg"', b'"ES256"', b'"kid"', b"MII", b"=="),
)
