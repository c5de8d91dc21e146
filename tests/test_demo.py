"""``make demo`` runs ``python -m jotkit.demo``: it must show what the issues promise."""

from __future__ import annotations

import runpy

import pytest


class TestDemo:
    """The demo tour."""

    def test_tour(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Every family signs and rejects a tamper; the JWT is refused expired and misaddressed."""
        runpy.run_module("jotkit.demo", run_name="__main__")
        captured = capsys.readouterr()
        out = captured.out
        assert out.count("tampered token rejected: InvalidSignatureError") == 7
        assert "rejected  ten minutes later: ExpiredError (claim 'exp')" in out
        assert "rejected  for another API: InvalidClaimError (claim 'aud')" in out
        assert "decrypted b'card=4111...'" in out
        assert "ID token     valid for web-app: sub=alice" in out
        assert "access token valid: client_id=web-app scopes=['orders:read']" in out
        assert "ID token used as an access token rejected: InvalidClaimError" in out
        assert "JWKS requests for both tokens: 1" in out
        assert captured.err == ""
