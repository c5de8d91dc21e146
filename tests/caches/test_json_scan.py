"""``_json.loads``'s scanner fast path: the same result, or the same error, as the full parse."""

from __future__ import annotations

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
    """``copy_json`` and ``is_flat``, which the caches use to hand out copies."""

    def test_deep_copy(self) -> None:
        """Nested objects and arrays are copied; scalars are shared (they are immutable)."""
        value = {"a": [1, {"b": [2]}], "c": "d"}
        copied = _json.copy_json(value)
        assert copied == value
        copied["a"][1]["b"].append(3)
        assert value == {"a": [1, {"b": [2]}], "c": "d"}

    def test_is_flat(self) -> None:
        """An object is flat when no member is an object or array."""
        assert _json.is_flat({"a": 1, "b": "x", "c": None})
        assert not _json.is_flat({"a": []})
        assert not _json.is_flat({"a": {}})
