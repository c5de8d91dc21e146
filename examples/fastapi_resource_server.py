"""A FastAPI resource server protected by jotkit: access tokens from an identity
provider's JWKS (fetched, cached and refreshed by ``AsyncRemoteKeySet``), bound to the
client's key with DPoP (RFC 9449).

Run it with ``make example`` (or ``python examples/fastapi_resource_server.py`` with the
``fastapi`` extra and uvicorn installed). It starts the demo's local identity provider
and the API on loopback, then acts as a client: a DPoP-bound request is served, and the
same token without its proof, a replayed proof and no token at all are refused.
``--serve`` keeps both running and prints a token and a ready-made curl command.
"""

import argparse
import socket
import threading
import time
from typing import Annotated, Any

import httpx
import uvicorn
from fastapi import FastAPI, Security

from jotkit import Key
from jotkit.integrations.fastapi import BearerAuth
from jotkit.profiles import dpop
from jotkit.profiles._demo import LocalProvider
from jotkit.profiles.access_token import AccessTokenVerifier
from jotkit.remote import AsyncRemoteKeySet
from jotkit.replay import MemoryReplayStore

AUDIENCE = "https://api.example.com"


def make_app(issuer: str, jwks_uri: str, public_url: str) -> FastAPI:
    """The API: ``GET /orders`` needs a DPoP-bound token with the ``orders:read`` scope."""
    # Plain http is allowed only because the provider is on loopback here.
    keys = AsyncRemoteKeySet(jwks_uri, allow_http=True)
    tokens = AccessTokenVerifier(keys, issuer=issuer, audience=AUDIENCE, algorithms=["ES256"])
    # One store per process here; RedisReplayStore when several instances serve the API.
    proofs = dpop.DPoPVerifier(algorithms=["ES256", "EdDSA"], replay=MemoryReplayStore())
    auth = BearerAuth(tokens, dpop=proofs, require_dpop=True, public_url=public_url)
    app = FastAPI(title="orders")

    @app.get("/orders")
    async def orders(
        claims: Annotated[dict[str, Any], Security(auth, scopes=["orders:read"])],
    ) -> dict[str, Any]:
        return {"orders": ["#1001", "#1002"], "for": claims["sub"]}

    return app


class Api:
    """uvicorn serving the app in a thread on a free loopback port."""

    def __init__(self, idp: LocalProvider) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        # The API's public URL is configured, never taken from Host: here, where it runs.
        self.url = f"http://127.0.0.1:{port}"
        app = make_app(idp.issuer, idp.jwks_uri, public_url=self.url)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def tour(idp: LocalProvider, api_url: str) -> list[int]:
    """Act as a client; print and return each answer's status."""
    client_key = Key.generate("ES256")
    token = idp.access_token(audience=AUDIENCE, scope="orders:read", jkt=client_key.thumbprint())
    statuses = []
    with httpx.Client(base_url=api_url) as http:

        def call(label: str, headers: dict[str, str]) -> None:
            answer = http.get("/orders", headers=headers)
            statuses.append(answer.status_code)
            shown = (
                answer.text
                if answer.is_success
                else answer.headers.get("www-authenticate", answer.text)
            )
            print(f"{label:32} {answer.status_code} {shown}")

        proof = dpop.create_proof(
            client_key, htm="GET", htu=api_url + "/orders", access_token=token
        )
        call("DPoP token + proof", {"Authorization": f"DPoP {token}", "DPoP": proof})
        call("the same proof again (replay)", {"Authorization": f"DPoP {token}", "DPoP": proof})
        call("the token as Bearer, no proof", {"Authorization": f"Bearer {token}"})
        call("no token", {})
    print(f"JWKS requests: {idp.hits.count('/jwks')}")
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="keep running (Ctrl-C stops)")
    options = parser.parse_args()
    with LocalProvider(alg="ES256") as idp:
        print(f"identity provider  {idp.issuer} (JWKS {idp.jwks_uri})")
        api = Api(idp)
        print(f"resource server    {api.url}/orders (FastAPI on uvicorn)")
        try:
            statuses = tour(idp, api.url)
            if statuses != [200, 401, 401, 401]:
                raise SystemExit(f"unexpected answers: {statuses}")
            if options.serve:
                key = Key.generate("ES256")
                token = idp.access_token(
                    audience=AUDIENCE, scope="orders:read", jkt=key.thumbprint()
                )
                proof = dpop.create_proof(
                    key, htm="GET", htu=api.url + "/orders", access_token=token
                )
                print("\nserving; try (one proof, one request):")
                print(
                    f"curl -i {api.url}/orders -H 'Authorization: DPoP {token}' -H 'DPoP: {proof}'"
                )
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            api.stop()


if __name__ == "__main__":
    main()
