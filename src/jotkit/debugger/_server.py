"""The local HTTP server behind the debugger page: static assets and a guarded JSON API.

Another web page open in the same browser must not be able to use this API, so every
API request must carry:

- the per-run secret in ``X-Jotkit-Secret`` (the page reads it from the URL fragment,
  which browsers never send to a server, so it is in no request line or log), compared
  in constant time;
- ``Host`` exactly ``127.0.0.1:<port>`` or ``localhost:<port>`` (DNS rebinding: a foreign
  name resolved to 127.0.0.1 still sends its own name);
- no ``Origin``, or this server's own (CSRF);
- ``Content-Type: application/json`` and a body of at most :data:`MAX_BODY` bytes.

Tokens travel only in POST bodies; the log line names the method and path, never a body
or a query string. Every response carries a strict Content Security Policy, so the page
cannot reach another host even if a script asked it to.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from ..errors import JotkitError
from ._api import ENDPOINTS, Context
from ._keys import BadRequest, error_dict

__all__ = ["CSP", "MAX_BODY", "DebuggerServer"]

#: The largest request body accepted, in bytes.
MAX_BODY = 1024 * 1024

CSP = (
    "default-src 'self'; connect-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
)

#: The only files served: path -> (package file, content type). Nothing else is readable.
_ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/app.css": ("app.css", "text/css; charset=utf-8"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
}


def _load_assets() -> dict[str, tuple[bytes, str]]:
    static = resources.files(__package__).joinpath("static")
    return {path: (static.joinpath(name).read_bytes(), ctype) for path, (name, ctype) in
            _ASSETS.items()}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "jotkit-debugger"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # A client that stalls mid-request must not hold a thread for ever.
    timeout = 30

    # ---------------------------------------------------------------- output

    def log_message(self, format: str, *args: Any) -> None:
        """Log the method and path only: never a query string, header or body."""
        if not self.server.quiet:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            sys.stderr.write(f"{self.command} {path} {args[1] if len(args) > 1 else ''}\n")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log_message("%s %s %s", "", code, size)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        for name, value in _SECURITY_HEADERS:
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _error(self, status: int, code: str, message: str) -> None:
        self._json(status, {"error": {"code": code, "message": message}})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors of the HTTP layer (a bad request line, say) as JSON with our headers."""
        self.close_connection = True
        # An unparsable request line leaves the version at HTTP/0.9, which would send the
        # body without a status line or any header: answer as HTTP/1.1, CSP included.
        self.request_version = self.protocol_version
        self._error(code, "http_error", message or "request refused")

    # ---------------------------------------------------------------- checks

    def _host_ok(self) -> bool:
        return self.headers.get("Host", "") in self.server.allowed_hosts

    def _origin_ok(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:
            return True
        return origin in {f"http://{host}" for host in self.server.allowed_hosts}

    def _secret_ok(self) -> bool:
        given = self.headers.get("X-Jotkit-Secret", "")
        return hmac.compare_digest(given.encode("utf-8", "replace"), self.server.secret_bytes)

    # ---------------------------------------------------------------- verbs

    def do_GET(self) -> None:
        if not self._host_ok():
            self._error(421, "bad_host", "this server answers only to 127.0.0.1 and localhost")
            return
        asset = self.server.assets.get(self.path.split("?", 1)[0])
        if asset is None:
            self._error(404, "not_found", "no such page")
            return
        self._send(200, *asset)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self.close_connection = True
        if not self._host_ok():
            self._error(421, "bad_host", "this server answers only to 127.0.0.1 and localhost")
            return
        if not self._origin_ok():
            self._error(403, "bad_origin", "requests from another origin are refused")
            return
        if not self._secret_ok():
            self._error(403, "bad_secret", "the per-run secret is missing or wrong")
            return
        name = self.path[len("/api/") :] if self.path.startswith("/api/") else None
        endpoint = ENDPOINTS.get(name or "")
        if endpoint is None:
            # A query string is refused too: tokens never travel in a URL.
            self._error(404, "not_found", "no such API endpoint")
            return
        media = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            self._error(415, "bad_content_type", "the API takes application/json")
            return
        body = self._read_body()
        if body is None:
            return
        try:
            result = endpoint(body, self.server.context)
        except BadRequest as exc:
            self._error(400, exc.code, exc.message)
        except JotkitError as exc:
            self._json(422, {"error": error_dict(exc)})
        except Exception as exc:  # a bug, not the input: answer, and log only its type
            sys.stderr.write(f"jotkit debugger: internal error ({type(exc).__name__})\n")
            self._error(500, "internal_error", "the debugger failed; this is a bug in jotkit")
        else:
            self._json(200, result)

    def _read_body(self) -> dict[str, Any] | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._error(411, "length_required", "send a Content-Length, not chunks")
            return None
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._error(411, "length_required", "a Content-Length is required")
            return None
        if length < 0 or length > MAX_BODY:
            self._error(413, "too_large", f"the request body is limited to {MAX_BODY} bytes")
            return None
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            self._error(400, "bad_json", "the request body is not JSON")
            return None
        if not isinstance(body, dict):
            self._error(400, "bad_json", "the request body must be a JSON object")
            return None
        return body

    def _refuse_method(self) -> None:
        self.close_connection = True
        self._error(405, "method_not_allowed", "only GET (pages) and POST (API)")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allowed_hosts: frozenset[str]
    secret_bytes: bytes
    assets: dict[str, tuple[bytes, str]]
    context: Context
    quiet: bool


class DebuggerServer:
    """The debugger's HTTP server: start it (in a thread, or in the foreground), then stop.

    Attributes:
        host, port: where it listens (``port`` is the real one when 0 was asked).
        secret: the per-run secret the API requires.
        url: the page's address, with the secret in the fragment.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        anchors: Sequence[Any] | None = None,
        quiet: bool = False,
    ) -> None:
        self.secret: str = secrets.token_urlsafe(32)
        httpd = _HTTPServer((host, port), _Handler)
        self.host = host
        self.port: int = httpd.server_address[1]
        hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        if host not in ("127.0.0.1", "localhost", "0.0.0.0", "::"):  # noqa: S104
            hosts.add(f"{host}:{self.port}")
        httpd.allowed_hosts = frozenset(hosts)
        httpd.secret_bytes = self.secret.encode()
        httpd.assets = _load_assets()
        httpd.context = Context(anchors=tuple(anchors or ()))
        httpd.quiet = quiet
        self._httpd = httpd
        self._thread: threading.Thread | None = None
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        self.url: str = f"http://{shown}:{self.port}/#secret={self.secret}"

    def serve_forever(self) -> None:
        """Serve in this thread until :meth:`stop` (from another thread) or an interrupt."""
        self._httpd.serve_forever(poll_interval=0.2)

    def start(self) -> DebuggerServer:
        """Serve in a daemon thread; return self."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=30)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> DebuggerServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
