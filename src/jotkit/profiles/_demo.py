"""The identity-provider part of ``make demo``: a local provider on loopback.

A stdlib HTTP server on 127.0.0.1 publishes an OIDC discovery document and a JWKS;
``discover()`` finds the keys, and an ID token and an RFC 9068 access token it "issued"
are validated through them. Plain http is used only because this is loopback
(``allow_http=True``); a real provider is always reached over https.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .. import jwt
from ..errors import JotkitError
from ..jwk import Key

__all__ = ["LocalProvider", "identity_provider_tour"]


def _serve(documents: dict[str, bytes], hits: list[str]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = documents.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LocalProvider:
    """A local identity provider on loopback: an OIDC discovery document and a JWKS over
    http, and the tokens it "issues" (for the demo, the examples and their tests).

    Args:
        alg: the signing algorithm of its key.
        kid: the key's ``kid``.
    """

    def __init__(self, alg: str = "RS256", kid: str = "idp-2025") -> None:
        self.signing = Key.generate(alg, kid=kid)
        self.alg = alg
        self.documents: dict[str, bytes] = {}
        #: The paths requested, in order (to count the JWKS fetches).
        self.hits: list[str] = []
        self._server = _serve(self.documents, self.hits)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.jwks_uri = self.issuer + "/jwks"
        self.documents["/.well-known/openid-configuration"] = json.dumps({
            "issuer": self.issuer,
            "jwks_uri": self.jwks_uri,
            "authorization_endpoint": self.issuer + "/authorize",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [alg],
        }).encode()  # fmt: skip
        self.documents["/jwks"] = json.dumps({"keys": [self.signing.public().to_jwk()]}).encode()

    def access_token(
        self,
        *,
        audience: str,
        scope: str,
        client_id: str = "web-app",
        sub: str = "alice",
        jkt: str | None = None,
        lifetime: int = 300,
    ) -> str:
        """An RFC 9068 access token; ``jkt`` binds it to a DPoP key (``cnf.jkt``)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "sub": sub, "aud": audience, "iat": now, "exp": now + lifetime,
            "jti": f"at-{time.time_ns()}", "client_id": client_id, "scope": scope,
        }  # fmt: skip
        if jkt is not None:
            claims["cnf"] = {"jkt": jkt}
        return jwt.encode(claims, self.signing, alg=self.alg, typ="at+jwt")

    def id_token(self, *, client_id: str, nonce: str, sub: str = "alice") -> str:
        """An OIDC ID token for ``client_id``."""
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": sub, "aud": client_id, "iat": now, "exp": now + 300,
                  "nonce": nonce}  # fmt: skip
        return jwt.encode(claims, self.signing, alg=self.alg)

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def identity_provider_tour() -> None:
    """Discover a local provider, validate an ID token and an access token from it."""
    try:
        from ..remote import discover
    except ImportError as exc:  # the demo installs .[remote]; say so if it did not
        print(f"\n== identity provider: skipped ({exc}) ==")
        return
    from . import access_token, oidc

    print("\n== tokens from an identity provider (discovery + JWKS on loopback) ==")
    with LocalProvider() as idp:
        provider = discover(idp.issuer, allow_http=True)
        print(f"discovered {provider.issuer}: jwks_uri {provider.jwks_uri}")
        id_token = idp.id_token(client_id="web-app", nonce="n-0S6_WzA2Mj")
        ids = oidc.IDTokenVerifier(provider, client_id="web-app")
        claims = ids.decode(id_token, nonce="n-0S6_WzA2Mj")
        print(f"ID token     valid for {claims['aud']}: sub={claims['sub']} (RS256 from metadata)")
        at = idp.access_token(audience="https://api.example", scope="orders:read")
        api = access_token.AccessTokenVerifier(
            provider.keys, issuer=idp.issuer, audience="https://api.example",
            algorithms=["RS256"], scopes=["orders:read"],
        )  # fmt: skip
        result = api.decode(at)
        print(f"access token valid: client_id={result.client_id} scopes={sorted(result.scopes)}")
        try:
            api.decode(id_token)
        except JotkitError as exc:
            print(f"ID token used as an access token rejected: {type(exc).__name__} ({exc})")
        print(f"JWKS requests for both tokens: {idp.hits.count('/jwks')}")
