"""One-time-use stores: remember a ``jti`` (a DPoP proof, a client assertion) until it
expires, so that a second use is refused (RFC 7519 section 4.1.7, RFC 9449 section 11.1,
RFC 7523 section 3).

A store has one operation, :meth:`ReplayStore.check_and_store`: "record this value for
``ttl`` seconds; was it new?", atomic, with an awaitable twin. Verifiers build the store
key themselves (a namespace and the token's identifiers); stores hash it, so a huge
``jti`` costs the same as a short one. A store that cannot answer raises
:class:`~jotkit.errors.ReplayStoreUnavailableError`: one-time tokens fail closed.

- :class:`MemoryReplayStore`: one process, bounded, thread-safe.
- :class:`RedisReplayStore` / :class:`AsyncRedisReplayStore`: shared by every instance
  of an application (extra ``redis``); loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._base import ReplayStore, consume, consume_async, store_key
from ._memory import AsyncMemoryReplayStore, MemoryReplayStore

if TYPE_CHECKING:
    from ._redis import AsyncRedisReplayStore, RedisReplayStore

__all__ = [
    "AsyncMemoryReplayStore",
    "AsyncRedisReplayStore",
    "MemoryReplayStore",
    "RedisReplayStore",
    "ReplayStore",
    "consume",
    "consume_async",
    "store_key",
]

_LAZY = frozenset({"AsyncRedisReplayStore", "RedisReplayStore"})


def __getattr__(name: str) -> Any:
    # redis-py is imported only when a Redis store is asked for.
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("._redis", __name__), name)
    globals()[name] = value
    return value
