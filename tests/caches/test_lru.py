"""``LRU``: the bounded map under every cache (size, recency, eviction, threads)."""

from __future__ import annotations

import sys
import threading

import pytest

from jotkit._lru import LRU

from ._helpers import interleaved, run_threads


class _Unhashable:
    __hash__ = None  # type: ignore[assignment]


class _BadEquality:
    """A key whose comparison raises: a look-up with it fails inside the lock."""

    def __hash__(self) -> int:
        return 1

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no comparison")


class TestLRU:
    """Bounded; what was used since it last came round survives the next eviction."""

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
        assert len(lru) == 8
        assert [lru.get(n) for n in range(992, 1000)] == list(range(992, 1000))

    def test_size_one(self) -> None:
        """The smallest cache keeps exactly the last entry."""
        lru: LRU[str, int] = LRU(1)
        lru.put("a", 1)
        lru.put("b", 2)
        assert (lru.get("a"), lru.get("b"), len(lru)) == (None, 2, 1)

    def test_least_recently_used_goes_first(self) -> None:
        """A look-up refreshes an entry: the one not looked up is evicted."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.put("b", 2)
        assert lru.get("a") == 1
        lru.put("c", 3)
        assert lru.get("b") is None
        assert (lru.get("a"), lru.get("c")) == (1, 3)

    def test_eviction_order(self) -> None:
        """Unused entries go oldest first; a get or a replacing put saves an entry once."""
        lru: LRU[str, int] = LRU(3)
        for name in "abc":
            lru.put(name, ord(name))
        lru.get("a")
        lru.put("b", 0)  # replacing counts as a use
        lru.put("d", 4)  # a and b used: they go round, c goes
        assert lru.get("c") is None
        lru.put("e", 5)  # the get of c missed; a, b, d: a (used by nothing since) goes
        assert lru.get("a") is None
        assert [lru.get(name) for name in "bde"] == [0, 4, 5]

    def test_second_chance_is_one_round(self) -> None:
        """A use saves an entry from one eviction, not from every later one."""
        lru: LRU[str, int] = LRU(3)
        for name in "abc":
            lru.put(name, ord(name))
        lru.get("a")
        lru.put("d", 4)  # a used: it goes round, b goes
        lru.put("e", 5)  # c goes
        lru.put("f", 6)  # a, not used again, goes now
        assert [lru.get(name) for name in "abcdef"] == [None, None, None, 4, 5, 6]

    def test_get_takes_no_lock(self) -> None:
        """A look-up completes while another thread holds the lock that stores take."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        found: list[int | None] = []
        lru._lock.acquire()
        try:
            reader = threading.Thread(target=lambda: found.append(lru.get("a")), daemon=True)
            reader.start()
            reader.join(timeout=10)
            assert found == [1]
        finally:
            lru._lock.release()
        reader.join(timeout=10)

    def test_miss_does_not_refresh(self) -> None:
        """Looking up an absent key changes nothing."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.put("b", 2)
        assert lru.get("zz") is None
        lru.put("c", 3)
        assert (lru.get("a"), lru.get("b"), lru.get("c")) == (None, 2, 3)

    def test_put_replaces(self) -> None:
        """Storing under an existing key replaces the value without growing."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.put("a", 2)
        assert (lru.get("a"), len(lru)) == (2, 1)

    def test_clear(self) -> None:
        """clear() forgets everything, and the cache fills again after."""
        lru: LRU[str, int] = LRU(2)
        lru.put("a", 1)
        lru.clear()
        assert (len(lru), lru.get("a")) == (0, None)
        lru.put("b", 2)
        assert lru.get("b") == 2

    def test_size_must_be_positive(self) -> None:
        """A cache of no entries is a mistake."""
        with pytest.raises(ValueError, match="at least one"):
            LRU(0)

    def test_none_is_not_a_value(self) -> None:
        """None means "absent" to get, so storing it is refused rather than lost."""
        lru: LRU[str, object] = LRU(2)
        with pytest.raises(ValueError, match="None"):
            lru.put("a", None)
        assert len(lru) == 0

    @pytest.mark.parametrize("key", [[1], _BadEquality()], ids=["unhashable", "eq-raises"])
    def test_failing_key_releases_the_lock(self, key: object) -> None:
        """A key that cannot be hashed or compared raises, and the cache stays usable."""
        lru: LRU[object, int] = LRU(2)
        lru.put(1, 1)  # hash(1) == hash(_BadEquality()): the look-up compares them
        with pytest.raises((TypeError, RuntimeError)):
            lru.get(key)
        assert not lru._lock.locked()
        with pytest.raises((TypeError, RuntimeError)):
            lru.put(key, 2)
        assert not lru._lock.locked()
        assert lru.get(1) == 1


class TestLRUThreads:
    """Shared between threads that really interleave: never an error, never over the bound."""

    def test_hammering_a_small_cache(self) -> None:
        """8 threads mixing get, put and clear on an LRU of 4 neither raise nor overflow."""
        lru: LRU[int, int] = LRU(4)
        seen: list[int] = []

        def work(offset: int) -> None:
            for n in range(3000):
                lru.put((n * 3 + offset) % 11, n + 1)
                value = lru.get((n * 7 + offset) % 11)
                assert value is None or 1 <= value <= 3000
                if n % 97 == offset:
                    lru.clear()
                seen.append(len(lru))

        assert run_threads(work, 8) == []
        assert len(seen) == 8 * 3000
        assert max(seen) <= 4
        assert len(lru) <= 4
        assert sorted(lru._queue) == sorted(lru._entries)  # the queue holds the map's keys

    def test_recency_under_threads(self) -> None:
        """An entry every thread keeps looking up survives a flood of others' stores."""
        lru: LRU[str, str] = LRU(4)
        lru.put("hot", "kept")
        lost: list[int] = []

        def work(index: int) -> None:
            for n in range(2000):
                # One store at most between two looks at "hot" (thread 0's own): it is
                # never the oldest of four, however the threads interleave.
                if lru.get("hot") is None:
                    lost.append(n)
                    lru.put("hot", "kept")
                if index == 0:
                    lru.put(f"cold-{n}", "x")

        assert run_threads(work, 2) == []
        assert lost == []

    def test_interval_restored(self) -> None:
        """The helper puts the interpreter's switch interval back."""
        before = sys.getswitchinterval()
        with interleaved():
            assert sys.getswitchinterval() == pytest.approx(1e-6)
        assert sys.getswitchinterval() == before
