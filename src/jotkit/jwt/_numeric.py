"""NumericDate values (RFC 7519 section 2) and the time arguments of the claim policy.

A NumericDate is seconds since the epoch, an int or a float. Naive ``datetime`` values are
refused: whether one means UTC or local time is a guess, and a wrong guess shifts every
expiry by hours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeAlias

__all__ = ["Now", "from_datetime", "make_clock", "seconds"]

#: What ``now=`` accepts: a NumericDate, an aware ``datetime``, or a callable giving either.
Now: TypeAlias = int | float | datetime | Callable[[], int | float | datetime]


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


def _number(value: object, name: str) -> float:
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
    if isinstance(value, timedelta):
        result = value.total_seconds()
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds or a timedelta")
    else:
        result = float(value)
    if not math.isfinite(result) or result < 0:
        raise ValueError(f"{name} must be a finite, non-negative duration")
    return result


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
            return _number(source(), "now()")

        return clock
    return _number(now, "now")
