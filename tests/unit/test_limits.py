"""``Limits``: frozen caps on untrusted input (RFC 8725 section 3, denial of service)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from jotkit._limits import DEFAULT_LIMITS, Limits

FIELDS = list(Limits._fields)
BAD_VALUES: list[tuple[Any, str]] = [
    (0, "zero"),
    (-1, "negative"),
    (True, "bool"),
    (1.5, "float"),
    ("10", "str"),
    (None, "none"),
]


class TestLimits:
    """Construction, validation and immutability."""

    def test_defaults(self) -> None:
        """The documented defaults."""
        expected = Limits(
            max_token_size=256 * 1024,
            max_header_size=8 * 1024,
            max_payload_size=256 * 1024,
            max_depth=32,
            max_signatures=16,
            max_decompressed_size=250_000,
            max_pbes2_count=10_000,
            max_disclosures=1000,
        )
        assert expected == DEFAULT_LIMITS

    @pytest.mark.parametrize("name", FIELDS)
    @pytest.mark.parametrize(("value", "kind"), BAD_VALUES, ids=[k for _, k in BAD_VALUES])
    def test_rejects_non_positive_or_non_int(self, name: str, value: Any, kind: str) -> None:
        """Every field must be a positive int (a bool is not an int here)."""
        with pytest.raises(ValueError, match=name):
            Limits(**{name: value})

    @pytest.mark.parametrize("name", FIELDS)
    def test_accepts_one(self, name: str) -> None:
        """1 is the smallest accepted value for every field."""
        assert getattr(Limits(**{name: 1}), name) == 1

    def test_frozen(self) -> None:
        """A Limits cannot be changed after construction."""
        with pytest.raises(dataclasses.FrozenInstanceError):
            DEFAULT_LIMITS.max_depth = 1000  # type: ignore[misc]


class TestReplace:
    """``Limits.replace`` makes a validated copy."""

    def test_replace(self) -> None:
        """Changed fields change, the others are kept, the original is untouched."""
        base = Limits(max_depth=5)
        changed = base.replace(max_pbes2_count=2000)
        assert changed.max_pbes2_count == 2000
        assert changed.max_depth == 5
        assert base.max_pbes2_count == 10_000

    def test_replace_validates(self) -> None:
        """Unknown names are TypeError; bad values ValueError."""
        with pytest.raises(TypeError):
            Limits().replace(max_cats=3)
        with pytest.raises(ValueError, match="positive"):
            Limits().replace(max_depth=0)
