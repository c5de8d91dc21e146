"""The profile tests share the replay tests' redis-server."""

from __future__ import annotations

from tests.replay.conftest import redis_server, redis_url

__all__ = ["redis_server", "redis_url"]
