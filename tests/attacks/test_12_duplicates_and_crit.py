"""Attack class 12: duplicate member names; unknown, unprotected, empty or ill-typed ``crit``.

Pins: GHSA-752w-5fwx-jx9f / CVE-2026-32597 (PyJWT accepted tokens with unknown ``crit``
extensions) and CVE-2025-59420 (Authlib, the same class); RFC 7515 section 4.1.11 (a
recipient that does not understand a critical extension MUST reject the JWS; ``crit``
MUST be protected and never empty); RFC 7515 section 4 and RFC 7519 section 4 (duplicate
Header Parameter or Claim names: reject, since two parsers keeping different duplicates
see two different tokens); RFC 7797 section 7 (``b64: false`` changes what a token
means, so a JWT never carries it).
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import Key, KeySet, jwe, jws, jwt
from jotkit.errors import MalformedError, MalformedJWEError, MalformedJWSError, MalformedJWTError

from ._forge import SECRET, b64, b64json, hs_sign, hs_token, rejects
from ._forge_jwe import direct

CLAIMS = b'{"sub":"alice"}'


def _fill(template: str, *values: str) -> str:
    """Put ``values`` in place of each ``@`` of a raw JSON template, in order."""
    for value in values:
        template = template.replace("@", value, 1)
    return template


def _verify(token: str) -> object:
    return jws.verify_compact(token, SECRET, algorithms=["HS256"])


class TestDuplicateMembers:
    """Duplicate names anywhere in parsed JSON reject the input."""

    @pytest.mark.parametrize(
        "raw",
        [
            '{"alg":"none","alg":"HS256"}',
            '{"alg":"HS256","alg":"HS256"}',
            '{"alg":"HS256","kid":"a","kid":"b"}',
            '{"alg":"HS256","\\u0061lg":"none"}',  # escaped duplicate of "alg"
            '{"alg":"HS256","x":{"y":1,"y":2}}',
            '{"alg":"HS256","crit":["b64"],"b64":true,"b64":false}',
        ],
        ids=["alg-none-first", "alg-same", "kid", "escaped", "nested", "b64"],
    )
    def test_header(self, raw: str) -> None:
        """A protected header with a repeated member, under a correct MAC."""
        rejects(MalformedJWSError, _verify, hs_token(raw, CLAIMS))

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"sub":"alice","sub":"admin"}',
            b'{"sub":"alice","admin":false,"admin":true}',
            b'{"sub":"alice","exp":1,"exp":99999999999}',
            b'{"sub":"alice","\\u0073ub":"admin"}',
            b'{"sub":"alice","cnf":{"jkt":"a","jkt":"b"}}',
        ],
        ids=["sub", "admin", "exp", "escaped", "nested"],
    )
    def test_claims(self, raw: bytes) -> None:
        """A claims set with a repeated claim, correctly signed."""
        token = hs_token({"alg": "HS256"}, raw)
        rejects(MalformedJWTError, jwt.decode, token, SECRET, algorithms=["HS256"])

    def test_json_serialization_top_level(self) -> None:
        """Two payload members in a JWS JSON document."""
        head, body, sig = hs_token({"alg": "HS256"}, CLAIMS).split(".")
        text = _fill(
            '{"payload":"@","payload":"@","protected":"@","signature":"@"}',
            b64(b'{"sub":"admin"}'),
            body,
            head,
            sig,
        )
        rejects(MalformedJWSError, jws.verify_json, text, SECRET, algorithms=["HS256"])

    def test_json_serialization_unprotected_header(self) -> None:
        """A repeated member inside the unprotected header object."""
        head, body, sig = hs_token({"kid": "k"}, CLAIMS).split(".")
        text = _fill(
            '{"payload":"@","protected":"@","header":{"alg":"none","alg":"HS256"},"signature":"@"}',
            body,
            head,
            sig,
        )
        rejects(MalformedJWSError, jws.verify_json, text, SECRET, algorithms=["HS256"])

    def test_jwe_header(self) -> None:
        """A JWE protected header with enc twice."""
        cek = bytes(16)
        token = direct({"alg": "dir", "enc": "A128GCM"}, cek, CLAIMS)
        forged = (
            b64json('{"alg":"dir","enc":"A256GCM","enc":"A128GCM"}') + token[token.index(".") :]
        )
        rejects(
            MalformedJWEError,
            jwe.decrypt_compact,
            forged,
            cek,
            algorithms=["dir"],
            encryptions=["A128GCM"],
        )

    @pytest.mark.parametrize(
        "text",
        [
            _fill('{"kty":"oct","k":"@","k":"AAAA"}', b64(SECRET)),
            _fill('{"kty":"RSA","kty":"oct","k":"@"}', b64(SECRET)),
            _fill('{"kty":"oct","k":"@","alg":"HS256","alg":"none"}', b64(SECRET)),
        ],
        ids=["k", "kty", "alg"],
    )
    def test_jwk(self, text: str) -> None:
        """A JWK text with repeated members."""
        rejects(MalformedError, Key.from_jwk, text)

    def test_jwks(self) -> None:
        """A JWK Set text with two keys lists."""
        text = _fill('{"keys":[],"keys":[{"kty":"oct","k":"@"}]}', b64(SECRET))
        rejects(MalformedError, KeySet.from_jwks, text)


def _crit_token(header: Any, payload: bytes = CLAIMS) -> str:
    return hs_token(header, payload)


class TestCrit:
    """crit must be protected, a non-empty list of distinct understood names present."""

    @pytest.mark.parametrize(
        "header",
        [
            {"alg": "HS256", "crit": ["exp"], "exp": 1},
            {"alg": "HS256", "crit": ["x-policy"], "x-policy": "strict"},
            {"alg": "HS256", "crit": ["http://example.com/ext"], "http://example.com/ext": True},
            {"alg": "HS256", "crit": ["b64", "x-other"], "b64": True, "x-other": 1},
            {"alg": "HS256", "crit": ["B64"], "B64": True},
        ],
        ids=["exp", "x-policy", "uri", "b64-and-unknown", "case"],
    )
    def test_unknown_extension(self, header: dict[str, Any]) -> None:
        """Extensions jotkit does not implement."""
        rejects(MalformedJWSError, _verify, _crit_token(header))

    @pytest.mark.parametrize(
        "crit",
        [[], "b64", None, [1], [None], ["b64", "b64"], {"b64": True}, True, [["b64"]]],
        ids=repr,
    )
    def test_ill_formed(self, crit: Any) -> None:
        """Empty, scalar, null, non-string entries, duplicates."""
        header = {"alg": "HS256", "crit": crit, "b64": True}
        rejects(MalformedJWSError, _verify, _crit_token(header))

    @pytest.mark.parametrize("name", ["alg", "kid", "typ", "crit", "jwk", "x5c", "enc", "zip"])
    def test_registered_parameter(self, name: str) -> None:
        """crit must not list parameters the specs define."""
        header = {"alg": "HS256", "kid": "k", "typ": "JWT", "crit": [name]}
        rejects(MalformedJWSError, _verify, _crit_token(header))

    def test_listed_but_absent(self) -> None:
        """crit names b64, but the header has no b64."""
        rejects(MalformedJWSError, _verify, _crit_token({"alg": "HS256", "crit": ["b64"]}))

    def test_unprotected_crit(self) -> None:
        """crit in the unprotected header of a flattened JWS."""
        head, body, sig = _crit_token({"alg": "HS256", "b64": True, "crit": ["b64"]}).split(".")
        obj = {"payload": body, "protected": head, "header": {"crit": ["x"]}, "signature": sig}
        rejects(MalformedJWSError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_unprotected_b64(self) -> None:
        """b64 in the unprotected header, where an attacker can flip it."""
        head, body, sig = _crit_token({"alg": "HS256"}).split(".")
        obj = {"payload": body, "protected": head, "header": {"b64": False}, "signature": sig}
        rejects(MalformedJWSError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_b64_without_crit(self) -> None:
        """b64 false must be critical (RFC 7797 section 6)."""
        head = b64json({"alg": "HS256", "b64": False})
        token = (
            head + "." + CLAIMS.decode() + "." + b64(hs_sign(SECRET, head + "." + CLAIMS.decode()))
        )
        rejects(MalformedJWSError, _verify, token)

    @pytest.mark.parametrize("value", ["false", 0, None, [], "true"], ids=repr)
    def test_b64_not_a_boolean(self, value: Any) -> None:
        """b64 must be a JSON boolean."""
        rejects(
            MalformedJWSError, _verify, _crit_token({"alg": "HS256", "b64": value, "crit": ["b64"]})
        )

    def test_jwe_crit(self) -> None:
        """jotkit's JWE understands no extension: any crit rejects the token."""
        cek = bytes(16)
        header = {"alg": "dir", "enc": "A128GCM", "crit": ["x-policy"], "x-policy": 1}
        token = direct(header, cek, CLAIMS)
        rejects(
            MalformedJWEError,
            jwe.decrypt_compact,
            token,
            cek,
            algorithms=["dir"],
            encryptions=["A128GCM"],
        )


