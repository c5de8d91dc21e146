"""The debugger server, started on a free loopback port for each test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jotkit.debugger import DebuggerServer, make_app


@pytest.fixture(scope="module")
def server() -> Iterator[DebuggerServer]:
    """A running debugger server; stopped (socket closed) after the module."""
    app = make_app().start()
    try:
        yield app
    finally:
        app.stop()
