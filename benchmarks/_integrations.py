"""Rows for the framework integrations (jotkit only; no peer has them).

- ``fastapi/dependency``: ``BearerAuth``, the FastAPI dependency, validating an ES256
  bearer token of a prepared request, awaited on one event loop; the floor column awaits
  a coroutine that calls the bare ``Verifier.decode`` of the same token with the same
  verifier on the same loop, so the ratio is the dependency's own cost (headers, scheme,
  scopes, the async key look-up).
- ``fastapi/request``: a whole request through the FastAPI app in process (ASGI call,
  routing, dependency resolution, JSON response) to a route guarded by ``BearerAuth``;
  the floor column's route reads the header and calls ``Verifier.decode`` by hand, so
  the difference is what using the dependency costs over doing it in the route.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from ._harness import Target
from ._libs import Library, Unsupported

if TYPE_CHECKING:
    from ._rows import RowSpec

__all__ = ["integration_specs"]

_ISSUER = "https://as.example.com"


def _setup() -> tuple[Any, str]:
    import jotkit

    key = jotkit.Key.generate("ES256", kid="as-1")
    claims = {"iss": _ISSUER, "aud": "api", "sub": "u1", "exp": 4_000_000_000, "scope": "read"}
    token = jotkit.encode(claims, key, alg="ES256")
    verifier = jotkit.Verifier(key.public(), algorithms=["ES256"], issuer=_ISSUER, audience="api")
    return verifier, token


def _scope(path: str, token: str) -> dict[str, Any]:
    return {
        "type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
        "root_path": "", "scheme": "https", "query_string": b"", "server": ("api", 443),
        "headers": [(b"host", b"api"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1), "http_version": "1.1", "asgi": {"version": "3.0"},
    }  # fmt: skip


def _only(lib: Library) -> None:
    if lib.name not in ("jotkit", "floor"):
        raise Unsupported("framework integrations are measured for jotkit only")


def _dependency(lib: Library) -> Callable[[], object]:
    _only(lib)
    verifier, token = _setup()
    run = asyncio.new_event_loop().run_until_complete
    if lib.name == "floor":
        decode = verifier.decode

        async def by_hand() -> object:
            return decode(token)

        return lambda: run(by_hand())
    from fastapi import Response
    from fastapi.security import SecurityScopes
    from starlette.requests import Request

    from jotkit.integrations.fastapi import BearerAuth

    auth = BearerAuth(verifier, scopes=["read"])
    request = Request(_scope("/data", token))
    response = Response()
    scopes = SecurityScopes()
    if run(auth(request, response, scopes))["sub"] != "u1":
        raise AssertionError("the dependency did not return the claims")
    return lambda: run(auth(request, response, scopes))


def _request(lib: Library) -> Callable[[], object]:
    _only(lib)
    from fastapi import Depends, FastAPI, Request

    from jotkit.integrations.fastapi import BearerAuth

    verifier, token = _setup()
    auth = BearerAuth(verifier)
    app = FastAPI()

    # A default, not Annotated: this module's annotations are strings (PEP 563), which
    # FastAPI resolves in module globals, where ``auth`` is not.
    async def guarded(claims: dict[str, Any] = Depends(auth)) -> dict[str, Any]:  # noqa: B008
        return {"sub": claims["sub"]}

    async def by_hand(request: Request) -> dict[str, Any]:
        credentials = request.headers["authorization"].partition(" ")[2]
        return {"sub": verifier.decode(credentials)["sub"]}

    by_hand.__annotations__["request"] = Request  # the class, not its name (PEP 563)

    app.get("/guarded")(guarded)
    app.get("/by-hand")(by_hand)
    scope = _scope("/by-hand" if lib.name == "floor" else "/guarded", token)
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    run = asyncio.new_event_loop().run_until_complete
    run(app(scope, receive, send))
    if sent[0]["status"] != 200 or b'"u1"' not in sent[1]["body"]:
        raise AssertionError(f"the app answered {sent[0]['status']}")

    def one() -> object:
        sent.clear()
        return run(app(scope, receive, send))

    return one


def integration_specs() -> list[RowSpec]:
    """The rows; reported, no target (the floor is jotkit's own bare path)."""
    from ._rows import RowSpec

    return [
        RowSpec(
            "fastapi/dependency",
            "FastAPI BearerAuth dependency, ES256 token (floor: Verifier.decode, same loop)",
            Target(beat_peers=False),
            _dependency,
        ),
        RowSpec(
            "fastapi/request",
            "FastAPI request in process, BearerAuth route (floor: decode in the route)",
            Target(beat_peers=False),
            _request,
        ),
    ]
