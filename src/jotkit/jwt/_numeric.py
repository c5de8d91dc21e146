"""NumericDate values (RFC 7519 section 2) and the time arguments of the claim policy.

A NumericDate is seconds since the epoch, an int or a float. Naive ``datetime`` values are
refused: whether one means UTC or local time is a guess, and a wrong guess shifts every
expiry by hours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeGuard

__all__ = ["Now", "from_datetime", "make_clock", "number", "seconds"]

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
