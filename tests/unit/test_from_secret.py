"""``Key.from_secret`` refuses asymmetric key material as an HMAC secret.

The class of PyJWT CVE-2022-29217 and python-jose CVE-2024-33663: a verifier handed a
public key as bytes must never use it as the HS256 secret, or anyone can forge tokens.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jotkit.errors import InvalidKeyError
from jotkit.jwk import Key
from jotkit.jws import sign_compact, verify_compact
from tests.unit._keys import SECRET, private_key, self_signed_or_issued

Enc = serialization.Encoding
Priv = serialization.PrivateFormat
Pub = serialization.PublicFormat
NO_ENC = serialization.NoEncryption()
PASSWORD_ENC = serialization.BestAvailableEncryption(b"pw")


def _private(family: str, encoding: serialization.Encoding, fmt: Priv, enc: object) -> bytes:
    return private_key(family).private_bytes(encoding, fmt, enc)  # type: ignore[arg-type]


def _public(family: str, encoding: serialization.Encoding, fmt: Pub) -> bytes:
    return private_key(family).public_key().public_bytes(encoding, fmt)


def _chunks(data: bytes, size: int = 64) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


MATERIAL = {
    "pem-pkcs1-private": lambda: _private("RSA", Enc.PEM, Priv.TraditionalOpenSSL, NO_ENC),
    "pem-sec1-private": lambda: _private("P-256", Enc.PEM, Priv.TraditionalOpenSSL, NO_ENC),
    "pem-pkcs8": lambda: _private("Ed25519", Enc.PEM, Priv.PKCS8, NO_ENC),
    "pem-pkcs8-encrypted": lambda: _private("P-384", Enc.PEM, Priv.PKCS8, PASSWORD_ENC),
    "pem-spki-rsa": lambda: _public("RSA", Enc.PEM, Pub.SubjectPublicKeyInfo),
    "pem-spki-ec": lambda: _public("P-256", Enc.PEM, Pub.SubjectPublicKeyInfo),
    "pem-spki-x448": lambda: _public("X448", Enc.PEM, Pub.SubjectPublicKeyInfo),
    "pem-pkcs1-public": lambda: _public("RSA", Enc.PEM, Pub.PKCS1),
    "pem-certificate": lambda: self_signed_or_issued("RSA").public_bytes(Enc.PEM),
    "openssh-private": lambda: _private("Ed25519", Enc.PEM, Priv.OpenSSH, NO_ENC),
    "der-spki": lambda: _public("P-256", Enc.DER, Pub.SubjectPublicKeyInfo),
    "der-spki-ed25519": lambda: _public("Ed25519", Enc.DER, Pub.SubjectPublicKeyInfo),
    "der-pkcs1-public": lambda: _public("RSA", Enc.DER, Pub.PKCS1),
    "der-pkcs1-private": lambda: _private("RSA", Enc.DER, Priv.TraditionalOpenSSL, NO_ENC),
    "der-sec1-private": lambda: _private("P-521", Enc.DER, Priv.TraditionalOpenSSL, NO_ENC),
    "der-pkcs8": lambda: _private("Ed448", Enc.DER, Priv.PKCS8, NO_ENC),
    "der-pkcs8-encrypted": lambda: _private("P-256", Enc.DER, Priv.PKCS8, PASSWORD_ENC),
    "der-certificate": lambda: self_signed_or_issued("P-256").public_bytes(Enc.DER),
    "openssh-public-rsa": lambda: _public("RSA", Enc.OpenSSH, Pub.OpenSSH),
    "openssh-public-ecdsa": lambda: _public("P-256", Enc.OpenSSH, Pub.OpenSSH),
    "openssh-public-ed25519": lambda: _public("Ed25519", Enc.OpenSSH, Pub.OpenSSH) + b" me@host",
    "armourless-spki": lambda: base64.b64encode(_public("RSA", Enc.DER, Pub.SubjectPublicKeyInfo)),
    "armourless-wrapped": lambda: b"\n".join(
        _chunks(base64.b64encode(_public("P-256", Enc.DER, Pub.SubjectPublicKeyInfo)))
    ),
    "armourless-urlsafe": lambda: base64.urlsafe_b64encode(
        self_signed_or_issued("Ed25519").public_bytes(Enc.DER)
    ).rstrip(b"="),
    "jwk-public": lambda: json.dumps(Key.from_cryptography(private_key("RSA")).to_jwk()).encode(),
    "jwk-private": lambda: json.dumps(
        Key.from_cryptography(private_key("P-256")).to_jwk(private=True)
    ).encode(),
    "jwk-pretty": lambda: json.dumps(
        Key.from_cryptography(private_key("Ed25519")).to_jwk(), indent=2
    ).encode(),
    "jwks": lambda: json.dumps(
        {"keys": [Key.from_cryptography(private_key("X25519")).to_jwk()]}
    ).encode(),
}
IDS = list(MATERIAL)
TEXT_IDS = [i for i in IDS if not i.startswith(("der-", "armourless-"))]


class TestRefused:
    """Every recognisable form of an asymmetric key is refused."""

    @pytest.mark.parametrize("name", IDS)
    def test_refused(self, name: str) -> None:
        """The material as given is InvalidKeyError, not an HMAC key."""
        with pytest.raises(InvalidKeyError, match="asymmetric"):
            Key.from_secret(MATERIAL[name]())

    @pytest.mark.parametrize(
        "prefix",
        [b" ", b"\n\n", b"\t \r\n", b"\xef\xbb\xbf"],
        ids=["space", "newlines", "mixed-whitespace", "byte-order-mark"],
    )
    @pytest.mark.parametrize("name", TEXT_IDS)
    def test_refused_after_whitespace(self, name: str, prefix: bytes) -> None:
        """Leading whitespace (or a byte-order mark) does not hide text key material."""
        with pytest.raises(InvalidKeyError, match="asymmetric"):
            Key.from_secret(prefix + MATERIAL[name]())

    @pytest.mark.parametrize("name", ["pem-spki-rsa", "jwk-public", "openssh-public-rsa"])
    def test_refused_by_jws_sign_and_verify(self, name: str) -> None:
        """The JWS functions refuse such bytes as a key too (RS256 to HS256 confusion)."""
        material = MATERIAL[name]()
        with pytest.raises(InvalidKeyError, match="asymmetric"):
            sign_compact(b"{}", material, alg="HS256")
        token = sign_compact(b"{}", SECRET, alg="HS256")
        with pytest.raises(InvalidKeyError, match="asymmetric"):
            verify_compact(token, material, algorithms=["HS256"])


class TestAccepted:
    """Ordinary secrets are accepted."""

    @pytest.mark.parametrize(
        "secret",
        [
            SECRET,
            b"0123456789abcdef0123456789abcdef",
            b"\x30\x82\x01\x00" + bytes(64),
            b"correct horse battery staple, with extra words",
            b"{not json but starts with a brace and mentions kty}",
            b"ssh is a word; this is not a key line at all....",
            base64.b64encode(b"1234567890" * 4),
            b"MAAAA" + b"A" * 32,
            b"M" + b"!" * 40,
        ],
        ids=[
            "bytes",
            "ascii-digits-0x30",
            "der-header-only",
            "passphrase",
            "brace",
            "ssh-word",
            "base64-of-text",
            "base64-bad-length",
            "m-then-symbols",
        ],
    )
    def test_accepted(self, secret: bytes) -> None:
        """Secrets that only look a little like key material are accepted."""
        key = Key.from_secret(secret)
        assert key.crypto == secret

    def test_bytearray(self) -> None:
        """A bytearray is copied into an immutable secret."""
        mutable: Any = bytearray(SECRET)
        key = Key.from_secret(mutable)
        mutable[0] ^= 1
        assert key.crypto == SECRET

    def test_empty_refused(self) -> None:
        """An empty secret is InvalidKeyError."""
        with pytest.raises(InvalidKeyError, match="empty"):
            Key.from_secret(b"")

    @pytest.mark.parametrize("secret", ["text secret", 123, None], ids=["str", "int", "none"])
    def test_not_bytes(self, secret: object) -> None:
        """A str is never sniffed into bytes: TypeError."""
        with pytest.raises(TypeError, match="bytes"):
            Key.from_secret(secret)  # type: ignore[arg-type]

    def test_random(self) -> None:
        """os.urandom secrets are accepted."""
        for _ in range(50):
            secret = os.urandom(32)
            assert Key.from_secret(secret).crypto == secret


def _loads_as_der_key(secret: bytes) -> bool:
    try:
        Key.from_der(secret)
    except InvalidKeyError:
        return False
    return True


_TEXT_MARKERS = (b"ssh-", b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-")


class TestProperties:
    """Random secrets are refused only when they really are key material."""

    @settings(deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(st.binary(min_size=32, max_size=300))
    def test_random_bytes_not_starting_like_key_material(self, secret: bytes) -> None:
        """Bytes that do not start with a DER SEQUENCE or a text marker are accepted."""
        stripped = secret.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
        assume(secret[:1] != b"\x30")
        assume(b"-----BEGIN" not in secret and not stripped.startswith(_TEXT_MARKERS))
        assume(not (stripped.startswith(b"{") and b'"kty"' in secret))
        assume(stripped[:1] != b"M")
        assert Key.from_secret(secret).crypto == secret

    @settings(deadline=None)
    @given(st.binary(min_size=31, max_size=300).map(lambda b: b"\x30" + b))
    def test_random_der_lookalikes(self, secret: bytes) -> None:
        """Bytes starting with 0x30 are refused only if they are a DER key (or hold armour)."""
        try:
            Key.from_secret(secret)
        except InvalidKeyError:
            assert b"-----BEGIN" in secret or _loads_as_der_key(secret)

    @settings(deadline=None)
    @given(st.text(min_size=32, max_size=100))
    def test_text_passwords(self, text: str) -> None:
        """UTF-8 passphrases without key armour are accepted."""
        secret = text.encode("utf-8")
        stripped = secret.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
        assume(b"-----BEGIN" not in secret and not stripped.startswith(_TEXT_MARKERS))
        assume(not (stripped.startswith(b"{") and b'"kty"' in secret))
        assume(stripped[:1] != b"M")
        assert Key.from_secret(secret).crypto == secret
