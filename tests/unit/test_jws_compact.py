"""JWS Compact Serialization (RFC 7515 7.1), detached content (appendix F), RFC 7797."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import (
    AlgorithmNotAllowedError,
    InvalidKeyError,
    InvalidSignatureError,
    JotkitError,
    MalformedJWSError,
    UnsupportedAlgorithmError,
)
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key, KeySet
from jotkit.jws import sign_compact, verify_compact
from tests.unit._keys import ALL_JWS_ALGS, SECRET, ec_private, key_for

PAYLOAD = b'{"sub":"alice"}'


def _verify_key(alg: str) -> Key:
    key = key_for(alg)
    return key if key.kty == "oct" else key.public()


def _forge(header: dict[str, Any], body: bytes = PAYLOAD, b64: bool = True) -> str:
    """An HS256 token with exactly this header, signed with SECRET (no header rules applied)."""
    head = b64encode_str(json.dumps(header).encode())
    shown = b64encode_str(body) if b64 else body.decode()
    signature = JWS_ALGORITHMS["HS256"].sign(SECRET, f"{head}.{shown}".encode())
    return f"{head}.{shown}.{b64encode_str(signature)}"


def _header(token: str) -> dict[str, Any]:
    header: dict[str, Any] = json.loads(b64decode(token.split(".")[0]))
    return header


class TestSignVerify:
    """Round trips for every algorithm."""

    @pytest.mark.parametrize("alg", ALL_JWS_ALGS)
    def test_round_trip(self, alg: str) -> None:
        """A token signed with alg verifies with the public key and that alg only."""
        token = sign_compact(PAYLOAD, key_for(alg), alg=alg)
        assert _header(token) == {"alg": alg}
        result = verify_compact(token, _verify_key(alg), algorithms=[alg])
        assert (result.payload, dict(result.header), result.index) == (PAYLOAD, {"alg": alg}, 0)
        assert result.protected == result.header
        assert result.key == _verify_key(alg)

    @pytest.mark.parametrize("alg", ALL_JWS_ALGS)
    def test_tampered(self, alg: str) -> None:
        """A changed payload or signature is InvalidSignatureError."""
        head, body, sig = sign_compact(PAYLOAD, key_for(alg), alg=alg).split(".")
        other = b64encode_str(b'{"sub":"mallory"}')
        with pytest.raises(InvalidSignatureError):
            verify_compact(f"{head}.{other}.{sig}", _verify_key(alg), algorithms=[alg])
        raw = bytearray(b64decode(sig))
        raw[-1] ^= 1
        bad_sig = b64encode_str(bytes(raw))
        with pytest.raises(InvalidSignatureError):
            verify_compact(f"{head}.{body}.{bad_sig}", _verify_key(alg), algorithms=[alg])

    def test_kid_added_from_key(self) -> None:
        """The key's kid goes into the protected header, after alg."""
        token = sign_compact(PAYLOAD, Key.from_secret(SECRET, kid="k1"), alg="HS256")
        assert list(_header(token).items()) == [("alg", "HS256"), ("kid", "k1")]

    def test_alg_from_bound_key(self) -> None:
        """alg defaults to the key's bound alg, for signing and verifying."""
        key = Key.from_secret(SECRET, alg="HS384")
        token = sign_compact(PAYLOAD, key)
        assert _header(token)["alg"] == "HS384"
        assert verify_compact(token, key).payload == PAYLOAD

    def test_extra_headers(self) -> None:
        """Extra protected members are signed and returned."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS256", headers={"typ": "JWT", "n": [1]})
        assert verify_compact(token, SECRET, algorithms=["HS256"]).header["n"] == [1]

    @pytest.mark.parametrize("wrapper", [bytes, bytearray], ids=["bytes", "bytearray"])
    def test_bytes_secret_and_token(self, wrapper: Any) -> None:
        """Bytes work as the key and as the token."""
        token = sign_compact(wrapper(PAYLOAD), wrapper(SECRET), alg="HS512")
        result = verify_compact(wrapper(token.encode()), wrapper(SECRET), algorithms=["HS512"])
        assert result.payload == PAYLOAD

    def test_empty_payload(self) -> None:
        """An empty payload signs and verifies."""
        token = sign_compact(b"", SECRET, alg="HS256")
        assert token.split(".")[1] == ""
        assert verify_compact(token, SECRET, algorithms=["HS256"]).payload == b""


class TestSignErrors:
    """Caller mistakes and keys that do not fit, when signing."""

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"payload": "text"}, TypeError, "payload"),
            ({"key": "secret"}, TypeError, "Key or bytes"),
            ({"key": KeySet([])}, TypeError, "Key or bytes"),
            ({"alg": None}, ValueError, "alg="),
            ({"alg": "none"}, ValueError, "unknown"),
            ({"alg": "RSA-OAEP"}, ValueError, "unknown"),
            ({"alg": "ES256"}, InvalidKeyError, "oct key"),
            ({"key": SECRET[:16]}, InvalidKeyError, "at least"),
            ({"headers": {"alg": "HS512"}}, ValueError, "contradicts alg"),
            ({"headers": {"crit": ["exp"]}}, ValueError, "crit"),
        ],
        ids=[
            "str-payload",
            "str-key",
            "keyset-key",
            "no-alg",
            "alg-none",
            "jwe-alg",
            "wrong-key-type",
            "weak-secret",
            "headers-contradict-alg",
            "crit-unknown",
        ],
    )
    def test_refused(self, kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
        """Each mistake raises before anything is signed."""
        args: dict[str, Any] = {"payload": PAYLOAD, "key": SECRET, "alg": "HS256", **kwargs}
        payload, key = args.pop("payload"), args.pop("key")
        with pytest.raises(error, match=match):
            sign_compact(payload, key, **args)

    def test_public_key_cannot_sign(self) -> None:
        """Signing needs the private key."""
        with pytest.raises(InvalidKeyError, match="private key"):
            sign_compact(PAYLOAD, key_for("ES256").public(), alg="ES256")

    def test_bound_key_other_alg(self) -> None:
        """A key bound to one alg cannot sign with another."""
        key = Key.from_secret(SECRET, alg="HS256")
        with pytest.raises(AlgorithmNotAllowedError):
            sign_compact(PAYLOAD, key, alg="HS512")


class TestDetachedAndUnencoded:
    """Detached payloads (RFC 7515 appendix F) and b64=false (RFC 7797)."""

    def test_detached(self) -> None:
        """The payload segment is empty and the payload is given to verify."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS256", detached=True)
        assert token.split(".")[1] == ""
        result = verify_compact(token, SECRET, algorithms=["HS256"], detached_payload=PAYLOAD)
        assert result.payload == PAYLOAD
        with pytest.raises(InvalidSignatureError):
            verify_compact(token, SECRET, algorithms=["HS256"], detached_payload=b"other")

    def test_detached_needs_empty_segment(self) -> None:
        """A detached payload with a non-empty payload segment is malformed."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS256")
        with pytest.raises(MalformedJWSError, match="empty payload segment"):
            verify_compact(token, SECRET, algorithms=["HS256"], detached_payload=PAYLOAD)

    def test_detached_payload_type(self) -> None:
        """The detached payload must be bytes."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS256", detached=True)
        with pytest.raises(TypeError, match="bytes"):
            verify_compact(token, SECRET, algorithms=["HS256"], detached_payload="text")  # type: ignore[arg-type]

    def test_unencoded(self) -> None:
        """b64=false puts the raw payload in the token and b64/crit in the header."""
        token = sign_compact(b"$.02 is fine", SECRET, alg="HS256", b64=False, detached=True)
        assert _header(token) == {"alg": "HS256", "b64": False, "crit": ["b64"]}
        payload = b"hello, world"
        token = sign_compact(payload, SECRET, alg="HS256", b64=False)
        assert token.split(".")[1] == "hello, world"
        assert verify_compact(token, SECRET, algorithms=["HS256"]).payload == payload

    def test_unencoded_detached(self) -> None:
        """b64=false with a detached payload: the RFC 7797 4.2 shape."""
        payload = b"$.02"
        token = sign_compact(payload, SECRET, alg="HS256", b64=False, detached=True)
        assert token.split(".")[1] == ""
        result = verify_compact(token, SECRET, algorithms=["HS256"], detached_payload=payload)
        assert result.payload == payload
        with pytest.raises(InvalidSignatureError):
            verify_compact(token, SECRET, algorithms=["HS256"], detached_payload=b"$.03")

    def test_unencoded_dot_refused_in_compact(self) -> None:
        """An unencoded compact payload must not contain '.' (RFC 7797 5.2)."""
        with pytest.raises(ValueError, match=r"contain '\.'"):
            sign_compact(b"a.b", SECRET, alg="HS256", b64=False)

    def test_unencoded_dot_in_token_is_malformed(self) -> None:
        """A token whose unencoded payload has a dot has too many segments."""
        token = _forge({"alg": "HS256", "b64": False, "crit": ["b64"]}, b"a.b", b64=False)
        with pytest.raises(MalformedJWSError, match="3 segments"):
            verify_compact(token, SECRET, algorithms=["HS256"])

    def test_unencoded_lone_surrogate(self) -> None:
        """An unencoded payload that is not valid Unicode text cannot have been signed."""
        head = b64encode_str(b'{"alg":"HS256","b64":false,"crit":["b64"]}')
        token = f"{head}.\ud800.{b64encode_str(bytes(32))}"
        with pytest.raises(MalformedJWSError, match="Unicode"):
            verify_compact(token, SECRET, algorithms=["HS256"])

    def test_b64_false_without_crit_rejected(self) -> None:
        """b64=false must be critical, or a verifier ignoring it reads another payload."""
        token = _forge({"alg": "HS256", "b64": False}, b"abc", b64=False)
        with pytest.raises(MalformedJWSError, match="crit"):
            verify_compact(token, SECRET, algorithms=["HS256"])

    def test_b64_true_with_crit(self) -> None:
        """An explicit, critical b64=true is an ordinary token."""
        token = _forge({"alg": "HS256", "b64": True, "crit": ["b64"]})
        assert verify_compact(token, SECRET, algorithms=["HS256"]).payload == PAYLOAD

    @pytest.mark.parametrize(
        "header",
        [
            {"alg": "HS256", "crit": ["exp"], "exp": 1},
            {"alg": "HS256", "crit": []},
            {"alg": "HS256", "crit": ["b64"]},
            {"alg": "HS256", "crit": ["alg"]},
        ],
        ids=["unknown", "empty", "absent-member", "registered"],
    )
    def test_crit_enforced(self, header: dict[str, Any]) -> None:
        """crit violations reject the token before any key is used."""
        with pytest.raises(MalformedJWSError):
            verify_compact(_forge(header), SECRET, algorithms=["HS256"])


