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

__all__ = ["identity_provider_tour"]


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


def identity_provider_tour() -> None:
    """Discover a local provider, validate an ID token and an access token from it."""
    try:
        from ..remote import discover
    except ImportError as exc:  # the demo installs .[remote]; say so if it did not
        print(f"\n== identity provider: skipped ({exc}) ==")
        return
    from . import access_token, oidc

    print("\n== tokens from an identity provider (discovery + JWKS on loopback) ==")
    signing = Key.generate("RS256", kid="idp-2025")
    documents: dict[str, bytes] = {}
    hits: list[str] = []
    server = _serve(documents, hits)
    issuer = f"http://127.0.0.1:{server.server_address[1]}"
    documents["/.well-known/openid-configuration"] = json.dumps({
        "issuer": issuer,
        "jwks_uri": issuer + "/jwks",
        "authorization_endpoint": issuer + "/authorize",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }).encode()  # fmt: skip
    documents["/jwks"] = json.dumps({"keys": [signing.public().to_jwk()]}).encode()
    try:
        provider = discover(issuer, allow_http=True)
        print(f"discovered {provider.issuer}: jwks_uri {provider.jwks_uri}")
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": issuer, "sub": "alice", "aud": "web-app", "iat": now, "exp": now + 300,
             "nonce": "n-0S6_WzA2Mj"},
            signing,
        )  # fmt: skip
        ids = oidc.IDTokenVerifier(provider, client_id="web-app")
        claims = ids.decode(id_token, nonce="n-0S6_WzA2Mj")
        print(f"ID token     valid for {claims['aud']}: sub={claims['sub']} (RS256 from metadata)")
        at = jwt.encode(
            {"iss": issuer, "sub": "alice", "aud": "https://api.example", "iat": now,
             "exp": now + 300, "jti": "at-1", "client_id": "web-app", "scope": "orders:read"},
            signing,
            typ="at+jwt",
        )  # fmt: skip
        api = access_token.AccessTokenVerifier(
            provider.keys, issuer=issuer, audience="https://api.example", algorithms=["RS256"],
            scopes=["orders:read"],
        )  # fmt: skip
        result = api.decode(at)
        print(f"access token valid: client_id={result.client_id} scopes={sorted(result.scopes)}")
        try:
            api.decode(id_token)
        except JotkitError as exc:
            print(f"ID token used as an access token rejected: {type(exc).__name__} ({exc})")
        print(f"JWKS requests for both tokens: {hits.count('/jwks')}")
    finally:
        server.shutdown()
        server.server_close()
