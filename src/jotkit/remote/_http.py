"""The only I/O of ``jotkit.remote``: one bounded GET, through httpx, sync or async.

``timeout`` bounds the connection, each read and the whole fetch (a server that drips
one byte per second within the read timeout is still cut off); the body is streamed
and cut at ``max_size``; redirects are never followed. The checks of what comes back
are in ``_document`` and shared by both functions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from .. import _time
from .._extras import missing_extra
from ._document import FetchError, check_response

try:
    import httpx
except ImportError as exc:  # pragma: no cover - tested in a subprocess (tests/test_extras.py)
    raise missing_extra("jotkit.remote", "remote", exc) from exc

__all__ = ["Response", "fetch", "fetch_async", "httpx"]

Response = tuple[dict[str, str], bytes]


class _Body:
    """The body as it arrives, refused past ``max_size`` bytes or past the deadline."""

    __slots__ = ("chunks", "deadline", "max_size", "size")

    def __init__(self, max_size: int, timeout: float) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.max_size = max_size
        # The real clock even when a key set is given a test clock: this bounds I/O.
        self.deadline = _time.now() + timeout

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_size:
            raise FetchError(f"the body is larger than max_size ({self.max_size} bytes)")
        if _time.now() > self.deadline:
            raise FetchError("the fetch took longer than the timeout")
        self.chunks.append(chunk)

    def text(self) -> bytes:
        return b"".join(self.chunks)


def _start(response: httpx.Response, types: frozenset[str], max_size: int) -> dict[str, str]:
    headers = {name.lower(): value for name, value in response.headers.items()}
    check_response(response.status_code, headers, types)
    declared = headers.get("content-length", "")
    # Refuse a declared oversize body before reading any of it.
    if declared.isdigit() and int(declared) > max_size:
        raise FetchError(f"the body is larger than max_size ({max_size} bytes)")
    return headers


def _failure(exc: Exception) -> FetchError:
    name = type(exc).__name__
    text = str(exc)[:200]
    return FetchError(f"{name}: {text}" if text else name)


def fetch(
    client: httpx.Client,
    url: str,
    *,
    headers: Mapping[str, str],
    timeout: float,
    max_size: int,
    types: frozenset[str],
) -> Response:
    """GET ``url`` with an ``httpx.Client``: (lower-cased headers, body).

    Raises:
        FetchError: any failure, with its reason.
    """
    try:
        with client.stream(
            "GET", url, headers=headers, timeout=timeout, follow_redirects=False
        ) as response:
            received = _start(response, types, max_size)
            body = _Body(max_size, timeout)
            for chunk in response.iter_bytes():
                body.add(chunk)
            return received, body.text()
    except httpx.HTTPError as exc:
        raise _failure(exc) from None
    except OSError as exc:  # a socket error httpx did not wrap
        raise _failure(exc) from None


async def fetch_async(
    client: httpx.AsyncClient,
    url: str,
    *,
    headers: Mapping[str, str],
    timeout: float,
    max_size: int,
    types: frozenset[str],
) -> Response:
    """:func:`fetch` with an ``httpx.AsyncClient``; the whole fetch bounded by ``timeout``.

    Raises:
        FetchError: any failure, with its reason.
    """

    async def get() -> Response:
        async with client.stream(
            "GET", url, headers=headers, timeout=timeout, follow_redirects=False
        ) as response:
            received = _start(response, types, max_size)
            body = _Body(max_size, timeout)
            async for chunk in response.aiter_bytes():
                body.add(chunk)
            return received, body.text()

    try:
        return await asyncio.wait_for(get(), timeout)
    except asyncio.TimeoutError:
        raise FetchError("the fetch took longer than the timeout") from None
    except httpx.HTTPError as exc:
        raise _failure(exc) from None
    except OSError as exc:
        raise _failure(exc) from None
