"""Attack class 13: oversized and deeply nested input, non-canonical base64url, bad framing.

Pins: RFC 8725 section 3.x (input limits), RFC 7515 section 2 and appendix C (unpadded
base64url), RFC 8259 section 8.1 (UTF-8 without a byte-order mark). Lenient base64
decoders make signatures malleable (padding, ``+``/``/`` aliases, non-zero trailing bits:
one signature, several tokens), and unbounded JSON depth is a stack-exhaustion DoS
against recursive JSON parsers. Every such input is
``MalformedJWSError`` (or ``ExceededLimitError`` for a limit), never a verified token.
"""

from __future__ import annotations

import binascii
from typing import Any

import pytest

from jotkit import Key, KeySet, jwe, jws, jwt
from jotkit._limits import Limits
from jotkit.errors import (
    ExceededLimitError,
    InvalidKeyError,
    MalformedError,
    MalformedJWEError,
    MalformedJWSError,
    MalformedJWTError,
)

from .._guards import forbid
from ._forge import SECRET, b64, b64json, hs_sign, hs_token, rejects, signing_input
from ._forge_jwe import direct

HS = {"alg": "HS256"}
CLAIMS = b'{"sub":"admin"}'


def _verify(token: Any, **kwargs: Any) -> object:
    return jws.verify_compact(token, SECRET, algorithms=["HS256"], **kwargs)


def _with_raw_header(raw: bytes, payload: bytes = CLAIMS) -> str:
    head = b64(raw) + "." + b64(payload)
    return head + "." + b64(hs_sign(SECRET, head))


def _token_with(char: str) -> str:
    """A valid token whose signature segment contains ``char`` (found by varying jti)."""
    for counter in range(10_000):
        token = hs_token(HS, b'{"jti":%d}' % counter)
        if char in token.split(".")[2][:-1]:
            return token
    raise AssertionError("unreachable")  # pragma: no cover


