"""Rows for remote key sets: decode RS256 through a warm ``RemoteKeySet``.

The fixtures' 10-key JWKS is served over HTTP on loopback by a server this module
starts once per run. jotkit's column decodes through a warm ``RemoteKeySet``; its target
is at most 1.05x the same decode with a local ``KeySet`` (row ``decode/jwks``, same run).
PyJWT's column is its documented pattern, ``PyJWKClient.get_signing_key_from_jwt`` then
``jwt.decode``; the floor's is its local by-kid decoder (a remote set adds no work per
token once warm, so the floor is the same).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._fixtures import Fixtures
from ._harness import Target
from ._libs import Library, Unsupported

__all__ = ["REMOTE_ROW", "remote_decoder", "remote_target"]

REMOTE_ROW = "decode/jwks/remote"
#: jotkit's remote median may be at most this much over its local-KeySet median.
MAX_OVER_LOCAL = 1.05


@functools.cache
def _serve(body: bytes) -> str:
    """Serve ``body`` as application/json on loopback for the rest of the run."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/jwks"


def remote_decoder(fx: Fixtures, lib: Library) -> Callable[[str], Any]:
    """A decoder for ``lib`` that takes its keys from the served JWKS, warmed up."""
    url = _serve(json.dumps(fx.jwks).encode())
    iss, aud, algorithms = fx.issuer, fx.audience, ["RS256"]
    if lib.name == "floor":
        return lib.jwks_decoder()
    if lib.name == "jotkit":
        import jotkit
        from jotkit.remote import RemoteKeySet

        keys = RemoteKeySet(url, allow_http=True)
        keys.refresh()
        return lambda token: jotkit.decode(
            token, keys, algorithms=algorithms, issuer=iss, audience=aud
        )
    if lib.name == "PyJWT":
        import jwt

        client = jwt.PyJWKClient(url)

        def decode(token: str) -> Any:
            key = client.get_signing_key_from_jwt(token)
            return jwt.decode(token, key.key, algorithms=algorithms, issuer=iss, audience=aud)

        return decode
    raise Unsupported("no remote key set in this library's API")


def remote_target() -> Target:
    """At most 1.05x the local-KeySet decode of the same run, and faster than PyJWT."""
    return Target(speedup_over="decode/jwks", min_speedup=1 / MAX_OVER_LOCAL)
