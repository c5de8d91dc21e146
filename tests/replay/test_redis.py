"""RedisReplayStore and AsyncRedisReplayStore against a real redis-server."""

from __future__ import annotations

import asyncio

import pytest
import redis
import redis.asyncio

from jotkit.errors import ReplayStoreUnavailableError
from jotkit.replay import AsyncRedisReplayStore, RedisReplayStore, ReplayStore
from jotkit.replay._base import digest
from tests._redis_server import RedisServer, free_port


class TestRedisReplayStore:
    """The blocking client."""

    def test_first_use_is_new_second_is_not(self, redis_url: str) -> None:
        """SET NX: new once, then seen."""
        store = RedisReplayStore(url=redis_url)
        assert isinstance(store, ReplayStore)
        assert store.check_and_store("k", 60) is True
        assert store.check_and_store("k", 60) is False
        store.close()

    def test_key_is_prefixed_hashed_and_expires(self, redis_url: str) -> None:
        """One key under the prefix, the SHA-256 of the value, with a TTL set."""
        client = redis.Redis.from_url(redis_url)
        store = RedisReplayStore(client, prefix="app1:")
        huge = "j" * 100_000
        assert store.check_and_store(huge, 30)
        keys = client.keys("*")
        assert keys == [("app1:" + digest(huge)).encode()]
        ttl_ms = client.pttl(keys[0])
        assert 0 < ttl_ms <= 30_000
        client.close()

    def test_prefixes_are_separate_namespaces(self, redis_url: str) -> None:
        """Two applications on one Redis do not see each other's values."""
        a = RedisReplayStore(url=redis_url, prefix="a:")
        b = RedisReplayStore(url=redis_url, prefix="b:")
        assert a.check_and_store("k", 60)
        assert b.check_and_store("k", 60)
        assert not a.check_and_store("k", 60)

    def test_value_expires_in_redis(self, redis_url: str) -> None:
        """After its (minimum, 1 s) window, Redis forgets the value."""
        client = redis.Redis.from_url(redis_url)
        store = RedisReplayStore(client)
        assert store.check_and_store("short", 0)
        key = (store._prefix + digest("short")).encode()
        assert 0 < client.pttl(key) <= 1000
        client.pexpire(key, 1)  # end the window now rather than sleeping through it
        for _ in range(200):
            if not client.exists(key):
                break
            asyncio.run(asyncio.sleep(0.01))
        assert store.check_and_store("short", 60)

    def test_no_server_fails_closed(self) -> None:
        """Nothing listening: ReplayStoreUnavailableError, never 'new'."""
        store = RedisReplayStore(url=f"redis://127.0.0.1:{free_port()}/0", timeout=2)
        with pytest.raises(ReplayStoreUnavailableError) as caught:
            store.check_and_store("k", 60)
        assert "127.0.0.1" not in caught.value.message

    def test_server_stopped_mid_run_fails_closed_then_resumes(
        self, redis_server: RedisServer, redis_url: str
    ) -> None:
        """Stopped: refused; restarted: answers again (and an old value is unknown)."""
        store = RedisReplayStore(url=redis_url)
        assert store.check_and_store("before", 60)
        redis_server.stop()
        try:
            for value in ("during-1", "during-2", "before"):
                with pytest.raises(ReplayStoreUnavailableError):
                    store.check_and_store(value, 60)
        finally:
            redis_server.start()
        assert store.check_and_store("after", 60)
        assert not store.check_and_store("after", 60)

    def test_async_face_runs_in_a_thread(self, redis_url: str) -> None:
        """The sync store's awaitable face answers too."""
        store = RedisReplayStore(url=redis_url)
        assert asyncio.run(store.check_and_store_async("k", 60)) is True
        assert store.check_and_store("k", 60) is False

    def test_arguments(self, redis_url: str) -> None:
        """Exactly one of client and url; the right client type."""
        with pytest.raises(ValueError, match="not both"):
            RedisReplayStore()
        with pytest.raises(ValueError, match="not both"):
            RedisReplayStore(redis.Redis.from_url(redis_url), url=redis_url)
        with pytest.raises(TypeError):
            RedisReplayStore(redis.asyncio.Redis.from_url(redis_url))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="timeout"):
            RedisReplayStore(url=redis_url, timeout=0)


class TestAsyncRedisReplayStore:
    """The asyncio client."""

    def test_first_use_is_new_second_is_not(self, redis_url: str) -> None:
        """SET NX through redis.asyncio."""

        async def run() -> list[bool]:
            store = AsyncRedisReplayStore(url=redis_url)
            answers = [
                await store.check_and_store_async("k", 60),
                await store.check_and_store_async("k", 60),
            ]
            await store.aclose()
            return answers

        assert asyncio.run(run()) == [True, False]

    def test_concurrent_tasks_get_one_acceptance(self, redis_url: str) -> None:
        """Fifty tasks on one value: exactly one is new."""

        async def run() -> list[bool]:
            store = AsyncRedisReplayStore(redis.asyncio.Redis.from_url(redis_url))
            answers = await asyncio.gather(
                *(store.check_and_store_async("same", 60) for _ in range(50))
            )
            await store.aclose()
            return list(answers)

        assert sorted(asyncio.run(run())) == [False] * 49 + [True]

    def test_no_server_fails_closed(self) -> None:
        """Nothing listening: ReplayStoreUnavailableError."""

        async def run() -> None:
            store = AsyncRedisReplayStore(url=f"redis://127.0.0.1:{free_port()}/0", timeout=2)
            try:
                await store.check_and_store_async("k", 60)
            finally:
                await store.aclose()

        with pytest.raises(ReplayStoreUnavailableError):
            asyncio.run(run())

    def test_sync_face_is_refused(self, redis_url: str) -> None:
        """An asyncio client cannot answer a blocking call: a clear TypeError."""
        store = AsyncRedisReplayStore(url=redis_url)
        with pytest.raises(TypeError, match="verify_async"):
            store.check_and_store("k", 60)

    def test_arguments(self, redis_url: str) -> None:
        """Exactly one of client and url; the right client type."""
        with pytest.raises(ValueError, match="not both"):
            AsyncRedisReplayStore()
        with pytest.raises(TypeError):
            AsyncRedisReplayStore(redis.Redis.from_url(redis_url))  # type: ignore[arg-type]
