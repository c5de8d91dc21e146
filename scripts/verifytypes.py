"""The public API's typing as pyright sees it: ``pyright --verifytypes jotkit``.

Prints the completeness score and every symbol that lowers it; exits 1 under the floor
(``--min``, 99 unless told). Run it with the interpreter of the environment that has
jotkit and pyright installed: pyright is pointed at that environment, so the package it
checks is the one that environment imports (the editable source tree, or a wheel).

    python scripts/verifytypes.py [--min 99]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any


def _pyright() -> str:
    found = shutil.which("pyright", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("pyright is not installed in this environment: pip install pyright")
    return found


def run(package: str) -> dict[str, Any]:
    """pyright's JSON report of ``--verifytypes package``, external types ignored."""
    env = dict(os.environ)
    # pyright asks the first `python` on PATH for its import paths: make it this one.
    env["VIRTUAL_ENV"] = sys.prefix
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    done = subprocess.run(  # noqa: S603 - our own pyright, fixed arguments
        [_pyright(), "--outputjson", "--verifytypes", package, "--ignoreexternal"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"pyright gave no report:\n{done.stdout}\n{done.stderr}") from None
    return report


def main(argv: list[str] | None = None) -> int:
    """Print the score and what lowers it; 1 under the floor, else 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min", type=float, default=99.0, help="the floor, in percent")
    parser.add_argument("--package", default="jotkit")
    args = parser.parse_args(argv)
    completeness = run(args.package)["typeCompleteness"]
    if not completeness.get("packageRootDirectory"):
        print(f"pyright did not find {args.package} in {sys.prefix}", file=sys.stderr)
        return 1
    for symbol in completeness["symbols"]:
        for diagnostic in symbol.get("diagnostics", ()):
            if diagnostic["severity"] == "error":
                print(f"{symbol['name']}: {diagnostic['message']}")
    score = 100 * completeness["completenessScore"]
    print(
        f"pyright --verifytypes {args.package}: {score:.1f}% "
        f"({completeness['packageRootDirectory']}; floor {args.min:g}%); without "
        f"docstrings: {completeness['missingFunctionDocStringCount']} functions, "
        f"{completeness['missingClassDocStringCount']} classes"
    )
    return 0 if score >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
