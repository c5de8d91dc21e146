"""The session's redis-server, shared by the replay and profile tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._redis_server import RedisServer


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A running redis-server on a free loopback port; stopped at the end of the session."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The server's URL, running and emptied for this test."""
    redis_server.start()
    redis_server.flush()
    return redis_server.url
