"""Claim-level rules shared by the policy and by ``encode`` (RFC 7519 sections 2, 4.1).

Types are strict: a NumericDate is an int or float, never a bool (``True`` is 1 in
Python), a string (``"1e30"`` compares as a string in some stacks) or null; ``iss``,
``sub`` and ``jti`` are strings; ``aud`` is a string or a list of strings.

NumericDate values (section 2) are seconds since the epoch, an int or a float. Naive
``datetime`` values are refused: whether one means UTC or local time is a guess, and a
wrong guess shifts every expiry by hours.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

from ..errors import InvalidClaimError, MissingClaimError

__all__ = [
    "Now",
    "check_types",
    "from_datetime",
    "make_clock",
    "media_type",
    "number",
    "run_checks",
    "seconds",
]

_NUMERIC_CLAIMS = ("exp", "nbf", "iat")
_STRING_CLAIMS = ("iss", "sub", "jti")
_MISSING: Any = object()
_PREFIX = "application/"


def media_type(value: str) -> str:
    """Normalise a ``typ``/``cty`` media type: case-insensitive, ``application/`` optional.

    RFC 7515 4.1.9 lets the ``application/`` prefix be left out when no other ``/``
    appears, so ``application/at+jwt`` and ``AT+JWT`` name the same type.
    """
    lowered = value.lower()
    if lowered.startswith(_PREFIX) and "/" not in lowered[len(_PREFIX) :]:
        return lowered[len(_PREFIX) :]
    return lowered


def check_types(claims: Mapping[str, Any]) -> None:
    """Check the types of the registered claims present in ``claims``.

    Raises:
        InvalidClaimError: a registered claim has the wrong type.
    """
    get = claims.get
    # The common case (int times, string values, or absent) in one expression; floats,
    # ``aud`` lists and every error take the careful path.
    if (
        type(get("exp", 0)) is not int
        or type(get("nbf", 0)) is not int
        or type(get("iat", 0)) is not int
        or type(get("iss", "")) is not str
        or type(get("sub", "")) is not str
        or type(get("jti", "")) is not str
        or type(get("aud", "")) is not str
    ):
        _check_each_type(claims)


def _check_each_type(claims: Mapping[str, Any]) -> None:
    for name in _NUMERIC_CLAIMS:
        value = claims.get(name, _MISSING)
        if value is _MISSING:
            continue
        kind = type(value)
        if kind is not int and not (kind is float and math.isfinite(value)):
            raise InvalidClaimError(f"the {name!r} claim must be a number", claim=name)
    for name in _STRING_CLAIMS:
        value = claims.get(name, _MISSING)
        if value is not _MISSING and type(value) is not str:
            raise InvalidClaimError(f"the {name!r} claim must be a string", claim=name)
    aud = claims.get("aud", _MISSING)
    if aud is _MISSING or type(aud) is str:
        return
    if type(aud) is not list or not all(type(item) is str for item in aud):
        raise InvalidClaimError(
            "the 'aud' claim must be a string or a list of strings", claim="aud"
        )


def _equal(value: Any, expected: Any) -> bool:
    # True == 1 in Python; a JSON true must not satisfy an expected 1, nor the reverse.
    if type(value) is bool or type(expected) is bool:
        return value is expected
    return bool(value == expected)


def run_checks(claims: Mapping[str, Any], checks: tuple[tuple[str, Any, bool], ...]) -> None:
    """Run the caller's custom checks: each claim must equal a value or satisfy a predicate.

    A predicate that raises is a failed check: it sees untrusted values of any JSON type.

    Raises:
        MissingClaimError: a checked claim is absent.
        InvalidClaimError: a value differs or a predicate returns false (or raises).
    """
    for name, expected, is_predicate in checks:
        value = claims.get(name, _MISSING)
        if value is _MISSING:
            raise MissingClaimError(f"the {name!r} claim is required", claim=name)
        if is_predicate:
            try:
                accepted = bool(expected(value))
            except Exception as exc:
                raise InvalidClaimError(f"the check of {name!r} failed", claim=name) from exc
        else:
            accepted = _equal(value, expected)
        if not accepted:
            raise InvalidClaimError(f"the {name!r} claim is not the expected value", claim=name)


# ``datetime`` is imported only where a value is not a plain number: it costs about 1 ms
# of ``import jotkit``, and a datetime object cannot exist before its module is loaded.
if TYPE_CHECKING:
    from datetime import datetime, timedelta

    #: What ``now=`` accepts: a NumericDate, an aware ``datetime``, or a callable giving either.
    Now: TypeAlias = int | float | datetime | Callable[[], int | float | datetime]


def __getattr__(name: str) -> Any:
    # ``Now`` at run time (typing.get_args and the like): built on first access.
    if name == "Now":
        from datetime import datetime

        return int | float | datetime | Callable[[], int | float | datetime]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _timestamp(value: datetime, name: str) -> float:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name}: a naive datetime is ambiguous; pass an aware one (UTC)")
    return value.timestamp()


def from_datetime(value: datetime, name: str) -> int:
    """Return the NumericDate of an aware ``datetime``, in whole seconds (rounded down).

    Whole seconds are what other implementations issue and expect (PyJWT, panva/jose).

    Raises:
        ValueError: ``value`` is naive.
    """
    return math.floor(_timestamp(value, name))


def number(value: object, name: str) -> float:
    """Normalise a time: a NumericDate (int or float, not bool) or an aware ``datetime``.

    Raises:
        TypeError: not a number or a datetime.
        ValueError: a naive datetime, or a number that is not finite.
    """
    kind = type(value)
    if kind is not int and kind is not float:
        from datetime import datetime

        if isinstance(value, datetime):
            return _timestamp(value, name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number or an aware datetime")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite")
    return float(value)


def seconds(value: float | timedelta, name: str) -> float:
    """Normalise a duration (``leeway``, ``max_age``): seconds or a ``timedelta``, >= 0.

    Raises:
        TypeError: not a number or a timedelta.
        ValueError: negative or not finite.
    """
    if _is_timedelta(value):
        result = value.total_seconds()
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds or a timedelta")
    else:
        result = float(value)
    if not math.isfinite(result) or result < 0:
        raise ValueError(f"{name} must be a finite, non-negative duration")
    return result


def _is_timedelta(value: object) -> TypeGuard[timedelta]:
    kind = type(value)
    if kind is int or kind is float:  # the usual case, without loading datetime
        return False
    from datetime import timedelta

    return isinstance(value, timedelta)


def make_clock(now: Now | None) -> float | Callable[[], float] | None:
    """Normalise ``now=``: None (read the clock per token), a fixed time, or a callable.

    Raises:
        TypeError, ValueError: ``now`` is not a number, an aware datetime or a callable.
    """
    if now is None:
        return None
    if callable(now):
        source = now

        def clock() -> float:
            return number(source(), "now()")

        return clock
    return number(now, "now")
