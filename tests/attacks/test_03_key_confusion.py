"""Attack class 3: a public key, in any encoding, used as an HMAC secret (RSA/HMAC confusion).

The verifier holds a public key; the attacker, who knows it too, signs an HS256 token
using the key's bytes as the HMAC secret. Pins: CVE-2015-9235 (jsonwebtoken),
CVE-2016-10555 (jwt-simple), CVE-2017-11424 (PyJWT: PKCS#1 ``BEGIN RSA PUBLIC KEY`` not
recognised), CVE-2022-29217 (PyJWT: ``ssh-ed25519`` keys), CVE-2024-33663 (python-jose:
OpenSSH ECDSA keys), CVE-2023-48223 and GHSA-mvf2-f6gm-w987 (fast-jwt: the PEM check
defeated by leading whitespace). jotkit refuses recognisable key material as a secret
(``InvalidKeyError``) and never lets a non-oct Key serve an HMAC algorithm.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization as ser
from cryptography.x509.oid import NameOID

from jotkit import Key, KeySet, jws
from jotkit.errors import InvalidKeyError, KeyNotFoundError

from ._forge import ec_key, ed25519_key, hs_token, rejects, rsa_key

CLAIMS = b'{"sub":"admin"}'
_PEM, _DER, _SSH = ser.Encoding.PEM, ser.Encoding.DER, ser.Encoding.OpenSSH
_SPKI, _PKCS1 = ser.PublicFormat.SubjectPublicKeyInfo, ser.PublicFormat.PKCS1


@cache
def _certificate() -> x509.Certificate:
    import datetime

    key = rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer.example")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(
            key,
            __import__("cryptography.hazmat.primitives.hashes").hazmat.primitives.hashes.SHA256(),
        )
    )


def _jwk_json(obj: Any) -> bytes:
    return json.dumps(Key.from_cryptography(obj).to_jwk(), indent=2).encode("utf-8")


def _openssh(public: Any) -> bytes:
    return bytes(public.public_bytes(_SSH, ser.PublicFormat.OpenSSH))


def _rfc4716(public: Any) -> bytes:
    """The SSH2 public key file format (RFC 4716): a base64 body between marker lines."""
    body = _openssh(public).split()[1].decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "\n".join(
        ["---- BEGIN SSH2 PUBLIC KEY ----", 'Comment: "admin@host"', *lines,
         "---- END SSH2 PUBLIC KEY ----", ""]
    ).encode()  # fmt: skip


@cache
def materials() -> Mapping[str, bytes]:
    """Every way an application may hold a public key as bytes, by name."""
    rsa_pub = rsa_key().public_key()
    ec_pub = ec_key().public_key()
    ed_pub = ed25519_key().public_key()
    spki_pem = rsa_pub.public_bytes(_PEM, _SPKI)
    spki_der = rsa_pub.public_bytes(_DER, _SPKI)
    cert = _certificate()
    return {
        "rsa-spki-pem": spki_pem,
        "rsa-pkcs1-pem": rsa_pub.public_bytes(_PEM, _PKCS1),
        "rsa-spki-der": spki_der,
        "rsa-pkcs1-der": rsa_pub.public_bytes(_DER, _PKCS1),
        "rsa-cert-pem": cert.public_bytes(_PEM),
        "rsa-cert-der": cert.public_bytes(_DER),
        "rsa-openssh": rsa_pub.public_bytes(_SSH, ser.PublicFormat.OpenSSH),
        "ec-spki-pem": ec_pub.public_bytes(_PEM, _SPKI),
        "ec-spki-der": ec_pub.public_bytes(_DER, _SPKI),
        "ec-openssh": ec_pub.public_bytes(_SSH, ser.PublicFormat.OpenSSH),
        "ed25519-spki-pem": ed_pub.public_bytes(_PEM, _SPKI),
        "ed25519-openssh": ed_pub.public_bytes(_SSH, ser.PublicFormat.OpenSSH),
        "ed25519-openssh-comment": ed_pub.public_bytes(_SSH, ser.PublicFormat.OpenSSH)
        + b" admin@host\n",
        "rsa-jwk-json": _jwk_json(rsa_pub),
        "ec-jwk-json": _jwk_json(ec_pub),
        "okp-jwk-json": _jwk_json(ed_pub),
        "jwks-json": b'{"keys": [' + _jwk_json(rsa_pub) + b"]}",
        "pem-leading-spaces": b"   " + spki_pem,
        "pem-leading-newlines": b"\n\n" + spki_pem,
        "pem-leading-tab-crlf": b"\t\r\n" + spki_pem.replace(b"\n", b"\r\n"),
        "pem-trailing-junk": spki_pem + b"\n\n# rotated 2024\n",
        "pem-with-bom": b"\xef\xbb\xbf" + spki_pem,
        "openssh-leading-space": b"  " + rsa_pub.public_bytes(_SSH, ser.PublicFormat.OpenSSH),
        "jwk-json-leading-whitespace": b"\n  " + _jwk_json(ec_pub),
        "jwk-json-with-bom": b"\xef\xbb\xbf" + _jwk_json(ec_pub),
        # The base64 body of a PEM without its armour: how Keycloak publishes a realm's
        # "public_key", and how many applications store one in configuration.
        "spki-base64-armourless": base64.b64encode(spki_der),
        "spki-base64-armourless-lines": b"\n".join(spki_pem.splitlines()[1:-1]),
        "ec-spki-base64-armourless": base64.b64encode(ec_pub.public_bytes(_DER, _SPKI)),
        "ed25519-spki-base64url": base64.urlsafe_b64encode(ed_pub.public_bytes(_DER, _SPKI)),
        # Forms the first guard missed (issue review): stray bytes around DER, hex DER,
        # RFC 4716, authorized_keys options, a bare OpenSSH body, escaped JSON names.
        "der-trailing-newline": spki_der + b"\n",
        "der-leading-space": b" " + spki_der,
        "der-leading-nul": b"\x00" + spki_der,
        "ec-der-trailing-crlf": ec_pub.public_bytes(_DER, _SPKI) + b"\r\n",
        "der-hex": spki_der.hex().encode(),
        "der-hex-upper": spki_der.hex().upper().encode(),
        "rfc4716": _rfc4716(rsa_pub),
        "authorized-keys-options": b"restrict " + _openssh(ed_pub),
        "authorized-keys-quoted-option": b'command="/bin/true",no-pty ' + _openssh(ec_pub),
        "openssh-bare-body": _openssh(ed_pub).split()[1],
        "openssh-rsa-bare-body": _openssh(rsa_pub).split()[1],
        "jwk-json-escaped-names": _jwk_json(ec_pub).replace(b'"kty"', b'"k\\u0074y"'),
        "jwks-json-escaped-names": b'{"k\\u0065ys": ['
        + _jwk_json(rsa_pub).replace(b'"kty"', b'"k\\u0074y"')
        + b"]}",
    }


NAMES = sorted(materials())


class TestPublicKeyBytesAsSecret:
    """Public key bytes passed where an oct secret is expected are refused."""

    @pytest.mark.parametrize("name", NAMES)
    def test_verify_compact_with_bytes_key(self, name: str) -> None:
        """The forged HS256 token, the public key bytes as the 'secret': InvalidKeyError."""
        material = materials()[name]
        token = hs_token({"alg": "HS256"}, CLAIMS, material)
        rejects(
            InvalidKeyError,
            jws.verify_compact,
            token,
            material,
            algorithms=["HS256", "RS256", "ES256"],
        )

    @pytest.mark.parametrize("name", NAMES)
    def test_key_from_secret(self, name: str) -> None:
        """Key.from_secret refuses them outright."""
        rejects(InvalidKeyError, Key.from_secret, materials()[name])

    @pytest.mark.parametrize("name", ["rsa-spki-pem", "ec-openssh", "spki-base64-armourless"])
    def test_bytearray(self, name: str) -> None:
        """A bytearray is treated like bytes."""
        material = bytearray(materials()[name])
        token = hs_token({"alg": "HS256"}, CLAIMS, bytes(material))
        rejects(InvalidKeyError, jws.verify_compact, token, material, algorithms=["HS256"])

    @pytest.mark.parametrize("name", ["rsa-spki-pem", "rsa-jwk-json", "ed25519-openssh"])
    def test_key_resolver_returning_bytes(self, name: str) -> None:
        """A kid resolver that hands back the PEM bytes is caught the same way."""
        material = materials()[name]
        token = hs_token({"alg": "HS256", "kid": "rsa-1"}, CLAIMS, material)
        rejects(
            InvalidKeyError,
            jws.verify_compact,
            token,
            lambda header: material,
            algorithms=["HS256", "RS256"],
        )

    @pytest.mark.parametrize("name", ["rsa-spki-pem", "rsa-jwk-json"])
    def test_sign_side(self, name: str) -> None:
        """Signing with public key bytes as an HMAC secret is refused too."""
        rejects(InvalidKeyError, jws.sign_compact, CLAIMS, materials()[name], alg="HS256")

    @pytest.mark.parametrize("name", NAMES)
    def test_oct_jwk_holding_it(self, name: str) -> None:
        """An oct JWK whose k decodes to key material is refused like the bytes."""
        k = base64.urlsafe_b64encode(materials()[name]).rstrip(b"=").decode()
        rejects(InvalidKeyError, Key.from_jwk, {"kty": "oct", "k": k})

    def test_keyset_mixing_asymmetric_keys_and_secrets(self) -> None:
        """KeySet([...]) refuses to mix asymmetric keys with secrets, as from_jwks does."""
        with pytest.raises(ValueError, match="mix"):
            KeySet([Key.generate("ES256", kid="a").public(), Key.generate("HS256", kid="b")])
        assert len(KeySet([Key.generate("HS256"), Key.generate("HS384")])) == 2

    def test_ordinary_text_secret_still_works(self) -> None:
        """Control: a long random-looking text secret is not mistaken for a key."""
        secret = b"MIIxvX3W2k9d0Lq7ThisIsNotDERbutBase64LookingSecret_0123456789abcd"
        token = hs_token({"alg": "HS256"}, CLAIMS, secret)
        assert jws.verify_compact(token, secret, algorithms=["HS256"]).payload == CLAIMS


class TestAsymmetricKeyForHMAC:
    """A non-oct Key never verifies an HMAC algorithm, however the MAC was made."""

    @pytest.mark.parametrize("name", ["rsa-spki-pem", "rsa-pkcs1-pem", "rsa-cert-pem"])
    def test_pem_key(self, name: str) -> None:
        """Key.from_pem of the public key, both algorithm families allowed."""
        material = materials()[name]
        token = hs_token({"alg": "HS256"}, CLAIMS, material)
        key = Key.from_pem(material)
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["RS256", "HS256"])

    def test_der_key(self) -> None:
        """Key.from_der of the public key."""
        material = materials()["rsa-spki-der"]
        token = hs_token({"alg": "HS512"}, CLAIMS, material, bits=512)
        key = Key.from_der(material)
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["RS256", "HS512"])

    def test_openssh_key(self) -> None:
        """Key.from_openssh of an Ed25519 key line (the PyJWT 2022 case)."""
        material = materials()["ed25519-openssh"]
        token = hs_token({"alg": "HS256"}, CLAIMS, material)
        key = Key.from_openssh(material)
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["EdDSA", "HS256"])

    def test_jwk_key_in_a_set_by_kid(self) -> None:
        """A JWKS with one RSA key, the token's kid naming it: the precise reason is given."""
        jwk = dict(Key.from_cryptography(rsa_key().public_key()).to_jwk(), kid="rsa-1")
        material = json.dumps(jwk).encode("utf-8")
        token = hs_token({"alg": "HS256", "kid": "rsa-1"}, CLAIMS, material)
        keys = KeySet.from_jwks({"keys": [jwk]})
        rejects(InvalidKeyError, jws.verify_compact, token, keys, algorithms=["RS256", "HS256"])

    def test_jwk_set_without_kid(self) -> None:
        """Several asymmetric keys, no kid: no key fits HS256."""
        keys = KeySet(
            [
                Key.from_cryptography(rsa_key().public_key()),
                Key.from_cryptography(ec_key().public_key()),
            ]
        )
        token = hs_token({"alg": "HS256"}, CLAIMS, materials()["rsa-spki-pem"])
        rejects(KeyNotFoundError, jws.verify_compact, token, keys, algorithms=["RS256", "HS256"])

    def test_cryptography_object_is_a_caller_mistake(self) -> None:
        """A raw cryptography key object as key= is a TypeError, never an HMAC secret."""
        token = hs_token({"alg": "HS256"}, CLAIMS, materials()["rsa-spki-pem"])
        with pytest.raises(TypeError):
            jws.verify_compact(
                token,
                rsa_key().public_key(),  # type: ignore[arg-type]
                algorithms=["HS256"],
            )
