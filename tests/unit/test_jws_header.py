"""JWS header rules: crit and b64 (RFC 7515 4.1.11, RFC 7797 6), alg resolution, header build."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit._b64 import b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    MalformedJWSError,
    UnsupportedAlgorithmError,
)
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key
from jotkit.jws._header import allowed_algorithms, check_crit, decode_header, resolve_alg
from jotkit.jws._sign import build_header
from tests.unit._keys import SECRET

# (id, protected, unprotected, error message fragment)
CRIT_REJECTED: list[tuple[str, dict[str, Any], dict[str, Any] | None, str]] = [
    ("crit-unprotected", {"alg": "HS256"}, {"crit": ["b64"]}, "protected"),
    ("b64-unprotected", {"alg": "HS256"}, {"b64": False}, "protected"),
    ("crit-string", {"crit": "b64", "b64": False}, None, "non-empty list"),
    ("crit-empty", {"crit": []}, None, "non-empty list"),
    ("crit-null", {"crit": None}, None, "non-empty list"),
    ("crit-int-member", {"crit": ["b64", 1], "b64": False}, None, "non-empty list"),
    ("crit-duplicate", {"crit": ["b64", "b64"], "b64": False}, None, "duplicate"),
    ("crit-registered-alg", {"crit": ["alg"]}, None, "registered"),
    ("crit-registered-kid", {"crit": ["kid"], "kid": "k"}, None, "registered"),
    ("crit-registered-p2c", {"crit": ["p2c"]}, None, "registered"),
    ("crit-unknown", {"crit": ["exp"], "exp": 1}, None, "not understood"),
    ("crit-b64-absent", {"crit": ["b64"]}, None, "not in the header"),
    ("b64-not-crit", {"b64": False}, None, "listed in 'crit'"),
    ("b64-true-not-crit", {"b64": True}, None, "listed in 'crit'"),
    ("b64-string", {"crit": ["b64"], "b64": "false"}, None, "boolean"),
    ("b64-int", {"crit": ["b64"], "b64": 0}, None, "boolean"),
]

CRIT_ACCEPTED: list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]] = [
    ("no-crit", {"alg": "HS256"}, None, True),
    ("no-crit-empty-unprotected", {"alg": "HS256"}, {}, True),
    ("unprotected-other", {"alg": "HS256"}, {"kid": "k"}, True),
    ("b64-false", {"crit": ["b64"], "b64": False}, None, False),
    ("b64-true", {"crit": ["b64"], "b64": True}, {"kid": "k"}, True),
]


class TestCheckCrit:
    """Every branch of ``check_crit``."""

    @pytest.mark.parametrize(
        ("protected", "unprotected", "match"),
        [c[1:] for c in CRIT_REJECTED],
        ids=[c[0] for c in CRIT_REJECTED],
    )
    def test_rejected(
        self, protected: dict[str, Any], unprotected: dict[str, Any] | None, match: str
    ) -> None:
        """Ignoring crit is how extension bypasses work: each violation is rejected."""
        with pytest.raises(MalformedJWSError, match=match):
            check_crit(protected, unprotected)

    @pytest.mark.parametrize(
        ("protected", "unprotected", "b64"),
        [c[1:] for c in CRIT_ACCEPTED],
        ids=[c[0] for c in CRIT_ACCEPTED],
    )
    def test_accepted(
        self, protected: dict[str, Any], unprotected: dict[str, Any] | None, b64: bool
    ) -> None:
        """Valid headers return the b64 value (True when absent)."""
        assert check_crit(protected, unprotected) is b64


class TestAlgorithms:
    """``allowed_algorithms`` and ``resolve_alg``."""

    def test_allowed(self) -> None:
        """The allow-list resolves to table entries, once."""
        table = allowed_algorithms(["ES256", "HS256"])
        assert table == {"ES256": JWS_ALGORITHMS["ES256"], "HS256": JWS_ALGORITHMS["HS256"]}
        assert allowed_algorithms(("EdDSA",)) == {"EdDSA": JWS_ALGORITHMS["EdDSA"]}

    @pytest.mark.parametrize(
        ("algorithms", "error"),
        [
            ("HS256", TypeError),
            (b"HS256", TypeError),
            ([], ValueError),
            (None, ValueError),
            (["none"], ValueError),
            (["HS256", "RSA-OAEP"], ValueError),
            (["hs256"], ValueError),
        ],
        ids=["str", "bytes", "empty", "none-value", "alg-none", "jwe-alg", "lowercase"],
    )
    def test_caller_mistakes(self, algorithms: Any, error: type[Exception]) -> None:
        """A bare string, an empty list or unknown names are caller mistakes."""
        with pytest.raises(error):
            allowed_algorithms(algorithms)

    @pytest.mark.parametrize(
        ("header", "error"),
        [
            ({}, MalformedJWSError),
            ({"alg": None}, MalformedJWSError),
            ({"alg": ["HS256"]}, MalformedJWSError),
            ({"alg": "ES256"}, AlgorithmNotAllowedError),
            ({"alg": "none"}, UnsupportedAlgorithmError),
            ({"alg": "HS257"}, UnsupportedAlgorithmError),
        ],
        ids=["missing", "null", "list", "known-not-allowed", "none", "unknown"],
    )
    def test_resolve_rejects(self, header: dict[str, Any], error: type[Exception]) -> None:
        """Only an allowed alg resolves; none is never in the table."""
        with pytest.raises(error):
            resolve_alg(header, allowed_algorithms(["HS256"]))

    def test_resolve(self) -> None:
        """An allowed alg resolves to its descriptor."""
        assert resolve_alg({"alg": "HS256"}, allowed_algorithms(["HS256"])).name == "HS256"


class TestDecodeHeader:
    """``decode_header``: base64url of a JSON object, within limits."""

    def test_object(self) -> None:
        """A valid segment decodes to a dict."""
        assert decode_header(b64encode_str(b'{"alg":"HS256"}'), Limits()) == {"alg": "HS256"}

    @pytest.mark.parametrize(
        ("raw", "error"),
        [
            (b"[]", MalformedJWSError),
            (b'"alg"', MalformedJWSError),
            (b'{"alg":"HS256","alg":"none"}', MalformedJWSError),
            (b"\xef\xbb\xbf{}", MalformedJWSError),
            (b'{"a":' * 5 + b"1" + b"}" * 5, ExceededLimitError),
        ],
        ids=["array", "string", "duplicate-alg", "bom", "too-deep"],
    )
    def test_rejected(self, raw: bytes, error: type[Exception]) -> None:
        """Non-objects, duplicate members and over-deep JSON are rejected."""
        with pytest.raises(error):
            decode_header(b64encode_str(raw), Limits(max_depth=4))

    def test_bad_base64(self) -> None:
        """A segment that is not strict base64url is MalformedJWSError."""
        with pytest.raises(MalformedJWSError):
            decode_header("eyJhbGciOiJIUzI1NiJ9=", Limits())

    def test_segment_too_long(self) -> None:
        """A segment longer than the header limit allows is refused before decoding."""
        segment = "A" * (100 * 4 // 3 + 8)
        with pytest.raises(ExceededLimitError, match="header"):
            decode_header(segment, Limits(max_header_size=100))

    def test_decoded_too_large(self) -> None:
        """A decoded header over the limit, within the segment slack, is refused."""
        raw = b'{"alg":"HS256","x":"' + b"a" * 80 + b'"}'
        assert len(raw) > 100
        segment = b64encode_str(raw)
        assert len(segment) <= 100 * 4 // 3 + 4 + 8
        with pytest.raises(ExceededLimitError):
            decode_header(segment, Limits(max_header_size=len(raw) - 1))


class TestBuildHeader:
    """``build_header``: alg first, the key's kid, then the caller's members."""

    @staticmethod
    def _key(kid: str | None = "k1") -> Key:
        return Key.from_secret(SECRET, kid=kid)

    @pytest.mark.parametrize(
        ("headers", "b64", "expected"),
        [
            (None, True, {"alg": "HS256", "kid": "k1"}),
            ({"typ": "JWT"}, True, {"alg": "HS256", "kid": "k1", "typ": "JWT"}),
            ({"alg": "HS256"}, True, {"alg": "HS256", "kid": "k1"}),
            ({"kid": "override"}, True, {"alg": "HS256", "kid": "override"}),
            (None, False, {"alg": "HS256", "kid": "k1", "b64": False, "crit": ["b64"]}),
            (
                {"crit": ["b64"], "b64": False},
                False,
                {"alg": "HS256", "kid": "k1", "crit": ["b64"], "b64": False},
            ),
            (
                {"b64": True, "crit": ["b64"]},
                True,
                {"alg": "HS256", "kid": "k1", "b64": True, "crit": ["b64"]},
            ),
        ],
        ids=[
            "plain",
            "typ",
            "same-alg",
            "kid-override",
            "b64-false",
            "b64-false-crit-given",
            "b64-true-crit",
        ],
    )
    def test_built(
        self, headers: dict[str, Any] | None, b64: bool, expected: dict[str, Any]
    ) -> None:
        """The header holds alg, kid and the caller's members, in that order."""
        header = build_header("HS256", self._key(), headers, b64=b64)
        assert header == expected
        assert next(iter(header)) == "alg"

    def test_no_kid(self) -> None:
        """A key without kid adds none."""
        assert build_header("HS256", self._key(None), None) == {"alg": "HS256"}

    @pytest.mark.parametrize(
        ("headers", "b64", "match"),
        [
            ({"alg": "HS512"}, True, "contradicts alg"),
            ({"alg": "none"}, True, "contradicts alg"),
            ({"b64": False, "crit": ["b64"]}, True, "contradicts b64"),
            ({"b64": True}, False, "contradicts b64"),
            ({"b64": "false", "crit": ["b64"]}, True, "contradicts b64"),
            ({"crit": ["exp"], "exp": 1}, True, "crit may list only"),
            ({"crit": []}, True, "crit may list only"),
            ({"crit": "b64"}, True, "crit may list only"),
            ({"crit": ["exp"]}, False, "crit may list only"),
            ({"b64": True}, True, "listed in crit"),
        ],
        ids=[
            "alg-contradiction",
            "alg-none",
            "b64-false-in-headers",
            "b64-true-in-headers-with-false",
            "b64-string",
            "crit-unknown",
            "crit-empty",
            "crit-string",
            "crit-unknown-with-b64-false",
            "b64-without-crit",
        ],
    )
    def test_refused(self, headers: dict[str, Any], b64: bool, match: str) -> None:
        """Headers that contradict the call, or that jotkit would itself reject, are ValueError."""
        with pytest.raises(ValueError, match=match):
            build_header("HS256", self._key(), headers, b64=b64)
