"""Run one target under atheris: ``python -m fuzz.harness TARGET [libFuzzer flags...]``.

jotkit is imported inside ``atheris.instrument_imports`` so that libFuzzer sees its
coverage; nothing may import jotkit before that, which is why ``fuzz/__init__.py`` and
this module import it only through :func:`main`. Warnings are errors, as in the tests.
"""

from __future__ import annotations

import sys
import warnings


def main(argv: list[str]) -> None:
    """Fuzz the target named by ``argv[1]``; the rest of ``argv`` goes to libFuzzer."""
    import atheris

    if len(argv) < 2:
        raise SystemExit("usage: python -m fuzz.harness TARGET [libFuzzer flags...]")
    warnings.simplefilter("error")
    with atheris.instrument_imports(include=["jotkit"]):
        from .targets import load

        target = load(argv[1])
    atheris.Setup([argv[0], *argv[2:]], target.check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
