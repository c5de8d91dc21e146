"""Key import from JWK, PEM, DER, OpenSSH and `cryptography` objects (RFC 7517, RFC 8037)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from jotkit.errors import InvalidKeyError, MalformedError
from jotkit.jwk import Key
from tests.unit._keys import FAMILIES, OKP_CURVES, private_key, self_signed_or_issued

Enc = serialization.Encoding
PASSWORD = b"correct horse"

# (format name, the families it applies to)
FORMATS: dict[str, tuple[str, ...]] = {
    "pkcs8": FAMILIES,
    "pkcs8-encrypted": FAMILIES,
    "traditional": ("RSA", "P-256", "P-384", "P-521", "secp256k1"),  # PKCS#1 / SEC1
    "spki": FAMILIES,
    "pkcs1-public": ("RSA",),
    "certificate": FAMILIES,
}
CASES = [(family, fmt) for fmt, families in FORMATS.items() for family in families]
CASE_IDS = [f"{family}-{fmt}" for family, fmt in CASES]
OPENSSH_FAMILIES = ("RSA", "P-256", "P-384", "P-521", "Ed25519")


def _kty_crv(family: str) -> tuple[str, str | None]:
    if family == "RSA":
        return "RSA", None
    return ("OKP" if family in OKP_CURVES else "EC"), family


def _encode(family: str, fmt: str, encoding: serialization.Encoding) -> bytes:
    private = private_key(family)
    public = private.public_key()
    if fmt == "pkcs8":
        return private.private_bytes(
            encoding, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    if fmt == "pkcs8-encrypted":
        return private.private_bytes(
            encoding,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSWORD),
        )
    if fmt == "traditional":
        return private.private_bytes(
            encoding, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
    if fmt == "spki":
        return public.public_bytes(encoding, serialization.PublicFormat.SubjectPublicKeyInfo)
    if fmt == "pkcs1-public":
        return public.public_bytes(encoding, serialization.PublicFormat.PKCS1)
    return self_signed_or_issued(family).public_bytes(encoding)


def _check_imported(key: Key, family: str, fmt: str) -> None:
    kty, crv = _kty_crv(family)
    assert (key.kty, key.crv) == (kty, crv)
    assert key.is_private is fmt.startswith(("pkcs8", "traditional"))
    expected = Key.from_cryptography(private_key(family).public_key())
    assert key.to_jwk() == expected.to_jwk()
    if fmt == "certificate":
        assert key.certificate == self_signed_or_issued(family)
    else:
        assert key.certificate is None


class TestFromJwk:
    """``Key.from_jwk`` for every key type and curve."""

    @pytest.mark.parametrize("family", FAMILIES)
    @pytest.mark.parametrize("form", ["dict", "str", "bytes"])
    @pytest.mark.parametrize("private", [True, False], ids=["private", "public"])
    def test_round_trip(self, family: str, form: str, private: bool) -> None:
        """to_jwk output imports back to an equal key, from a dict or JSON text."""
        original = Key.from_cryptography(private_key(family), kid="k1")
        jwk = original.to_jwk(private=private)
        given: Any = {"dict": jwk, "str": json.dumps(jwk), "bytes": json.dumps(jwk).encode()}[form]
        imported = Key.from_jwk(given)
        assert imported.to_jwk(private=private) == jwk
        assert imported.is_private is private
        assert imported == (original if private else original.public())

    def test_oct(self) -> None:
        """An oct JWK imports with its secret."""
        key = Key.from_jwk({"kty": "oct", "k": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"})
        assert key.crypto == bytes(range(32))
        assert key.size == 256

    @pytest.mark.parametrize("text", ['{"kty":"oct",', '{"kty":"oct","kty":"oct"}'])
    def test_json_text_must_be_strict(self, text: str) -> None:
        """JWK text that is not strict JSON is MalformedError."""
        with pytest.raises(MalformedError):
            Key.from_jwk(text)

    @pytest.mark.parametrize("value", ["[]", '"RSA"', "1"], ids=["array", "string", "number"])
    def test_not_an_object(self, value: str) -> None:
        """A JWK must be a JSON object."""
        with pytest.raises(InvalidKeyError, match="JSON object"):
            Key.from_jwk(value)


class TestFromPemAndDer:
    """``Key.from_pem`` and ``Key.from_der`` for every format and family."""

    @pytest.mark.parametrize(("family", "fmt"), CASES, ids=CASE_IDS)
    def test_pem(self, family: str, fmt: str) -> None:
        """PKCS#1, SEC1, PKCS#8 (plain and encrypted), SPKI and certificates import."""
        password = PASSWORD if fmt == "pkcs8-encrypted" else None
        key = Key.from_pem(_encode(family, fmt, Enc.PEM), password)
        _check_imported(key, family, fmt)

    @pytest.mark.parametrize(("family", "fmt"), CASES, ids=CASE_IDS)
    def test_der(self, family: str, fmt: str) -> None:
        """The same set of formats in DER."""
        password = PASSWORD if fmt == "pkcs8-encrypted" else None
        key = Key.from_der(_encode(family, fmt, Enc.DER), password)
        _check_imported(key, family, fmt)

    @pytest.mark.parametrize("encoding", [Enc.PEM, Enc.DER], ids=["pem", "der"])
    def test_password_as_str(self, encoding: serialization.Encoding) -> None:
        """A str password is encoded as UTF-8."""
        data = _encode("P-256", "pkcs8-encrypted", encoding)
        load = Key.from_pem if encoding is Enc.PEM else Key.from_der
        assert load(data, PASSWORD.decode()).is_private

    @pytest.mark.parametrize("encoding", [Enc.PEM, Enc.DER], ids=["pem", "der"])
    @pytest.mark.parametrize(
        ("fmt", "password"),
        [("pkcs8-encrypted", b"wrong"), ("pkcs8-encrypted", None), ("pkcs8", PASSWORD)],
        ids=["wrong-password", "missing-password", "password-for-plain-key"],
    )
    def test_password_mistakes(
        self, encoding: serialization.Encoding, fmt: str, password: bytes | None
    ) -> None:
        """A wrong, missing or unexpected password is InvalidKeyError."""
        data = _encode("P-256", fmt, encoding)
        load = Key.from_pem if encoding is Enc.PEM else Key.from_der
        with pytest.raises(InvalidKeyError):
            load(data, password)

    def test_pem_with_surrounding_whitespace_and_str(self) -> None:
        """Leading and trailing whitespace is ignored, and str input is accepted."""
        pem = _encode("Ed25519", "spki", Enc.PEM).decode()
        assert Key.from_pem("\n  " + pem + "\n\n").crv == "Ed25519"

    def test_pem_x509_certificate_label(self) -> None:
        """The legacy ``X509 CERTIFICATE`` label is a certificate too."""
        pem = _encode("P-256", "certificate", Enc.PEM).replace(b"CERTIFICATE", b"X509 CERTIFICATE")
        assert Key.from_pem(pem).certificate is not None

    def test_openssh_private_key_through_from_pem(self) -> None:
        """An OpenSSH private key is PEM-armoured, so from_pem accepts it too."""
        data = private_key("Ed25519").private_bytes(
            Enc.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        )
        assert Key.from_pem(data).is_private

    @pytest.mark.parametrize(
        "data",
        [
            b"not a pem",
            b"",
            b"-----BEGIN PRIVATE KEY-----\nMIIB\n",
            b"-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n",
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            b"-----BEGIN TRUSTED CERTIFICATE-----\nAAAA\n-----END TRUSTED CERTIFICATE-----\n",
        ],
        ids=["no-armour", "empty", "truncated", "unknown-label", "bad-cert", "trusted-cert"],
    )
    def test_pem_garbage(self, data: bytes) -> None:
        """Anything that is not a supported PEM key is InvalidKeyError."""
        with pytest.raises(InvalidKeyError):
            Key.from_pem(data)

    @pytest.mark.parametrize(
        "data", [b"not a pem", b"", b"\x30\x03\x02\x01\x01", b'{"kty":"oct","k":"AA"}']
    )
    def test_not_pem_says_so(self, data: bytes) -> None:
        """Input without PEM armour is refused as such, not as a key that failed to load."""
        with pytest.raises(InvalidKeyError, match="not PEM"):
            Key.from_pem(data)

    @pytest.mark.parametrize(
        "data", [b"", b"\x30\x03\x02\x01\x01", b"garbage"], ids=["empty", "int-seq", "text"]
    )
    def test_der_garbage(self, data: bytes) -> None:
        """Anything that is not a supported DER key is InvalidKeyError."""
        with pytest.raises(InvalidKeyError):
            Key.from_der(data)

    @pytest.mark.parametrize("encoding", [Enc.PEM, Enc.DER], ids=["pem", "der"])
    def test_unsupported_curve(self, encoding: serialization.Encoding) -> None:
        """A well-formed key on a curve jotkit does not support is InvalidKeyError."""
        data = ec.generate_private_key(ec.SECP224R1()).private_bytes(
            encoding, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        load = Key.from_pem if encoding is Enc.PEM else Key.from_der
        with pytest.raises(InvalidKeyError, match="curve"):
            load(data)

    @pytest.mark.parametrize("wrapper", [bytearray, memoryview], ids=["bytearray", "memoryview"])
    def test_bytes_like_input(self, wrapper: type[Any]) -> None:
        """Bytes-like objects are accepted."""
        data = _encode("P-384", "spki", Enc.DER)
        assert Key.from_der(wrapper(data)).crv == "P-384"

    def test_non_bytes_input(self) -> None:
        """Anything but bytes or str is a caller mistake: TypeError."""
        with pytest.raises(TypeError):
            Key.from_pem(1234)  # type: ignore[arg-type]

    def test_metadata_arguments(self) -> None:
        """kid and alg given on import are kept; non-str values are TypeError."""
        pem = _encode("P-256", "spki", Enc.PEM)
        key = Key.from_pem(pem, kid="a", alg="ES256")
        assert (key.kid, key.alg) == ("a", "ES256")
        with pytest.raises(TypeError):
            Key.from_pem(pem, kid=1)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            Key.from_pem(pem, alg=b"ES256")  # type: ignore[arg-type]


class TestFromOpenssh:
    """``Key.from_openssh``: private keys and public key lines."""

    @pytest.mark.parametrize("family", OPENSSH_FAMILIES)
    def test_private(self, family: str) -> None:
        """An unencrypted OpenSSH private key imports as a private key."""
        data = private_key(family).private_bytes(
            Enc.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        )
        key = Key.from_openssh(data)
        assert key.is_private
        assert key == Key.from_cryptography(private_key(family))

    def test_encrypted_private(self) -> None:
        """An encrypted OpenSSH private key needs its password (bcrypt, the ssh extra)."""
        data = private_key("Ed25519").private_bytes(
            Enc.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.BestAvailableEncryption(b"hunter2"),
        )
        key = Key.from_openssh(data, password="hunter2")
        assert key == Key.from_cryptography(private_key("Ed25519"))
        with pytest.raises(InvalidKeyError):
            Key.from_openssh(data, password=b"wrong")
        with pytest.raises(InvalidKeyError):
            Key.from_openssh(data)

    @pytest.mark.parametrize("family", OPENSSH_FAMILIES)
    def test_public_line(self, family: str) -> None:
        """A public key line, with or without a comment, imports as a public key."""
        line = (
            private_key(family)
            .public_key()
            .public_bytes(Enc.OpenSSH, serialization.PublicFormat.OpenSSH)
        )
        expected = Key.from_cryptography(private_key(family).public_key())
        assert Key.from_openssh(line) == expected
        assert Key.from_openssh(line.decode() + " user@host\n") == expected

    @pytest.mark.parametrize(
        "data",
        [b"ssh-ed25519 AAAA", b"not ssh", b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"],
        ids=["short-line", "text", "bad-private"],
    )
    def test_garbage(self, data: bytes) -> None:
        """Malformed OpenSSH input is InvalidKeyError."""
        with pytest.raises(InvalidKeyError, match="OpenSSH"):
            Key.from_openssh(data)


class TestFromCryptography:
    """``Key.from_cryptography`` wraps objects the application already holds."""

    @pytest.mark.parametrize("family", FAMILIES)
    def test_private_and_public(self, family: str) -> None:
        """Private and public objects wrap, and the object is kept as is."""
        private = private_key(family)
        key = Key.from_cryptography(private, kid="x", alg=None)
        assert key.crypto is private
        assert key.is_private
        assert key.kid == "x"
        public = Key.from_cryptography(private.public_key())
        assert not public.is_private
        assert public.crypto is public.public_crypto

    def test_certificate(self) -> None:
        """A certificate wraps as its public key, keeping the certificate."""
        cert: x509.Certificate = self_signed_or_issued("RSA")
        key = Key.from_cryptography(cert)
        assert key.certificate is cert
        assert not key.is_private

    @pytest.mark.parametrize(
        "obj",
        ["-----BEGIN PUBLIC KEY-----", b"secret", 42, None],
        ids=["str", "bytes", "int", "none"],
    )
    def test_not_a_key_object(self, obj: Any) -> None:
        """A non-key object is a caller mistake: TypeError, as documented."""
        with pytest.raises(TypeError):
            Key.from_cryptography(obj)

    def test_unsupported_curve(self) -> None:
        """A key on an unsupported curve is a caller mistake: TypeError."""
        with pytest.raises(TypeError, match="curve"):
            Key.from_cryptography(ec.generate_private_key(ec.SECP224R1()))
