"""Guards for "refused before the expensive work" and "never hangs" checks.

A unit test never asserts a speed (that is ``benchmarks/``). Where an attack aims at one
expensive step (PBKDF2, inflation, prime recovery, decoding a huge segment), the test
forbids that step and asserts the refusal. Where no single step can be named (arbitrary
hostile input), ``hang_guard`` bounds the CPU time of the thread: generous, insensitive
to other load on the machine, and only there to turn a hang into a failure.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

__all__ = ["forbid", "hang_guard"]

#: CPU seconds after which an operation counts as hung (a genuine step takes milliseconds).
HANG_SECONDS = 5.0


def forbid(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
    """Make ``owner.name`` fail the test if anything calls it."""

    def called(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError(f"{name} ran: the input was not refused before it")

    monkeypatch.setattr(owner, name, called)


@contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail if the block uses more than ``seconds`` of this thread's CPU time."""
    start = time.thread_time()
    yield
    spent = time.thread_time() - start
    assert spent < seconds, f"{spent:.1f} CPU seconds: treated as a hang"
