"""MemoryReplayStore: one answer per value, bounded and fail-closed, expiry, threads."""

from __future__ import annotations

import asyncio
import threading

import pytest

from jotkit.errors import ReplayError, ReplayStoreUnavailableError
from jotkit.replay import (
    AsyncMemoryReplayStore,
    MemoryReplayStore,
    ReplayStore,
    consume,
    consume_async,
    store_key,
)
from jotkit.replay._base import MIN_TTL


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestMemoryReplayStore:
    """The in-process store."""

    def test_first_use_is_new_second_is_not(self) -> None:
        """A value is new once, then seen."""
        store = MemoryReplayStore()
        assert store.check_and_store("k", 60) is True
        assert store.check_and_store("k", 60) is False
        assert store.check_and_store("other", 60) is True

    def test_value_expires_after_its_ttl(self) -> None:
        """After the window the value is forgotten (and purged)."""
        clock = Clock()
        store = MemoryReplayStore(clock=clock)
        assert store.check_and_store("k", 10)
        clock.now += 9.9
        assert not store.check_and_store("k", 10)
        clock.now += 0.2
        assert len(store) == 0
        assert store.check_and_store("k", 10)

    def test_tiny_ttl_is_still_recorded(self) -> None:
        """A ttl of zero or less is raised to the minimum, never skipped."""
        clock = Clock()
        store = MemoryReplayStore(clock=clock)
        assert store.check_and_store("k", -5)
        assert not store.check_and_store("k", 0)
        assert store.check_and_store("f", -0.5)  # a float too
        clock.now += MIN_TTL / 2
        assert not store.check_and_store("f", 0.0)

    def test_full_store_refuses_rather_than_evicting(self) -> None:
        """Full of unexpired values: new ones fail closed; the old ones stay refused."""
        clock = Clock()
        store = MemoryReplayStore(max_entries=2, clock=clock)
        assert store.check_and_store("a", 60)
        assert store.check_and_store("b", 60)
        with pytest.raises(ReplayStoreUnavailableError):
            store.check_and_store("c", 60)
        assert not store.check_and_store("a", 60)
        clock.now += 61
        assert store.check_and_store("c", 60)

    def test_restored_key_keeps_its_later_expiry(self) -> None:
        """A value stored again after expiry is not purged by its old heap entry."""
        clock = Clock()
        store = MemoryReplayStore(clock=clock)
        assert store.check_and_store("k", 5)
        clock.now += 6
        assert store.check_and_store("k", 100)
        clock.now += 6
        assert not store.check_and_store("k", 100)

    def test_huge_key_is_hashed(self) -> None:
        """A megabyte key is kept as its digest."""
        store = MemoryReplayStore()
        key = "x" * 1_000_000
        assert store.check_and_store(key, 60)
        assert not store.check_and_store(key, 60)
        assert all(len(k) == 64 for k in store._entries)

    def test_threads_racing_on_one_key_get_one_acceptance(self) -> None:
        """Fifty threads, one value: exactly one is told it is new."""
        store = MemoryReplayStore()
        barrier = threading.Barrier(50)
        results: list[bool] = []
        lock = threading.Lock()

        def attempt() -> None:
            barrier.wait(timeout=60)
            answer = store.check_and_store("same", 60)
            with lock:
                results.append(answer)

        threads = [threading.Thread(target=attempt) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == [False] * 49 + [True]

    def test_async_face_shares_the_state(self) -> None:
        """The awaitable face answers from the same map; the Async name is the same store."""
        store = AsyncMemoryReplayStore()
        assert isinstance(store, MemoryReplayStore)
        assert asyncio.run(store.check_and_store_async("k", 60)) is True
        assert store.check_and_store("k", 60) is False

    def test_is_a_replay_store(self) -> None:
        """Both faces make it a ReplayStore."""
        assert isinstance(MemoryReplayStore(), ReplayStore)

    @pytest.mark.parametrize("bad", [0, -1, True, 1.5])
    def test_max_entries_must_be_a_positive_int(self, bad: object) -> None:
        """A caller's mistake is a ValueError."""
        with pytest.raises(ValueError, match="max_entries"):
            MemoryReplayStore(max_entries=bad)  # type: ignore[arg-type]

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), "5"])
    def test_ttl_must_be_finite(self, bad: object) -> None:
        """NaN or infinite windows are refused, not stored forever or never."""
        with pytest.raises(ValueError, match="ttl"):
            MemoryReplayStore().check_and_store("k", bad)  # type: ignore[arg-type]


class TestConsume:
    """The helper verifiers use: ReplayError on a second use."""

    def test_second_use_raises_replay_error(self) -> None:
        """consume records, then refuses with the claim named."""
        store = MemoryReplayStore()
        consume(store, "k", 60)
        with pytest.raises(ReplayError) as caught:
            consume(store, "k", 60, claim="jti")
        assert caught.value.claim == "jti"

    def test_async_second_use_raises_replay_error(self) -> None:
        """consume_async does the same through the awaitable face."""
        store = MemoryReplayStore()
        asyncio.run(consume_async(store, "k", 60))
        with pytest.raises(ReplayError):
            asyncio.run(consume_async(store, "k", 60))

    def test_empty_key_is_a_caller_mistake(self) -> None:
        """A key must be a non-empty str."""
        with pytest.raises(TypeError):
            consume(MemoryReplayStore(), "", 60)

    def test_store_key_parts_do_not_collide(self) -> None:
        """Length prefixes keep differently split parts apart."""
        assert store_key("n", "a:b", "c") != store_key("n", "a", "b:c")
        assert store_key("dpop", "x") != store_key("jar", "x")
