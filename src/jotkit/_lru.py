"""``LRU``: a small bounded map, least recently used entry evicted first.

Under the caches of parsed JWS headers (RFC 7515 section 4), encoded JWT headers and
one-shot JWT verifiers (RFC 7519 section 7).

The caches built on it hold only the results of work that succeeded and that depends on
nothing but the cache key, and each has a fixed bound, so input an attacker controls
(a header segment) can at worst churn it.

It takes no lock: every operation is one call on an ``OrderedDict`` whose keys hash and
compare in C (strings and tuples of built-in values), which the interpreter runs
atomically. Two threads racing on one key at worst both compute the value, and an entry
evicted between a look-up and its refresh is simply gone.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["LRU"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class LRU(Generic[_K, _V]):
    """A map of at most ``size`` entries; ``get`` refreshes, ``put`` evicts the oldest."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU holds at least one entry")
        self._entries: OrderedDict[_K, _V] = OrderedDict()
        self._size = size

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The most entries kept."""
        return self._size

    def get(self, key: _K) -> _V | None:
        """Return the value for ``key`` and mark it recently used, or None."""
        entries = self._entries
        value = entries.get(key)
        if value is not None:
            # Not contextlib.suppress: it costs more than the look-up, on every hit.
            try:  # noqa: SIM105
                entries.move_to_end(key)
            except KeyError:  # evicted by another thread since the look-up
                pass
        return value

    def put(self, key: _K, value: _V) -> None:
        """Store ``value`` under ``key``, evicting the least recently used beyond the bound."""
        entries = self._entries
        entries[key] = value
        try:
            entries.move_to_end(key)
            while len(entries) > self._size:
                entries.popitem(last=False)
        except KeyError:  # another thread evicted the entry, or emptied the map, meanwhile
            pass

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
