"""What the sync and async remote key sets share: options, the hot path, snapshots.

The faces differ only in how they fetch and wait (``_sync``, ``_async``); everything a
decision depends on is in :class:`~jotkit.remote._state.KeySetState`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .. import __version__, _time
from ..errors import KeyNotFoundError, KeySetUnavailableError, MultipleKeysMatchedError
from ..jwa import Operation
from ..jwk import AlgorithmDescriptor, Key, KeySet
from ._document import JWKS_TYPES, FetchError, check_url, logger, max_age_of, parse_jwks
from ._http import Response
from ._state import Action, KeySetState, Plan

__all__ = ["DEFAULT_HEADERS", "RemoteBase"]

DEFAULT_HEADERS: Mapping[str, str] = {
    "User-Agent": f"jotkit/{__version__}",
    "Accept": "application/jwk-set+json, application/json",
}

#: The longest kid quoted in an error message (the kid is the attacker's text).
_KID_SHOWN = 64


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds")
    return float(value)


def _time_value(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class RemoteBase:
    """Options, state and the per-token look-up common to both faces."""

    #: One-shot ``jotkit.decode`` may keep its verifier for this object (keyed by its
    #: identity): the options never change after construction, and the verifier asks
    #: the set for the key on every token, so rotation and removal still apply.
    pinned_source = True

    def __init__(
        self,
        url: str,
        *,
        cache_max_age: float,
        cooldown: float,
        timeout: float,
        stale_if_error: float,
        max_size: int,
        headers: Mapping[str, str] | None,
        allow_http: bool,
        snapshot: Mapping[str, Any] | None,
        clock: Callable[[], float] | None,
    ) -> None:
        self.url: str = check_url(url, allow_http=allow_http)
        self.timeout: float = _seconds(timeout, "timeout")
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise ValueError("max_size must be a positive number of bytes")
        self.max_size = max_size
        if headers is not None and not isinstance(headers, Mapping):
            raise TypeError("headers must be a mapping of header names to values")
        self.headers: dict[str, str] = dict(DEFAULT_HEADERS if headers is None else headers)
        self.allow_http = allow_http
        self._clock = _time.now if clock is None else clock
        self._state = KeySetState(
            cache_max_age=cache_max_age,
            cooldown=cooldown,
            stale_if_error=stale_if_error,
            # Past the fetch's own bound, and a margin for a loaded machine.
            abandon_after=2 * self.timeout + 5,
            clock=self._clock,
        )
        if snapshot is not None:
            self._restore(snapshot)

    def __repr__(self) -> str:
        state = self._state.entry
        count = "cold" if state is None else f"{len(state.keys)} keys"
        return f"{type(self).__name__}({self.url!r}, {count})"

    # -- what callers see --------------------------------------------------------------

    @property
    def keys(self) -> KeySet:
        """The current key set (a snapshot; ``.skipped`` lists the members skipped).

        Raises:
            KeySetUnavailableError: nothing has been fetched (call ``refresh()``, or
                look up a key, first).
        """
        entry = self._state.entry
        if entry is None:
            raise KeySetUnavailableError(self._unavailable())
        return entry.keys

    @property
    def last_error(self) -> str | None:
        """Why the last fetch failed, or None after a successful one."""
        return self._state.last_error

    def snapshot(self) -> dict[str, Any]:
        """The current set as JSON-able data, to start another process warm (``snapshot=``).

        Only public keys are in it. A restored snapshot is fresh until the time it would
        have been refreshed in this process, then refreshed as usual.

        Raises:
            KeySetUnavailableError: nothing has been fetched yet.
        """
        entry = self._state.entry
        if entry is None:
            raise KeySetUnavailableError(self._unavailable())
        return {
            "url": self.url,
            "jwks": entry.keys.to_jwks(),
            "fetched_at": entry.fetched_at,
            "fresh_until": entry.fresh_until,
        }

    def _restore(self, snapshot: Mapping[str, Any]) -> None:
        if not isinstance(snapshot, Mapping):
            raise TypeError("snapshot must be what snapshot() returned")
        if snapshot.get("url") != self.url:
            raise ValueError("the snapshot is of another URL's key set")
        fetched_at, fresh_until = snapshot.get("fetched_at"), snapshot.get("fresh_until")
        if not (_time_value(fetched_at) and _time_value(fresh_until)):
            raise ValueError("the snapshot has no valid times")
        assert isinstance(fetched_at, int | float)
        assert isinstance(fresh_until, int | float)
        try:
            keys = parse_jwks(snapshot.get("jwks") or {}, self.url)
        except FetchError as exc:
            raise ValueError(f"the snapshot's key set is not usable: {exc}") from None
        # Never fresher than this set's own rules would allow.
        fresh_for = min(float(fresh_until) - float(fetched_at), self._state.cache_max_age)
        self._state.adopt(keys, float(fetched_at), max(fresh_for, 0.0))

    # -- the per-token path ------------------------------------------------------------

    def _hot(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key | None:
        """The key from a fresh set without a lock or I/O, or None to take the slow path.

        Safe without a lock: ``hot`` is one tuple replaced whole, and a ``KeySet`` is
        immutable.
        """
        hot = self._state.hot
        if hot is None or self._clock() >= hot[1]:
            return None
        try:
            return hot[0].select(header, op, descriptor)
        except MultipleKeysMatchedError:
            raise
        except KeyNotFoundError:
            return None  # perhaps a rotation: the slow path may refetch

    @staticmethod
    def _known(
        keys: KeySet, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key | None:
        """The key from ``keys``, or None when none matches (a refetch may find it)."""
        try:
            return keys.select(header, op, descriptor)
        except MultipleKeysMatchedError:
            raise
        except KeyNotFoundError:
            return None

    def _select(
        self,
        keys: KeySet,
        header: Mapping[str, Any],
        op: Operation,
        descriptor: AlgorithmDescriptor,
    ) -> Key:
        try:
            return keys.select(header, op, descriptor)
        except MultipleKeysMatchedError:
            raise
        except KeyNotFoundError as exc:
            kid = header.get("kid")
            if isinstance(kid, str):
                shown = kid if len(kid) <= _KID_SHOWN else kid[:_KID_SHOWN] + "..."
                raise KeyNotFoundError(
                    f"no key in the key set at {self.url} has kid {shown!r}", kid=kid
                ) from None
            raise KeyNotFoundError(f"{exc} (key set at {self.url})") from None

    def _usable(self, plan: Plan) -> KeySet:
        """The keys a USE plan refers to, or the error for UNAVAILABLE."""
        entry = self._state.entry
        if plan.action is Action.UNAVAILABLE or entry is None:
            raise KeySetUnavailableError(self._unavailable())
        return entry.keys

    def _unavailable(self) -> str:
        return f"key set at {self.url}: {self._state.unavailable_reason()}"

    # -- the outcome of a fetch ---------------------------------------------------------

    def _parse(self, outcome: Response | FetchError) -> tuple[KeySet, float | None] | FetchError:
        """The keys of a response (outside any lock: importing keys takes time)."""
        if isinstance(outcome, FetchError):
            return outcome
        headers, body = outcome
        try:
            return parse_jwks(body, self.url), max_age_of(headers)
        except FetchError as exc:
            return exc

    def _record(self, ticket: int, parsed: tuple[KeySet, float | None] | FetchError) -> None:
        """Apply a parsed outcome (with the face's lock held, or on the event loop)."""
        if isinstance(parsed, FetchError):
            self._state.failed(ticket, str(parsed))
            logger.warning("refresh of key set %s failed: %s", self.url, parsed)
            return
        self._state.succeeded(ticket, parsed[0], max_age=parsed[1])

    _types = JWKS_TYPES
