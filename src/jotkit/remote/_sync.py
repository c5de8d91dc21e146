"""``RemoteKeySet``: a JWK Set fetched over HTTPS and kept fresh, for threads.

The thin sync face of :mod:`jotkit.remote._state`: it performs the fetches the state
asks for with an ``httpx.Client`` and makes other threads wait for the one in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import KeySetUnavailableError
from ..jwa import Operation
from ..jwk import AlgorithmDescriptor, Key, KeySet
from ._base import RemoteBase
from ._document import FetchError
from ._http import fetch, httpx
from ._state import Action

__all__ = ["RemoteKeySet"]

#: Plans a caller may go through for one look-up (fetch, wait, use): a bound, so that a
#: state that keeps answering "wait" cannot hold a request forever.
_ROUNDS = 4


class RemoteKeySet(RemoteBase):
    """A provider's JWK Set (its ``jwks_uri``) as a key source, fetched and cached.

    Pass it as ``key=`` to ``jotkit.decode``, ``jotkit.Verifier`` and the profiles.
    While the set is fresh, a token costs a dict look-up: no I/O, no lock. It is
    thread-safe, and one instance is meant to be shared by every verifier of a process
    (see :meth:`shared`): one request in flight per set, however many threads need it.

    Args:
        url: the JWK Set URL; ``https`` only unless ``allow_http``.
        cache_max_age: seconds a set is fresh (default 600). A provider's
            ``Cache-Control: max-age`` overrides it, bounded to [60 s, 1 day]. The set
            is refreshed in the background during the last tenth of its lifetime.
        cooldown: seconds between fetches (default 30): a token with an unknown ``kid``
            causes one refetch, then ``KeyNotFoundError`` without further fetches in
            this window, so forged ``kid`` values cannot make the server hammer the
            provider. Failed fetches are retried no more often either.
        timeout: seconds bounding the connection, each read and the whole fetch.
        stale_if_error: seconds past its lifetime the last good set is still used while
            refreshes fail (default 1 day); a warning is logged on ``jotkit.remote``.
        max_size: the largest body accepted (default 512 KiB), cut while streaming.
        headers: request headers (default ``User-Agent: jotkit/<version>``).
        client: an ``httpx.Client`` of the application's (proxies, a custom CA, mTLS);
            redirects are never followed whatever its settings.
        allow_http: accept an ``http`` URL (loopback tests only).
        snapshot: what :meth:`snapshot` returned, to start warm (serverless cold starts).
        clock: a time source (NumericDates) for tests; the system clock by default.

    Raises:
        TypeError, ValueError: an invalid argument.
    """

    def __init__(
        self,
        url: str,
        *,
        cache_max_age: float = 600,
        cooldown: float = 30,
        timeout: float = 5,
        stale_if_error: float = 86400,
        max_size: int = 512 * 1024,
        headers: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
        allow_http: bool = False,
        snapshot: Mapping[str, Any] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            url,
            cache_max_age=cache_max_age,
            cooldown=cooldown,
            timeout=timeout,
            stale_if_error=stale_if_error,
            max_size=max_size,
            headers=headers,
            allow_http=allow_http,
            snapshot=snapshot,
            clock=clock,
        )
        if client is not None and not isinstance(client, httpx.Client):
            raise TypeError("client must be an httpx.Client (httpx.AsyncClient: AsyncRemoteKeySet)")
        self._client = client
        self._owned = False
        self._lock = threading.Lock()
        self._done: dict[int, threading.Event] = {}

    @classmethod
    def shared(cls, url: str, **options: Any) -> RemoteKeySet:
        """The one instance for ``url`` and these options in this process.

        Every verifier built with ``RemoteKeySet.shared(url)`` shares its cache and its
        fetches, so a process with many verifiers (one per route, per tenant) still
        sends one request per refresh. Options must be equal to share (a ``client`` by
        identity).

        Raises:
            TypeError, ValueError: an invalid argument.
        """
        from ._registry import shared

        return shared(cls, url, options)

    # -- key source ---------------------------------------------------------------------

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The key for a token with ``header``: from the cached set, fetched if needed.

        Raises:
            KeyNotFoundError: no key has the token's ``kid`` (after one refetch, subject
                to ``cooldown``); MultipleKeysMatchedError, InvalidKeyError,
                AlgorithmNotAllowedError: no single fitting key.
            KeySetUnavailableError: no usable set could be fetched.
        """
        key = self._hot(header, op, descriptor)
        if key is not None:
            return key
        keys, fetched = self._keys()
        if not fetched:
            key = self._known(keys, header, op, descriptor)
            if key is not None:
                return key
            keys, _ = self._keys(refetch=True)  # a new kid: perhaps a rotation
        return self._select(keys, header, op, descriptor)

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """:meth:`key_for`; a fetch it needs runs in a worker thread, off the event loop."""
        key = self._hot(header, op, descriptor)
        if key is not None:
            return key
        import asyncio

        return await asyncio.to_thread(self.key_for, header, op, descriptor)

    def refresh(self) -> KeySet:
        """Fetch the set now, even within ``cooldown`` (still one request in flight).

        Raises:
            KeySetUnavailableError: the fetch failed and no usable set is left.
        """
        return self._keys(force=True)[0]

    # -- driving the state --------------------------------------------------------------

    def _keys(self, *, refetch: bool = False, force: bool = False) -> tuple[KeySet, bool]:
        """The keys to use, and whether a fetch was made or awaited for them."""
        state = self._state
        fetched = False
        for _ in range(_ROUNDS):
            with self._lock:
                plan = state.plan(self._clock(), refetch=refetch, force=force)
                if plan.action in (Action.FETCH, Action.USE_AND_REFRESH):
                    self._done[plan.ticket] = threading.Event()
                waiting = self._done.get(plan.ticket) if plan.action is Action.WAIT else None
            if plan.action is Action.FETCH:
                self._fetch(plan.ticket)
            elif plan.action is Action.USE_AND_REFRESH:
                # Refresh ahead of expiry: this caller goes on with the current set.
                threading.Thread(target=self._fetch, args=(plan.ticket,), daemon=True).start()
                return self._usable(plan), fetched
            elif plan.action is Action.WAIT:
                if waiting is not None:
                    waiting.wait(state.abandon_after)
            else:
                return self._usable(plan), fetched
            fetched = True
            refetch = force = False  # a fetch has been made (or waited for) on our behalf
        raise KeySetUnavailableError(self._unavailable())

    def _fetch(self, ticket: int) -> None:
        try:
            outcome = fetch(
                self._http(),
                self.url,
                headers=self.headers,
                timeout=self.timeout,
                max_size=self.max_size,
                types=self._types,
            )
        except FetchError as exc:
            parsed = self._parse(exc)
        except Exception as exc:  # never leave the fetch "in flight" for the waiters
            parsed = self._parse(FetchError(f"{type(exc).__name__}: {exc}"))
        else:
            parsed = self._parse(outcome)
        with self._lock:
            self._record(ticket, parsed)
            done = self._done.pop(ticket, None)
        if done is not None:
            done.set()

    def _http(self) -> httpx.Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = httpx.Client(timeout=self.timeout, follow_redirects=False)
                    self._owned = True
                client = self._client
        return client

    def close(self) -> None:
        """Close the HTTP client this set made (an application's client is left open)."""
        with self._lock:
            client = self._client if self._owned else None
            if client is not None:
                self._client, self._owned = None, False
        if client is not None:
            client.close()
