"""The remote key set's logic without I/O: when to fetch, what to keep, what to serve.

Sans-I/O in the h11 / httpx manner: :class:`KeySetState` is plain code that is told the
time and the outcome of each fetch, and answers what a caller must do next (use the
keys, fetch, wait for the fetch in flight, or give up). The sync face
(:class:`~jotkit.remote.RemoteKeySet`, threads) and the async face
(:class:`~jotkit.remote.AsyncRemoteKeySet`, asyncio) only perform the fetches and the
waiting; every decision is made here, once, for both. The faces serialise calls into
this object (a lock, or the event loop); :attr:`KeySetState.hot` is the one value read
without it, a tuple replaced whole.

Rules (DESIGN section 3.9):

- a fetched set is *fresh* for its lifetime (``cache_max_age``, or the provider's
  ``Cache-Control: max-age`` bounded to [:data:`MIN_MAX_AGE`, :data:`MAX_MAX_AGE`]), and
  refreshed ahead of expiry in its last tenth, while callers keep using it;
- one fetch in flight at a time; a fetch in flight longer than ``abandon_after`` is
  given up (a fresh one may start) and its late answer is ignored, as is any answer
  older than the one applied: a slower, older response never replaces a newer one;
- after any fetch starts, no new one starts within ``cooldown`` unless forced, so a
  flood of unknown ``kid`` values, or a failing provider, cannot make the server hammer
  the provider;
- a failed refresh keeps the last good set up to ``stale_if_error`` past its lifetime.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable

from .._frozen import Frozen
from ..jwk import KeySet

__all__ = ["MAX_MAX_AGE", "MIN_MAX_AGE", "Action", "Entry", "KeySetState", "Plan"]

#: The bounds a provider's ``Cache-Control: max-age`` is held to (seconds): a provider
#: that says ``max-age=0`` must not make every token a fetch, nor one that says a year
#: keep a revoked key for a year.
MIN_MAX_AGE = 60.0
MAX_MAX_AGE = 86400.0


class Action(enum.Enum):
    """What a caller of :meth:`KeySetState.plan` does next."""

    USE = "use"  #: use :attr:`KeySetState.entry` (fresh, or stale within bounds)
    USE_AND_REFRESH = "use_and_refresh"  #: use it, and fetch ticket in the background
    FETCH = "fetch"  #: fetch (the ticket), then plan again
    WAIT = "wait"  #: wait for the fetch in flight (the ticket), then plan again
    UNAVAILABLE = "unavailable"  #: nothing usable: refuse the token


class Plan(Frozen):
    """An :class:`Action` and the fetch ticket it concerns (0 for none)."""

    action: Action
    ticket: int
    __slots__ = ("action", "ticket")


class Entry(Frozen):
    """A key set as fetched, with the times that govern its use (NumericDates)."""

    keys: KeySet
    fetched_at: float
    refresh_at: float
    fresh_until: float
    stale_until: float
    __slots__ = ("fetched_at", "fresh_until", "keys", "refresh_at", "stale_until")


def lifetime(cache_max_age: float, max_age: float | None) -> float:
    """How long a fetched set stays fresh: the provider's ``max_age`` within bounds, or
    the configured ``cache_max_age``."""
    if max_age is None:
        return cache_max_age
    return min(max(max_age, MIN_MAX_AGE), MAX_MAX_AGE)


class KeySetState:
    """The decisions of one remote key set; see the module docstring for the rules.

    Args:
        cache_max_age: seconds a fetched set is fresh when the provider says nothing.
        cooldown: seconds between the start of one fetch and the next (unless forced).
        stale_if_error: seconds past its lifetime a set is still used while refreshes fail.
        abandon_after: seconds after which a fetch in flight is presumed lost.
        clock: the time source (NumericDates); ``jotkit._time.now`` in production.
    """

    def __init__(
        self,
        *,
        cache_max_age: float,
        cooldown: float,
        stale_if_error: float,
        abandon_after: float,
        clock: Callable[[], float],
    ) -> None:
        for name, value in (
            ("cache_max_age", cache_max_age),
            ("cooldown", cooldown),
            ("stale_if_error", stale_if_error),
            ("abandon_after", abandon_after),
        ):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"{name} must be a number of seconds")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number of seconds, 0 or more")
        if cache_max_age <= 0:
            raise ValueError("cache_max_age must be more than 0 seconds")
        self.cache_max_age = float(cache_max_age)
        self.cooldown = float(cooldown)
        self.stale_if_error = float(stale_if_error)
        self.abandon_after = float(abandon_after)
        self.clock = clock
        #: The set in use, or None before the first good fetch.
        self.entry: Entry | None = None
        #: (keys, refresh_at) of :attr:`entry`: what the lock-free hot path reads.
        self.hot: tuple[KeySet, float] | None = None
        #: Why the last fetch failed (None after a success).
        self.last_error: str | None = None
        self._tickets = 0
        self._applied = 0
        self._in_flight = 0
        self._in_flight_since = -math.inf
        self._last_start = -math.inf

    @property
    def in_flight(self) -> int:
        """The ticket of the fetch in flight, or 0."""
        return self._in_flight

    def plan(self, now: float, *, refetch: bool = False, force: bool = False) -> Plan:
        """What to do to get keys at ``now``.

        Args:
            refetch: the caller's key (a ``kid``) is not in the current set: fetch again
                unless a fetch started within ``cooldown``.
            force: fetch even within ``cooldown`` (:meth:`RemoteKeySet.refresh`); still
                one fetch in flight at a time.
        """
        entry = self.entry
        fresh = entry is not None and now < entry.fresh_until
        if self._in_flight and now - self._in_flight_since > self.abandon_after:
            # Lost: its answer, if it ever comes, is ignored (it is older than the next).
            self._applied = max(self._applied, self._in_flight)
            self._in_flight = 0
            self.last_error = "the fetch in flight was given up (no answer in time)"
        if self._in_flight:
            if fresh and not refetch and not force:
                return Plan(Action.USE, 0)
            return Plan(Action.WAIT, self._in_flight)
        may_start = force or now - self._last_start >= self.cooldown
        if fresh:
            assert entry is not None
            if (refetch or force) and may_start:
                return self._start(now, Action.FETCH)
            if now >= entry.refresh_at and may_start:
                return self._start(now, Action.USE_AND_REFRESH)
            return Plan(Action.USE, 0)
        if may_start:
            return self._start(now, Action.FETCH)
        if entry is not None and now < entry.stale_until:
            return Plan(Action.USE, 0)
        return Plan(Action.UNAVAILABLE, 0)

    def _start(self, now: float, action: Action) -> Plan:
        self._tickets += 1
        self._in_flight = self._tickets
        self._in_flight_since = now
        self._last_start = now
        return Plan(action, self._tickets)

    def succeeded(self, ticket: int, keys: KeySet, *, max_age: float | None = None) -> bool:
        """Apply the set fetched under ``ticket``; False when a newer one is already in use.

        Args:
            max_age: the provider's ``Cache-Control: max-age`` (seconds), if it sent one.
        """
        self._finish(ticket)
        if ticket <= self._applied:
            return False
        self._applied = ticket
        self.last_error = None
        self.adopt(keys, self.clock(), lifetime(self.cache_max_age, max_age))
        return True

    def adopt(self, keys: KeySet, fetched_at: float, fresh_for: float) -> None:
        """Use ``keys``, fetched at ``fetched_at`` and fresh for ``fresh_for`` seconds
        (a fetch, or a saved snapshot)."""
        fresh_until = fetched_at + fresh_for
        refresh_at = fresh_until - fresh_for / 10
        self.entry = Entry(
            keys, fetched_at, refresh_at, fresh_until, fresh_until + self.stale_if_error
        )
        self.hot = (keys, refresh_at)

    def failed(self, ticket: int, reason: str) -> None:
        """Record that the fetch under ``ticket`` failed; the current set is kept."""
        self._finish(ticket)
        if ticket > self._applied:
            self.last_error = reason

    def _finish(self, ticket: int) -> None:
        if ticket == self._in_flight:
            self._in_flight = 0

    def unavailable_reason(self) -> str:
        """Why no keys can be used now, for the error message."""
        if self.entry is None:
            reason = self.last_error or "not fetched yet"
            return f"no key set could be fetched ({reason})"
        return f"the last good key set is too old to use ({self.last_error or 'expired'})"
