"""The offline web debugger: a page like jwt.io that never lets a token leave the machine.

``serve()`` (or ``jotkit serve``, or ``python -m jotkit.debugger``) starts a local server on
127.0.0.1 and prints the page's URL; the per-run secret the API requires is in the URL's
fragment, which a browser never sends. Every asset ships in this package, a strict
Content Security Policy keeps the page from reaching any other host, and the API checks
the secret, ``Host`` (DNS rebinding) and ``Origin`` (CSRF): see :mod:`._server`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ._server import CSP, MAX_BODY, DebuggerServer

__all__ = ["CSP", "MAX_BODY", "DebuggerServer", "make_app", "serve"]


def make_app(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    anchors: Sequence[Any] | None = None,
    quiet: bool = True,
) -> DebuggerServer:
    """A bound, not yet serving debugger server (``.start()`` serves it in a thread).

    Args:
        host: the address to bind; 127.0.0.1 unless you mean otherwise.
        port: the port; 0 picks a free one (read it back from ``.port``).
        anchors: trust anchors (PEM or certificates) for embedded ``x5c`` chains; without
            them a chain is shown as not trusted.
        quiet: do not log requests.
    """
    return DebuggerServer(host, port, anchors=anchors, quiet=quiet)


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = False,
    anchors: Sequence[Any] | None = None,
    *,
    out: TextIO | None = None,
) -> None:
    """Serve the debugger until interrupted; print its URL (the secret in the fragment).

    Args:
        host, port, anchors: as :func:`make_app`.
        open_browser: open the page in the default browser.
        out: where to print the URL (standard output by default).
    """
    server = DebuggerServer(host, port, anchors=anchors, quiet=False)
    stream = out if out is not None else sys.stdout
    print(f"jotkit debugger: {server.url}", file=stream, flush=True)
    print("Press Ctrl+C to stop.", file=stream, flush=True)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
