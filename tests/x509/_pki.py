"""A small PKI made in the tests: root, intermediate and leaf certificates with `cryptography`."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from jotkit import Key

__all__ = ["NOW", "NOW_TS", "Pki", "b64", "make_cert", "pki"]

NOW = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)
NOW_TS = NOW.timestamp()
DAY = datetime.timedelta(days=1)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ku(*, ca: bool, digital_signature: bool = True) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature and not ca,
        content_commitment=False,
        key_encipherment=not digital_signature,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_cert(
    cn: str,
    key: Any,
    issuer: tuple[x509.Certificate, Any] | None = None,
    *,
    ca: bool = False,
    path_length: int | None = None,
    basic_constraints: bool = True,
    not_before: datetime.datetime = NOW - 10 * DAY,
    not_after: datetime.datetime = NOW + 30 * DAY,
    eku: list[x509.ObjectIdentifier] | None = None,
    digital_signature: bool = True,
) -> x509.Certificate:
    """A certificate for ``key``, signed by ``issuer`` (certificate, key), else self-signed."""
    issuer_name = issuer[0].subject if issuer else _name(cn)
    signing_key = issuer[1] if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(_ku(ca=ca, digital_signature=digital_signature), True)
    )
    if basic_constraints:
        builder = builder.add_extension(x509.BasicConstraints(ca, path_length), True)
    if issuer:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer[1].public_key())
        builder = builder.add_extension(aki, False)
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), False)
    eddsa = isinstance(signing_key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey)
    unhashed = eddsa or "MLDSA" in type(signing_key).__name__
    return builder.sign(signing_key, None if unhashed else hashes.SHA256())


def b64(cert: x509.Certificate) -> str:
    """The x5c form of a certificate: standard base64 DER."""
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")


def p256() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class Pki:
    """root -> intermediate -> leaf, with their private keys."""

    root: x509.Certificate
    root_key: Any
    inter: x509.Certificate
    inter_key: Any
    leaf: x509.Certificate
    leaf_key: Any

    def x5c(self) -> list[str]:
        """The leaf and the intermediate: the two-certificate chain."""
        return [b64(self.leaf), b64(self.inter)]

    def signer(self, alg: str = "ES256") -> Key:
        """The leaf's private key, carrying its chain."""
        return Key.from_cryptography(self.leaf_key, alg=alg).with_certificates(
            [self.leaf, self.inter]
        )


def pki(leaf_key: Any = None, **leaf_options: Any) -> Pki:
    """A fresh PKI; ``leaf_options`` go to the leaf's :func:`make_cert`."""
    root_key, inter_key = p256(), p256()
    leaf_key = leaf_key if leaf_key is not None else p256()
    root = make_cert("Root", root_key, ca=True)
    inter = make_cert("Intermediate", inter_key, (root, root_key), ca=True, path_length=0)
    leaf = make_cert("Signer", leaf_key, (inter, inter_key), **leaf_options)
    return Pki(root, root_key, inter, inter_key, leaf, leaf_key)
