"""Stateless, rotating DPoP server nonces (RFC 9449 section 8 and 9).

A nonce is an HMAC of the current time window under a server secret, so every
instance holding the secret issues and accepts the same nonces without sharing state.
The nonce of the current window and of the one before are accepted: a client that got
a nonce just before a rotation is not bounced. A nonce cannot be forged without the
secret and is useless after two windows, which bounds how long a proof made in
advance (by an attacker with brief access to the key) stays usable.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Callable

from .. import _time
from .._b64 import b64encode_str

__all__ = ["DPoPNonces"]

_LABEL = b"jotkit dpop-nonce v1\x00"
_MIN_SECRET = 32


class DPoPNonces:
    """Issue and check server nonces for DPoP proofs.

    Args:
        secret: at least 32 random bytes, the same on every instance.
        lifetime: the length of a window in seconds; a nonce is accepted for one to two
            windows.
        clock: the time source (seconds), injectable for tests.

    Raises:
        TypeError, ValueError: a secret that is not bytes or is too short, a lifetime
            that is not a positive number.
    """

    __slots__ = ("_clock", "_lifetime", "_secret")

    def __init__(
        self, secret: bytes, *, lifetime: float = 300, clock: Callable[[], float] | None = None
    ) -> None:
        if not isinstance(secret, bytes | bytearray):
            raise TypeError("secret must be bytes")
        if len(secret) < _MIN_SECRET:
            raise ValueError(f"secret must be at least {_MIN_SECRET} random bytes")
        if (
            isinstance(lifetime, bool)
            or not isinstance(lifetime, int | float)
            or not math.isfinite(lifetime)
            or lifetime <= 0
        ):
            raise ValueError("lifetime must be a positive number of seconds")
        self._secret = bytes(secret)
        self._lifetime = float(lifetime)
        self._clock = _time.now if clock is None else clock

    def __repr__(self) -> str:
        return f"DPoPNonces(lifetime={self._lifetime})"

    def _window(self) -> int:
        return math.floor(self._clock() / self._lifetime)

    def _for(self, window: int) -> str:
        mac = hmac.new(self._secret, _LABEL + window.to_bytes(8, "big", signed=True), "sha256")
        return b64encode_str(mac.digest()[:18])

    def current(self) -> str:
        """The nonce to send now (``DPoP-Nonce`` response header)."""
        return self._for(self._window())

    def is_valid(self, nonce: object) -> bool:
        """Whether ``nonce`` is the current window's or the previous one's."""
        if not isinstance(nonce, str) or len(nonce) != 24:
            return False
        window = self._window()
        given = nonce.encode("ascii", "replace")
        # Both compared in constant time, both always computed.
        current = hmac.compare_digest(given, self._for(window).encode("ascii"))
        previous = hmac.compare_digest(given, self._for(window - 1).encode("ascii"))
        return current | previous
