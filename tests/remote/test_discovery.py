"""Discovery (OIDC Discovery 1.0, RFC 8414) against the HTTPS server, and its attacks."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import jotkit
from jotkit import Key
from jotkit.errors import KeySetUnavailableError
from jotkit.remote import AsyncRemoteKeySet, RemoteKeySet, discover, discover_async
from jotkit.remote._discovery import metadata_urls

from ._helpers import JWKS_PATH, jwks, token
from ._server import CA, IdP, Route

OIDC = "/.well-known/openid-configuration"


def metadata(idp: IdP, at: str, **changes: Any) -> dict[str, Any]:
    document = {
        "issuer": at,
        "jwks_uri": idp.url(JWKS_PATH),
        "authorization_endpoint": at + "/authorize",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


class TestDiscover:
    """The document is fetched, checked and cached; .keys shares the client."""

    def test_oidc_discovery(self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]) -> None:
        """OIDC metadata gives a RemoteKeySet for jwks_uri over the same client."""
        issuer = idp.base
        idp.routes[OIDC] = Route.json(metadata(idp, issuer))
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        provider = discover(issuer, client=client)
        assert provider.issuer == issuer
        assert provider.jwks_uri == idp.url(JWKS_PATH)
        assert provider.metadata["response_types_supported"] == ["code"]
        assert provider.id_token_algorithms == ("RS256", "ES256")
        assert isinstance(provider.keys, RemoteKeySet)
        claims = jotkit.decode(token(rsa_keys[0]), provider.keys, algorithms=["RS256"])
        assert claims["sub"] == "alice"
        assert discover(issuer, client=client) is provider  # cached
        assert idp.count(OIDC) == 1

    def test_rfc8414_fallback_with_path(
        self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]
    ) -> None:
        """No OIDC document: the RFC 8414 location, inserted before the issuer's path."""
        issuer = idp.base + "/tenant/a"
        path = "/.well-known/oauth-authorization-server/tenant/a"
        assert metadata_urls(issuer) == (idp.url("/tenant/a" + OIDC), idp.url(path))
        idp.routes[path] = Route.json(
            metadata(idp, issuer, subject_types_supported=None,
                     id_token_signing_alg_values_supported=None)
        )  # fmt: skip
        provider = discover(issuer, client=client)
        assert provider.jwks_uri == idp.url(JWKS_PATH)
        assert idp.count("/tenant/a" + OIDC) == 1
        assert provider.id_token_algorithms is None

    def test_async_discovery(self, idp: IdP, ca: CA, rsa_keys: list[Key]) -> None:
        """discover_async gives an AsyncRemoteKeySet that decode_async awaits."""
        issuer = idp.base
        idp.routes[OIDC] = Route.json(metadata(idp, issuer))
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))

        async def main() -> str:
            async with httpx.AsyncClient(verify=ca.client_context()) as client:
                provider = await discover_async(issuer, client)
                assert isinstance(provider.keys, AsyncRemoteKeySet)
                assert await discover_async(issuer, client) is provider
                verifier = jotkit.Verifier(provider.keys, algorithms=["RS256"])
                return str((await verifier.decode_async(token(rsa_keys[0])))["sub"])

        assert asyncio.run(main()) == "alice"
        assert idp.count(OIDC) == 1


class TestDiscoveryAttacks:
    """Documents that must be refused."""

    @pytest.mark.parametrize(
        ("changes", "message"),
        [({"issuer": "https://attacker.example"}, "issuer"),
         ({"issuer": None}, "issuer"),
         ({"jwks_uri": "http://127.0.0.1/jwks"}, "https"),
         ({"jwks_uri": None}, "jwks_uri"),
         ({"response_types_supported": None}, "response_types_supported"),
         ({"id_token_signing_alg_values_supported": "RS256"}, "id_token_signing"),
         ({"subject_types_supported": [1]}, "subject_types")],
        ids=["issuer-differs", "issuer-missing", "jwks-uri-on-http", "no-jwks-uri",
             "no-response-types", "algs-not-a-list", "subject-types-not-strings"],
    )  # fmt: skip
    def test_refused(
        self, idp: IdP, client: httpx.Client, changes: dict[str, Any], message: str
    ) -> None:
        """Each broken member is named; nothing is cached."""
        idp.routes[OIDC] = Route.json(metadata(idp, idp.base, **changes))
        with pytest.raises(KeySetUnavailableError, match=message):
            discover(idp.base, client=client)
        with pytest.raises(KeySetUnavailableError):
            discover(idp.base, client=client)
        assert idp.count(OIDC) == 2

    def test_issuer_with_trailing_slash_is_another_issuer(
        self, idp: IdP, client: httpx.Client
    ) -> None:
        """Identical means identical: 'https://host/' is not 'https://host'."""
        idp.routes[OIDC] = Route.json(metadata(idp, idp.base + "/"))
        with pytest.raises(KeySetUnavailableError, match="issuer"):
            discover(idp.base, client=client)

    @pytest.mark.parametrize(
        "route",
        [Route(status=302, headers={"Location": "https://attacker.invalid/"}),
         Route(body=b"{" * 10), Route(status=500),
         Route(body=b'{"a": "' + b"x" * 300_000 + b'"}'), Route(body=b"[]")],
        ids=["redirect", "invalid-json", "500", "oversize", "not-an-object"],
    )  # fmt: skip
    def test_fetch_failures(self, idp: IdP, client: httpx.Client, route: Route) -> None:
        """A failed or hostile fetch is KeySetUnavailableError (not a 404: no fallback)."""
        idp.routes[OIDC] = route
        with pytest.raises(KeySetUnavailableError):
            discover(idp.base, client=client)
        assert idp.count("/.well-known/oauth-authorization-server") == 0

    def test_http_issuer_refused(self) -> None:
        """An http issuer is a configuration error unless allow_http=True."""
        with pytest.raises(ValueError, match="https"):
            discover("http://127.0.0.1:1")
