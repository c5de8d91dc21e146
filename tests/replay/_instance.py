"""One "application instance" for the shared-Redis tests: a process that verifies what
it is sent against one Redis, the way a server behind a load balancer would.

Reads JSON lines ``{"kind": "dpop"|"assertion", "token": ..., "copies": n}`` and answers
one JSON line ``{"accepted": a, "replayed": r, "unavailable": u}``: the ``copies``
attempts run at once in threads, after the parent says ``go`` (so two processes start
their bursts together).
"""

from __future__ import annotations

import json
import sys
import threading

from jotkit import Key
from jotkit.errors import ReplayError, ReplayStoreUnavailableError
from jotkit.profiles import client_assertion, dpop
from jotkit.replay import RedisReplayStore

HTU = "https://api.example.com/resource"
ISSUER = "https://as.example.com"


def main() -> None:
    url, client_jwk = sys.argv[1], sys.argv[2]
    store = RedisReplayStore(url=url, timeout=2)
    verifier = dpop.DPoPVerifier(algorithms=["ES256"], replay=store)
    client_key = Key.from_jwk(client_jwk)

    def attempt(kind: str, token: str) -> str:
        try:
            if kind == "dpop":
                verifier.verify(token, htm="GET", htu=HTU)
            else:
                client_assertion.verify(
                    token, client_key, client_id="c1", issuer=ISSUER, replay=store,
                    algorithms=["ES256"],
                )  # fmt: skip
        except ReplayError:
            return "replayed"
        except ReplayStoreUnavailableError:
            return "unavailable"
        return "accepted"

    print("ready", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        results: list[str] = []
        lock = threading.Lock()
        start = threading.Event()

        def run(
            kind: str = request["kind"],
            token: str = request["token"],
            start: threading.Event = start,
            lock: threading.Lock = lock,
            results: list[str] = results,
        ) -> None:
            start.wait(timeout=120)
            outcome = attempt(kind, token)
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=run) for _ in range(request["copies"])]
        for thread in threads:
            thread.start()
        print("armed", flush=True)
        if sys.stdin.readline().strip() != "go":
            return
        start.set()
        for thread in threads:
            thread.join(timeout=120)
        counts = {name: results.count(name) for name in ("accepted", "replayed", "unavailable")}
        print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    main()
