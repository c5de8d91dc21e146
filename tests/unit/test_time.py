"""``_time``: the only module that reads the clock (DESIGN section 1, STYLE convention 7)."""

from __future__ import annotations

import time

import pytest

from jotkit import _time


class TestNow:
    """``now()`` is the system clock as a NumericDate."""

    def test_reads_the_system_clock(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """now() returns what time.time() returns, so tests can pin the clock."""
        monkeypatch.setattr(time, "time", lambda: 1_700_000_000.25)
        assert _time.now() == 1_700_000_000.25

    def test_returns_a_float(self) -> None:
        """The value is a float number of seconds (fractions kept)."""
        assert isinstance(_time.now(), float)
