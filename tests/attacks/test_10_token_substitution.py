"""Attack class 10: a JWE where a JWS is expected and the reverse; hostile nested JWTs.

Pins: CVE-2022-3102 (jwcrypto token substitution: a JWT API that accepted either a JWS
or a JWE let an attacker who can encrypt to the server, i.e. anyone holding its public
key, pass an unsigned token as authenticated). RFC 7519 section 11.2 and RFC 8725
section 3.11: an encrypted JWT proves nothing about its author, so the inner token of a
nested JWT must be a JWS verified against the caller's own allow-list, never ``none``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from jotkit import Key, jwe, jws, jwt
from jotkit.errors import (
    AlgorithmNotAllowedError,
    InvalidKeyError,
    InvalidSignatureError,
    MalformedJWEError,
    MalformedJWSError,
    MalformedJWTError,
    UnsupportedAlgorithmError,
)

from ._forge import SECRET, b64, b64json, ec_key, es_sign, hs_token, rejects, rsa_key, signing_input
from ._forge_jwe import direct

CLAIMS = {"sub": "admin", "iss": "https://issuer.example"}
RAW = json.dumps(CLAIMS).encode()
CEK = bytes(range(16))


def _server_rsa() -> Key:
    return Key.from_cryptography(rsa_key())


def _attacker_jwe(plaintext: bytes, **header: Any) -> str:
    """What anyone holding the server's public key can make: RSA-OAEP + A128GCM."""
    return jwe.encrypt_compact(
        plaintext,
        _server_rsa().public(),
        alg="RSA-OAEP-256",
        enc="A128GCM",
        headers=header or None,
    )


def _issuer_key() -> Key:
    return Key.from_cryptography(ec_key("P-256", 5).public_key())


def _issuer_jws(claims: dict[str, Any], alg: str = "ES256") -> str:
    head = signing_input({"alg": alg, "typ": "JWT"}, json.dumps(claims).encode())
    return head + "." + b64(es_sign(ec_key("P-256", 5), head))


