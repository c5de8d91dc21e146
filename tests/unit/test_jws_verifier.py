"""``CompactVerifier``, input limits and malformed compact tokens (RFC 7515 7.1, RFC 8725)."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit._b64 import b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    InvalidKeyError,
    InvalidSignatureError,
    KeyNotFoundError,
    MalformedJWSError,
    MultipleKeysMatchedError,
)
from jotkit.jwk import Key, KeySet
from jotkit.jws import CompactVerifier, sign_compact, verify_compact
from tests.unit._keys import SECRET, key_for

PAYLOAD = b"payload"


def _token(**kw: Any) -> str:
    return sign_compact(PAYLOAD, SECRET, alg="HS256", **kw)


class TestCompactVerifier:
    """A verifier bound once, used for many tokens."""

    def test_reuse(self) -> None:
        """One verifier verifies many tokens and rejects bad ones in between."""
        verifier = CompactVerifier(SECRET, algorithms=["HS256", "HS512"])
        for index in range(3):
            token = sign_compact(b"%d" % index, SECRET, alg="HS512" if index % 2 else "HS256")
            assert verifier.verify(token).payload == b"%d" % index
            with pytest.raises(InvalidSignatureError):
                verifier.verify(token[:-2] + ("AA" if token[-2:] != "AA" else "BA"))

    def test_bound_key_fast_path_and_unfit_alg(self) -> None:
        """A single Key is pre-checked per alg; an allowed alg it does not fit still fails."""
        key = key_for("ES256").public()
        verifier = CompactVerifier(key, algorithms=["ES256", "HS256"])
        token = sign_compact(PAYLOAD, key_for("ES256"), alg="ES256")
        assert verifier.verify(token).key is key
        with pytest.raises(InvalidKeyError, match="EC key"):
            verifier.verify(_token())

    def test_algorithms_none_with_bound_key(self) -> None:
        """A key bound to one alg needs no algorithms list."""
        key = Key.from_secret(SECRET, alg="HS256")
        assert CompactVerifier(key, algorithms=None).verify(_token()).payload == PAYLOAD

    @pytest.mark.parametrize(
        "key",
        [SECRET, Key.from_secret(SECRET), KeySet([Key.from_secret(SECRET, alg="HS256")])],
        ids=["bytes", "unbound-key", "keyset"],
    )
    def test_algorithms_none_without_bound_key(self, key: Any) -> None:
        """Otherwise algorithms=None is a ValueError (DESIGN 3.1)."""
        with pytest.raises(ValueError, match="algorithms"):
            CompactVerifier(key, algorithms=None)

    def test_algorithms_string_refused(self) -> None:
        """A bare string is not a list of algorithms."""
        with pytest.raises(TypeError):
            CompactVerifier(SECRET, algorithms="HS256")

    def test_keyset(self) -> None:
        """A KeySet is searched by kid per token."""
        keys = KeySet([Key.from_secret(SECRET, kid="a"), Key.from_secret(SECRET[::-1], kid="b")])
        verifier = CompactVerifier(keys, algorithms=["HS256"])
        token = sign_compact(PAYLOAD, keys[1], alg="HS256")
        assert verifier.verify(token).key is keys[1]
        with pytest.raises(KeyNotFoundError):
            verifier.verify(sign_compact(PAYLOAD, Key.from_secret(SECRET, kid="c"), alg="HS256"))
        with pytest.raises(MultipleKeysMatchedError):
            verifier.verify(_token())

    def test_callable(self) -> None:
        """A callable key resolver gets the protected header."""
        seen: list[Any] = []

        def resolve(header: Any) -> bytes:
            seen.append(dict(header))
            return SECRET

        verify_compact(_token(headers={"kid": "x"}), resolve, algorithms=["HS256"])
        assert seen == [{"alg": "HS256", "kid": "x"}]


MALFORMED: list[tuple[str, Any]] = [
    ("two-segments", "eyJhbGciOiJIUzI1NiJ9.cGF5bG9hZA"),
    ("four-segments", "a.b.c.d"),
    ("jwe", "a.b.c.d.e"),
    ("empty", ""),
    ("bad-header-base64", "eyJhbGciOiJIUzI1NiJ9=.cGF5bG9hZA.AAAA"),
    ("header-not-json", b64encode_str(b"alg") + ".cGF5bG9hZA.AAAA"),
    ("header-array", b64encode_str(b'["alg"]') + ".cGF5bG9hZA.AAAA"),
    ("non-ascii-header", "éyJ.cGF5bG9hZA.AAAA"),
    ("non-utf8-bytes", b"\xff\xfe.\x80.\x81"),
]


class TestMalformed:
    """Tokens that are not well-formed compact JWS."""

    @pytest.mark.parametrize("token", [t for _, t in MALFORMED], ids=[i for i, _ in MALFORMED])
    def test_malformed(self, token: Any) -> None:
        """Each is MalformedJWSError, whatever the key."""
        with pytest.raises(MalformedJWSError):
            verify_compact(token, SECRET, algorithms=["HS256"])

    def test_jwe_named(self) -> None:
        """A five-segment token is reported as a JWE."""
        with pytest.raises(MalformedJWSError, match="JWE"):
            verify_compact("a.b.c.d.e", SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize("part", ["payload", "signature"], ids=["bad-payload", "bad-signature"])
    def test_bad_base64_segments(self, part: str) -> None:
        """Padding in the payload or signature segment is rejected."""
        head, body, sig = _token().split(".")
        token = f"{head}.{body}=.{sig}" if part == "payload" else f"{head}.{body}.{sig}="
        with pytest.raises(MalformedJWSError):
            verify_compact(token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize(
        "token",
        [123, None, ["a.b.c"], {"token": "a.b.c"}, memoryview(b"a.b.c"), 1.5],
        ids=["int", "none", "list", "dict", "memoryview", "float"],
    )
    def test_token_type(self, token: Any) -> None:
        """A token of the wrong type is untrusted input (a JSON body chooses the type of
        its value): a MalformedJWSError naming the type, never a TypeError."""
        with pytest.raises(MalformedJWSError, match="str or bytes"):
            verify_compact(token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize(
        ("token", "said"),
        [
            ("Bearer {t}", "starts with 'Bearer'"),
            ("bearer {t}", "starts with 'bearer'"),
            ("DPoP {t}", "starts with 'DPoP'"),
            ("{t}\n", "white space"),
            (" {t}", "white space"),
        ],
        ids=["Bearer", "bearer", "DPoP", "newline", "space"],
    )
    def test_common_slips_are_named(self, token: str, said: str) -> None:
        """An Authorization scheme left in front, or a newline from a file, is named
        in the error rather than reported as bad base64."""
        with pytest.raises(MalformedJWSError, match=said):
            verify_compact(token.format(t=_token()), SECRET, algorithms=["HS256"])


class TestLimits:
    """Size limits applied before cryptography."""

    def test_token_size(self) -> None:
        """A token over max_token_size is refused; one at the limit passes."""
        token = _token()
        limits = Limits(max_token_size=len(token))
        assert verify_compact(token, SECRET, algorithms=["HS256"], limits=limits)
        with pytest.raises(ExceededLimitError, match="token"):
            verify_compact(
                token, SECRET, algorithms=["HS256"], limits=Limits(max_token_size=len(token) - 1)
            )

    def test_header_size(self) -> None:
        """A protected header over max_header_size is refused."""
        token = _token(headers={"pad": "x" * 200})
        with pytest.raises(ExceededLimitError, match="header"):
            verify_compact(token, SECRET, algorithms=["HS256"], limits=Limits(max_header_size=64))

    def test_header_depth(self) -> None:
        """A header nested deeper than max_depth is refused."""
        token = _token(headers={"a": {"b": {"c": [1]}}})
        with pytest.raises(ExceededLimitError):
            verify_compact(token, SECRET, algorithms=["HS256"], limits=Limits(max_depth=3))
        assert verify_compact(token, SECRET, algorithms=["HS256"], limits=Limits(max_depth=4))

    @pytest.mark.parametrize("detached", [False, True], ids=["attached", "detached"])
    @pytest.mark.parametrize("b64", [True, False], ids=["b64", "unencoded"])
    def test_payload_size(self, detached: bool, b64: bool) -> None:
        """A payload over max_payload_size is refused, in every payload form."""
        payload = b"x" * 100
        token = sign_compact(payload, SECRET, alg="HS256", detached=detached, b64=b64)
        given = payload if detached else None
        ok, small = Limits(max_payload_size=100), Limits(max_payload_size=99)
        assert verify_compact(
            token, SECRET, algorithms=["HS256"], detached_payload=given, limits=ok
        )
        with pytest.raises(ExceededLimitError, match="payload"):
            verify_compact(
                token, SECRET, algorithms=["HS256"], detached_payload=given, limits=small
            )

    def test_algorithm_checked_before_signature(self) -> None:
        """A disallowed alg is reported even when the signature is garbage."""
        head = b64encode_str(b'{"alg":"HS512"}')
        with pytest.raises(AlgorithmNotAllowedError):
            verify_compact(f"{head}.cGF5bG9hZA.AAAA", SECRET, algorithms=["HS256"])
