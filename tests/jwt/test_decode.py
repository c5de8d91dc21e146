"""``decode`` / ``decode_complete``: only a compact JWS of a JSON object, verified first."""

from __future__ import annotations

import hmac
import json
from typing import Any

import pytest

from jotkit import Key, KeySet, _b64, jwe, jws, jwt
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    InvalidKeyError,
    InvalidSignatureError,
    JotkitError,
    KeyNotFoundError,
    MalformedError,
    MalformedJWSError,
    MalformedJWTError,
    UnsupportedAlgorithmError,
)

from ._helpers import NOW, SECRET, hs256, raw_token, signing_key


class TestDecode:
    """The happy paths of ``decode`` and ``decode_complete``."""

    def test_round_trip(self) -> None:
        """Claims come back as they went in."""
        claims = {"sub": "a", "exp": NOW + 60, "scope": ["read", "write"], "n": 1.5}
        token = jwt.encode(claims, signing_key("ES256"))
        public = signing_key("ES256").public()
        assert jwt.decode(token, public, algorithms=["ES256"], now=NOW) == claims

    def test_complete(self) -> None:
        """``decode_complete`` returns header, claims and the verifying key."""
        ks = KeySet([signing_key("ES256").public(), signing_key("EdDSA").public()])
        token = jwt.encode({"sub": "a"}, signing_key("EdDSA"))
        result = jwt.decode_complete(token, ks, algorithms=["ES256", "EdDSA"])
        assert result.claims == {"sub": "a"}
        assert result.header == {"alg": "EdDSA", "kid": "EdDSA-key", "typ": "JWT"}
        assert result.key == signing_key("EdDSA").public()

    def test_bytes_token(self) -> None:
        """A token may be given as bytes."""
        token = jwt.encode({"a": 1}, hs256(), alg="HS256")
        assert jwt.decode(token.encode("ascii"), hs256(), algorithms=["HS256"]) == {"a": 1}

    def test_algorithms_from_bound_key(self) -> None:
        """``algorithms`` may be omitted when the key is bound to one alg."""
        key = signing_key("PS256")
        token = jwt.encode({"a": 1}, key)
        assert jwt.decode(token, key.public()) == {"a": 1}

    def test_algorithms_from_bound_key_set(self) -> None:
        """...or when every signature key of a set is bound; ``enc`` keys are not candidates."""
        enc_key = Key.from_jwk({**Key.generate("A128KW").to_jwk(private=True), "use": "enc"})
        ks = KeySet([signing_key("ES256").public(), signing_key("HS256"), enc_key])
        token = jwt.encode({"a": 1}, signing_key("HS256"))
        assert jwt.decode(token, ks) == {"a": 1}

    @pytest.mark.parametrize(
        "key",
        [
            Key.from_secret(SECRET),
            KeySet([Key.from_secret(SECRET, alg="HS256"), Key.from_secret(SECRET * 2)]),
            KeySet([]),
            SECRET,
        ],
        ids=["unbound-key", "partly-bound-set", "empty-set", "bytes"],
    )
    def test_algorithms_required(self, key: Any) -> None:
        """Otherwise the allow-list is required: ValueError."""
        with pytest.raises(ValueError, match="algorithms"):
            jwt.decode(jwt.encode({}, hs256(), alg="HS256"), key)

    def test_algorithms_checked(self) -> None:
        """Unknown names (``none`` included) and bare strings are caller mistakes."""
        token = jwt.encode({}, hs256(), alg="HS256")
        with pytest.raises(ValueError, match="none"):
            jwt.decode(token, hs256(), algorithms=["none"])
        with pytest.raises(TypeError):
            jwt.decode(token, hs256(), algorithms="HS256")

    def test_callable_key(self) -> None:
        """A callable resolves the key from the header."""
        token = jwt.encode({"a": 1}, signing_key("ES384"))
        keys = {"ES384-key": signing_key("ES384").public()}
        assert jwt.decode(token, lambda h: keys[h["kid"]], algorithms=["ES384"]) == {"a": 1}


