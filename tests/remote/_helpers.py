"""Documents, tokens and a settable clock for the remote key set tests."""

from __future__ import annotations

import time
from typing import Any

import jotkit
from jotkit import Key

JWKS_PATH = "/jwks"


def jwks(*keys: Key, extra: list[Any] | None = None) -> dict[str, Any]:
    return {"keys": [k.public().to_jwk() for k in keys] + (extra or [])}


def token(key: Key, kid: str | None = None, **claims: Any) -> str:
    headers = None if kid is None else {"kid": kid}
    return jotkit.encode({"sub": "alice", **claims}, key, alg=key.alg or "RS256", headers=headers)


class Clock:
    """A clock the test moves (NumericDates), starting at a fixed time."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def eventually(predicate: Any, timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until true (a background fetch), bounded; never a timing assert."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return bool(predicate())