class TestAlgorithmRules:
    """Algorithm allow-lists and key fit (RFC 8725 3.1)."""

    def test_alg_not_allowed(self) -> None:
        """A known alg outside the list is AlgorithmNotAllowedError."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS512")
        with pytest.raises(AlgorithmNotAllowedError):
            verify_compact(token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", ["none", "None", "HS1"])
    def test_unknown_alg(self, alg: str) -> None:
        """alg none (and unknown names) never verify."""
        with pytest.raises(UnsupportedAlgorithmError):
            verify_compact(_forge({"alg": alg}), SECRET, algorithms=["HS256"])

    def test_rs256_token_against_rsa_public_key_as_hmac(self) -> None:
        """The classic confusion: an HS256 token with the RSA public key fails on the key."""
        rsa_public = key_for("RS256").public()
        with pytest.raises(InvalidKeyError):
            verify_compact(_forge({"alg": "HS256"}), rsa_public, algorithms=["HS256", "RS256"])

    def test_algorithms_none_needs_bound_key(self) -> None:
        """Without algorithms=, only a Key bound to one alg is accepted."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS256")
        for key in (SECRET, Key.from_secret(SECRET), KeySet([Key.from_secret(SECRET)])):
            with pytest.raises(ValueError, match="algorithms"):
                verify_compact(token, key)
        bound = Key.from_secret(SECRET, alg="HS512")
        with pytest.raises(AlgorithmNotAllowedError):
            verify_compact(token, bound)

    def test_rsa_signature_wrong_length(self) -> None:
        """An RSA signature one byte short or long is InvalidSignatureError."""
        head, body, sig = sign_compact(PAYLOAD, key_for("RS256"), alg="RS256").split(".")
        raw = b64decode(sig)
        for bad in (raw[:-1], b"\x00" + raw):
            token = f"{head}.{body}.{b64encode_str(bad)}"
            with pytest.raises(InvalidSignatureError):
                verify_compact(token, _verify_key("RS256"), algorithms=["RS256"])

    def test_ecdsa_der_signature_rejected(self) -> None:
        """A valid ECDSA signature in DER form is InvalidSignatureError (RFC 7518 3.4)."""
        head, body, _ = sign_compact(PAYLOAD, key_for("ES256"), alg="ES256").split(".")
        der = ec_private("P-256").sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        token = f"{head}.{body}.{b64encode_str(der)}"
        with pytest.raises(InvalidSignatureError):
            verify_compact(token, _verify_key("ES256"), algorithms=["ES256"])