class TestRejected:
    """Tokens ``decode`` refuses, each with a JotkitError."""

    def test_alg_not_allowed(self) -> None:
        """The token's alg must be in the allow-list."""
        token = jwt.encode({}, hs256(), alg="HS256")
        with pytest.raises(AlgorithmNotAllowedError):
            jwt.decode(token, hs256(), algorithms=["HS384"])

    def test_alg_none(self) -> None:
        """``alg: none`` is in no table: ``decode`` cannot accept it."""
        token = jwt.encode_unsecured({"sub": "admin"})
        with pytest.raises(UnsupportedAlgorithmError):
            jwt.decode(token, hs256(), algorithms=["HS256"])

    def test_public_key_as_hmac_secret(self) -> None:
        """Algorithm confusion: an HS256 token MACed with the RSA public key is refused."""
        public = signing_key("RS256").public()
        pem = public.to_pem()
        head = _b64.b64encode_str(b'{"alg":"HS256","typ":"JWT"}')
        body = _b64.b64encode_str(b'{"sub":"admin"}')
        mac = hmac.digest(pem, f"{head}.{body}".encode(), "sha256")
        forged = f"{head}.{body}.{_b64.b64encode_str(mac)}"
        with pytest.raises(InvalidKeyError):
            jwt.decode(forged, public, algorithms=["HS256", "RS256"])

    def test_bad_signature(self) -> None:
        """Another key's signature does not verify."""
        token = jwt.encode({"a": 1}, Key.from_secret(b"o" * 32), alg="HS256")
        with pytest.raises(InvalidSignatureError):
            jwt.decode(token, hs256(), algorithms=["HS256"])

    def test_unknown_kid(self) -> None:
        """A key set without the token's kid."""
        token = jwt.encode({"a": 1}, signing_key("ES256"))
        with pytest.raises(KeyNotFoundError):
            jwt.decode(token, KeySet([signing_key("ES384").public()]), algorithms=["ES256"])

    @pytest.mark.parametrize(
        "payload",
        [b"[1,2]", b'"claims"', b"42", b"null", b"true", b"", b"not json", b'{"a":1}{"b":2}'],
        ids=["array", "string", "number", "null", "true", "empty", "text", "two-objects"],
    )
    def test_payload_not_an_object(self, payload: bytes) -> None:
        """The claims set must be a JSON object."""
        with pytest.raises(MalformedJWTError):
            jwt.decode(raw_token(payload), hs256(), algorithms=["HS256"])

    @pytest.mark.parametrize(
        "payload",
        [b'{"a":1,"a":2}', b'{"a":NaN}', b'{"a":1e999}', b"\xef\xbb\xbf{}", b'{"a":"\xff"}'],
        ids=["duplicate", "nan", "overflow", "bom", "bad-utf8"],
    )
    def test_payload_not_strict_json(self, payload: bytes) -> None:
        """Strict JSON: duplicate names (parser differentials), NaN, BOM, bad UTF-8."""
        with pytest.raises(MalformedJWTError):
            jwt.decode(raw_token(payload), hs256(), algorithms=["HS256"])

    def test_payload_too_deep(self) -> None:
        """JSON nesting is capped."""
        deep = b'{"a":' * 40 + b"1" + b"}" * 40
        with pytest.raises(ExceededLimitError):
            jwt.decode(raw_token(deep), hs256(), algorithms=["HS256"])

    def test_token_too_large(self) -> None:
        """The token size is capped before anything is parsed."""
        token = jwt.encode({"pad": "x" * 2000}, hs256(), alg="HS256")
        with pytest.raises(ExceededLimitError):
            jwt.decode(token, hs256(), algorithms=["HS256"], limits=Limits(max_token_size=1000))

    @pytest.mark.parametrize("token", ["", ".", "a.b", "a.b.c.d", "..", "a..c", "ünïcode.a.b"])
    def test_malformed(self, token: str) -> None:
        """Shapes that are not a compact JWS."""
        with pytest.raises(MalformedError):
            jwt.decode(token, hs256(), algorithms=["HS256"])

    @pytest.mark.parametrize("token", [b"\xff\xfe.a.b", bytearray(b"\x80")])
    def test_malformed_bytes(self, token: bytes) -> None:
        """Non-ASCII bytes are malformed, not a UnicodeDecodeError."""
        with pytest.raises(MalformedError):
            jwt.decode(token, hs256(), algorithms=["HS256"])

    def test_token_type(self) -> None:
        """A token that is neither str nor bytes is untrusted input: MalformedError."""
        with pytest.raises(MalformedError):
            jwt.decode(12, hs256(), algorithms=["HS256"])  # type: ignore[arg-type]


class TestTokenSubstitution:
    """Only the compact JWS serialization: others are refused (jwcrypto CVE-2022-3102)."""

    def test_json_serialization(self) -> None:
        """A flattened JWS JSON serialization with valid signature is refused."""
        signer = jws.Signer(hs256(), alg="HS256")
        flattened = jws.sign_json(b'{"sub":"admin"}', [signer], flattened=True)
        with pytest.raises(MalformedJWTError, match="JSON serialization"):
            jwt.decode(json.dumps(flattened), hs256(), algorithms=["HS256"])

    def test_json_serialization_with_dots(self) -> None:
        """...even when its text happens to contain exactly two dots."""
        signer = jws.Signer(hs256(), alg="HS256", unprotected={"note": "a.b.c"})
        general = json.dumps(jws.sign_json(b'{"sub":"admin"}', [signer]))
        assert general.count(".") == 2
        with pytest.raises(MalformedJWTError, match="JSON serialization"):
            jwt.decode(general, hs256(), algorithms=["HS256"])

    def test_jwe(self) -> None:
        """A JWE (5 segments) given to ``decode`` is refused without trying to decrypt."""
        key = Key.generate("A256GCM")
        token = jwe.encrypt_compact(b'{"sub":"admin"}', key, alg="dir", enc="A256GCM")
        with pytest.raises(MalformedJWTError, match="JWE"):
            jwt.decode(token, key, algorithms=["HS256"])

    def test_unencoded_payload(self) -> None:
        """A valid ``b64: false`` JWS (RFC 7797) is not a JWT."""
        token = jws.sign_compact(b'{"sub":"admin"}', hs256(), alg="HS256", b64=False)
        assert jws.verify_compact(token, hs256(), algorithms=["HS256"]).payload
        with pytest.raises(MalformedJWTError, match="b64"):
            jwt.decode(token, hs256(), algorithms=["HS256"])

    def test_crit_unknown(self) -> None:
        """A critical extension jotkit does not understand rejects the token."""
        head = _b64.b64encode_str(b'{"alg":"HS256","crit":["exp"],"exp":1}')
        body = _b64.b64encode_str(b"{}")
        sig = hmac.digest(SECRET, f"{head}.{body}".encode(), "sha256")
        with pytest.raises(MalformedJWSError):
            jwt.decode(f"{head}.{body}.{_b64.b64encode_str(sig)}", hs256(), algorithms=["HS256"])


def test_errors_are_jotkit_errors() -> None:
    """Everything refused above is a JotkitError: ``except JotkitError`` means reject."""
    assert issubclass(MalformedJWTError, JotkitError)
