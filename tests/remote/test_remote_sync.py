"""RemoteKeySet against a real HTTPS server on loopback: caching, refetch, faults."""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx
import pytest

import jotkit
from jotkit import Key
from jotkit.errors import (
    InvalidSignatureError,
    JotkitError,
    KeyNotFoundError,
    KeySetUnavailableError,
)
from jotkit.remote import RemoteKeySet

from ._helpers import JWKS_PATH, Clock, eventually, jwks, token
from ._server import CA, IdP, Route, free_port


def remote(idp: IdP, client: httpx.Client, **options: Any) -> RemoteKeySet:
    return RemoteKeySet(idp.url(JWKS_PATH), client=client, **options)


class TestWarm:
    """First use fetches; a warm set answers without I/O."""

    def test_first_use_fetches_once(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """Fifty decodes through decode, Verifier and a cached Verifier: one request."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        keys = remote(idp, client)
        tok = token(rsa_keys[1])
        for _ in range(20):
            assert jotkit.decode(tok, keys, algorithms=["RS256"])["sub"] == "alice"
        verifier = jotkit.Verifier(keys, algorithms=["RS256"])
        cached = jotkit.Verifier(keys, algorithms=["RS256"], cache=8)
        for _ in range(15):
            assert verifier.decode(tok)["sub"] == "alice"
            assert cached.decode(tok)["sub"] == "alice"
        assert idp.count(JWKS_PATH) == 1
        assert len(keys.keys) == 3

    def test_default_user_agent(self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]) -> None:
        """The request names jotkit and its version; custom headers replace the default."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        remote(idp, client).refresh()
        assert idp.request_headers[-1]["user-agent"] == f"jotkit/{jotkit.__version__}"
        remote(idp, client, headers={"User-Agent": "app/1", "X-Tenant": "t"}).refresh()
        assert idp.request_headers[-1]["user-agent"] == "app/1"
        assert idp.request_headers[-1]["x-tenant"] == "t"

    def test_bad_signature_is_not_a_refetch(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """A forged signature under a known kid is refused without any new request."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        keys = remote(idp, client)
        forged = token(Key.generate("RS256"), kid="rsa-0")
        for _ in range(5):
            with pytest.raises(InvalidSignatureError):
                jotkit.decode(forged, keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 1

    def test_http_refused_unless_allowed(self) -> None:
        """An http URL is a configuration error unless allow_http=True."""
        with pytest.raises(ValueError, match="https"):
            RemoteKeySet("http://127.0.0.1:1/jwks")
        RemoteKeySet("http://127.0.0.1:1/jwks", allow_http=True)
        with pytest.raises(TypeError):
            RemoteKeySet("https://x/jwks", client=object())  # type: ignore[arg-type]


class TestLifetime:
    """cache_max_age, Cache-Control and refresh ahead of expiry."""

    def test_refetch_after_cache_max_age(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """Past its lifetime the set is fetched again (waiting), not before."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        clock = Clock()
        keys = remote(idp, client, cache_max_age=600, clock=clock)
        tok = token(rsa_keys[0])
        jotkit.decode(tok, keys, algorithms=["RS256"])
        clock.advance(500)
        jotkit.decode(tok, keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 1
        clock.advance(101)
        jotkit.decode(tok, keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 2

    def test_refresh_ahead_in_background(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """In the last tenth of the lifetime, the caller is served and a fetch starts."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        clock = Clock()
        keys = remote(idp, client, cache_max_age=600, clock=clock)
        tok = token(rsa_keys[0])
        jotkit.decode(tok, keys, algorithms=["RS256"])
        gate = threading.Event()
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys), gate=gate)
        clock.advance(550)
        # Served at once although the refresh is held at the server.
        assert jotkit.decode(tok, keys, algorithms=["RS256"])["sub"] == "alice"
        assert eventually(lambda: idp.count(JWKS_PATH) == 2)
        gate.set()
        first = keys._state.entry
        assert eventually(lambda: keys._state.entry is not first)
        assert idp.count(JWKS_PATH) == 2

    @pytest.mark.parametrize(
        ("cache_control", "quiet_until", "fetch_at"),
        [("max-age=3600", 3000, 3601), ("max-age=0", 50, 61), ("no-store", 50, 61),
         ("public, max-age=999999999", 77000, 86401)],
        ids=["honoured", "zero-bounded-up", "no-store-bounded-up", "huge-bounded-down"],
    )  # fmt: skip
    def test_cache_control_within_bounds(
        self,
        idp: IdP,
        client: httpx.Client,
        rsa_keys: list[Key],
        cache_control: str,
        quiet_until: float,
        fetch_at: float,
    ) -> None:
        """The provider's max-age is honoured, bounded to [60 s, 1 day]."""
        headers = {"Content-Type": "application/json", "Cache-Control": cache_control}
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys), headers=headers)
        clock = Clock()
        keys = remote(idp, client, cache_max_age=600, cooldown=1, clock=clock)
        keys.refresh()
        start = clock.t
        entry = keys._state.entry
        assert entry is not None
        assert entry.fresh_until - start == fetch_at - 1
        clock.t = start + quiet_until
        jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 1
        clock.t = start + fetch_at
        jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 2


class TestUnknownKid:
    """Rotation, removal, and a storm of forged kids."""

    def test_rotation_new_kid_found_by_one_refetch(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """A token signed with a key the provider just added verifies after one fetch."""
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0]))
        clock = Clock()
        keys = remote(idp, client, clock=clock)
        jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0], rsa_keys[1]))
        clock.advance(31)
        assert jotkit.decode(token(rsa_keys[1]), keys, algorithms=["RS256"])["sub"] == "alice"
        assert idp.count(JWKS_PATH) == 2

    def test_unknown_kid_names_it_and_respects_cooldown(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """One refetch, then KeyNotFoundError with .kid; none again within cooldown."""
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0]))
        clock = Clock()
        keys = remote(idp, client, cooldown=30, clock=clock)
        keys.refresh()
        clock.advance(31)
        forged = token(rsa_keys[2])
        with pytest.raises(KeyNotFoundError, match="rsa-2") as raised:
            jotkit.decode(forged, keys, algorithms=["RS256"])
        assert raised.value.kid == "rsa-2"
        assert idp.count(JWKS_PATH) == 2
        clock.advance(10)
        with pytest.raises(KeyNotFoundError):
            jotkit.decode(forged, keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 2
        clock.advance(21)
        with pytest.raises(KeyNotFoundError):
            jotkit.decode(forged, keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 3

    def test_kid_storm_costs_one_request(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """Five hundred forged kids within the cooldown: one refetch in all."""
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0]))
        clock = Clock()
        keys = remote(idp, client, clock=clock)
        keys.refresh()
        clock.advance(31)
        attacker = Key.generate("RS256")
        for i in range(500):
            with pytest.raises(KeyNotFoundError):
                jotkit.decode(token(attacker, kid=f"forged-{i}"), keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 2

    def test_long_kid_is_cut_in_the_message(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """The attacker's kid is quoted, not echoed whole."""
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0]))
        keys = remote(idp, client)
        with pytest.raises(KeyNotFoundError) as raised:
            jotkit.decode(token(rsa_keys[0], kid="k" * 5000), keys, algorithms=["RS256"])
        assert len(str(raised.value)) < 300

    def test_removed_key_stops_verifying_at_next_refresh(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """A key the provider removed is refused once the set is refreshed, cache or not."""
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0], rsa_keys[1]))
        clock = Clock()
        keys = remote(idp, client, clock=clock)
        cached = jotkit.Verifier(keys, algorithms=["RS256"], cache=8)
        tok = token(rsa_keys[1])
        assert cached.decode(tok)["sub"] == "alice"
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0]))
        clock.advance(601)
        with pytest.raises(KeyNotFoundError):
            cached.decode(tok)
        with pytest.raises(KeyNotFoundError):
            jotkit.decode(tok, keys, algorithms=["RS256"])


