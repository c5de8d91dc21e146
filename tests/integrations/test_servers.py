"""End to end over HTTP: each integration in a real server process on loopback, and two
instances sharing one real Redis for DPoP's replay check (RFC 9449 section 11.1)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from jotkit import Key, KeySet
from tests._redis_server import RedisServer
from tests.integrations._servers import AppServer
from tests.integrations.conftest import MakeToken, proof_for

pytestmark = pytest.mark.slow


def dpop_headers(key: Key, token: str) -> dict[str, str]:
    return {"Authorization": f"DPoP {token}", "DPoP": proof_for(key, token)}


@pytest.mark.parametrize("kind", ["fastapi", "flask"])
def test_server(kind: str, keys: KeySet, make_token: MakeToken, client_key: Key) -> None:
    """uvicorn (FastAPI) and Werkzeug (Flask): bearer, DPoP, refusals, over HTTP."""
    with AppServer(kind, keys) as server, httpx.Client(base_url=server.url) as http:
        ok = http.get("/messages", headers={"Authorization": f"Bearer {make_token()}"})
        assert ok.status_code == 200
        assert ok.json()["sub"] == "alice"
        none = http.get("/messages")
        assert none.status_code == 401
        assert none.headers["www-authenticate"].startswith('Bearer realm="api"')
        scope = http.get("/messages", headers={"Authorization": f"Bearer {make_token('x')}"})
        assert scope.status_code == 403
        bound = make_token(bound_to=client_key)
        headers = dpop_headers(client_key, bound)
        assert http.get("/messages", headers=headers).status_code == 200
        assert http.get("/messages", headers=headers).status_code == 401
        # The Host header is the attacker's to choose; htu is checked against the
        # configured public URL, so a proof for the attacker's host still fails.
        evil = {**dpop_headers(client_key, bound), "Host": "evil.example"}
        assert http.get("/messages", headers=evil).status_code == 200


@pytest.fixture
def pair(redis_server: RedisServer, redis_url: str, keys: KeySet) -> Iterator[list[AppServer]]:
    """A FastAPI instance (asyncio Redis store) and a Flask one (sync store), one Redis."""
    with AppServer("fastapi", keys, redis_url) as one, AppServer("flask", keys, redis_url) as two:
        yield [one, two]


def test_two_instances_share_one_redis(
    pair: list[AppServer], redis_server: RedisServer, make_token: MakeToken, client_key: Key
) -> None:
    """A proof accepted by one instance is refused by the other; fifty concurrent requests
    with one proof across both are accepted exactly once; with Redis stopped every request
    is refused (503), and service resumes when it is back."""
    token = make_token(bound_to=client_key)
    headers = dpop_headers(client_key, token)
    one, two = (httpx.Client(base_url=server.url, timeout=30) for server in pair)
    try:
        assert one.get("/messages", headers=headers).status_code == 200
        replayed = two.get("/messages", headers=headers)
        assert replayed.status_code == 401
        assert 'error="invalid_dpop_proof"' in replayed.headers["www-authenticate"]

        shared = dpop_headers(client_key, token)
        clients = [one, two] * 25
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(
                pool.map(lambda c: c.get("/messages", headers=shared).status_code, clients)
            )
        assert statuses.count(200) == 1, statuses
        assert statuses.count(401) == 49

        redis_server.stop()
        try:
            for client in (one, two):
                down = client.get("/messages", headers=dpop_headers(client_key, token))
                assert down.status_code == 503
        finally:
            redis_server.start()
        for client in (one, two):
            assert (
                client.get("/messages", headers=dpop_headers(client_key, token)).status_code == 200
            )
    finally:
        one.close()
        two.close()
