"""``_json.loads``'s scanner fast path: the same result, or the same error, as the full parse."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import _json
from jotkit.errors import MalformedError

ACCEPTED = [
    ('{"a":1}', {"a": 1}),
    (' {"a":1}', {"a": 1}),
    ('{"a":1} ', {"a": 1}),
    ('\n\t{"a":[1,2,{"b":null}]}\r\n', {"a": [1, 2, {"b": None}]}),
    ("[]", []),
    ('"x"', "x"),
    ("1.5", 1.5),
    ("true", True),
]
REFUSED = [
    '{"a":1}x',
    '{"a":1} {"b":2}',
    "",
    " ",
    '{"a":1,"a":2}',
    "NaN",
    "[Infinity]",
    "1e999",
    '{"a":',
    "{'a':1}",
]


class TestScan:
    """Whitespace, trailing data and every refusal behave as in the full parse."""

    @pytest.mark.parametrize(("text", "value"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
    def test_accepted(self, text: str, value: object) -> None:
        """Documents with and without surrounding whitespace parse to the same value."""
        assert _json.loads(text) == value
        assert _json.loads(text.encode()) == value

    @pytest.mark.parametrize("text", REFUSED)
    def test_refused(self, text: str) -> None:
        """Trailing data, duplicates, non-finite numbers and bad syntax stay refused."""
        with pytest.raises(MalformedError):
            _json.loads(text)


class TestCopy:
    """``copy_json``, ``shape`` and ``copy_shaped``, which the caches use to hand out copies."""

    def test_deep_copy(self) -> None:
        """Nested objects and arrays are copied; scalars are shared (they are immutable)."""
        value = {"a": [1, {"b": [2]}], "c": "d"}
        copied = _json.copy_json(value)
        assert copied == value
        copied["a"][1]["b"].append(3)
        assert value == {"a": [1, {"b": [2]}], "c": "d"}

    @pytest.mark.parametrize(
        ("value", "nested"),
        [
            ({"a": 1, "b": "x", "c": None}, ()),
            ({}, ()),
            ({"alg": "ES256", "jwk": {"kty": "EC", "x": "1"}, "z": {}}, ("jwk", "z")),
            ({"a": []}, None),
            ({"a": {"b": {}}}, None),
            ({"a": {"b": [1]}}, None),
        ],
        ids=["flat", "empty", "one-deep", "array", "two-deep", "array-inside"],
    )
    def test_shape(self, value: dict[str, Any], nested: tuple[str, ...] | None) -> None:
        """Flat, one level of flat objects, or deeper (None); each copy is a deep copy."""
        assert _json.shape(value) == nested
        copied = _json.copy_shaped(value, nested)
        assert copied == value
        for name, member in copied.items():
            if isinstance(member, dict | list):
                assert member is not value[name]  # every container is a new one
                if isinstance(member, dict):
                    member["new"] = 1
        assert "new" not in str(value)
