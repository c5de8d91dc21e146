"""A hard per-test time limit for the attack suite: an attack must never hang the verifier."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from types import FrameType

import pytest

#: Seconds any one attack test may take before it counts as a hang (a DoS finding).
HANG_LIMIT = 30


def _hang(signum: int, frame: FrameType | None) -> None:
    pytest.fail(f"the test ran for more than {HANG_LIMIT} s: the input made jotkit hang")


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """Fail (rather than stall CI) when an attack input makes jotkit hang."""
    if sys.platform == "win32":  # pragma: no cover - SIGALRM is POSIX only
        yield
        return
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(HANG_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
