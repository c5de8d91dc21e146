"""``LRU``: a small bounded map, least recently used entry evicted first.

The one cache type of the package: under the caches of parsed JWS headers (RFC 7515
section 4), parsed and encoded JWE headers (RFC 7516 section 4), encoded JWT headers,
one-shot JWT verifiers and verified tokens (RFC 7519 section 7).

The caches built on it hold only the results of work that succeeded and that depends on
nothing but the cache key, and each has a fixed bound, so input an attacker controls
(a header segment) can at worst churn it.

Every operation holds one lock for its whole length, so the map and its recency order
stay consistent without the GIL (free-threaded CPython included): a look-up never sees
an entry half evicted, and the bound holds however threads interleave. Two threads
missing the same key at once both compute the value and the second ``put`` wins, which
is harmless for values that depend only on the key.
"""

from __future__ import annotations

# The lock type behind threading.Lock, from the built-in module that threading itself
# wraps: always loaded, so the lock adds nothing to `import jotkit` (threading would).
from _thread import allocate_lock
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["LRU"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class LRU(Generic[_K, _V]):
    """A map of at most ``size`` entries; ``get`` refreshes, ``put`` evicts the oldest.

    Safe to share between threads. ``None`` is not a storable value (``get`` returns it
    for "absent").
    """

    __slots__ = ("_entries", "_lock", "_size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU holds at least one entry")
        self._entries: OrderedDict[_K, _V] = OrderedDict()
        self._lock = allocate_lock()
        self._size = size

    def __len__(self) -> int:
        lock = self._lock
        lock.acquire()
        try:
            return len(self._entries)
        finally:
            lock.release()

    @property
    def size(self) -> int:
        """The most entries kept."""
        return self._size

    # acquire/try/finally/release rather than `with`: the context-manager protocol costs
    # more than the look-up itself, and `get` runs on every token.
    def get(self, key: _K) -> _V | None:
        """Return the value for ``key`` and mark it recently used, or None."""
        lock = self._lock
        lock.acquire()
        try:
            entries = self._entries
            value = entries.get(key)
            if value is not None:
                entries.move_to_end(key)
        finally:  # an unhashable key, or a key whose __eq__ raises, must not keep the lock
            lock.release()
        return value

    def put(self, key: _K, value: _V) -> None:
        """Store ``value`` under ``key``, evicting the least recently used beyond the bound."""
        if value is None:
            raise ValueError("an LRU cannot store None (get returns it for a miss)")
        lock = self._lock
        lock.acquire()
        try:
            entries = self._entries
            entries[key] = value
            entries.move_to_end(key)
            while len(entries) > self._size:
                entries.popitem(last=False)
        finally:
            lock.release()

    def clear(self) -> None:
        """Forget every entry."""
        lock = self._lock
        lock.acquire()
        try:
            self._entries.clear()
        finally:
            lock.release()
