"""The profile tests share the replay tests' redis-server and the HTTPS identity provider
fixtures of tests/remote (for the discovery-based tests)."""

from __future__ import annotations

from tests.remote.conftest import _idp, ca, client, idp, rsa_keys
from tests.replay.conftest import redis_server, redis_url

__all__ = ["_idp", "ca", "client", "idp", "redis_server", "redis_url", "rsa_keys"]