class TestProperties:
    """Round trips, tamper detection, and only JotkitError for arbitrary input."""

    @settings(deadline=None, max_examples=50)
    @given(st.binary(max_size=200), st.booleans())
    def test_round_trip(self, payload: bytes, detached: bool) -> None:
        """Any payload signs and verifies back to itself."""
        token = sign_compact(payload, SECRET, alg="HS256", detached=detached)
        given = payload if detached else None
        result = verify_compact(token, SECRET, algorithms=["HS256"], detached_payload=given)
        assert result.payload == payload

    @settings(deadline=None, max_examples=100)
    @given(st.data())
    def test_any_single_change_fails(self, data: st.DataObject) -> None:
        """Replacing any one character of a valid token makes it fail, with a JotkitError."""
        token = sign_compact(PAYLOAD, SECRET, alg="HS256")
        index = data.draw(st.integers(0, len(token) - 1))
        char = data.draw(st.sampled_from("A_-.x0=é").filter(lambda c: c != token[index]))
        with pytest.raises(JotkitError):
            verify_compact(token[:index] + char + token[index + 1 :], SECRET, algorithms=["HS256"])

    @settings(deadline=None)
    @given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
    def test_arbitrary_input_raises_only_jotkit_errors(self, token: bytes | str) -> None:
        """Garbage never escapes as anything but a JotkitError."""
        with pytest.raises(JotkitError):
            verify_compact(token, SECRET, algorithms=["HS256"])
