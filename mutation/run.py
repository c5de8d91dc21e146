"""Apply each security mutant to a copy of ``src`` and run the test suite against it.

``python -m mutation.run [--jobs N] [NAME-SUBSTRING ...]``. The working tree is never
modified: each mutant is written into a temporary copy of ``src/``, which goes first on
``PYTHONPATH`` for a pytest run over the repository's own tests (stopping at the first
failure). A mutant the suite does not notice "survives"; the exit status is 1 if any
does. The interop matrix and the demo are left out (they do not test checks, and the
interop run rewrites ``docs/interop.md``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .mutants import MUTANTS, Mutant

ROOT = Path(__file__).resolve().parents[1]
_PYTEST = [
    "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
    "--ignore=tests/interop", "--ignore=tests/test_demo.py", "--ignore=tests/test_mutants.py",
    "tests",
]  # fmt: skip


def run_one(mutant: Mutant, timeout: float) -> tuple[Mutant, str, float]:
    """Return (mutant, verdict, seconds); verdict is killed, SURVIVED or an error."""
    with tempfile.TemporaryDirectory(prefix="jotkit-mutant-") as work:
        src = Path(work) / "src"
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        target = src / Path(mutant.path).relative_to("src")
        text = target.read_text(encoding="utf-8")
        if text.count(mutant.text) != 1:
            return mutant, "stale: the text does not occur exactly once", 0.0
        target.write_text(text.replace(mutant.text, mutant.replacement), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(src), CI="true", PYTHONDONTWRITEBYTECODE="1")
        started = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, *_PYTEST],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return mutant, "killed (timeout)", time.monotonic() - started
        seconds = time.monotonic() - started
    if done.returncode == 0:
        return mutant, "SURVIVED", seconds
    if done.returncode == 1:
        return mutant, "killed", seconds
    return mutant, f"error (pytest exit {done.returncode})", seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mutation.run", description=__doc__)
    parser.add_argument("names", nargs="*", help="only mutants whose name contains one")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run side by side")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per mutant")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.names or any(n in m.name for n in args.names)]
    bad = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for mutant, verdict, seconds in pool.map(lambda m: run_one(m, args.timeout), chosen):
            print(f"{verdict:<10} {seconds:6.1f} s  {mutant.name}  ({mutant.path})", flush=True)
            bad += not verdict.startswith("killed")
    print(f"{len(chosen) - bad} of {len(chosen)} mutants killed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
