"""AsyncRemoteKeySet against the HTTPS server: tasks, decode_async, faults."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import jotkit
from jotkit import Key
from jotkit.errors import KeyNotFoundError, KeySetUnavailableError
from jotkit.remote import AsyncRemoteKeySet

from ._helpers import JWKS_PATH, Clock, jwks, token
from ._server import CA, IdP, Route, free_port


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


class TestAsync:
    """The same rules as the sync face, never blocking the loop."""

    def test_thousand_tasks_one_request(self, idp: IdP, ca: CA, rsa_keys: list[Key]) -> None:
        """A thousand tasks decoding against a cold set cause exactly one request."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys), delay=0.2)
        tok = token(rsa_keys[0])

        async def main() -> list[str]:
            async with httpx.AsyncClient(verify=ca.client_context()) as client:
                keys = AsyncRemoteKeySet(idp.url(JWKS_PATH), client=client)
                verifier = jotkit.Verifier(keys, algorithms=["RS256"])
                claims = await asyncio.gather(*(verifier.decode_async(tok) for _ in range(1000)))
                return [c["sub"] for c in claims]

        assert run(main()) == ["alice"] * 1000
        assert idp.count(JWKS_PATH) == 1

    def test_decode_async_warm_cached_and_unknown_kid(
        self, idp: IdP, ca: CA, rsa_keys: list[Key]
    ) -> None:
        """A cached Verifier re-asks the warm set; an unknown kid refetches once."""
        idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0]))
        clock = Clock()

        async def main() -> None:
            async with httpx.AsyncClient(verify=ca.client_context()) as client:
                keys = AsyncRemoteKeySet(idp.url(JWKS_PATH), client=client, clock=clock)
                verifier = jotkit.Verifier(keys, algorithms=["RS256"], cache=4)
                for _ in range(10):
                    assert (await verifier.decode_async(token(rsa_keys[0])))["sub"] == "alice"
                # Warm: the sync look-up answers too.
                assert jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
                clock.advance(31)
                for _ in range(50):
                    with pytest.raises(KeyNotFoundError, match="rsa-1"):
                        await verifier.decode_async(token(rsa_keys[1]))
                idp.routes[JWKS_PATH] = Route.json(jwks(rsa_keys[0], rsa_keys[1]))
                await keys.refresh()
                assert (await verifier.decode_async(token(rsa_keys[1])))["sub"] == "alice"

        run(main())
        assert idp.count(JWKS_PATH) == 3

    def test_sync_lookup_never_fetches(self, idp: IdP, ca: CA, rsa_keys: list[Key]) -> None:
        """A cold async set refuses the blocking look-up instead of blocking the loop."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        keys = AsyncRemoteKeySet(idp.url(JWKS_PATH))
        with pytest.raises(KeySetUnavailableError, match="decode_async"):
            jotkit.decode(token(rsa_keys[0]), keys, algorithms=["RS256"])
        assert idp.count(JWKS_PATH) == 0

    @pytest.mark.parametrize(
        "route",
        [Route(body=b"x", status=500), Route.json({"keys": []}, delay=3),
         Route(status=302, headers={"Location": "https://attacker.invalid/"}),
         Route.json({"keys": [{"kty": "oct", "k": "A" * 1000}] * 600}, chunked=True),
         Route.json({"keys": [{"kty": "RSA", "n": "x" * 500}]}, truncate=30)],
        ids=["500", "slower-than-timeout", "redirect", "over-limit-streamed", "closed-mid-body"],
    )  # fmt: skip
    def test_faults_cold_and_warm(
        self, idp: IdP, ca: CA, rsa_keys: list[Key], route: Route
    ) -> None:
        """Cold: KeySetUnavailableError; warm: the last good set is used."""
        clock = Clock()

        async def main() -> None:
            async with httpx.AsyncClient(verify=ca.client_context()) as client:
                cold = AsyncRemoteKeySet(idp.url(JWKS_PATH), client=client, timeout=1)
                idp.routes[JWKS_PATH] = route
                with pytest.raises(KeySetUnavailableError):
                    await jotkit.Verifier(cold, algorithms=["RS256"]).decode_async(
                        token(rsa_keys[0])
                    )
                idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
                warm = AsyncRemoteKeySet(idp.url(JWKS_PATH), client=client, timeout=1, clock=clock)
                verifier = jotkit.Verifier(warm, algorithms=["RS256"])
                await verifier.decode_async(token(rsa_keys[0]))
                idp.routes[JWKS_PATH] = route
                clock.advance(601)
                assert (await verifier.decode_async(token(rsa_keys[0])))["sub"] == "alice"
                assert warm.last_error

        run(main())

    def test_connection_refused_and_untrusted(self, idp: IdP, rsa_keys: list[Key]) -> None:
        """Nothing listening, or a certificate of another CA: KeySetUnavailableError."""
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))

        async def main() -> None:
            async with httpx.AsyncClient(verify=CA("other").client_context()) as client:
                for url in (f"https://127.0.0.1:{free_port()}/jwks", idp.url(JWKS_PATH)):
                    keys = AsyncRemoteKeySet(url, client=client, timeout=2)
                    with pytest.raises(KeySetUnavailableError):
                        await keys.refresh()

        run(main())
        assert idp.count(JWKS_PATH) == 0

    def test_own_client_closed(self, idp: IdP, rsa_keys: list[Key]) -> None:
        """A set that made its client closes it with aclose()."""

        async def main() -> None:
            keys = AsyncRemoteKeySet(idp.url(JWKS_PATH))
            with pytest.raises(KeySetUnavailableError):  # the system CAs do not trust it
                await keys.refresh()
            await keys.aclose()

        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        run(main())