class TestUnencodedPayloadInJWT:
    """A JWT payload is always base64url JSON (RFC 7797 section 7)."""

    def test_decode_refuses_b64_false(self) -> None:
        """A correctly MACed b64:false token whose raw payload is a claims set."""
        head = b64json({"alg": "HS256", "b64": False, "crit": ["b64"]})
        token = (
            head + "." + CLAIMS.decode() + "." + b64(hs_sign(SECRET, head + "." + CLAIMS.decode()))
        )
        assert jws.verify_compact(token, SECRET, algorithms=["HS256"]).payload == CLAIMS
        rejects(MalformedJWTError, jwt.decode, token, SECRET, algorithms=["HS256"])

    def test_decode_refuses_b64_true_marked_critical(self) -> None:
        """b64:true is harmless, but crit still has to be understood: it is."""
        token = _crit_token({"alg": "HS256", "b64": True, "crit": ["b64"]})
        assert jwt.decode(token, SECRET, algorithms=["HS256"]) == {"sub": "alice"}

    def test_verifier_refuses_b64_false(self) -> None:
        """The pre-bound Verifier does the same."""
        head = b64json({"alg": "HS256", "b64": False, "crit": ["b64"]})
        token = (
            head + "." + CLAIMS.decode() + "." + b64(hs_sign(SECRET, head + "." + CLAIMS.decode()))
        )
        rejects(MalformedJWTError, jwt.Verifier(SECRET, algorithms=["HS256"]).decode, token)

    def test_encode_refuses_b64_false(self) -> None:
        """Issuing side: jotkit never makes such a JWT."""
        with pytest.raises(ValueError, match="b64"):
            jwt.encode(
                {"sub": "alice"}, SECRET, alg="HS256", headers={"b64": False, "crit": ["b64"]}
            )