class TestSizeLimits:
    """Limits are checked before any expensive work."""

    def test_token_too_large(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A 1 MB token is refused by length alone, before any segment is decoded."""
        token = hs_token(HS, b"A" * 1_000_000)
        forbid(monkeypatch, binascii, "a2b_base64")
        rejects(ExceededLimitError, _verify, token)

    def test_header_too_large(self) -> None:
        """A header over 8 kB."""
        rejects(ExceededLimitError, _verify, hs_token({"alg": "HS256", "x": "y" * 9000}, CLAIMS))

    def test_payload_too_large(self) -> None:
        """A payload over the payload limit, token within the token limit."""
        limits = Limits(max_payload_size=1000)
        token = hs_token(HS, b"p" * 1001)
        rejects(ExceededLimitError, _verify, token, limits=limits)

    def test_custom_token_limit(self) -> None:
        """A caller's own limit applies."""
        token = hs_token(HS, CLAIMS)
        rejects(ExceededLimitError, _verify, token, limits=Limits(max_token_size=len(token) - 1))

    def test_json_serialization_too_large(self) -> None:
        """A JWS JSON text over the token limit."""
        text = '{"payload":"' + "A" * 300_000 + '","signature":""}'
        rejects(ExceededLimitError, jws.verify_json, text, SECRET, algorithms=["HS256"])


class TestDepth:
    """Deeply nested JSON is refused before the parser recurses into it."""

    @pytest.mark.parametrize("depth", [33, 1000, 4000])
    def test_header(self, depth: int) -> None:
        """A header member nested ``depth`` arrays deep."""
        raw = b'{"alg":"HS256","x":' + b"[" * depth + b"]" * depth + b"}"
        rejects(ExceededLimitError, _verify, _with_raw_header(raw))

    def test_objects_in_header(self) -> None:
        """Nested objects rather than arrays."""
        raw = b'{"alg":"HS256","x":' + b'{"a":' * 500 + b"1" + b"}" * 500 + b"}"
        rejects(ExceededLimitError, _verify, _with_raw_header(raw))

    def test_json_serialization(self) -> None:
        """A JWS JSON document nested 50,000 deep."""
        text = '{"payload":"","signature":"","x":' + "[" * 50_000 + "]" * 50_000 + "}"
        rejects(ExceededLimitError, jws.verify_json, text, SECRET, algorithms=["HS256"])

    def test_jwk(self) -> None:
        """A JWK text nested deep."""
        text = '{"kty":"oct","k":"AAAA","x":' + "[" * 10_000 + "]" * 10_000 + "}"
        rejects(ExceededLimitError, Key.from_jwk, text)

    def test_jwks(self) -> None:
        """A JWK Set text nested deep."""
        text = '{"keys":' + "[" * 10_000 + "]" * 10_000 + "}"
        rejects(ExceededLimitError, KeySet.from_jwks, text)

    def test_brackets_inside_strings_do_not_count(self) -> None:
        """Control: brackets inside a string are not nesting."""
        token = hs_token({"alg": "HS256", "x": "[" * 200}, CLAIMS)
        assert jws.verify_compact(token, SECRET, algorithms=["HS256"]).payload == CLAIMS


class TestNonCanonicalBase64:
    """Only one encoding of each signature, header and payload verifies (malleability)."""

    @pytest.mark.parametrize("segment", [0, 1, 2])
    @pytest.mark.parametrize("pad", ["=", "==", "==="])
    def test_padding(self, segment: int, pad: str) -> None:
        """Padding appended to any segment."""
        parts = hs_token(HS, CLAIMS).split(".")
        parts[segment] += pad
        rejects(MalformedJWSError, _verify, ".".join(parts))

    @pytest.mark.parametrize(("url", "std"), [("-", "+"), ("_", "/")])
    def test_standard_alphabet_alias(self, url: str, std: str) -> None:
        """'+' and '/' in place of '-' and '_' decode to the same bytes in lenient decoders."""
        head, body, sig = _token_with(url).split(".")
        rejects(MalformedJWSError, _verify, ".".join((head, body, sig.replace(url, std))))

    def test_non_zero_trailing_bits_in_signature(self) -> None:
        """43 characters carry 258 bits for a 256-bit MAC: the 2 spare bits must be 0."""
        head, body, sig = hs_token(HS, CLAIMS).split(".")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        last = alphabet.index(sig[-1])
        for spare in (1, 2, 3):
            forged = sig[:-1] + alphabet[last | spare]
            rejects(MalformedJWSError, _verify, ".".join((head, body, forged)))

    def test_non_zero_trailing_bits_in_payload(self) -> None:
        """The same for a payload segment of length 4k+2 (4 spare bits)."""
        payload = b"x"  # one byte: two characters, four spare bits
        token = hs_token(HS, payload)
        head, body, sig = token.split(".")
        assert len(body) == 2
        forged = body[0] + chr(ord(body[1]) + 1)
        rejects(MalformedJWSError, _verify, ".".join((head, forged, sig)))

    @pytest.mark.parametrize(
        "junk",
        ["*", "!", "\x00", " ", "\t", "\n", "\r\n", "é", "\u200b", "%3D", "."],
        ids=ascii,
    )
    @pytest.mark.parametrize("where", ["start", "middle", "end"])
    def test_foreign_characters(self, junk: str, where: str) -> None:
        """Whitespace, control and foreign characters anywhere in the token."""
        token = hs_token(HS, CLAIMS)
        at = {"start": 0, "middle": len(token) // 2, "end": len(token)}[where]
        forged = token[:at] + junk + token[at:]
        rejects(MalformedJWSError, _verify, forged)

    def test_json_serialization_signature_aliases(self) -> None:
        """The JSON serialization decodes just as strictly."""
        head, body, sig = _token_with("_").split(".")
        obj = {"payload": body, "protected": head, "signature": sig.replace("_", "/")}
        rejects(MalformedJWSError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_json_serialization_padded_protected(self) -> None:
        """A padded protected header in the JSON serialization."""
        head, body, sig = hs_token({"alg": "HS256", "k": 1}, CLAIMS).split(".")
        obj = {"payload": body, "protected": head + "=", "signature": sig}
        rejects(MalformedJWSError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_jwk_member(self) -> None:
        """A padded or standard-alphabet JWK member is an invalid key."""
        rejects(InvalidKeyError, Key.from_jwk, {"kty": "oct", "k": b64(SECRET) + "="})
        rejects(InvalidKeyError, Key.from_jwk, {"kty": "oct", "k": "ab+/" * 8})


class TestFraming:
    """Segment counts and token types."""

    @pytest.mark.parametrize(
        "token",
        [
            "",
            ".",
            "..",
            "...",
            "....",
            "abc",
            "eyJhbGciOiJIUzI1NiJ9",
            "a.b",
            "a.b.c.d",
            "a.b.c.d.e.f",
        ],
    )
    def test_segment_count(self, token: str) -> None:
        """Anything but three segments is malformed."""
        rejects(MalformedJWSError, _verify, token)

    def test_jwe_shaped(self) -> None:
        """Five segments: a JWE where a JWS is expected."""
        token = hs_token(HS, CLAIMS) + ".AAAA.AAAA"
        error = rejects(MalformedJWSError, _verify, token)
        assert "JWE" in str(error)

    def test_non_ascii_token(self) -> None:
        """Non-ASCII text in a str token."""
        rejects(MalformedJWSError, _verify, hs_token(HS, CLAIMS) + "ü")

    def test_bytes_not_utf8(self) -> None:
        """A bytes token that is not UTF-8."""
        rejects(MalformedJWSError, _verify, hs_token(HS, CLAIMS).encode() + b"\xff")

    @pytest.mark.parametrize("token", [None, 123, ["a", "b", "c"], {"alg": "HS256"}])
    def test_wrong_type_is_untrusted_input(self, token: Any) -> None:
        """A token that is not str or bytes came from untrusted input (a JSON body
        chooses its value's type): a MalformedError, so ``except JotkitError`` rejects."""
        rejects(MalformedJWSError, _verify, token)

    def test_memoryview_is_refused(self) -> None:
        """memoryview is not accepted either."""
        rejects(MalformedJWSError, _verify, memoryview(hs_token(HS, CLAIMS).encode()))


class TestHeaderEncoding:
    """The decoded header must be strict UTF-8 JSON describing an object."""

    @pytest.mark.parametrize(
        "raw",
        [
            b'{"alg":"HS256","x":"\xff"}',
            b'{"alg":"HS256","x":"\xc0\xaf"}',  # overlong '/'
            b'{"alg":"HS256","x":"\xed\xa0\x80"}',  # UTF-8-encoded surrogate
            b'\xef\xbb\xbf{"alg":"HS256"}',  # byte-order mark
            b'\xfe\xff\x00{\x00"',  # UTF-16
            b'{"alg":"HS256"} x',
            b'{"alg":"HS256"}{"alg":"none"}',
            b'{"alg":"HS256",}',
            b"{'alg':'HS256'}",
            b'{"alg":"HS256" /* c */}',
            b'{"alg":"HS256","x":NaN}',
            b'{"alg":"HS256","x":Infinity}',
            b'{"alg":"HS256","x":-Infinity}',
            b'{"alg":"HS256","x":1e400}',
            b'{"alg":"HS256","x":' + b"9" * 5000 + b"}",
            b'{"alg":"HS256","x":"a\x00b"}',
            b"",
            b"[]",
            b'"HS256"',
            b"null",
            b"1",
        ],
        ids=repr,
    )
    def test_rejected(self, raw: bytes) -> None:
        """Each header is malformed, even with a correct MAC over it."""
        rejects(MalformedJWSError, _verify, _with_raw_header(raw))

    def test_unencoded_payload_with_lone_surrogate(self) -> None:
        """b64:false, a str token whose payload holds a lone surrogate (surrogateescape)."""
        head = b64json({"alg": "HS256", "b64": False, "crit": ["b64"]})
        token = head + ".\udcff." + b64(hs_sign(SECRET, head + ".x"))
        rejects(MalformedJWSError, _verify, token)

    def test_unencoded_json_payload_with_lone_surrogate(self) -> None:
        """b64:false in the JSON serialization, payload "\\ud800" from a JSON escape."""
        head = b64json({"alg": "HS256", "b64": False, "crit": ["b64"]})
        mac = b64(hs_sign(SECRET, head + ".x"))
        text = '{"payload":"\\ud800","protected":"' + head + '","signature":"' + mac + '"}'
        rejects(MalformedJWSError, jws.verify_json, text, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize(
        "text",
        [b'\xef\xbb\xbf{"payload":""}', b'{"payload":"\xff"}', b"[]", b"", b"{"],
        ids=repr,
    )
    def test_json_serialization_text(self, text: bytes) -> None:
        """A JWS JSON text with a BOM, invalid UTF-8, or not an object."""
        rejects(MalformedJWSError, jws.verify_json, text, SECRET, algorithms=["HS256"])

    def test_jwk_text(self) -> None:
        """JWK text with a BOM."""
        error = rejects(MalformedError, Key.from_jwk, b'\xef\xbb\xbf{"kty":"oct","k":"AAAA"}')
        assert isinstance(error, MalformedError)

    def test_signing_input_ok(self) -> None:
        """Control: the same helper builds a token that verifies."""
        token = signing_input(HS, CLAIMS)
        token += "." + b64(hs_sign(SECRET, token))
        assert jws.verify_compact(token, SECRET, algorithms=["HS256"]).payload == CLAIMS


def _decrypt(token: Any) -> object:
    return jwe.decrypt_compact(token, bytes(16), algorithms=["dir"], encryptions=["A128GCM"])


class TestOtherLayers:
    """The JWE and JWT parsers apply the same limits and the same strictness."""

    def test_jwe_too_large(self) -> None:
        """A 1 MB compact JWE."""
        rejects(ExceededLimitError, _decrypt, "A" * 1_000_000 + "....")

    def test_jwe_header_too_large(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A 9 kB JWE header (within the token limit) is refused before it is decoded."""
        raw = '{"alg":"dir","enc":"A128GCM","x":"' + "y" * 9000 + '"}'
        token = b64json(raw) + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA"
        forbid(monkeypatch, binascii, "a2b_base64")
        rejects(ExceededLimitError, _decrypt, token)

    def test_jwe_deep_header(self) -> None:
        """A JWE header nested 2,000 deep."""
        raw = '{"alg":"dir","enc":"A128GCM","x":' + "[" * 2000 + "]" * 2000 + "}"
        rejects(ExceededLimitError, _decrypt, b64json(raw) + "..AAAA.AAAA.AAAA")

    @pytest.mark.parametrize("segment", [2, 3, 4])
    def test_jwe_padding(self, segment: int) -> None:
        """Padding on the IV, ciphertext or tag of a genuine JWE."""
        parts = direct({"alg": "dir", "enc": "A128GCM"}, bytes(16), CLAIMS).split(".")
        parts[segment] += "="
        rejects(MalformedJWEError, _decrypt, ".".join(parts))

    @pytest.mark.parametrize("token", ["", "a.b.c.d", "a.b.c.d.e.f", "....."])
    def test_jwe_segment_count(self, token: str) -> None:
        """Anything but five segments."""
        rejects(MalformedJWEError, _decrypt, token)

    def test_jwe_bytes_not_ascii(self) -> None:
        """A bytes JWE with a non-ASCII byte."""
        token = direct({"alg": "dir", "enc": "A128GCM"}, bytes(16), CLAIMS).encode() + b"\xc3\xa9"
        rejects(MalformedJWEError, _decrypt, token)

    def test_jwt_too_large(self) -> None:
        """A 1 MB JWT."""
        token = hs_token(HS, b'{"x":"' + b"a" * 1_000_000 + b'"}')
        rejects(ExceededLimitError, jwt.decode, token, SECRET, algorithms=["HS256"])

    def test_jwt_deep_claims(self) -> None:
        """A correctly signed claims set nested 1,000 deep."""
        token = hs_token(HS, b'{"x":' + b"[" * 1000 + b"]" * 1000 + b"}")
        rejects(ExceededLimitError, jwt.decode, token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize(
        "payload",
        [b'{"sub":"\xff"}', b'\xef\xbb\xbf{"sub":"a"}', b'{"sub":"a"} x', b'{"exp":NaN}'],
        ids=repr,
    )
    def test_jwt_claims_encoding(self, payload: bytes) -> None:
        """Correctly signed claims that are not strict UTF-8 JSON."""
        token = hs_token(HS, payload)
        rejects(MalformedJWTError, jwt.decode, token, SECRET, algorithms=["HS256"])
