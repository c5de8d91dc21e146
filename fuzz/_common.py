"""What every harness shares: the target record, input forms and the invariant's checks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "InvariantViolation",
    "Seed",
    "Target",
    "expect",
    "lenient_json",
    "split_fields",
    "stable_bytes",
    "text_of",
]

#: A named seed input: (file name, bytes).
Seed = tuple[str, bytes]


@dataclass(frozen=True)
class Target:
    """One fuzz target: its check function, its seed inputs and libFuzzer hints.

    Attributes:
        name: the target's name (``fuzz/corpus/<name>``, ``fuzz/regressions/<name>``).
        check: raises on a violation of the invariant (see the package docstring).
        seeds: yields the named inputs its corpus starts from.
        max_len: the largest input libFuzzer generates.
        dictionary: tokens libFuzzer splices into inputs.
    """

    name: str
    check: Callable[[bytes], None]
    seeds: Callable[[], Iterable[Seed]]
    max_len: int = 4096
    dictionary: tuple[bytes, ...] = field(default=())


class InvariantViolation(AssertionError):
    """jotkit accepted or returned something it must not have."""


def expect(condition: bool, message: str) -> None:
    """Raise :class:`InvariantViolation` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise InvariantViolation(message)


def text_of(data: bytes) -> str:
    """The text form of ``data``: UTF-8, with every undecodable byte as a lone surrogate."""
    return data.decode("utf-8", "surrogateescape")


def lenient_json(text: str) -> Any:
    """What the standard library's lenient parser makes of ``text``, or None on failure.

    Applications often hand jotkit a dict they parsed themselves (``request.json()``), so
    anything this returns (NaN, duplicates resolved, lone surrogates) is fair input.
    """
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def split_fields(data: bytes, count: int) -> list[bytes] | None:
    """Split ``data`` on newlines into exactly ``count`` fields, or None."""
    fields = data.split(b"\n", count - 1)
    return fields if len(fields) == count else None


def stable_bytes(data: bytes, size: int) -> bytes:
    """``size`` bytes derived from ``data``: randomness that replays identically."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(counter.to_bytes(4, "big") + data).digest()
        counter += 1
    return out[:size]
