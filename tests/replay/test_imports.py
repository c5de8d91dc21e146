"""redis-py is imported only by the Redis stores (its absence: tests/test_extras.py)."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


class TestImports:
    """Layering of the optional dependency."""

    def test_core_and_memory_store_do_not_import_redis(self) -> None:
        """import jotkit, jotkit.replay and the DPoP profile leave redis unloaded."""
        result = _run(
            "import sys, jotkit, jotkit.replay\n"
            "from jotkit.profiles import dpop, client_assertion, jar\n"
            "jotkit.replay.MemoryReplayStore().check_and_store('k', 5)\n"
            "assert 'redis' not in sys.modules, 'redis imported'\n"
        )
        assert result.returncode == 0, result.stderr
