"""``MemoryReplayStore``: one-time values remembered in this process (RFC 9449 11.1).

Bounded and fail-closed. When the store is full of values that have not expired yet it
refuses new ones (:class:`~jotkit.errors.ReplayStoreUnavailableError`) rather than evict
one: an evicted value could be replayed at once, and "evict the oldest" is exactly what
an attacker who can mint valid one-time tokens (anyone can sign a DPoP proof with a key
of their own) would use to push out a victim's. Size ``max_entries`` for the peak rate
times the window (for DPoP: requests per second times ``max_age`` plus leeway), and
verify the access token before the proof so that only holders of valid tokens spend it.

Expired values are purged from a heap ordered by expiry, amortised O(log n) per insert.
One lock guards the map and the heap; the critical section does no I/O.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable

from .. import _time
from ..errors import ReplayStoreUnavailableError
from ._base import digest, window

__all__ = ["DEFAULT_MAX_ENTRIES", "AsyncMemoryReplayStore", "MemoryReplayStore"]

#: Values kept at most by default (about 20 MB at the worst).
DEFAULT_MAX_ENTRIES = 100_000


class MemoryReplayStore:
    """A bounded, thread-safe, in-process replay store (both faces: sync and awaitable).

    Only for a single process: a value recorded here is unknown to any other instance of
    the application (use :class:`~jotkit.replay.RedisReplayStore` for several).

    Args:
        max_entries: the most unexpired values kept; beyond it, new values are refused.
        clock: the time source (seconds), injectable for tests; the system clock by
            default.

    Raises:
        ValueError: ``max_entries`` below 1.
    """

    __slots__ = ("_clock", "_entries", "_expiries", "_lock", "_max")

    def __init__(
        self, *, max_entries: int = DEFAULT_MAX_ENTRIES, clock: Callable[[], float] | None = None
    ) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError("max_entries must be a positive int")
        self._max = max_entries
        self._clock = _time.now if clock is None else clock
        self._entries: dict[str, float] = {}
        self._expiries: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._purge(self._clock())
            return len(self._entries)

    def __repr__(self) -> str:
        return f"MemoryReplayStore(max_entries={self._max})"

    @property
    def max_entries(self) -> int:
        """The most unexpired values kept."""
        return self._max

    def check_and_store(self, key: str, ttl: float) -> bool:
        """Record ``key`` for ``ttl`` seconds; True when it was new.

        Raises:
            ReplayStoreUnavailableError: full of unexpired values (fail closed).
            ValueError: ``ttl`` is not a finite number.
        """
        ttl = window(ttl)
        hashed = digest(key)
        with self._lock:
            now = self._clock()
            expiry = self._entries.get(hashed)
            if expiry is not None and expiry > now:
                return False
            self._purge(now)
            if len(self._entries) >= self._max:
                raise ReplayStoreUnavailableError(
                    "the replay store is full of unexpired values; refusing rather than "
                    "forgetting one"
                )
            expires = now + ttl
            self._entries[hashed] = expires
            heapq.heappush(self._expiries, (expires, hashed))
            return True

    async def check_and_store_async(self, key: str, ttl: float) -> bool:
        """:meth:`check_and_store`: no I/O, so it never blocks an event loop for long."""
        return self.check_and_store(key, ttl)

    def clear(self) -> None:
        """Forget every value (tests; a deliberate reset)."""
        with self._lock:
            self._entries.clear()
            self._expiries.clear()

    def _purge(self, now: float) -> None:
        """Drop the values whose window is over (the lock is held)."""
        expiries, entries = self._expiries, self._entries
        while expiries and expiries[0][0] <= now:
            expires, hashed = heapq.heappop(expiries)
            # A key stored again after its expiry has a later entry: keep that one.
            if entries.get(hashed) == expires:
                del entries[hashed]


class AsyncMemoryReplayStore(MemoryReplayStore):
    """The memory store under the name async code looks for: it has both faces already.

    Its awaitable face takes a thread lock held for a dict update, never across an
    ``await``, so it cannot stall an event loop.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"AsyncMemoryReplayStore(max_entries={self._max})"
