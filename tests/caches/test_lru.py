"""``LRU``: the bounded map under every cache (size, recency, eviction)."""

from __future__ import annotations

import threading

import pytest

from jotkit._lru import LRU


class TestLRU:
    """Bounded, least recently used out first."""

    def test_get_and_put(self) -> None:
        """A stored value comes back; an absent key gives None."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        assert lru.get("a") == 1
        assert lru.get("b") is None

    def test_bounded(self) -> None:
        """Never more entries than the size, however many are stored."""
        lru: LRU[int, int] = LRU(8)
        for n in range(1000):
            lru.put(n, n)
            assert len(lru) <= 8
        assert lru.size == 8
        assert [lru.get(n) for n in range(992, 1000)] == list(range(992, 1000))

    def test_least_recently_used_goes_first(self) -> None:
        """A look-up refreshes an entry: the one not looked up is evicted."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.put("b", 2)
        assert lru.get("a") == 1
        lru.put("c", 3)
        assert lru.get("b") is None
        assert (lru.get("a"), lru.get("c")) == (1, 3)

    def test_put_replaces(self) -> None:
        """Storing under an existing key replaces the value without growing."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.put("a", 2)
        assert (lru.get("a"), len(lru)) == (2, 1)

    def test_clear(self) -> None:
        """clear() forgets everything."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.clear()
        assert (len(lru), lru.get("a")) == (0, None)

    def test_size_must_be_positive(self) -> None:
        """A cache of no entries is a mistake."""
        with pytest.raises(ValueError, match="at least one"):
            LRU(0)

    def test_threads(self) -> None:
        """Concurrent look-ups, stores and evictions neither raise nor overflow."""
        lru: LRU[int, int] = LRU(16)
        errors: list[BaseException] = []

        def work(offset: int) -> None:
            try:
                for n in range(3000):
                    lru.put((n + offset) % 64, n)
                    lru.get((n * 7 + offset) % 64)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(lru) <= 16
