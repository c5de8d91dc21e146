"""Real application servers for the end-to-end tests: a process per instance (uvicorn
for FastAPI, Werkzeug for Flask) on a free loopback port, stopped by the test."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from jotkit import KeySet
from tests._redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
# Generous: a loaded 2-core machine can take seconds to import FastAPI and start.
_START_TIMEOUT = 60.0


class AppServer:
    """``python -m tests.integrations._apps KIND PORT`` in its own process."""

    def __init__(self, kind: str, keys: KeySet, redis_url: str | None = None) -> None:
        self.kind = kind
        self.port = free_port()
        env = dict(os.environ, JOTKIT_TEST_JWKS=json.dumps(keys.to_jwks()))
        if redis_url is not None:
            env["JOTKIT_TEST_REDIS"] = redis_url
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.integrations._apps", kind, str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._listening():
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"the {kind} server exited:\n{error}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {kind} server did not start in time")
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _listening(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self.process.stderr is not None:
            self.process.stderr.close()

    def __enter__(self) -> AppServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
