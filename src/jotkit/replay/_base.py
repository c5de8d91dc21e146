"""The replay-store protocol and the one helper every verifier uses on it.

RFC 9449 section 11.1 (DPoP proof replay), RFC 7523 section 3 (client assertion ``jti``),
RFC 7519 section 4.1.7. The protocol is one atomic question, "store this key for ``ttl``
seconds, and tell me whether it was new", so that a check and its record can never be
split by another instance (check-then-set races accept a value twice).

``ttl`` is relative, not an absolute expiry: instances and the Redis server do not share
a clock, and a verifier checking a token against a fixed ``now=`` (tests, RFC examples)
must still get a real window in the store.
"""

from __future__ import annotations

import hashlib
import math
from typing import Protocol, runtime_checkable

from ..errors import ReplayError

__all__ = ["MIN_TTL", "ReplayStore", "consume", "consume_async", "digest", "store_key", "window"]

#: The shortest time a value is remembered, in seconds: a window computed to be almost
#: over (a token about to expire) is still recorded, never skipped.
MIN_TTL = 1.0


@runtime_checkable
class ReplayStore(Protocol):
    """Where one-time values are remembered: a sync and an awaitable face."""

    def check_and_store(self, key: str, ttl: float) -> bool:
        """Record ``key`` for ``ttl`` seconds; True when it was not already recorded.

        Raises:
            ReplayStoreUnavailableError: the store cannot answer (never "new" then).
        """
        ...

    async def check_and_store_async(self, key: str, ttl: float) -> bool:
        """:meth:`check_and_store` without blocking an event loop."""
        ...


def store_key(namespace: str, *parts: str) -> str:
    """The store key for a one-time value: the namespace and length-prefixed parts.

    The length prefixes keep ``("a:b", "c")`` and ``("a", "b:c")`` apart, so that one
    kind of token never collides with another. Stores hash what they are given
    (:func:`digest`), so a long part costs a hash, not memory.
    """
    # Concatenation in a plain loop: faster than a join of a list, a generator or a
    # comprehension for the two or three parts of a key, and this runs once per token.
    key = namespace
    for part in parts:
        key += f":{len(part)}.{part}"
    return key


def digest(key: str) -> str:
    """SHA-256 of a store key, hex: what a store keeps, whatever the key's length."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def window(ttl: float) -> float:
    """Normalise a ttl: finite, at least :data:`MIN_TTL` seconds.

    Raises:
        ValueError: ``ttl`` is not a finite number.
    """
    if type(ttl) is float and MIN_TTL <= ttl < math.inf:  # the usual case, once per token
        return ttl
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not math.isfinite(ttl):
        raise ValueError("ttl must be a finite number of seconds")
    return max(float(ttl), MIN_TTL)


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key:
        raise TypeError("a replay store key must be a non-empty str (see store_key)")
    return key


def consume(store: ReplayStore, key: str, ttl: float, *, claim: str = "jti") -> None:
    """Record a one-time value in ``store``; raise when it was already used.

    Raises:
        ReplayError: the value was seen before, within its window.
        ReplayStoreUnavailableError: the store cannot answer.
    """
    if not store.check_and_store(_check_key(key), window(ttl)):
        raise ReplayError("the token was already used", claim=claim)


async def consume_async(store: ReplayStore, key: str, ttl: float, *, claim: str = "jti") -> None:
    """:func:`consume` through the store's awaitable face.

    Raises:
        ReplayError, ReplayStoreUnavailableError: as :func:`consume`.
    """
    if not await store.check_and_store_async(_check_key(key), window(ttl)):
        raise ReplayError("the token was already used", claim=claim)
