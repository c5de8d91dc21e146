"""Rows for DPoP (RFC 9449) and the replay stores: jotkit only, no peer has them.

- ``dpop/memory``: one DPoP-bound request as a resource server sees it: decode the
  ES256 access token, then verify the ES256 proof bound to it (ath, cnf.jkt, htu, jti
  in a memory store). Target: at most 2.2x one ES256 ``decode``. That decode is the
  row's floor column (the one-shot ``jotkit.decode`` of the same access token, as in
  the ``decode/ES256`` row), so that both are timed in the same interleaved rounds: a
  ratio between two rows timed a minute apart moves with whatever else the host does.
- ``dpop/redis``: the same with the jti in a real redis-server on loopback.
- ``replay/redis``: one ``check_and_store`` on that Redis. Under the default CPU clock
  these show the client's own CPU; ``--clock wall`` adds the loopback round trip.

Proofs are single-use, so each cell cycles through a pool signed in advance and
empties its store when the pool wraps around (once per pool, not per call).
"""

from __future__ import annotations

import atexit
import itertools
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._harness import Target
from ._libs import Library, Unsupported

if TYPE_CHECKING:
    from ._rows import RowSpec

__all__ = ["dpop_specs"]

HTU = "https://api.example.com/resource"
POOL = 4000


def _only_jotkit(lib: Library, floor: bool = False) -> None:
    if lib.name != "jotkit" and not (floor and lib.name == "floor"):
        raise Unsupported("DPoP and replay stores are measured for jotkit only")


class _Redis:
    """One redis-server for the run, started on first use, stopped at exit."""

    url: str | None = None

    @classmethod
    def get(cls) -> str:
        if cls.url is None:
            binary = shutil.which("redis-server")
            if binary is None:
                raise Unsupported("redis-server is not installed")
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            directory = tempfile.mkdtemp(prefix="jotkit-bench-redis-")
            process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", directory],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            atexit.register(_stop, process, directory)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            cls.url = f"redis://127.0.0.1:{port}/0"
        return cls.url


def _stop(process: subprocess.Popen[bytes], directory: str) -> None:
    process.terminate()
    process.wait(timeout=30)
    shutil.rmtree(directory, ignore_errors=True)


def _request(store_kind: str) -> Callable[[Library], Callable[[], object]]:
    def build(lib: Library) -> Callable[[], object]:
        _only_jotkit(lib, floor=store_kind == "memory")
        import jotkit
        from jotkit.profiles import dpop
        from jotkit.replay import MemoryReplayStore, RedisReplayStore

        issuer_key = jotkit.Key.generate("ES256", kid="as-1")
        client_key = jotkit.Key.generate("ES256")
        claims: dict[str, Any] = {"iss": "https://as.example.com", "aud": "api", "sub": "u1",
                  "exp": 4_000_000_000, "cnf": {"jkt": client_key.thumbprint()}}  # fmt: skip
        token = jotkit.encode(claims, issuer_key, alg="ES256")
        if lib.name == "floor":
            public, decode_one = issuer_key.public(), jotkit.decode
            if decode_one(token, public, algorithms=["ES256"], issuer="https://as.example.com",
                          audience="api")["cnf"] != claims["cnf"]:  # fmt: skip
                raise AssertionError("the reference decode lost the claims")
            return lambda: decode_one(
                token, public, algorithms=["ES256"], issuer="https://as.example.com",
                audience="api",
            )  # fmt: skip
        tokens = jotkit.Verifier(
            issuer_key.public(),
            algorithms=["ES256"],
            issuer="https://as.example.com",
            audience="api",
        )
        store: Any
        if store_kind == "memory":
            store = MemoryReplayStore()
            reset: Callable[[], None] = store.clear
        else:
            store = RedisReplayStore(url=_Redis.get(), prefix="bench:")
            reset = store.client.flushdb
        verifier = dpop.DPoPVerifier(algorithms=["ES256"], replay=store, max_age=3600)
        proofs = [
            dpop.create_proof(client_key, htm="GET", htu=HTU, access_token=token)
            for _ in range(POOL)
        ]
        # Checked once before timing: the request passes, a replay does not.
        verifier.verify(proofs[0], htm="GET", htu=HTU, access_token=token,
                        token_claims=tokens.decode(token))  # fmt: skip
        try:
            verifier.verify(proofs[0], htm="GET", htu=HTU, access_token=token)
        except jotkit.errors.ReplayError:
            pass
        else:
            raise AssertionError("a replayed proof was accepted")
        reset()
        cycle = itertools.cycle(range(POOL))
        verify = verifier.verify
        decode = tokens.decode

        def one() -> object:
            i = next(cycle)
            if i == 0:
                reset()
            return verify(proofs[i], htm="GET", htu=HTU, access_token=token,
                          token_claims=decode(token))  # fmt: skip

        return one

    return build


def _redis_check(lib: Library) -> Callable[[], object]:
    _only_jotkit(lib)
    from jotkit.replay import RedisReplayStore

    store = RedisReplayStore(url=_Redis.get(), prefix="bench-check:")
    counter = itertools.count()
    check = store.check_and_store
    if not check("first", 60) or check("first", 60):
        raise AssertionError("SET NX did not answer new-then-seen")

    def one() -> object:
        return check(f"k{next(counter)}", 60)

    return one


def dpop_specs() -> list[RowSpec]:
    """The rows, after the ES256 decode row they are compared with."""
    from ._rows import RowSpec

    return [
        RowSpec(
            "dpop/memory",
            "DPoP-bound request: ES256 token + ES256 proof, memory store (floor: one ES256 "
            "jotkit.decode, same rounds)",
            Target(beat_peers=False, max_ratio=2.2),
            _request("memory"),
        ),
        RowSpec(
            "dpop/redis",
            "DPoP-bound request, jti in Redis on loopback",
            Target(beat_peers=False),
            _request("redis"),
        ),
        RowSpec(
            "replay/redis", "replay check, Redis SET NX PX", Target(beat_peers=False), _redis_check
        ),
    ]
