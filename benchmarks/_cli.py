"""The ``jotkit`` command's start-up: wall time of fresh processes (issue 12).

Two rows, ``jotkit --help`` and ``jotkit inspect TOKEN``, each against the floor
``python -c "import jotkit"`` in the same run: the jotkit cell is the median wall time of
the whole command in a fresh process (interpreter start-up included), the floor cell the
median wall time of a fresh interpreter importing jotkit. Samples alternate between the
two, after one discarded warm-up of each (bytecode caches). Target: at most 2x.

The command is the console script next to the interpreter (``bin/jotkit``), or
``python -m jotkit`` when it is not installed.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ._harness import Cell, Row, Target
from ._libs import Absent, Library

__all__ = ["CLI_ROWS", "cli_specs", "measure_cli"]

_SRC = Path(__file__).resolve().parents[1] / "src"
_JOTKIT, _FLOOR = "jotkit", "floor"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


#: A well-formed ES256 JWT (inspect verifies nothing: the row times start-up, not crypto).
_TOKEN = ".".join(
    [
        _b64(json.dumps({"alg": "ES256", "typ": "JWT"}).encode()),
        _b64(json.dumps({"sub": "alice", "iss": "https://issuer.example", "exp": 1}).encode()),
        _b64(bytes(range(64))),
    ]
)
#: Row key -> (label, command arguments).
CLI_ROWS = {
    "cli-help": ("`jotkit --help` (fresh process, wall)", ["--help"]),
    "cli-inspect": ("`jotkit inspect TOKEN` (fresh process, wall)", ["inspect", _TOKEN]),
}


def cli_specs() -> list[tuple[str, str, Target]]:
    """(key, label, target) of each row: at most twice the import floor."""
    return [
        (key, label, Target(max_ratio=2.0, beat_peers=False))
        for key, (label, _) in CLI_ROWS.items()
    ]


def _command() -> list[str]:
    script = Path(sys.executable).with_name("jotkit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jotkit"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(_SRC)  # this checkout's jotkit
    env["NO_COLOR"] = "1"
    return env


def _wall(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=_SRC, env=_env(), capture_output=True, timeout=60, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        raise RuntimeError(lines[-1])
    return elapsed


def measure_cli(row: Row, libs: list[Library | Absent], runs: int) -> None:
    """Fill a CLI row: the command (jotkit column) against ``import jotkit`` (floor)."""
    args = CLI_ROWS[row.key][1]
    for lib in libs:
        if lib.name not in (_JOTKIT, _FLOOR):
            row.cells[lib.name] = Cell(status="n/a", detail="not a command-line tool")
    argvs = {
        _JOTKIT: [*_command(), *args],
        _FLOOR: [sys.executable, "-c", "import jotkit"],
    }
    cells = {name: row.cells.setdefault(name, Cell()) for name in argvs}
    try:
        for argv in argvs.values():
            _wall(argv)  # warm-up: bytecode caches
        for r in range(runs):
            order = list(argvs) if r % 2 == 0 else list(reversed(argvs))
            for name in order:
                cells[name].samples.append(_wall(argvs[name]))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        for cell in cells.values():
            cell.fail(f"command failed: {exc}")
            cell.samples.clear()
