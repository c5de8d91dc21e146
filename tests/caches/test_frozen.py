"""``Frozen``: the dataclass-like records that replaced frozen dataclasses on the import path."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError

import pytest

from jotkit import Key, jwt
from jotkit._frozen import Frozen
from jotkit.jwa import JWS_ALGORITHMS, KeyRequirement
from jotkit.jws import VerifiedJWS


class Point(Frozen):
    """A two-field record for the tests."""

    x: int
    y: int

    __slots__ = ("x", "y")

    def __init__(self, x: int, y: int) -> None:
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)


class TestFrozen:
    """What a frozen, slotted dataclass would do."""

    def test_immutable(self) -> None:
        """Assigning or deleting any attribute raises FrozenInstanceError."""
        point = Point(1, 2)
        with pytest.raises(FrozenInstanceError):
            point.x = 3  # type: ignore[misc]
        with pytest.raises(FrozenInstanceError):
            del point.y
        with pytest.raises(FrozenInstanceError):
            point.z = 0

    def test_value_semantics(self) -> None:
        """Equality and hash by fields, in annotation order; other types are not equal."""
        assert Point(1, 2) == Point(1, 2)
        assert Point(1, 2) != Point(2, 1)
        assert hash(Point(1, 2)) == hash(Point(1, 2))
        assert Point(1, 2) != (1, 2)

    def test_repr_and_match(self) -> None:
        """A dataclass-style repr, and positional pattern matching in field order."""
        assert repr(Point(1, 2)) == "Point(x=1, y=2)"
        match Point(1, 2):
            case Point(a, b):
                assert (a, b) == (1, 2)

    def test_copy_and_pickle(self) -> None:
        """Copies and pickles round-trip without going through __setattr__."""
        point = Point(1, 2)
        assert copy.copy(point) == copy.deepcopy(point) == pickle.loads(pickle.dumps(point))

    def test_slots_must_match_fields(self) -> None:
        """A record whose __slots__ and annotations disagree is refused at class creation."""
        with pytest.raises(TypeError, match="__slots__"):

            class Bad(Frozen):
                x: int
                __slots__ = ("y",)

    def test_library_records(self) -> None:
        """jotkit's own records keep their dataclass-like behaviour."""
        policy = jwt.ClaimsPolicy(issuer="a", leeway=5)
        assert policy == jwt.ClaimsPolicy(issuer=["a"], leeway=5.0)
        assert repr(policy).startswith("ClaimsPolicy(issuer=frozenset({'a'}), audience=None")
        with pytest.raises(FrozenInstanceError):
            policy.leeway = 0  # type: ignore[misc]
        result = VerifiedJWS(b"p", {"alg": "HS256"}, Key.from_secret(b"s" * 32))
        assert (result.protected, result.index) == ({}, 0)
        requirement = JWS_ALGORITHMS["ES256"].requirement
        assert isinstance(requirement, KeyRequirement)
        assert requirement.crvs == frozenset({"P-256"})
        assert requirement.bound_aliases == frozenset()
        assert JWS_ALGORITHMS["ES256"] == JWS_ALGORITHMS["ES256"]


class Pair(Frozen):
    """A record that relies on the inherited field-order ``__init__``."""

    left: int
    right: str

    __slots__ = ("left", "right")


class TestInheritedInit:
    """The inherited ``__init__`` takes every field, positionally or by name."""

    def test_positional_and_named(self) -> None:
        """Fields in order, or by name, give equal records."""
        assert Pair(1, "a") == Pair(left=1, right="a") == Pair(1, right="a")
        assert (Pair(1, "a").left, Pair(1, "a").right) == (1, "a")

    @pytest.mark.parametrize(
        ("args", "kwargs", "said"),
        [
            ((1, "a", 2), {}, "takes 2"),
            ((1,), {}, "missing"),
            ((1,), {"left": 2}, "repeated"),
            ((1,), {"other": 2}, "unexpected"),
        ],
        ids=["too-many", "missing", "repeated", "unknown"],
    )
    def test_wrong_arguments(
        self, args: tuple[object, ...], kwargs: dict[str, object], said: str
    ) -> None:
        """Too many, missing, repeated or unknown fields are a TypeError."""
        with pytest.raises(TypeError, match=said):
            Pair(*args, **kwargs)  # type: ignore[arg-type]

    def test_one_record_style(self) -> None:
        """The algorithm tables' records are Frozen too (no second record style)."""
        from jotkit.jwa import CONTENT_ENCRYPTIONS, KEY_MANAGEMENT, Wrapped

        for table in (JWS_ALGORITHMS, KEY_MANAGEMENT, CONTENT_ENCRYPTIONS):
            assert all(isinstance(entry, Frozen) for entry in table.values())
        assert issubclass(Wrapped, Frozen)
