"""Encrypted JWTs (claims in a compact JWE) and nested JWTs (RFC 7519 5.2, RFC 7520 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jotkit import Key, _b64, jwe, jwt
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DecryptionError,
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    MalformedJWTError,
    UnsupportedAlgorithmError,
)
from tests._vectors import load_json

from ._helpers import AUDIENCE, ISSUER, NOW, hs256, signing_key

CLAIMS: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "exp": NOW + 60, "sub": "alice"}
POLICY: dict[str, Any] = {"issuer": ISSUER, "audience": AUDIENCE, "now": NOW}


def _recipient(alg: str) -> Key:
    return Key.generate(alg, kid=f"{alg}-recipient")


class TestEncrypted:
    """``encrypt`` / ``decrypt``."""

    @pytest.mark.parametrize(
        ("alg", "enc"),
        [("RSA-OAEP-256", "A256GCM"), ("ECDH-ES+A128KW", "A128CBC-HS256"), ("A256KW", "A256GCM")],
    )
    def test_round_trip(self, alg: str, enc: str) -> None:
        """Claims survive encryption, and the policy is applied after decryption."""
        key = _recipient(alg)
        public = key if key.kty == "oct" else key.public()
        token = jwt.encrypt(CLAIMS, public, key_alg=alg, enc=enc)
        assert token.count(".") == 4
        claims = jwt.decrypt(token, key, key_algorithms=[alg], encryptions=[enc], **POLICY)
        assert claims == CLAIMS

    def test_dir_zip_headers(self) -> None:
        """``dir`` with ``zip: DEF`` and extra headers; ``typ`` defaults to JWT."""
        key = Key.generate("A128GCM")
        token = jwt.encrypt(CLAIMS, key, key_alg="dir", enc="A128GCM", zip="DEF", headers={"x": 1})
        header = jwe.decrypt_compact(token, key, algorithms=["dir"], encryptions=["A128GCM"]).header
        assert header["typ"] == "JWT"
        assert header["zip"] == "DEF"
        assert header["x"] == 1
        claims = jwt.decrypt(token, key, key_algorithms=["dir"], encryptions=["A128GCM"], **POLICY)
        assert claims == CLAIMS

    def test_claims_checked_after_decryption(self) -> None:
        """An expired token fails with ExpiredError, a tampered one with DecryptionError."""
        key = Key.generate("A256KW")
        token = jwt.encrypt({**CLAIMS, "exp": NOW}, key, key_alg="A256KW", enc="A256GCM")
        args: dict[str, Any] = {"key_algorithms": ["A256KW"], "encryptions": ["A256GCM"], **POLICY}
        with pytest.raises(ExpiredError):
            jwt.decrypt(token, key, **args)
        head, ek, iv, ct, tag = token.split(".")
        tampered = ".".join((head, ek, iv, ct, ("B" if tag[0] == "A" else "A") + tag[1:]))
        with pytest.raises(DecryptionError):
            jwt.decrypt(tampered, key, **args)

    def test_typ_checked_on_jwe_header(self) -> None:
        """``typ=`` applies to the JWE header."""
        key = Key.generate("A256KW")
        token = jwt.encrypt(CLAIMS, key, key_alg="A256KW", enc="A256GCM")
        args: dict[str, Any] = {"key_algorithms": ["A256KW"], "encryptions": ["A256GCM"], **POLICY}
        assert jwt.decrypt(token, key, typ="jwt", **args) == CLAIMS
        with pytest.raises(InvalidClaimError):
            jwt.decrypt(token, key, typ="at+jwt", **args)

    def test_jws_refused(self) -> None:
        """A JWS given to ``decrypt`` is refused (token substitution)."""
        token = jwt.encode(CLAIMS, hs256(), alg="HS256")
        with pytest.raises(MalformedJWTError, match="JWS"):
            jwt.decrypt(token, hs256(), key_algorithms=["dir"], encryptions=["A256GCM"])

    def test_json_serialization_refused(self) -> None:
        """A JWE JSON serialization is refused."""
        key = Key.generate("A256KW")
        obj = jwe.encrypt_json(b"{}", [jwe.Recipient(key, alg="A256KW")], enc="A256GCM")
        with pytest.raises(MalformedJWTError, match="JSON"):
            jwt.decrypt(json.dumps(obj), key, key_algorithms=["A256KW"], encryptions=["A256GCM"])

    def test_nested_refused(self) -> None:
        """A nested JWT must go through ``decode_nested``, which checks the signature."""
        key = Key.generate("A256KW")
        token = jwt.encode_nested(
            CLAIMS, signing_key("ES256"), key, key_alg="A256KW", enc="A256GCM"
        )
        with pytest.raises(MalformedJWTError, match="nested"):
            jwt.decrypt(token, key, key_algorithms=["A256KW"], encryptions=["A256GCM"])

    def test_plaintext_not_an_object(self) -> None:
        """The plaintext must be a JSON object."""
        key = Key.generate("A256KW")
        token = jwe.encrypt_compact(b"[1]", key, alg="A256KW", enc="A256GCM")
        with pytest.raises(MalformedJWTError):
            jwt.decrypt(token, key, key_algorithms=["A256KW"], encryptions=["A256GCM"])

    def test_encrypt_refuses_nested_cty(self) -> None:
        """``encrypt`` does not label plain claims as a nested JWT."""
        with pytest.raises(ValueError, match="encode_nested"):
            jwt.encrypt(
                CLAIMS,
                Key.generate("A256KW"),
                key_alg="A256KW",
                enc="A256GCM",
                headers={"cty": "JWT"},
            )

    def test_algorithms_enforced(self) -> None:
        """The key management allow-list is enforced."""
        key = Key.generate("A256KW")
        token = jwt.encrypt(CLAIMS, key, key_alg="A256KW", enc="A256GCM")
        with pytest.raises(AlgorithmNotAllowedError):
            jwt.decrypt(token, key, key_algorithms=["A128KW"], encryptions=["A256GCM"])


def _nested(claims: dict[str, Any], **kwargs: Any) -> tuple[str, Key]:
    recipient = Key.generate("ECDH-ES+A256KW", kid="r")
    token = jwt.encode_nested(
        claims,
        signing_key("ES256"),
        recipient.public(),
        key_alg="ECDH-ES+A256KW",
        enc="A256GCM",
        **kwargs,
    )
    return token, recipient


NESTED_ARGS: dict[str, Any] = {
    "algorithms": ["ES256"],
    "key_algorithms": ["ECDH-ES+A256KW"],
    "encryptions": ["A256GCM"],
}


class TestNested:
    """``encode_nested`` / ``decode_nested``: sign, then encrypt, ``cty: JWT``."""

    def test_round_trip(self) -> None:
        """Claims survive; the outer header says ``cty: JWT``, the inner one is signed."""
        token, recipient = _nested(CLAIMS, zip="DEF")
        outer = jwe.decrypt_compact(
            token, recipient, algorithms=["ECDH-ES+A256KW"], encryptions=["A256GCM"]
        )
        assert outer.header["cty"] == "JWT"
        assert jwt.unverified(outer.plaintext).header["alg"] == "ES256"
        verify = signing_key("ES256").public()
        assert jwt.decode_nested(token, recipient, verify, **NESTED_ARGS, **POLICY) == CLAIMS

    def test_policy_applies_to_inner(self) -> None:
        """The claims policy (``typ`` included) applies to the inner token."""
        token, recipient = _nested({**CLAIMS, "exp": NOW}, headers={"typ": "at+jwt"})
        verify = signing_key("ES256").public()
        with pytest.raises(ExpiredError):
            jwt.decode_nested(token, recipient, verify, **NESTED_ARGS, **POLICY)
        with pytest.raises(InvalidClaimError):
            jwt.decode_nested(token, recipient, verify, **NESTED_ARGS, typ="JWT", now=NOW - 5)

    def test_inner_signature_checked(self) -> None:
        """An inner token signed by someone else is refused."""
        token, recipient = _nested(CLAIMS)
        other = Key.generate("ES256", kid="ES256-key").public()
        with pytest.raises(InvalidSignatureError):
            jwt.decode_nested(token, recipient, other, **NESTED_ARGS, **POLICY)

    def test_unsigned_inner_refused(self) -> None:
        """An inner ``alg: none`` token is never accepted (anyone can encrypt to us)."""
        recipient = Key.generate("A256KW")
        inner = jwt.encode_unsecured(CLAIMS).encode("ascii")
        token = jwe.encrypt_compact(
            inner, recipient, alg="A256KW", enc="A256GCM", headers={"cty": "JWT"}
        )
        args = {**NESTED_ARGS, "key_algorithms": ["A256KW"]}
        with pytest.raises(UnsupportedAlgorithmError):
            jwt.decode_nested(token, recipient, hs256(), **args, **POLICY)

    @pytest.mark.parametrize(
        "inner",
        [b'{"iss":"x"}', b"a.b.c.d.e", b"\xff.a.b"],
        ids=["claims-not-jws", "jwe-in-jwe", "not-ascii"],
    )
    def test_inner_must_be_a_jws(self, inner: bytes) -> None:
        """The inner token must be a compact JWS."""
        recipient = Key.generate("A256KW")
        token = jwe.encrypt_compact(
            inner, recipient, alg="A256KW", enc="A256GCM", headers={"cty": "jwt"}
        )
        args = {**NESTED_ARGS, "key_algorithms": ["A256KW"]}
        with pytest.raises(MalformedJWTError):
            jwt.decode_nested(token, recipient, signing_key("ES256"), **args, **POLICY)

    def test_cty_required(self) -> None:
        """Without ``cty: JWT`` the JWE is not a nested JWT."""
        recipient = Key.generate("A256KW")
        inner = jwt.encode(CLAIMS, signing_key("ES256")).encode("ascii")
        token = jwe.encrypt_compact(inner, recipient, alg="A256KW", enc="A256GCM")
        args = {**NESTED_ARGS, "key_algorithms": ["A256KW"]}
        with pytest.raises(MalformedJWTError, match="cty"):
            jwt.decode_nested(token, recipient, signing_key("ES256"), **args, **POLICY)

    def test_encryption_headers(self) -> None:
        """Extra outer headers are allowed; a contradicting ``cty`` is not."""
        token, _ = _nested(CLAIMS, encryption_headers={"x": 1, "cty": "application/jwt"})
        head = _b64.b64decode(token.split(".")[0])
        assert b'"x":1' in head
        with pytest.raises(ValueError, match="cty"):
            _nested(CLAIMS, encryption_headers={"cty": "json"})

    def test_jws_refused(self) -> None:
        """A bare JWS given to ``decode_nested`` is refused."""
        token = jwt.encode(CLAIMS, signing_key("ES256"))
        with pytest.raises(MalformedJWTError):
            jwt.decode_nested(token, hs256(), signing_key("ES256"), **NESTED_ARGS, **POLICY)


class TestRFC7520Nested:
    """RFC 7520 section 6: a PS256 JWT nested in RSA-OAEP / A128GCM."""

    def test_vector(self) -> None:
        """The cookbook's compact token decodes (its ``exp`` is 2011, so ``now=`` is set)."""
        vector = load_json("ietf-jose-cookbook/6.nesting_signatures_and_encryption.json")
        decryption_key = Key.from_jwk(vector["encrypt"]["input"]["key"])
        verification_key = Key.from_jwk(vector["sign"]["input"]["key"]).public()
        claims = jwt.decode_nested(
            vector["encrypt"]["output"]["compact"],
            decryption_key,
            verification_key,
            algorithms=["PS256"],
            key_algorithms=["RSA-OAEP"],
            encryptions=["A128GCM"],
            issuer="hobbiton.example",
            typ="JWT",
            now=1300819380 - 1,
        )
        assert claims == {
            "iss": "hobbiton.example",
            "exp": 1300819380,
            "http://example.com/is_root": True,
        }
        with pytest.raises(ExpiredError):
            jwt.decode_nested(
                vector["encrypt"]["output"]["compact"],
                decryption_key,
                verification_key,
                algorithms=["PS256"],
                key_algorithms=["RSA-OAEP"],
                encryptions=["A128GCM"],
            )
