"""``LRU``: a small bounded map that evicts what was least recently used.

The one cache type of the package: under the caches of parsed JWS headers (RFC 7515
section 4), parsed and encoded JWE headers (RFC 7516 section 4), encoded JWT headers,
one-shot JWT verifiers and verified tokens (RFC 7519 section 7).

The caches built on it hold only the results of work that succeeded and that depends on
nothing but the cache key, and each has a fixed bound, so input an attacker controls
(a header segment) can at worst churn it.

Recency is kept the "second chance" way (the CLOCK approximation of LRU): a look-up
marks its entry as used; when room is needed, the oldest entry is evicted unless it was
used since it last came round, in which case it loses the mark and goes to the back of
the queue. An entry looked up between two evictions therefore always survives the next,
and a cache churned by new keys keeps the ones still in use.

Why this way: ``get`` runs on every token, and this way it takes no lock. It is one
``dict.get`` and one store into the entry, both atomic without the GIL (the free-threaded
build documents ``dict.get`` as lock-free and atomic, and a list item store as safe), so
a look-up costs a third of a locked one. Everything that changes the map or its queue
(``put``, ``clear``) holds one lock for its whole length, so the bound holds however
threads interleave, and the queue holds exactly the map's keys. A look-up racing an
eviction sees the entry or a miss, never half of one. Two threads missing the same key at
once both compute the value and the second ``put`` wins, which is harmless for values
that depend only on the key.
"""

from __future__ import annotations

# The lock type behind threading.Lock, from the built-in module that threading itself
# wraps: always loaded, so the lock adds nothing to `import jotkit` (threading would).
from _thread import allocate_lock
from collections import deque
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

__all__ = ["LRU"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")

# An entry is [value, used since it last came round the queue].
_VALUE, _USED = 0, 1


class LRU(Generic[_K, _V]):
    """A map of at most ``size`` entries; ``get`` marks an entry used, ``put`` evicts.

    Safe to share between threads; ``get`` takes no lock. ``None`` is not a storable
    value (``get`` returns it for "absent").
    """

    __slots__ = ("_entries", "_lock", "_queue", "_size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU holds at least one entry")
        self._entries: dict[_K, list[Any]] = {}
        self._queue: deque[_K] = deque()  # the map's keys, oldest first; under the lock
        self._lock = allocate_lock()
        self._size = size

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The most entries kept."""
        return self._size

    def get(self, key: _K) -> _V | None:
        """Return the value for ``key`` and mark it used, or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        entry[_USED] = True
        value: _V = entry[_VALUE]
        return value

    # acquire/try/finally/release rather than `with`: the context-manager protocol costs
    # more than the rest of a store.
    def put(self, key: _K, value: _V) -> None:
        """Store ``value`` under ``key``, evicting beyond the bound (see the module)."""
        if value is None:
            raise ValueError("an LRU cannot store None (get returns it for a miss)")
        lock = self._lock
        lock.acquire()
        try:
            entries = self._entries
            if key in entries:
                entries[key] = [value, True]  # a replacement counts as a use
                return
            queue = self._queue
            while len(entries) >= self._size:
                oldest = queue.popleft()
                entry = entries[oldest]
                if entry[_USED]:
                    entry[_USED] = False
                    queue.append(oldest)
                else:
                    del entries[oldest]
            entries[key] = [value, False]
            queue.append(key)
        finally:  # an unhashable key, or a key whose __eq__ raises, must not keep the lock
            lock.release()

    def clear(self) -> None:
        """Forget every entry."""
        lock = self._lock
        lock.acquire()
        try:
            self._entries.clear()
            self._queue.clear()
        finally:
            lock.release()
