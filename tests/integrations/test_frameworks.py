"""The FastAPI, Starlette and Flask faces in process (each framework's test client):
the same answers as the core, the claims where each framework keeps them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from jotkit import Key, KeySet
from jotkit.profiles.dpop import DPoPNonces
from tests.integrations._apps import PUBLIC_URL, dpop_verifier, fastapi_app, flask_app, verifier
from tests.integrations.conftest import MakeToken, proof_for


class AsgiClient:
    """Requests to an ASGI app in process, through httpx's ASGI transport."""

    def __init__(self, app: Any, base_url: str = PUBLIC_URL) -> None:
        self.app = app
        self.base_url = base_url

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=self.base_url) as client:
                return await client.get(path, headers=headers)

        return asyncio.run(call())


def fastapi_client(keys: KeySet, **options: Any) -> Any:
    return AsgiClient(fastapi_app(keys, **options))


class FlaskClient:
    """Flask's test client, answering as an httpx response does."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        answer = self.client.get(path, headers=headers)
        return httpx.Response(answer.status_code, headers=list(answer.headers), content=answer.data)


def flask_client(keys: KeySet, **options: Any) -> Any:
    return FlaskClient(flask_app(keys, **options))


CLIENTS = {"fastapi": fastapi_client, "flask": flask_client}


@pytest.mark.parametrize("framework", CLIENTS)
class TestBoth:
    """FastAPI's dependency and Flask's decorator answer alike."""

    def test_valid_bearer(self, framework: str, keys: KeySet, make_token: MakeToken) -> None:
        """A valid token reaches the view with its claims."""
        client = CLIENTS[framework](keys)
        response = client.get("/messages", headers={"Authorization": f"Bearer {make_token()}"})
        assert response.status_code == 200
        assert response.json() == {"sub": "alice", "messages": []}

    def test_no_token(self, framework: str, keys: KeySet) -> None:
        """401 and the challenge, the view never runs."""
        response = CLIENTS[framework](keys).get("/me")
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'

    def test_invalid_token(self, framework: str, keys: KeySet, make_token: MakeToken) -> None:
        """An expired token: 401 invalid_token, a JSON body with the code."""
        token = make_token(exp=1, iat=0)
        response = CLIENTS[framework](keys).get("/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert "invalid_token" in response.text
        assert token not in response.text

    def test_scope_per_route(self, framework: str, keys: KeySet, make_token: MakeToken) -> None:
        """/me needs no scope; /messages needs messages:read: 403 insufficient_scope."""
        client = CLIENTS[framework](keys)
        auth = {"Authorization": f"Bearer {make_token(scope='profile')}"}
        assert client.get("/me", headers=auth).status_code == 200
        response = client.get("/messages", headers=auth)
        assert response.status_code == 403
        assert 'scope="messages:read"' in response.headers["WWW-Authenticate"]

    def test_dpop(
        self, framework: str, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """A DPoP-bound token with its proof passes once; the replay, the Bearer form and a
        proof for another URL are refused."""
        client = CLIENTS[framework](keys, dpop=dpop_verifier())
        token = make_token(bound_to=client_key)
        proof = proof_for(client_key, token)
        good = {"Authorization": f"DPoP {token}", "DPoP": proof}
        assert client.get("/messages", headers=good).status_code == 200
        replay = client.get("/messages", headers=good)
        assert replay.status_code == 401
        assert 'error="invalid_dpop_proof"' in replay.headers["WWW-Authenticate"]
        assert 'algs="ES256 EdDSA"' in replay.headers["WWW-Authenticate"]
        bearer = client.get("/messages", headers={"Authorization": f"Bearer {token}"})
        assert bearer.status_code == 401
        elsewhere = {"Authorization": f"DPoP {token}", "DPoP": proof_for(client_key, token, "/me")}
        assert client.get("/messages", headers=elsewhere).status_code == 401

    def test_nonce_round_trip(
        self, framework: str, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """use_dpop_nonce with DPoP-Nonce; the retry passes and gets the nonce again."""
        client = CLIENTS[framework](keys, dpop=dpop_verifier(nonces=DPoPNonces(b"s" * 32)))
        token = make_token(bound_to=client_key)
        first = client.get(
            "/messages",
            headers={"Authorization": f"DPoP {token}", "DPoP": proof_for(client_key, token)},
        )
        assert first.status_code == 401
        assert 'error="use_dpop_nonce"' in first.headers["WWW-Authenticate"]
        nonce = first.headers["DPoP-Nonce"]
        retry = proof_for(client_key, token, nonce=nonce)
        second = client.get("/messages", headers={"Authorization": f"DPoP {token}", "DPoP": retry})
        assert second.status_code == 200
        assert second.headers["DPoP-Nonce"] == nonce


def test_fastapi_openapi_shows_bearer(keys: KeySet) -> None:
    """The dependency appears in the OpenAPI schema as an HTTP bearer scheme."""
    schema = fastapi_client(keys).get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["BearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }


def test_fastapi_principal_on_state(keys: KeySet, make_token: MakeToken) -> None:
    """request.state.jotkit holds the principal for the route."""
    response = fastapi_client(keys).get("/who", headers={"Authorization": f"Bearer {make_token()}"})
    assert response.json() == {"scheme": "Bearer"}


class TestStarlette:
    """The authentication backend for plain Starlette apps."""

    def app(self, keys: KeySet) -> Any:
        from starlette.applications import Starlette
        from starlette.authentication import requires
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        from jotkit.integrations.starlette import TokenBackend, token_middleware

        @requires("messages:read")
        async def messages(request: Request) -> JSONResponse:
            return JSONResponse(
                {"sub": request.user.claims["sub"], "who": request.user.display_name}
            )

        async def anyone(request: Request) -> JSONResponse:
            return JSONResponse({"authenticated": request.user.is_authenticated})

        return Starlette(
            routes=[Route("/messages", messages), Route("/anyone", anyone)],
            middleware=[token_middleware(TokenBackend(verifier(keys)))],
        )

    def test_valid(self, keys: KeySet, make_token: MakeToken) -> None:
        """The user carries the claims; its scopes are the token's."""
        client = AsgiClient(self.app(keys))
        response = client.get("/messages", headers={"Authorization": f"Bearer {make_token()}"})
        assert response.json() == {"sub": "alice", "who": "alice"}

    def test_anonymous_and_scope(self, keys: KeySet, make_token: MakeToken) -> None:
        """No header is anonymous; a token without the scope is refused by ``requires``."""
        client = AsgiClient(self.app(keys))
        assert client.get("/anyone").json() == {"authenticated": False}
        weak = {"Authorization": f"Bearer {make_token(scope='profile')}"}
        assert client.get("/messages", headers=weak).status_code == 403

    def test_invalid_token(self, keys: KeySet, make_token: MakeToken) -> None:
        """A failing token is answered by on_error: 401 with the challenge."""
        client = AsgiClient(self.app(keys))
        response = client.get(
            "/anyone", headers={"Authorization": f"Bearer {make_token(exp=1, iat=0)}"}
        )
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
        assert response.json()["error"] == "invalid_token"


