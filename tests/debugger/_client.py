"""A raw HTTP client for the debugger's API: every header under the test's control."""

from __future__ import annotations

import http.client
import json
from typing import Any

from jotkit.debugger import DebuggerServer

__all__ = ["Response", "post", "raw"]


class Response:
    """Status, headers and the decoded JSON body (None when not JSON)."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json: Any = json.loads(body)
        except ValueError:
            self.json = None

    @property
    def error_code(self) -> str:
        code: str = self.json["error"]["code"]
        return code


def raw(
    server: DebuggerServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Send one request with exactly these headers (Host included when given)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        sent = {"Host": f"127.0.0.1:{server.port}"}
        sent.update(headers or {})
        if body is not None and "Content-Length" not in sent:
            sent["Content-Length"] = str(len(body))
        for name, value in sent.items():
            if value is not None:
                conn.putheader(name, value)
        conn.endheaders()
        if body is not None:
            conn.send(body)
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


def post(
    server: DebuggerServer,
    endpoint: str,
    payload: Any,
    *,
    secret: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """POST JSON to ``/api/<endpoint>`` with the server's secret (or the one given)."""
    sent = {
        "Content-Type": "application/json",
        "X-Jotkit-Secret": server.secret if secret is None else secret,
    }
    sent.update(headers or {})
    return raw(server, "POST", f"/api/{endpoint}", json.dumps(payload).encode(), sent)
