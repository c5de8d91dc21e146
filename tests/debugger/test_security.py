"""The debugger server's guards: secret, Host, Origin, body limits, headers and logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from jotkit.debugger import CSP, MAX_BODY, DebuggerServer, make_app

from ._client import Response, post, raw

TOKEN = {"token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}


class TestHeaders:
    """Every response carries the strict policy headers."""

    @pytest.mark.parametrize("path", ["/", "/index.html", "/app.js", "/app.css", "/nope"])
    def test_get_headers(self, server: DebuggerServer, path: str) -> None:
        """Pages, assets and errors all carry the CSP, nosniff and no-referrer."""
        response = raw(server, "GET", path)
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"

    def test_csp_is_strict(self) -> None:
        """The policy forbids every other host and inline code."""
        for directive in (
            "default-src 'self'",
            "connect-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ):
            assert directive in CSP
        assert "unsafe" not in CSP

    def test_api_headers(self, server: DebuggerServer) -> None:
        """API answers are JSON, not cached, under the same CSP."""
        response = post(server, "decode", TOKEN)
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Security-Policy"] == CSP

    def test_assets_ship_in_the_package(self, server: DebuggerServer) -> None:
        """The page loads its script and style from this server only."""
        page = raw(server, "GET", "/").body.decode()
        assert '<script src="/app.js"' in page
        assert "http://" not in page
        assert "https://" not in page
        for path, ctype in (("/app.js", "text/javascript"), ("/app.css", "text/css")):
            response = raw(server, "GET", path)
            assert response.status == 200
            assert response.headers["Content-Type"].startswith(ctype)
            assert b"https://" not in response.body

    @pytest.mark.parametrize(
        "path", ["/../pyproject.toml", "/static/app.js", "/_server.py", "/%2e%2e/__init__.py"]
    )
    def test_only_listed_assets(self, server: DebuggerServer, path: str) -> None:
        """No other file of the package or the disk is readable."""
        assert raw(server, "GET", path).status == 404


class TestSecret:
    """The API requires the per-run secret."""

    def test_without_secret(self, server: DebuggerServer) -> None:
        """No secret header: 403."""
        response = raw(
            server,
            "POST",
            "/api/decode",
            json.dumps(TOKEN).encode(),
            {"Content-Type": "application/json"},
        )
        assert response.status == 403
        assert response.error_code == "bad_secret"

    @pytest.mark.parametrize("kind", ["empty", "wrong", "prefix", "longer"])
    def test_wrong_secret(self, server: DebuggerServer, kind: str) -> None:
        """A wrong, truncated or extended secret: 403."""
        secret = {
            "empty": "",
            "wrong": "x" * len(server.secret),
            "prefix": server.secret[:-1],
            "longer": server.secret + "A",
        }[kind]
        response = post(server, "decode", TOKEN, secret=secret)
        assert response.status == 403
        assert response.error_code == "bad_secret"

    def test_secret_of_another_run(self, server: DebuggerServer) -> None:
        """Each server has its own secret."""
        other = make_app()
        try:
            assert other.secret != server.secret
            assert post(server, "decode", TOKEN, secret=other.secret).status == 403
        finally:
            other.stop()

    def test_secret_in_fragment_only(self, server: DebuggerServer) -> None:
        """The URL carries the secret in its fragment, never in its query."""
        parts = urlsplit(server.url)
        assert parts.query == ""
        assert parts.fragment == f"secret={server.secret}"
        assert parts.netloc == f"127.0.0.1:{server.port}"


class TestHostAndOrigin:
    """DNS rebinding and CSRF: only this server's own names and origin."""

    @pytest.mark.parametrize(
        "host", ["evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "localhost.evil:{port}", ""]
    )
    def test_foreign_host(self, server: DebuggerServer, host: str) -> None:
        """A foreign Host is refused on the API and on pages."""
        header = {"Host": host.format(port=server.port)}
        response = post(server, "decode", TOKEN, headers=header)
        assert response.status == 421
        assert response.error_code == "bad_host"
        assert raw(server, "GET", "/", headers=header).status == 421

    def test_localhost_host(self, server: DebuggerServer) -> None:
        """``localhost:<port>`` is this server too."""
        response = post(server, "decode", TOKEN, headers={"Host": f"localhost:{server.port}"})
        assert response.status == 200

    @pytest.mark.parametrize(
        "origin",
        ["http://evil.example", "null", "https://127.0.0.1:{port}", "http://127.0.0.1:1"],
    )
    def test_foreign_origin(self, server: DebuggerServer, origin: str) -> None:
        """A request from another origin is refused, even with the secret."""
        response = post(
            server, "decode", TOKEN, headers={"Origin": origin.format(port=server.port)}
        )
        assert response.status == 403
        assert response.error_code == "bad_origin"

    @pytest.mark.parametrize("name", ["127.0.0.1", "localhost"])
    def test_same_origin(self, server: DebuggerServer, name: str) -> None:
        """The page's own origin is accepted."""
        origin = f"http://{name}:{server.port}"
        assert post(server, "decode", TOKEN, headers={"Origin": origin}).status == 200


class TestRequests:
    """Shape of API requests: method, path, type, size."""

    def test_body_too_large(self, server: DebuggerServer) -> None:
        """A body over the limit is refused before it is read."""
        response = raw(
            server,
            "POST",
            "/api/decode",
            b"{}",
            {
                "Content-Type": "application/json",
                "X-Jotkit-Secret": server.secret,
                "Content-Length": str(MAX_BODY + 1),
            },
        )
        assert response.status == 413
        assert response.error_code == "too_large"

    def test_body_at_limit(self, server: DebuggerServer) -> None:
        """A body of exactly the limit is read (and refused for its content, not size)."""
        body = b'{"token": "' + b"a" * (MAX_BODY - 13) + b'"}'
        assert len(body) == MAX_BODY
        response = post_raw(server, body)
        assert response.status == 422
        assert response.error_code == "exceeded_limit"

    def test_no_length(self, server: DebuggerServer) -> None:
        """Without Content-Length (or chunked): 411."""
        headers = {"Content-Type": "application/json", "X-Jotkit-Secret": server.secret}
        assert raw(server, "POST", "/api/decode", None, headers).status == 411
        chunked = dict(headers, **{"Transfer-Encoding": "chunked"})
        assert raw(server, "POST", "/api/decode", b"0\r\n\r\n", chunked).status == 411

    @pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", ""])
    def test_simple_request_types(self, server: DebuggerServer, ctype: str) -> None:
        """Types a cross-site form can send are refused (CSRF without preflight)."""
        response = post(server, "decode", TOKEN, headers={"Content-Type": ctype})
        assert response.status == 415

    @pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"x"', b"[" * 100000])
    def test_bad_json(self, server: DebuggerServer, body: bytes) -> None:
        """A body that is not a JSON object: 400 with a code."""
        response = post_raw(server, body)
        assert response.status == 400
        assert response.error_code == "bad_json"

    def test_query_string_refused(self, server: DebuggerServer) -> None:
        """Tokens never travel in a URL: an API path with a query is refused."""
        response = raw(
            server,
            "POST",
            "/api/decode?token=abc",
            json.dumps(TOKEN).encode(),
            {"Content-Type": "application/json", "X-Jotkit-Secret": server.secret},
        )
        assert response.status == 404

    @pytest.mark.parametrize("endpoint", ["nope", "", "decode/x"])
    def test_unknown_endpoint(self, server: DebuggerServer, endpoint: str) -> None:
        """An unknown endpoint: 404 JSON."""
        response = post(server, endpoint, TOKEN)
        assert response.status == 404
        assert response.error_code == "not_found"

    @pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
    def test_other_methods(self, server: DebuggerServer, method: str) -> None:
        """Only GET and POST: other methods are refused (no CORS preflight answered)."""
        response = raw(server, method, "/api/decode", b"{}", {"Content-Type": "application/json"})
        assert response.status == 405
        assert "Access-Control-Allow-Origin" not in response.headers

    def test_get_api(self, server: DebuggerServer) -> None:
        """The API is POST only."""
        assert raw(server, "GET", "/api/decode").status == 404


def post_raw(server: DebuggerServer, body: bytes) -> Response:
    """POST these exact bytes to /api/decode with the secret."""
    return raw(
        server,
        "POST",
        "/api/decode",
        body,
        {"Content-Type": "application/json", "X-Jotkit-Secret": server.secret},
    )


class TestLogs:
    """What the server logs: method and path, never a token, body or query."""

    def test_log_line(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A request logs its method, path and status, and nothing of the body or query."""
        app = DebuggerServer(quiet=False).start()
        try:
            post(app, "decode", {"token": "SECRET-TOKEN-TEXT.x.y"})
            raw(app, "GET", "/?token=QUERY-TOKEN")
        finally:
            app.stop()
        err = capsys.readouterr().err
        assert "POST /api/decode 422" in err
        assert "GET / 200" in err
        assert "SECRET-TOKEN-TEXT" not in err
        assert "QUERY-TOKEN" not in err
        assert app.secret not in err


class TestMain:
    """``python -m jotkit.debugger`` prints the URL and serves until interrupted."""

    def test_module_serves(self) -> None:
        """The printed URL works; SIGINT stops it cleanly."""
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "jotkit.debugger", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.startswith("jotkit debugger: http://127.0.0.1:")
            url = urlsplit(line.split(": ", 1)[1].strip())
            assert url.query == ""
            secret = url.fragment.removeprefix("secret=")
            app = _Remote(url.port or 0, secret)
            response = post(app, "decode", TOKEN)  # type: ignore[arg-type]
            assert response.status == 200
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0
            assert "Traceback" not in err
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=60)


class _Remote:
    """Enough of a DebuggerServer for the client: a port and a secret."""

    def __init__(self, port: int, secret: str) -> None:
        self.port = port
        self.secret = secret


class TestProtocol:
    """Odd requests at the HTTP layer still get our headers and a JSON error."""

    def test_bad_request_line(self, server: DebuggerServer) -> None:
        """A garbage request line: 400 JSON under the CSP, connection closed."""
        import socket

        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
            sock.sendall(b"NOT A REQUEST AT ALL\r\n\r\n")
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400")
        assert f"Content-Security-Policy: {CSP}".encode() in head
        assert json.loads(body)["error"]["code"] == "http_error"

    def test_head(self, server: DebuggerServer) -> None:
        """HEAD of the page: headers, no body."""
        response = raw(server, "HEAD", "/")
        assert response.status == 200
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.body == b""

    def test_context_manager(self) -> None:
        """``with make_app() as app`` serves inside the block and closes after it."""
        with make_app() as app:
            assert post(app, "decode", TOKEN).status == 200
        with pytest.raises(ConnectionRefusedError):
            raw(app, "GET", "/")


def test_internal_error_answers(monkeypatch: pytest.MonkeyPatch, server: DebuggerServer) -> None:
    """A bug in an endpoint still answers 500 JSON, and logs no request content."""
    from jotkit.debugger import _api

    def broken(body: object, context: object) -> dict[str, object]:
        raise RuntimeError(f"leaked {body}")

    monkeypatch.setitem(_api.ENDPOINTS, "decode", broken)
    response = post(server, "decode", {"token": "SECRET-TOKEN"})
    assert response.status == 500
    assert response.json == {
        "error": {
            "code": "internal_error",
            "message": "the debugger failed; this is a bug in jotkit",
        }
    }
