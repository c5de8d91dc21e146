"""The sans-I/O state machine alone: the decisions both faces share, with a test clock."""

from __future__ import annotations

import pytest

from jotkit import Key, KeySet
from jotkit.remote._state import Action, KeySetState

from ._helpers import Clock


def state(clock: Clock, **options: float) -> KeySetState:
    settings: dict[str, float] = {
        "cache_max_age": 600,
        "cooldown": 30,
        "stale_if_error": 3600,
        "abandon_after": 15,
    }
    settings.update(options)
    return KeySetState(clock=clock, **settings)


@pytest.fixture(scope="module")
def sets() -> tuple[KeySet, KeySet]:
    return KeySet([Key.generate("ES256", kid="old").public()]), KeySet(
        [Key.generate("ES256", kid="new").public()]
    )


class TestKeySetState:
    """When to fetch, and which answer wins."""

    def test_cold_fetches_then_others_wait(self) -> None:
        """The first caller fetches; the rest wait for that ticket."""
        clock = Clock()
        s = state(clock)
        first = s.plan(clock())
        assert first.action is Action.FETCH
        assert s.plan(clock()).action is Action.WAIT
        assert s.plan(clock()).ticket == first.ticket

    def test_older_response_never_replaces_newer(self, sets: tuple[KeySet, KeySet]) -> None:
        """A lost fetch's late answer is ignored once a newer fetch's answer is in use."""
        clock = Clock()
        s = state(clock)
        old = s.plan(clock())
        clock.advance(16)  # past abandon_after: the first fetch is presumed lost
        assert s.plan(clock()).action is Action.UNAVAILABLE  # and it counts as a failure
        assert "given up" in (s.last_error or "")
        clock.advance(15)  # the cooldown since it started has passed
        new = s.plan(clock())
        assert new.action is Action.FETCH
        assert new.ticket > old.ticket
        assert s.succeeded(new.ticket, sets[1])
        assert not s.succeeded(old.ticket, sets[0])
        assert s.entry is not None
        assert s.entry.keys is sets[1]
        s.failed(old.ticket, "late failure")
        assert s.last_error is None

    def test_failure_keeps_set_within_stale_bound(self, sets: tuple[KeySet, KeySet]) -> None:
        """Past its life, a failed refresh leaves the old set usable up to stale_if_error."""
        clock = Clock()
        s = state(clock)
        s.succeeded(s.plan(clock()).ticket, sets[0])
        clock.advance(601)
        plan = s.plan(clock())
        assert plan.action is Action.FETCH
        s.failed(plan.ticket, "HTTP 500")
        assert s.plan(clock()).action is Action.USE  # within cooldown: no new attempt
        clock.advance(3600)
        assert s.plan(clock()).action is Action.FETCH  # cooldown passed: try again
        s.failed(s.in_flight, "HTTP 500")
        assert s.plan(clock()).action is Action.UNAVAILABLE
        assert "HTTP 500" in s.unavailable_reason()

    def test_refetch_subject_to_cooldown(self, sets: tuple[KeySet, KeySet]) -> None:
        """An unknown kid refetches once per cooldown; force ignores the cooldown."""
        clock = Clock()
        s = state(clock)
        s.succeeded(s.plan(clock()).ticket, sets[0])
        assert s.plan(clock(), refetch=True).action is Action.USE
        assert s.plan(clock(), force=True).action is Action.FETCH
        s.succeeded(s.in_flight, sets[1])
        clock.advance(30)
        assert s.plan(clock(), refetch=True).action is Action.FETCH

    def test_refresh_ahead(self, sets: tuple[KeySet, KeySet]) -> None:
        """In the last tenth of the lifetime: use the set and refresh in the background."""
        clock = Clock()
        s = state(clock)
        s.succeeded(s.plan(clock()).ticket, sets[0])
        clock.advance(539)
        assert s.plan(clock()).action is Action.USE
        clock.advance(2)
        assert s.plan(clock()).action is Action.USE_AND_REFRESH
        assert s.plan(clock()).action is Action.USE  # one refresh in flight; others use

    @pytest.mark.parametrize(
        ("name", "value", "error"),
        [("cooldown", -1, ValueError), ("cache_max_age", 0, ValueError),
         ("stale_if_error", float("nan"), ValueError), ("cooldown", True, TypeError),
         ("abandon_after", "5", TypeError)],
    )  # fmt: skip
    def test_invalid_options(self, name: str, value: object, error: type[Exception]) -> None:
        """Durations are finite non-negative numbers."""
        with pytest.raises(error):
            state(Clock(), **{name: value})  # type: ignore[arg-type]
