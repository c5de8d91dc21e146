"""The protected APIs the integration tests call, in process and as real servers.

``python -m tests.integrations._apps fastapi|flask PORT`` serves one on loopback
(uvicorn for FastAPI, Werkzeug for Flask), configured by environment variables:
``JOTKIT_TEST_JWKS`` (the authorization server's public JWK set), ``JOTKIT_TEST_REDIS``
(a Redis URL for the DPoP replay store; memory when unset) and ``JOTKIT_TEST_PUBLIC``
(the public URL DPoP's ``htu`` is checked against).
"""

import json
import os
import sys
from typing import Annotated, Any

from jotkit import KeySet
from jotkit.profiles.access_token import AccessTokenVerifier
from jotkit.profiles.dpop import DPoPVerifier
from jotkit.replay import MemoryReplayStore, ReplayStore

ISSUER = "https://as.example.com"
AUDIENCE = "https://api.example.com"
PUBLIC_URL = "https://api.example.com"


def verifier(keys: KeySet) -> AccessTokenVerifier:
    """The resource server's access-token verifier (RFC 9068)."""
    return AccessTokenVerifier(keys, issuer=ISSUER, audience=AUDIENCE, algorithms=["ES256"])


def dpop_verifier(replay: ReplayStore | None = None, **options: Any) -> DPoPVerifier:
    """The resource server's DPoP verifier."""
    store = MemoryReplayStore() if replay is None else replay
    return DPoPVerifier(algorithms=["ES256", "EdDSA"], replay=store, **options)


def fastapi_app(keys: KeySet, dpop: DPoPVerifier | None = None, **options: Any) -> Any:
    """A FastAPI app: ``/me`` needs any valid token, ``/messages`` the scope
    ``messages:read``, ``/who`` tells the scheme from ``request.state.jotkit``."""
    from fastapi import Depends, FastAPI, Request, Security

    from jotkit.integrations.fastapi import BearerAuth

    auth = BearerAuth(verifier(keys), dpop=dpop, public_url=PUBLIC_URL, **options)
    app = FastAPI()

    @app.get("/me")
    async def me(claims: Annotated[dict[str, Any], Depends(auth)]) -> dict[str, Any]:
        return {"sub": claims["sub"]}

    @app.get("/messages")
    async def messages(
        claims: Annotated[dict[str, Any], Security(auth, scopes=["messages:read"])],
    ) -> dict[str, Any]:
        return {"sub": claims["sub"], "messages": []}

    @app.get("/who")
    async def who(request: Request, _: Annotated[Any, Depends(auth)]) -> dict[str, Any]:
        return {"scheme": request.state.jotkit.scheme}

    return app


def flask_app(keys: KeySet, dpop: DPoPVerifier | None = None, **options: Any) -> Any:
    """A Flask app with the same two routes."""
    from flask import Flask, g

    from jotkit.integrations import Authenticator
    from jotkit.integrations.flask import require_token

    auth = Authenticator(verifier(keys), dpop=dpop, public_url=PUBLIC_URL, **options)
    app = Flask(__name__)

    @app.get("/me")
    @require_token(auth)
    def me() -> dict[str, Any]:
        return {"sub": g.token_claims["sub"]}

    @app.get("/messages")
    @require_token(auth, scopes=["messages:read"])
    def messages() -> dict[str, Any]:
        return {"sub": g.token_claims["sub"], "messages": []}

    return app


def _serve(kind: str, port: int) -> None:  # pragma: no cover - runs in a server process
    keys = KeySet.from_jwks(json.loads(os.environ["JOTKIT_TEST_JWKS"]))
    redis_url = os.environ.get("JOTKIT_TEST_REDIS")
    replay: ReplayStore | None = None
    if redis_url:
        from jotkit.replay import AsyncRedisReplayStore, RedisReplayStore

        replay = (
            AsyncRedisReplayStore(url=redis_url)
            if kind == "fastapi"
            else RedisReplayStore(url=redis_url)
        )
    dpop = dpop_verifier(replay)
    if kind == "fastapi":
        import uvicorn

        uvicorn.run(fastapi_app(keys, dpop), host="127.0.0.1", port=port, log_level="warning")
    else:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", port, flask_app(keys, dpop), threaded=True)


if __name__ == "__main__":  # pragma: no cover - a server process
    _serve(sys.argv[1], int(sys.argv[2]))
