"""One remote key set per (class, URL, options) in a process: ``RemoteKeySet.shared``.

Many verifiers (one per route, per tenant, per framework integration) that name the same
``jwks_uri`` then share one cache and one request per refresh, instead of each fetching
on its own. Entries are never evicted: a process names a handful of providers.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._base import RemoteBase

__all__ = ["clear", "shared"]

_T = TypeVar("_T", bound="RemoteBase")
_sets: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def _option_key(value: Any) -> Any:
    """A hashable stand-in for an option value: a client (or clock) by identity."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _option_key(v)) for k, v in value.items()))
    if isinstance(value, bool | int | float | str | type(None)):
        return value
    return ("id", id(value))


def shared(cls: type[_T], url: str, options: Mapping[str, Any]) -> _T:
    """The instance of ``cls`` for ``url`` and ``options``, made on first use."""
    if "snapshot" in options:
        raise TypeError("a shared set starts from its first user's fetch; pass no snapshot")
    key = (cls, url, _option_key(options))
    with _lock:
        entry = _sets.get(key)
        if entry is None:
            made = cls(url, **options)
            _sets[key] = (made, dict(options))  # options kept: their ids stay valid
            return made
        return entry[0]  # type: ignore[no-any-return]


def clear() -> None:
    """Forget every shared set (tests)."""
    with _lock:
        _sets.clear()
