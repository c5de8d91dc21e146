"""The only module that reads the clock. Everything else takes ``now=`` as a parameter."""

from __future__ import annotations

import time

__all__ = ["now"]


def now() -> float:
    """Return the current time as seconds since the epoch (a NumericDate, RFC 7519 section 2)."""
    return time.time()