class TestFaceOptions:
    """Every face takes the Authenticator's keywords (AuthOptions), or an Authenticator."""

    def faces(self) -> list[Any]:
        from jotkit.integrations.fastapi import BearerAuth
        from jotkit.integrations.flask import require_token
        from jotkit.integrations.starlette import TokenBackend

        return [BearerAuth, TokenBackend, require_token]

    def test_keywords_reach_the_authenticator(self, keys: KeySet) -> None:
        """realm, scopes, dpop and public_url given to a face are the ones it checks with."""
        from jotkit.integrations import Authenticator, Challenge

        dpop = dpop_verifier()
        for face in self.faces()[:2]:
            made = face(
                verifier(keys), realm="mail", scopes=["a"], dpop=dpop, public_url=PUBLIC_URL
            )
            auth = made.authenticator
            assert isinstance(auth, Authenticator)
            with pytest.raises(Challenge) as caught:
                auth.authenticate("GET", "/", lambda name: [])
            algs = " ".join(dpop.algorithms)
            assert caught.value.headers["WWW-Authenticate"] == (
                f'Bearer realm="mail", DPoP realm="mail", algs="{algs}"'
            )
            assert auth._scopes == {"a"}

    def test_mistakes_are_caught_at_start_up(self, keys: KeySet) -> None:
        """An unknown keyword, options beside a shared Authenticator (they would be
        ignored), or a bare string of scopes raise when the face is made."""
        from jotkit.integrations import Authenticator

        shared = Authenticator(verifier(keys))
        for face in self.faces():
            with pytest.raises(TypeError, match="unknown Authenticator keyword 'relm'"):
                face(verifier(keys), relm="x")
            with pytest.raises(TypeError, match="realm would be ignored"):
                face(shared, realm="x")
            with pytest.raises(TypeError, match="scopes"):
                face(verifier(keys), scopes="admin")
            assert face(shared) is not None
        with pytest.raises(TypeError, match="require_dpop"):
            Authenticator(verifier(keys), require_dpop="yes")  # type: ignore[arg-type]