class TestSingleFlight:
    """One request in flight per set, counted at the server."""

    def test_hundred_threads_cold_set_one_request(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """A hundred threads decoding against a cold set cause exactly one request."""
        gate = threading.Event()
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys), gate=gate)
        keys = remote(idp, client)
        verifier = jotkit.Verifier(keys, algorithms=["RS256"])
        tok = token(rsa_keys[2])
        results: list[Any] = []
        started = threading.Barrier(101)

        def work() -> None:
            started.wait(30)
            try:
                results.append(verifier.decode(tok)["sub"])
            except Exception as exc:
                results.append(exc)

        threads = [threading.Thread(target=work) for _ in range(100)]
        for t in threads:
            t.start()
        started.wait(30)
        assert eventually(lambda: idp.count(JWKS_PATH) >= 1)
        gate.set()
        for t in threads:
            t.join(60)
        assert results == ["alice"] * 100
        assert idp.count(JWKS_PATH) == 1

    def test_refresh_is_single_flight(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """refresh() forces a fetch within cooldown, but twenty at once make one request."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        keys = remote(idp, client)
        keys.refresh()
        keys.refresh()
        assert idp.count(JWKS_PATH) == 2
        gate = threading.Event()
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys), gate=gate)
        threads = [threading.Thread(target=keys.refresh) for _ in range(20)]
        for t in threads:
            t.start()
        assert eventually(lambda: idp.count(JWKS_PATH) == 3)
        gate.set()
        for t in threads:
            t.join(60)
        assert idp.count(JWKS_PATH) == 3


def _faults(ca: CA) -> dict[str, Any]:
    big = {"keys": [{"kty": "oct", "k": "A" * 1000}] * 600}
    return {
        "500": Route(body=b"oops", status=500),
        "404": Route(body=b"{}", status=404),
        "slower-than-timeout": Route.json({"keys": []}, delay=3),
        "slow-drip": Route.json({"keys": []}, drip=0.3),
        "over-limit-declared": Route.json(big),
        "over-limit-streamed": Route.json(big, chunked=True),
        "redirect-other-host": Route(
            status=302, headers={"Location": "https://attacker.invalid/jwks"}
        ),
        "invalid-json": Route(body=b'{"keys": [}'),
        "duplicate-members": Route(body=b'{"keys": [], "keys": []}'),
        "wrong-shape": Route.json({"keys": {"kty": "RSA"}}),
        "not-an-object": Route.json([1, 2]),
        "html": Route(body=b"<html></html>", headers={"Content-Type": "text/html"}),
        "closed-mid-body": Route.json({"keys": [{"kty": "RSA", "n": "x" * 500}]}, truncate=40),
    }


FAULTS = list(_faults(CA.__new__(CA)).keys())


@pytest.mark.parametrize("fault", FAULTS)
class TestFaults:
    """Every failed fetch: nothing usable -> KeySetUnavailableError; warm -> last good set."""

    def test_cold_set_is_unavailable(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key], ca: CA, fault: str
    ) -> None:
        """A cold set whose fetch fails refuses the token with KeySetUnavailableError."""
        idp.routes[JWKS_PATH] = _faults(ca)[fault]
        keys = remote(idp, client, timeout=1)
        with pytest.raises(KeySetUnavailableError) as raised:
            jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        assert keys.last_error
        assert isinstance(raised.value, JotkitError)

    def test_warm_set_kept_and_warned(
        self,
        idp: IdP,
        client: httpx.Client,
        rsa_keys: list[Key],
        ca: CA,
        fault: str,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """A failed refresh keeps the last good set (bounded) and logs a warning."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        clock = Clock()
        keys = remote(idp, client, timeout=1, clock=clock, stale_if_error=3600)
        tok = token(rsa_keys[0])
        jotkit.decode(tok, keys, algorithms=["RS256"])
        idp.routes[JWKS_PATH] = _faults(ca)[fault]
        clock.advance(601)
        with caplog.at_level(logging.WARNING, logger="jotkit.remote"):
            assert jotkit.decode(tok, keys, algorithms=["RS256"])["sub"] == "alice"
        assert any("failed" in r.getMessage() for r in caplog.records)
        assert idp.count(JWKS_PATH) == 2
        clock.advance(600 + 3600)
        with pytest.raises(KeySetUnavailableError):
            jotkit.decode(tok, keys, algorithms=["RS256"])


class TestNetworkFaults:
    """Connection refused and an untrusted certificate."""

    def test_connection_refused(self, rsa_keys: list[Key], client: httpx.Client) -> None:
        """Nothing listening: KeySetUnavailableError naming the failure."""
        keys = RemoteKeySet(f"https://127.0.0.1:{free_port()}/jwks", client=client, timeout=2)
        with pytest.raises(KeySetUnavailableError, match="Connect"):
            jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])

    def test_untrusted_certificate(self, idp: IdP, rsa_keys: list[Key]) -> None:
        """A server whose certificate chains to another CA is never trusted."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        with httpx.Client(verify=CA("another CA").client_context()) as other:
            keys = RemoteKeySet(idp.url(JWKS_PATH), client=other, timeout=2)
            with pytest.raises(KeySetUnavailableError, match=r"(?i)certificate|ssl"):
                jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])

    def test_default_client_does_not_trust_a_private_ca(
        self, idp: IdP, rsa_keys: list[Key]
    ) -> None:
        """Without the application's client, the system trust store decides: refused."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        keys = RemoteKeySet(idp.url(JWKS_PATH), timeout=2)
        try:
            with pytest.raises(KeySetUnavailableError):
                keys.refresh()
        finally:
            keys.close()
        assert idp.count(JWKS_PATH) == 0
