"""A bounded LRU cache of verified tokens for :class:`~jotkit.jwt.Verifier`.

Only tokens that passed every check are stored, keyed by the whole token string, so a
hit means "these exact bytes verified before". A hit still re-runs the time checks and
the caller's own checks (a cached token must expire on time), and hands out a copy: a
caller that mutates its result must not change what the next caller sees (cache
poisoning).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

from .._json import copy_json, is_flat
from ..jwk import Key

__all__ = ["Entry", "TokenCache"]


class Entry(NamedTuple):
    """One verified token: its header, claims and the key that verified it."""

    header: dict[str, Any]
    claims: dict[str, Any]
    key: Key
    flat: bool  # no container values: a shallow copy of the claims is a deep one


class TokenCache:
    """A thread-safe LRU map of token text to :class:`Entry`, at most ``size`` entries."""

    __slots__ = ("_entries", "_lock", "_size")

    def __init__(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError("cache must be a positive number of tokens (or 0/None for none)")
        self._size = size
        import threading  # deferred: ~0.6 ms of import time, and only caches need it

        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The maximum number of tokens kept."""
        return self._size

    def get(self, token: str) -> Entry | None:
        """Return the entry for ``token`` and mark it recently used, or None."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is not None:
                self._entries.move_to_end(token)
            return entry

    def put(self, token: str, header: dict[str, Any], claims: dict[str, Any], key: Key) -> None:
        """Store a verified token, evicting the least recently used beyond the bound."""
        entry = Entry(copy_json(header), copy_json(claims), key, is_flat(claims))
        with self._lock:
            self._entries[token] = entry
            self._entries.move_to_end(token)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._entries.clear()
