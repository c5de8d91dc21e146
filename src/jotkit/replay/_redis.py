"""Replay stores on Redis, shared by every instance of an application (RFC 9449 11.1).

One round trip per check: ``SET <prefix><sha256(key)> 1 NX PX <ttl ms>``. Redis runs it
atomically, so of any number of instances racing on one value exactly one is told
"new"; the expiry rides on the same command, so a value can never be stored without
one. Keys are hashed (a huge ``jti`` costs 64 hex characters) and prefixed (one Redis
can serve several applications or environments).

Fail closed: any error talking to Redis (refused connection, timeout, a read-only
replica, out of memory) raises :class:`~jotkit.errors.ReplayStoreUnavailableError`,
never "new". A reply lost after the server stored the value makes a retry see it as
used: a legitimate request refused, never a replay accepted.

The sync and async stores share the command and the reading of its reply; only the
call differs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .._extras import missing_extra
from ..errors import ReplayStoreUnavailableError
from ._base import digest, window

try:
    import redis
    import redis.asyncio
    from redis.backoff import NoBackoff
    from redis.exceptions import RedisError
except ImportError as exc:  # pragma: no cover - tested in a subprocess (tests/test_extras.py)
    raise missing_extra("the Redis replay store", "redis", exc) from exc

if TYPE_CHECKING:
    from collections.abc import Awaitable

__all__ = ["DEFAULT_PREFIX", "AsyncRedisReplayStore", "RedisReplayStore"]

#: The key prefix unless told otherwise.
DEFAULT_PREFIX = "jotkit:replay:"

# Errors meaning "Redis did not answer the question": every one fails closed. OSError
# covers a socket error that a client version lets through unwrapped.
_UNAVAILABLE = (RedisError, OSError)


def _prefix(prefix: object) -> str:
    if not isinstance(prefix, str):
        raise TypeError("prefix must be a str")
    return prefix


def _command(prefix: str, key: str, ttl: float) -> tuple[str, int]:
    """The Redis key and the expiry in milliseconds for one check."""
    if not isinstance(key, str):
        raise TypeError("a replay store key must be a str")
    return prefix + digest(key), max(1, round(window(ttl) * 1000))


def _answer(reply: object) -> bool:
    """``SET NX`` replies True (or OK) when it stored the key, None when it existed."""
    return reply is True or reply == b"OK" or reply == "OK"


def _unavailable() -> ReplayStoreUnavailableError:
    # The Redis error text may name hosts and ports: not for a client's eyes.
    return ReplayStoreUnavailableError("the Redis replay store did not answer")


class RedisReplayStore:
    """A replay store on Redis through redis-py's blocking client.

    Args:
        client: the application's ``redis.Redis`` (its pool, TLS and auth settings are
            used as they are).
        url: instead of ``client``, a Redis URL (``redis://host:6379/0``,
            ``rediss://...``); the client is then built with ``timeout`` and one retry.
        prefix: prepended to every key.
        timeout: socket timeouts (seconds) of a client built from ``url``.

    Raises:
        TypeError, ValueError: neither or both of ``client`` and ``url``, or wrong types.
    """

    __slots__ = ("_client", "_prefix")

    def __init__(
        self,
        client: redis.Redis | None = None,
        *,
        url: str | None = None,
        prefix: str = DEFAULT_PREFIX,
        timeout: float = 1.0,
    ) -> None:
        if (client is None) == (url is None):
            raise ValueError("pass a redis.Redis client or a url, not both")
        if client is None:
            client = redis.Redis.from_url(str(url), **_url_options(timeout, redis.retry))
        elif not isinstance(client, redis.Redis):
            raise TypeError("client must be a redis.Redis (AsyncRedisReplayStore for asyncio)")
        self._client = client
        self._prefix = _prefix(prefix)

    def __repr__(self) -> str:
        return f"RedisReplayStore(prefix={self._prefix!r})"

    @property
    def client(self) -> redis.Redis:
        """The redis-py client in use."""
        return self._client

    def check_and_store(self, key: str, ttl: float) -> bool:
        """Record ``key`` for ``ttl`` seconds with one ``SET NX PX``; True when new.

        Raises:
            ReplayStoreUnavailableError: Redis did not answer (fail closed).
        """
        name, ms = _command(self._prefix, key, ttl)
        try:
            reply = self._client.set(name, b"1", nx=True, px=ms)
        except _UNAVAILABLE:
            raise _unavailable() from None
        return _answer(reply)

    async def check_and_store_async(self, key: str, ttl: float) -> bool:
        """:meth:`check_and_store` in a worker thread, so an event loop keeps running.

        Raises:
            ReplayStoreUnavailableError: Redis did not answer (fail closed).
        """
        return await asyncio.to_thread(self.check_and_store, key, ttl)

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()


class AsyncRedisReplayStore:
    """A replay store on Redis through redis-py's asyncio client.

    Args:
        client: the application's ``redis.asyncio.Redis``.
        url: instead of ``client``, a Redis URL; the client is built with ``timeout``.
        prefix: prepended to every key.
        timeout: socket timeouts (seconds) of a client built from ``url``.

    Raises:
        TypeError, ValueError: neither or both of ``client`` and ``url``, or wrong types.
    """

    __slots__ = ("_client", "_prefix")

    def __init__(
        self,
        client: redis.asyncio.Redis | None = None,
        *,
        url: str | None = None,
        prefix: str = DEFAULT_PREFIX,
        timeout: float = 1.0,
    ) -> None:
        if (client is None) == (url is None):
            raise ValueError("pass a redis.asyncio.Redis client or a url, not both")
        if client is None:
            client = redis.asyncio.Redis.from_url(
                str(url), **_url_options(timeout, redis.asyncio.retry)
            )
        elif not isinstance(client, redis.asyncio.Redis):
            raise TypeError("client must be a redis.asyncio.Redis (RedisReplayStore for sync)")
        self._client = client
        self._prefix = _prefix(prefix)

    def __repr__(self) -> str:
        return f"AsyncRedisReplayStore(prefix={self._prefix!r})"

    @property
    def client(self) -> redis.asyncio.Redis:
        """The redis-py asyncio client in use."""
        return self._client

    def check_and_store(self, key: str, ttl: float) -> bool:
        """Not available: an asyncio client cannot answer synchronously.

        Raises:
            TypeError: always; use the verifier's async method (``verify_async``).
        """
        raise TypeError(
            "AsyncRedisReplayStore answers only awaitable checks: call verify_async, "
            "or use RedisReplayStore in synchronous code"
        )

    async def check_and_store_async(self, key: str, ttl: float) -> bool:
        """Record ``key`` for ``ttl`` seconds with one ``SET NX PX``; True when new.

        Raises:
            ReplayStoreUnavailableError: Redis did not answer (fail closed).
        """
        name, ms = _command(self._prefix, key, ttl)
        try:
            reply = await self._set(name, ms)
        except _UNAVAILABLE:
            raise _unavailable() from None
        return _answer(reply)

    def _set(self, name: str, ms: int) -> Awaitable[Any]:
        return self._client.set(name, b"1", nx=True, px=ms)

    async def aclose(self) -> None:
        """Close the client's connections."""
        await self._client.aclose()


def _url_options(timeout: float, retry_module: Any) -> dict[str, Any]:
    """Client options for a store built from a URL: bounded waits, one quick retry.

    redis-py's default retries back off for seconds; a request waiting on the replay
    store should be refused quickly instead.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds")
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": retry_module.Retry(NoBackoff(), 1),
    }
