"""Running the ``jotkit`` command as a fresh process, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The console script installed next to this interpreter.
SCRIPT = Path(sys.executable).with_name("jotkit")
#: Generous: a loaded 2-core machine can stall a fresh interpreter for seconds.
TIMEOUT = 120


@dataclass
class Done:
    """A finished command: exit status, stdout, stderr."""

    status: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.out)

    def one_error_line(self) -> str:
        """The single stderr line of a failed command (and that it is no traceback)."""
        lines = self.err.strip().splitlines()
        assert "Traceback" not in self.err, self.err
        assert len(lines) == 1, self.err
        assert lines[0].startswith("jotkit: error: "), lines[0]
        return lines[0]


def jotkit(
    *args: str,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    script: bool = False,
) -> Done:
    """Run ``python -m jotkit ARGS`` (or the console script) in a fresh process."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    argv = [str(SCRIPT)] if script else [sys.executable, "-m", "jotkit"]
    data = stdin.encode() if isinstance(stdin, str) else stdin
    done = subprocess.run(
        [*argv, *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=TIMEOUT,
        check=False,
    )
    return Done(done.returncode, done.stdout.decode(), done.stderr.decode())
