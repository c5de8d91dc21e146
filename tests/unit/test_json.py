"""Strict JSON in, compact JSON out (RFC 8259 as profiled by RFC 7515 section 5.2)."""

from __future__ import annotations

import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jotkit import _json
from jotkit.errors import ExceededLimitError, MalformedError, MalformedJWSError

MALFORMED = [
    ('{"a":1,"a":2}', "duplicate-top"),
    ('{"a":{"b":1,"b":1}}', "duplicate-nested-object"),
    ('[{"x":1},{"y":1,"y":2}]', "duplicate-in-array"),
    ('{"a":1,"\\u0061":2}', "duplicate-via-escape"),
    ("NaN", "nan"),
    ('{"a":NaN}', "nan-member"),
    ("Infinity", "infinity"),
    ("[-Infinity]", "minus-infinity"),
    ("1e400", "overflow"),
    ('{"a":-1e400}', "negative-overflow"),
    ('"\x01"', "control-char-in-string"),
    ("{} x", "trailing-data"),
    ("", "empty"),
    ("{'a':1}", "single-quotes"),
    ("[1,]", "trailing-comma"),
]


class TestLoads:
    """``loads`` rejects what a lenient parser would let through."""

    @pytest.mark.parametrize(("text", "why"), MALFORMED, ids=[w for _, w in MALFORMED])
    def test_rejects(self, text: str, why: str) -> None:
        """Duplicates, non-finite numbers and syntax errors are MalformedError, str or bytes."""
        with pytest.raises(MalformedError):
            _json.loads(text)
        with pytest.raises(MalformedError):
            _json.loads(text.encode("utf-8"))

    @pytest.mark.parametrize(
        "raw",
        [b'{"a":"\xff"}', b'"\xc3"', b'"\xed\xa0\x80"', b'"\xc0\xaf"'],
        ids=["ff", "truncated", "surrogate", "overlong"],
    )
    def test_rejects_invalid_utf8(self, raw: bytes) -> None:
        """Bytes that are not UTF-8 are rejected."""
        with pytest.raises(MalformedError, match="UTF-8"):
            _json.loads(raw)

    @pytest.mark.parametrize(
        "data", [b'\xef\xbb\xbf{"a":1}', '\ufeff{"a":1}'], ids=["bytes", "str"]
    )
    def test_rejects_byte_order_mark(self, data: bytes | str) -> None:
        """A byte-order mark is rejected, in bytes and in str."""
        with pytest.raises(MalformedError, match="byte-order mark"):
            _json.loads(data)

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ('{"a":[1,2.5,"x",true,null]}', {"a": [1, 2.5, "x", True, None]}),
            ("1e308", 1e308),
            ('"\\u00e9"', "é"),
            ("-0", 0),
        ],
        ids=["object", "large-finite", "escape", "minus-zero"],
    )
    def test_accepts_strict_json(self, text: str, value: Any) -> None:
        """Ordinary JSON parses to the expected value."""
        assert _json.loads(text) == value

    def test_error_class_is_configurable(self) -> None:
        """Callers choose the MalformedError subclass raised."""
        with pytest.raises(MalformedJWSError):
            _json.loads('{"a":1,"a":1}', error=MalformedJWSError)
        with pytest.raises(MalformedJWSError):
            _json.loads(b"\xff", error=MalformedJWSError)

    def test_large_int_is_exact(self) -> None:
        """A 100-digit integer parses exactly (no float rounding)."""
        assert _json.loads("1" * 100) == int("1" * 100)

    @pytest.mark.skipif(
        not hasattr(sys, "get_int_max_str_digits"), reason="no int digit limit before 3.11"
    )
    def test_huge_int_rejected(self) -> None:
        """An integer over the interpreter's digit limit is MalformedError (CVE-2020-10735)."""
        with pytest.raises(MalformedError):
            _json.loads("[" + "9" * 5000 + "]")