class TestJWEWhereJWSExpected:
    """Signature-verifying entry points refuse encrypted tokens outright."""

    def test_verify_compact(self) -> None:
        """jws.verify_compact given a compact JWE."""
        rejects(
            MalformedJWSError, jws.verify_compact, _attacker_jwe(RAW), SECRET, algorithms=["HS256"]
        )

    def test_verify_json(self) -> None:
        """jws.verify_json given a JWE JSON serialization."""
        obj = jwe.encrypt_json(
            RAW, [jwe.Recipient(_server_rsa().public(), "RSA-OAEP-256")], enc="A128GCM"
        )
        rejects(MalformedJWSError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_decode(self) -> None:
        """jwt.decode given a compact JWE whose plaintext is a claims set."""
        token = _attacker_jwe(RAW)
        rejects(MalformedJWTError, jwt.decode, token, _issuer_key(), algorithms=["ES256"])

    def test_verifier(self) -> None:
        """A pre-bound Verifier given the same."""
        verifier = jwt.Verifier(_issuer_key(), algorithms=["ES256"])
        rejects(MalformedJWTError, verifier.decode, _attacker_jwe(RAW))

    def test_decode_json_serialization(self) -> None:
        """jwt.decode given a JSON serialization (of a valid JWS): refused as a JWT."""
        head, body, sig = _issuer_jws(CLAIMS).split(".")
        text = json.dumps({"payload": body, "protected": head, "signature": sig})
        rejects(MalformedJWTError, jwt.decode, text, _issuer_key(), algorithms=["ES256"])


class TestJWSWhereJWEExpected:
    """Decrypting entry points refuse signed tokens outright."""

    def test_decrypt_compact(self) -> None:
        """jwe.decrypt_compact given a compact JWS."""
        token = hs_token({"alg": "HS256"}, RAW)
        rejects(
            MalformedJWEError,
            jwe.decrypt_compact,
            token,
            _server_rsa(),
            algorithms=["RSA-OAEP-256"],
            encryptions=["A128GCM"],
        )

    def test_decrypt_json(self) -> None:
        """jwe.decrypt_json given a JWS JSON serialization."""
        head, body, sig = hs_token({"alg": "HS256"}, RAW).split(".")
        obj = {"payload": body, "protected": head, "signature": sig}
        rejects(
            MalformedJWEError,
            jwe.decrypt_json,
            obj,
            _server_rsa(),
            algorithms=["RSA-OAEP-256"],
            encryptions=["A128GCM"],
        )

    def test_jwt_decrypt(self) -> None:
        """jwt.decrypt given a signed JWT."""
        rejects(
            MalformedJWTError,
            jwt.decrypt,
            _issuer_jws(CLAIMS),
            _server_rsa(),
            key_algorithms=["RSA-OAEP-256"],
            encryptions=["A128GCM"],
        )

    def test_decode_nested_given_a_jws(self) -> None:
        """jwt.decode_nested given the bare inner JWS."""
        rejects(
            MalformedJWTError,
            jwt.decode_nested,
            _issuer_jws(CLAIMS),
            _server_rsa(),
            _issuer_key(),
            algorithms=["ES256"],
            key_algorithms=["RSA-OAEP-256"],
            encryptions=["A128GCM"],
        )


def _nested(inner: str) -> Callable[[], object]:
    token = _attacker_jwe(inner.encode(), cty="JWT")
    return lambda: jwt.decode_nested(
        token,
        _server_rsa(),
        _issuer_key(),
        algorithms=["ES256"],
        key_algorithms=["RSA-OAEP-256"],
        encryptions=["A128GCM"],
    )


class TestNestedJWT:
    """The inner token of a nested JWT is verified like any JWS, against the caller's list."""

    def test_control(self) -> None:
        """Control: a genuinely signed inner token is accepted."""
        assert _nested(_issuer_jws(CLAIMS))() == CLAIMS

    @pytest.mark.parametrize("alg", ["none", "None", "NONE"])
    def test_inner_alg_none(self, alg: str) -> None:
        """An unsecured inner JWT, encrypted by the attacker."""
        inner = signing_input({"alg": alg}, RAW) + "."
        rejects(UnsupportedAlgorithmError, _nested(inner))

    def test_inner_unsigned_claims(self) -> None:
        """The plaintext is the claims set itself, with cty JWT."""
        rejects(MalformedJWTError, _nested(RAW.decode()))

    def test_inner_signed_outside_the_allow_list(self) -> None:
        """An inner HS256 token MACed with the public key's PEM: HS256 is not allowed."""
        pem = _issuer_key().to_pem()
        rejects(AlgorithmNotAllowedError, _nested(hs_token({"alg": "HS256"}, RAW, pem)))

    def test_inner_signed_by_another_key(self) -> None:
        """The attacker signs the inner token with their own ES256 key."""
        head = signing_input({"alg": "ES256"}, RAW)
        inner = head + "." + b64(es_sign(ec_key("P-256", 8), head))
        rejects(InvalidSignatureError, _nested(inner))

    def test_inner_jwe(self) -> None:
        """The inner token is itself a JWE (encryption all the way down)."""
        rejects(MalformedJWTError, _nested(_attacker_jwe(RAW)))

    def test_inner_b64_false(self) -> None:
        """An inner token with an unencoded payload, correctly signed by the issuer."""
        payload = b'{"sub":"admin"}'  # no '.' so that it fits a compact JWS
        head = b64json({"alg": "ES256", "b64": False, "crit": ["b64"]})
        sig = es_sign(ec_key("P-256", 5), head.encode() + b"." + payload)
        inner = head + "." + payload.decode() + "." + b64(sig)
        rejects(MalformedJWTError, _nested(inner))

    def test_outer_without_cty(self) -> None:
        """A JWE holding a signed JWT but not marked cty JWT."""
        token = _attacker_jwe(_issuer_jws(CLAIMS).encode())
        rejects(
            MalformedJWTError,
            jwt.decode_nested,
            token,
            _server_rsa(),
            _issuer_key(),
            algorithms=["ES256"],
            key_algorithms=["RSA-OAEP-256"],
            encryptions=["A128GCM"],
        )

    def test_jwt_decrypt_refuses_nested(self) -> None:
        """jwt.decrypt does not hand back a nested JWT's inner token unverified."""
        token = _attacker_jwe(_issuer_jws(CLAIMS).encode(), cty="JWT")
        rejects(
            MalformedJWTError,
            jwt.decrypt,
            token,
            _server_rsa(),
            key_algorithms=["RSA-OAEP-256"],
            encryptions=["A128GCM"],
        )


class TestKeysDoNotCrossOver:
    """A key meant for one operation is not used for the other."""

    def test_encryption_key_cannot_verify(self) -> None:
        """An oct key marked use enc cannot verify HS256."""
        key = Key.from_jwk({"kty": "oct", "k": b64(SECRET), "use": "enc"})
        token = hs_token({"alg": "HS256"}, RAW)
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["HS256"])

    def test_signing_key_cannot_decrypt(self) -> None:
        """An oct key marked use sig cannot be a dir key."""
        key = Key.from_jwk({"kty": "oct", "k": b64(CEK), "use": "sig"})
        token = direct({"alg": "dir", "enc": "A128GCM"}, CEK, RAW)
        rejects(
            InvalidKeyError,
            jwe.decrypt_compact,
            token,
            key,
            algorithms=["dir"],
            encryptions=["A128GCM"],
        )
