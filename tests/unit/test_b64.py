"""Strict unpadded base64url (RFC 7515 section 2 and appendix C)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jotkit._b64 import b64decode, b64encode, b64encode_str
from jotkit.errors import MalformedError, MalformedJWSError

ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"

# RFC 4648 section 10 vectors, without padding.
ENCODINGS = [
    (b"", ""),
    (b"f", "Zg"),
    (b"fo", "Zm8"),
    (b"foo", "Zm9v"),
    (b"foob", "Zm9vYg"),
    (b"fooba", "Zm9vYmE"),
    (b"foobar", "Zm9vYmFy"),
    (b"\xfb\xff", "-_8"),
    (b"\xff\xfe\xfd", "__79"),
]

REJECTED = [
    ("Zg==", "padding"),
    ("Zm8=", "one-pad"),
    ("Zm9v====", "padding-on-full-group"),
    ("+_8", "plus"),
    ("-/8", "slash"),
    ("Zm 9v", "inner-space"),
    (" Zm9v", "leading-space"),
    ("Zm9v\n", "trailing-newline"),
    ("Zm9v\r\n", "trailing-crlf"),
    ("Zm\t9v", "tab"),
    ("Zm9v.", "dot"),
    ("Zm9v\x00", "nul"),
    ("Z", "length-1"),
    ("Zm9vY", "length-5"),
    ("Zm9vYmFyZ", "length-9"),
]


def _canonical(char: str, remainder: int) -> bool:
    """The last character of a 4k+2 (4k+3) encoding carries 4 (2) bits that must be zero."""
    unused = 4 if remainder == 2 else 2
    return ALPHABET.index(char) % (1 << unused) == 0


class TestEncode:
    """``b64encode`` and ``b64encode_str``."""

    @pytest.mark.parametrize(("raw", "text"), ENCODINGS, ids=[t or "empty" for _, t in ENCODINGS])
    def test_known_encodings(self, raw: bytes, text: str) -> None:
        """Both encoders give the RFC 4648 URL-safe value without padding."""
        assert b64encode(raw) == text.encode("ascii")
        assert b64encode_str(raw) == text


class TestDecode:
    """``b64decode`` accepts exactly the canonical unpadded encodings."""

    @pytest.mark.parametrize(("raw", "text"), ENCODINGS, ids=[t or "empty" for _, t in ENCODINGS])
    def test_known_decodings_str_and_bytes(self, raw: bytes, text: str) -> None:
        """Both str and bytes input decode."""
        assert b64decode(text) == raw
        assert b64decode(text.encode("ascii")) == raw

    @pytest.mark.parametrize(("text", "why"), REJECTED, ids=[why for _, why in REJECTED])
    def test_rejects_non_canonical_text(self, text: str, why: str) -> None:
        """Padding, foreign characters, whitespace and impossible lengths are rejected."""
        with pytest.raises(MalformedError):
            b64decode(text)
        with pytest.raises(MalformedError):
            b64decode(text.encode("latin-1"))

    @pytest.mark.parametrize(
        "text", ["Zé", "Zm9\u2014", "\uff3a\uff47"], ids=["e-acute", "dash", "fullwidth"]
    )
    def test_rejects_non_ascii_str(self, text: str) -> None:
        """Non-ASCII characters in a str are rejected, not transliterated."""
        with pytest.raises(MalformedError, match="non-ASCII"):
            b64decode(text)

    @pytest.mark.parametrize(
        "raw", [b"Z\xe9", b"\xff\xfe", b"Zm9\x80"], ids=["latin1", "ff-fe", "high"]
    )
    def test_rejects_non_ascii_bytes(self, raw: bytes) -> None:
        """Non-ASCII bytes are rejected."""
        with pytest.raises(MalformedError):
            b64decode(raw)

    @pytest.mark.parametrize("prefix", ["", "Zm9v", "Zm9vYmFy"], ids=["len0", "len4", "len8"])
    @pytest.mark.parametrize("remainder", [2, 3], ids=["4k+2", "4k+3"])
    @pytest.mark.parametrize("char", list(ALPHABET), ids=[f"last-{c}" for c in ALPHABET])
    def test_trailing_bits_must_be_zero(self, char: str, remainder: int, prefix: str) -> None:
        """Every possible last character: accepted iff its unused bits are zero (malleability)."""
        text = prefix + "A" * (remainder - 1) + char
        if _canonical(char, remainder):
            assert b64encode_str(b64decode(text)) == text
        else:
            with pytest.raises(MalformedError, match="trailing bits"):
                b64decode(text)

    def test_error_class_is_configurable(self) -> None:
        """Callers choose the MalformedError subclass raised."""
        with pytest.raises(MalformedJWSError):
            b64decode("Zg==", MalformedJWSError)
        with pytest.raises(MalformedJWSError):
            b64decode("é", MalformedJWSError)


class TestProperties:
    """Round trips and uniqueness of encodings."""

    @settings(deadline=None)
    @given(st.binary(max_size=200))
    def test_round_trip(self, raw: bytes) -> None:
        """decode(encode(x)) == x, and the encoding uses only the URL-safe alphabet."""
        text = b64encode_str(raw)
        assert set(text) <= set(ALPHABET)
        assert b64decode(text) == raw
        assert b64decode(b64encode(raw)) == raw

    @settings(deadline=None)
    @given(st.text(alphabet=ALPHABET + "=+/ \n.", max_size=40))
    def test_every_accepted_text_is_the_one_encoding(self, text: str) -> None:
        """Any text that decodes re-encodes to itself: each byte string has one encoding."""
        try:
            raw = b64decode(text)
        except MalformedError:
            return
        assert b64encode_str(raw) == text