class TestLimits:
    """Size and depth caps."""

    def test_size_cap(self) -> None:
        """A document of exactly max_size parses; one byte more is ExceededLimitError."""
        doc = '{"a":"' + "x" * 10 + '"}'
        assert _json.loads(doc, max_size=len(doc)) == {"a": "x" * 10}
        with pytest.raises(ExceededLimitError):
            _json.loads(doc, max_size=len(doc) - 1)
        with pytest.raises(ExceededLimitError):
            _json.loads(doc.encode("ascii"), max_size=len(doc) - 1)

    @pytest.mark.parametrize("opener", ["[", '{"a":'], ids=["arrays", "objects"])
    def test_depth_cap(self, opener: str) -> None:
        """Nesting to exactly max_depth parses; one level deeper is ExceededLimitError."""
        closer = "]" if opener == "[" else "}"
        ok = opener * 5 + "1" + closer * 5
        _json.loads(ok, max_depth=5)
        with pytest.raises(ExceededLimitError):
            _json.loads(opener * 6 + "1" + closer * 6, max_depth=5)

    @pytest.mark.parametrize(
        "text",
        [
            '["' + "[" * 50 + '"]',
            '{"k":"' + "{" * 50 + '"}',
            '["\\"' + "[" * 50 + '"]',
            '["\\\\", "' + "{" * 50 + '"]',
        ],
        ids=["brackets", "braces", "after-escaped-quote", "after-escaped-backslash"],
    )
    def test_brackets_inside_strings_not_counted(self, text: str) -> None:
        """Brackets in strings (even after escapes) do not count towards the depth."""
        _json.loads(text, max_depth=2)

    def test_many_siblings_are_not_depth(self) -> None:
        """Many shallow containers exceed the bracket count but not the depth."""
        assert _json.loads("[" + ",".join(["[]"] * 40) + "]", max_depth=2) == [[]] * 40

    def test_recursion_error_becomes_malformed(self) -> None:
        """With the depth cap lifted, the parser's own recursion limit is still a clean error."""
        deep = "[" * 100_000 + "]" * 100_000
        with pytest.raises(MalformedError):
            _json.loads(deep, max_size=10**6, max_depth=10**6)


class TestDumps:
    """``dumps``: compact, deterministic, UTF-8, finite."""

    def test_compact_utf8(self) -> None:
        """No whitespace, non-ASCII kept as UTF-8, insertion order kept."""
        assert _json.dumps({"b": [1, 2], "a": "é"}) == '{"b":[1,2],"a":"é"}'.encode()

    def test_deterministic(self) -> None:
        """Equal mappings built in the same order serialize to identical bytes."""
        built: dict[str, Any] = {}
        built["x"] = 1
        built["y"] = [True, None]
        assert _json.dumps(built) == _json.dumps({"x": 1, "y": [True, None]})
        assert _json.dumps(built) == b'{"x":1,"y":[true,null]}'

    @pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
    def test_refuses_non_finite(self, value: float) -> None:
        """NaN and infinities are not JSON: a ValueError, not output a peer would reject."""
        with pytest.raises(ValueError, match="JSON"):
            _json.dumps({"v": value})


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


class TestProperties:
    """Round trip of arbitrary JSON values."""

    @settings(deadline=None)
    @given(_JSON_VALUES)
    def test_round_trip(self, value: Any) -> None:
        """loads(dumps(x)) == x for any finite JSON value."""
        assert _json.loads(_json.dumps(value)) == value


class TestIntegerDigits:
    """Integers too long to convert in linear time are refused on every Python version."""

    def test_hook_refuses_long_integers(self) -> None:
        """The 3.10 hook and 3.11+'s own limit both reject 5000 digits."""
        from jotkit._json import _int, _Reject

        with pytest.raises(_Reject):
            _int("9" * 5000)
        assert _int("9" * 100) == int("9" * 100)
