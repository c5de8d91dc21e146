"""Keys, tokens and proofs for the integration tests; the replay tests' redis-server."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from jotkit import Key, KeySet, encode
from jotkit.profiles import dpop
from tests.integrations._apps import AUDIENCE, ISSUER, PUBLIC_URL
from tests.replay.conftest import redis_server, redis_url

__all__ = ["redis_server", "redis_url"]

#: Makes an access token: scope, extra claims and the DPoP key to bind it to.
MakeToken = Callable[..., str]


@pytest.fixture(scope="session")
def as_key() -> Key:
    """The authorization server's signing key."""
    return Key.generate("ES256", kid="as-1")


@pytest.fixture(scope="session")
def keys(as_key: Key) -> KeySet:
    """The resource server's copy of the authorization server's public keys."""
    return KeySet([as_key.public()])


@pytest.fixture(scope="session")
def client_key() -> Key:
    """The client's DPoP key."""
    return Key.generate("ES256")


@pytest.fixture
def make_token(as_key: Key) -> MakeToken:
    """An RFC 9068 access token from the authorization server."""

    def make(scope: str = "messages:read", bound_to: Key | None = None, **claims: Any) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "client_id": "app", "iat": now,
            "exp": now + 300, "jti": f"at-{time.monotonic_ns()}", "scope": scope,
        }  # fmt: skip
        if bound_to is not None:
            body["cnf"] = {"jkt": bound_to.thumbprint()}
        body.update(claims)
        return encode(body, as_key, alg="ES256", typ="at+jwt")

    return make


def proof_for(key: Key, token: str, path: str = "/messages", **options: Any) -> str:
    """A DPoP proof for ``GET <public url><path>`` with ``token``."""
    return dpop.create_proof(
        key, htm=options.pop("htm", "GET"), htu=PUBLIC_URL + path, access_token=token, **options
    )
