"""The ``jotkit`` command (extra ``cli``: Click and rich): ``jotkit --help``.

Commands: ``inspect``, ``verify``, ``sign``, ``encrypt``, ``decrypt``, ``keygen``,
``convert``, ``thumbprint``, ``jwks``, ``discover``, ``lint``, ``serve``. Exit status 0
valid, 1 invalid token (or key material jotkit refuses), 2 usage error.

The logic the debugger shares, :mod:`jotkit.cli.inspect` and :mod:`jotkit.cli.lint`, does
not import Click or rich; this package's ``__init__`` imports nothing either, so that
``import jotkit.cli.lint`` works without the extra.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run the ``jotkit`` command line; exits with its status."""
    try:
        from ._app import run
    except ImportError as exc:  # the cli extra is missing: the error names it
        print(f"jotkit: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    run(argv)
