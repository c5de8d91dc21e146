"""``AsyncRemoteKeySet``: the asyncio face of the remote key set.

The same decisions as :class:`~jotkit.remote.RemoteKeySet` (they are made in
:mod:`jotkit.remote._state`); fetches use an ``httpx.AsyncClient`` and never block the
event loop, and tasks that need the set wait for the one fetch in flight. Use one
instance from one event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import KeySetUnavailableError
from ..jwa import Operation
from ..jwk import AlgorithmDescriptor, Key, KeySet
from ._base import RemoteBase
from ._document import FetchError
from ._http import fetch_async, httpx
from ._state import Action

__all__ = ["AsyncRemoteKeySet"]

_ROUNDS = 4


class AsyncRemoteKeySet(RemoteBase):
    """A provider's JWK Set as an async key source: ``await verifier.decode_async(token)``.

    Arguments as :class:`~jotkit.remote.RemoteKeySet`, with ``client`` an
    ``httpx.AsyncClient``. The sync look-up (``key_for``) serves a warm set and raises
    ``KeySetUnavailableError`` when the set would have to be fetched: fetching is
    awaited, never done blocking.

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
        client: httpx.AsyncClient | None = None,
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
        if client is not None and not isinstance(client, httpx.AsyncClient):
            raise TypeError("client must be an httpx.AsyncClient (httpx.Client: RemoteKeySet)")
        self._client = client
        self._owned = False
        self._done: dict[int, asyncio.Event] = {}
        self._background: set[asyncio.Task[None]] = set()

    @classmethod
    def shared(cls, url: str, **options: Any) -> AsyncRemoteKeySet:
        """The one instance for ``url`` and these options in this process (see
        :meth:`RemoteKeySet.shared`).

        Raises:
            TypeError, ValueError: an invalid argument.
        """
        from ._registry import shared

        return shared(cls, url, options)

    # -- key source ---------------------------------------------------------------------

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The key from the current set, without fetching (use :meth:`key_for_async`).

        Raises:
            KeyNotFoundError, KeySetUnavailableError: as :meth:`key_for_async`, and
                KeySetUnavailableError when the set would need a fetch.
        """
        key = self._hot(header, op, descriptor)
        if key is not None:
            return key
        entry = self._state.entry
        if entry is None or self._clock() >= entry.stale_until:
            raise KeySetUnavailableError(
                f"{self._unavailable()}; an AsyncRemoteKeySet fetches only when awaited "
                "(Verifier.decode_async)"
            )
        return self._select(entry.keys, header, op, descriptor)

    async def key_for_async(
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
        keys, fetched = await self._keys()
        if not fetched:
            key = self._known(keys, header, op, descriptor)
            if key is not None:
                return key
            keys, _ = await self._keys(refetch=True)
        return self._select(keys, header, op, descriptor)

    async def refresh(self) -> KeySet:
        """Fetch the set now, even within ``cooldown`` (still one request in flight).

        Raises:
            KeySetUnavailableError: the fetch failed and no usable set is left.
        """
        return (await self._keys(force=True))[0]

    # -- driving the state (all on the event loop: no lock needed) ----------------------

    async def _keys(self, *, refetch: bool = False, force: bool = False) -> tuple[KeySet, bool]:
        state = self._state
        fetched = False
        for _ in range(_ROUNDS):
            plan = state.plan(self._clock(), refetch=refetch, force=force)
            if plan.action in (Action.FETCH, Action.USE_AND_REFRESH):
                self._done[plan.ticket] = asyncio.Event()
            if plan.action is Action.FETCH:
                await self._fetch(plan.ticket)
            elif plan.action is Action.USE_AND_REFRESH:
                task = asyncio.get_running_loop().create_task(self._fetch(plan.ticket))
                self._background.add(task)  # a reference, so the task is not collected
                task.add_done_callback(self._background.discard)
                return self._usable(plan), fetched
            elif plan.action is Action.WAIT:
                waiting = self._done.get(plan.ticket)
                if waiting is not None:
                    # On a timeout the state gives the lost fetch up: plan again.
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(waiting.wait(), state.abandon_after)
            else:
                return self._usable(plan), fetched
            fetched = True
            refetch = force = False
        raise KeySetUnavailableError(self._unavailable())

    async def _fetch(self, ticket: int) -> None:
        try:
            outcome = await fetch_async(
                self._http(),
                self.url,
                headers=self.headers,
                timeout=self.timeout,
                max_size=self.max_size,
                types=self._types,
            )
        except FetchError as exc:
            parsed = self._parse(exc)
        except asyncio.CancelledError:
            self._record(ticket, FetchError("the fetch was cancelled"))
            self._wake(ticket)
            raise
        except Exception as exc:  # never leave the fetch "in flight" for the waiters
            parsed = self._parse(FetchError(f"{type(exc).__name__}: {exc}"))
        else:
            parsed = self._parse(outcome)
        self._record(ticket, parsed)
        self._wake(ticket)

    def _wake(self, ticket: int) -> None:
        done = self._done.pop(ticket, None)
        if done is not None:
            done.set()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # No kept-alive connections: fetches are minutes apart, and a pooled
            # connection would be bound to the event loop that opened it.
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                follow_redirects=False,
                limits=httpx.Limits(max_keepalive_connections=0),
            )
            self._owned = True
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client this set made (an application's client is left open)."""
        client = self._client if self._owned else None
        if client is not None:
            self._client, self._owned = None, False
            await client.aclose()
