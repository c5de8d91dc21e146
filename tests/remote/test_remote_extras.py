"""Beyond the peers: warm starts from a snapshot, one set shared by many verifiers;
invalid keys skipped, never fatal."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import httpx
import pytest

import jotkit
from jotkit import Key
from jotkit.errors import KeySetUnavailableError
from jotkit.remote import AsyncRemoteKeySet, RemoteKeySet

from ._helpers import JWKS_PATH, Clock, jwks, token
from ._server import IdP, Route


class TestSnapshot:
    """A saved snapshot starts a process warm (serverless cold starts)."""

    def test_round_trip_without_a_request(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """A set restored from JSON verifies with no request until it is due."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        clock = Clock()
        first = RemoteKeySet(idp.url(JWKS_PATH), client=client, clock=clock)
        first.refresh()
        saved = json.loads(json.dumps(first.snapshot()))
        assert all("d" not in jwk for jwk in saved["jwks"]["keys"])  # public keys only
        restored = RemoteKeySet(idp.url(JWKS_PATH), client=client, snapshot=saved, clock=clock)
        tok = token(rsa_keys[1])
        assert jotkit.decode(tok, restored, algorithms=["RS256"])["sub"] == "alice"
        assert idp.count(JWKS_PATH) == 1
        clock.advance(601)  # due: refreshed as usual
        jotkit.decode(tok, restored, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 2

    def test_async_restores_too(self, idp: IdP, rsa_keys: list[Key]) -> None:
        """The async face takes the same snapshot; its sync look-up then answers."""
        clock = Clock()
        snapshot = {
            "url": idp.url(JWKS_PATH),
            "jwks": jwks(*rsa_keys),
            "fetched_at": clock.t,
            "fresh_until": clock.t + 10**9,  # never fresher than cache_max_age
        }
        keys = AsyncRemoteKeySet(idp.url(JWKS_PATH), snapshot=snapshot, clock=clock)
        assert jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        entry = keys._state.entry
        assert entry is not None
        assert entry.fresh_until == clock.t + 600

    def test_cold_set_has_no_snapshot(self, idp: IdP) -> None:
        """Nothing fetched: keys and snapshot() say the set is unavailable."""
        keys = RemoteKeySet(idp.url(JWKS_PATH))
        with pytest.raises(KeySetUnavailableError):
            keys.snapshot()
        with pytest.raises(KeySetUnavailableError):
            _ = keys.keys

    @pytest.mark.parametrize(
        "bad",
        [{"url": "https://other/jwks"}, {"fetched_at": "x"}, {"jwks": {"keys": 1}}],
        ids=["other-url", "bad-time", "bad-jwks"],
    )
    def test_invalid_snapshot_refused(self, idp: IdP, rsa_keys: list[Key], bad: dict) -> None:  # type: ignore[type-arg]
        """A snapshot of another URL, or a broken one, is a caller's error."""
        snapshot = {"url": idp.url(JWKS_PATH), "jwks": jwks(*rsa_keys), "fetched_at": 1.0,
                    "fresh_until": 2.0, **bad}  # fmt: skip
        with pytest.raises(ValueError, match="snapshot"):
            RemoteKeySet(idp.url(JWKS_PATH), snapshot=snapshot)


class TestShared:
    """RemoteKeySet.shared: one instance, one fetch, for every verifier of a process."""

    def test_many_verifiers_one_request(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """Ten verifiers on ten threads built from shared(url): one request."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        url = idp.url(JWKS_PATH)
        sets = [RemoteKeySet.shared(url, client=client) for _ in range(10)]
        assert all(s is sets[0] for s in sets)
        assert RemoteKeySet.shared(url, client=client, cooldown=5) is not sets[0]
        verifiers = [jotkit.Verifier(s, algorithms=["RS256"]) for s in sets]
        threads = [threading.Thread(target=v.decode, args=(token(rsa_keys[0]),)) for v in verifiers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert idp.count(JWKS_PATH) == 1
        assert AsyncRemoteKeySet.shared(url) is AsyncRemoteKeySet.shared(url)
        with pytest.raises(TypeError):
            RemoteKeySet.shared(url, snapshot={})


class TestSkippedKeys:
    """An invalid member is skipped, logged and listed; the rest of the set works."""

    def test_invalid_and_secret_members_skipped(
        self,
        idp: IdP,
        client: httpx.Client,
        rsa_keys: list[Key],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A broken RSA key, an unknown kty, a private key and an oct secret are skipped."""
        secret = Key.generate("HS256", kid="published-secret")
        extra: list[Any] = [
            {"kty": "RSA", "kid": "broken", "n": "AQAB", "e": "AQAB"},
            {"kty": "XYZ", "kid": "future"},
            rsa_keys[2].to_jwk(private=True),
            secret.to_jwk(private=True),
            "not an object",
        ]
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0], extra=extra))
        keys = RemoteKeySet(idp.url(JWKS_PATH), client=client)
        with caplog.at_level(logging.WARNING, logger="jotkit.remote"):
            assert jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        assert [skipped.index for skipped in keys.keys.skipped] == [1, 2, 3, 4, 5]
        assert len(keys.keys) == 1
        assert sum("skipped" in r.getMessage() for r in caplog.records) == 5
        # The published secret is not a key: an HS256 token made with it is refused.
        forged = jotkit.encode(
            {"sub": "mallory"},
            secret,
            alg="HS256",
            headers={"kid": "published-secret"},
        )
        with pytest.raises(jotkit.JotkitError):
            jotkit.decode(forged, keys, algorithms=["HS256", "RS256"])
