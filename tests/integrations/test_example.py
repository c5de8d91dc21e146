"""examples/fastapi_resource_server.py runs end to end: identity provider, API on
uvicorn, and a client whose DPoP request passes while the replay, the Bearer form and no
token are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.integrations._servers import ROOT

pytestmark = pytest.mark.slow


def test_example_runs() -> None:
    """One command, exit status 0, the four answers printed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "fastapi_resource_server.py")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("DPoP token + proof") and " 200 " in line for line in lines)
    assert any("replay" in line and 'error="invalid_dpop_proof"' in line for line in lines)
    assert "JWKS requests: 1" in lines
