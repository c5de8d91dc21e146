"""Import time: the median over fresh interpreters of one import statement.

Each sample is a new ``python -c`` process that times only its import statement (in
CPU time of that process by default), so interpreter start-up is excluded. Libraries
are interleaved sample by sample (rotated), after one discarded warm-up run each (it
writes bytecode caches). The floor's statement imports the standard and
``cryptography`` modules the floor uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ._harness import Cell, Row
from ._libs import Absent, Library

__all__ = ["measure_imports"]

_SNIPPET = "import time\nt0 = time.{clock}()\n{stmt}\nprint(time.{clock}() - t0)\n"
#: The child's clock: process CPU time (user + system, so file reads count) by default,
#: for the same reason as the harness's clock; "wall" for wall time.
_CHILD_CLOCKS = {"cpu": "process_time", "wall": "perf_counter"}
#: The working tree's sources, so the jotkit being measured is this checkout's.
_SRC = Path(__file__).resolve().parents[1] / "src"


def _env() -> dict[str, str]:
    # Imports are timed as a deployed service sees them: with bytecode caches. Without
    # this, an environment that sets PYTHONDONTWRITEBYTECODE would time the compiler.
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(stmt: str, clock: str) -> float:
    """Seconds taken by ``stmt`` in a fresh interpreter; raises on failure."""
    done = subprocess.run(
        [sys.executable, "-c", _SNIPPET.format(stmt=stmt, clock=_CHILD_CLOCKS[clock])],
        cwd=_SRC,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        raise RuntimeError(lines[-1])
    return float(done.stdout.strip().splitlines()[-1])


def measure_imports(row: Row, libs: list[Library | Absent], runs: int, clock: str = "cpu") -> None:
    """Fill the import-time row (seconds per import, one sample per fresh process)."""
    live: list[Library] = []
    for lib in libs:
        if isinstance(lib, Absent):
            row.cells[lib.name] = Cell(status="n/a", detail=lib.reason)
            continue
        cell = row.cells[lib.name] = Cell()
        try:
            _run(lib.import_stmt, clock)  # warm-up: bytecode caches
        except RuntimeError as exc:
            status = "n/a" if "No module named 'jotkit" in str(exc) else "error"
            cell.status, cell.detail = status, f"import failed: {exc}"
            continue
        live.append(lib)
    for r in range(runs):
        shift = r % len(live) if live else 0
        for lib in live[shift:] + live[:shift]:
            cell = row.cells[lib.name]
            if cell.status != "ok":
                continue
            try:
                cell.samples.append(_run(lib.import_stmt, clock))
            except RuntimeError as exc:
                cell.status, cell.detail = "error", f"import failed: {exc}"
                cell.samples.clear()
