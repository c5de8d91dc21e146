"""Two application instances (two processes) sharing one real Redis (DESIGN 3.10).

A DPoP proof or a client assertion accepted by one instance is refused by the other;
fifty simultaneous attempts with one ``jti`` across both are accepted exactly once; with
Redis stopped both refuse (never accept) and serve again once it is back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jotkit import Key
from jotkit.profiles import client_assertion, dpop
from tests._redis_server import RedisServer

from ._instance import HTU, ISSUER

_ROOT = Path(__file__).resolve().parents[2]
_TIMEOUT = 120


class Instance:
    """A child process running ``tests/replay/_instance.py``."""

    def __init__(self, url: str, client_jwk: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.replay._instance", url, client_jwk],
            cwd=_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the instance exited ({self.process.poll()})")
        return line.strip()

    def _send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def arm(self, kind: str, token: str, copies: int) -> None:
        self._send(json.dumps({"kind": kind, "token": token, "copies": copies}))
        assert self._line() == "armed"

    def go(self) -> None:
        self._send("go")

    def result(self) -> dict[str, int]:
        answer: dict[str, int] = json.loads(self._line())
        return answer

    def once(self, kind: str, token: str) -> str:
        self.arm(kind, token, 1)
        self.go()
        counts = self.result()
        return next(name for name, count in counts.items() if count)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=_TIMEOUT)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def client_key() -> Key:
    return Key.generate("ES256")


@pytest.fixture
def instances(redis_url: str, client_key: Key) -> Iterator[tuple[Instance, Instance]]:
    jwk = json.dumps(client_key.public().to_jwk())
    a = Instance(redis_url, jwk)
    try:
        b = Instance(redis_url, jwk)
    except BaseException:
        a.close()
        raise
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def _proof(key: Key) -> str:
    return dpop.create_proof(key, htm="GET", htu=HTU)


def _assertion(key: Key) -> str:
    return client_assertion.create(key, client_id="c1", issuer=ISSUER, alg="ES256")


class TestTwoInstancesOneRedis:
    """What one instance accepted, the other refuses."""

    def test_dpop_proof_accepted_by_one_is_refused_by_the_other(
        self, instances: tuple[Instance, Instance], client_key: Key
    ) -> None:
        """The proof's jti is shared through Redis."""
        a, b = instances
        proof = _proof(client_key)
        assert a.once("dpop", proof) == "accepted"
        assert b.once("dpop", proof) == "replayed"
        assert a.once("dpop", proof) == "replayed"

    def test_client_assertion_accepted_by_one_is_refused_by_the_other(
        self, instances: tuple[Instance, Instance], client_key: Key
    ) -> None:
        """The assertion's jti is shared through Redis."""
        a, b = instances
        assertion = _assertion(client_key)
        assert b.once("assertion", assertion) == "accepted"
        assert a.once("assertion", assertion) == "replayed"

    @pytest.mark.parametrize("kind", ["dpop", "assertion"])
    def test_fifty_concurrent_attempts_across_both_yield_one_acceptance(
        self, instances: tuple[Instance, Instance], client_key: Key, kind: str
    ) -> None:
        """25 threads in each process, released together, one token: one acceptance."""
        a, b = instances
        token = _proof(client_key) if kind == "dpop" else _assertion(client_key)
        a.arm(kind, token, 25)
        b.arm(kind, token, 25)
        a.go()
        b.go()
        first, second = a.result(), b.result()
        assert first["accepted"] + second["accepted"] == 1
        assert first["replayed"] + second["replayed"] == 49
        assert first["unavailable"] + second["unavailable"] == 0

    def test_redis_stopped_mid_run_refuses_then_resumes(
        self,
        instances: tuple[Instance, Instance],
        client_key: Key,
        redis_server: RedisServer,
    ) -> None:
        """No Redis: every attempt refused as unavailable, none accepted; back: served."""
        a, b = instances
        assert a.once("dpop", _proof(client_key)) == "accepted"
        redis_server.stop()
        try:
            fresh = _proof(client_key)
            assert a.once("dpop", fresh) == "unavailable"
            assert b.once("dpop", fresh) == "unavailable"
            assert b.once("assertion", _assertion(client_key)) == "unavailable"
        finally:
            redis_server.start()
        assert b.once("dpop", fresh) == "accepted"
        assert a.once("dpop", fresh) == "replayed"
