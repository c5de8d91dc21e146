"""``make demo`` runs ``python -m jotkit.demo``: it must show what the issues promise."""

from __future__ import annotations

import subprocess
import sys


class TestDemo:
    """The demo tour."""

    def test_tour(self) -> None:
        """Every family signs and rejects a tamper; the JWT is refused expired and misaddressed."""
        done = subprocess.run(
            [sys.executable, "-W", "error", "-m", "jotkit.demo"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        out = done.stdout
        assert out.count("tampered token rejected: InvalidSignatureError") == 7
        assert "rejected  ten minutes later: ExpiredError (claim 'exp')" in out
        assert "rejected  for another API: InvalidClaimError (claim 'aud')" in out
        assert "decrypted b'card=4111...'" in out
        assert done.stderr == ""
