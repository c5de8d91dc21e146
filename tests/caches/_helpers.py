"""Keys, tokens and a cache reset shared by the cache tests."""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

from jotkit import Key, jwt

__all__ = [
    "AUDIENCE",
    "ISSUER",
    "NOW",
    "claims",
    "es256",
    "hs256",
    "interleaved",
    "run_threads",
    "token",
]

#: The fixed time the tests check against (2023-11-14T22:13:20Z).
NOW = 1_700_000_000
ISSUER = "https://issuer.example"
AUDIENCE = "https://api.example"


@functools.cache
def hs256() -> Key:
    """An HS256 secret, not bound to an alg."""
    return Key.from_secret(b"s" * 32)


@functools.cache
def es256() -> Key:
    """A P-256 private key bound to ES256, kid ``es``."""
    return Key.generate("ES256", kid="es")


def claims(**extra: Any) -> dict[str, Any]:
    """Claims valid at NOW for ISSUER and AUDIENCE, plus ``extra``."""
    return {"iss": ISSUER, "aud": AUDIENCE, "iat": NOW - 10, "exp": NOW + 60, **extra}


def token(key: Key | None = None, *, alg: str = "HS256", **extra: Any) -> str:
    """A JWT of :func:`claims` signed with ``key`` (the HS256 secret by default)."""
    return jwt.encode(claims(**extra), key or hs256(), alg=alg)


@contextlib.contextmanager
def interleaved() -> Iterator[None]:
    """Switch threads every microsecond (not every 5 ms) while inside, so that they really
    interleave inside cache operations; the interpreter's interval is restored after."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def run_threads(work: Callable[[int], None], count: int) -> list[BaseException]:
    """Run ``work(0..count-1)`` in ``count`` threads started together, interleaved; return
    every exception they raised (an empty list when none did)."""
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            start.wait(timeout=60)
            work(index)
        except BaseException as exc:  # reported to the test, which fails on it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    with interleaved():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors
