"""Each extra installed on its own from the wheel, into a fresh environment (make extras-check).

For the core (no extra) and each of ``remote``, ``redis``, ``cli``, ``fastapi`` and
``flask``: a new virtual environment, ``pip install 'WHEEL[EXTRA]'``, then a short
program in it that uses the layer the extra is for (a real request, a real Redis
command, the console script) and checks that the layers whose extra is *not* installed
refuse to import with an ImportError naming their extra. Unlike tests/test_extras.py,
nothing is simulated: the dependencies are really absent.

    python scripts/extras_check.py [--wheel dist/jotkit-X-py3-none-any.whl] [EXTRA ...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A layer that must refuse to import, and the extra its message must name.
_REFUSES = """
def refuses(statement, extra):
    try:
        exec(statement)
    except ImportError as exc:
        hint = f"pip install 'jotkit[{extra}]'"
        assert str(exc).endswith(hint), f"{statement}: {exc}"
    else:
        raise AssertionError(f"{statement} worked without the {extra} extra")
"""

_CORE = """
import jotkit
assert "site-packages" in jotkit.__file__, jotkit.__file__
key = jotkit.Key.generate("ES256")
assert jotkit.decode(jotkit.encode({"sub": "a"}, key), key, algorithms=["ES256"]) == {"sub": "a"}
"""

_REMOTE = """
from jotkit.errors import KeySetUnavailableError
from jotkit.remote import RemoteKeySet
keys = RemoteKeySet("http://127.0.0.1:9/jwks", allow_http=True, timeout=2)
try:
    keys.refresh()  # a real connection attempt through httpx: nothing listens on port 9
except KeySetUnavailableError:
    pass
else:
    raise AssertionError("a key set from a closed port")
"""

_REDIS = """
from jotkit.errors import ReplayStoreUnavailableError
from jotkit.replay import RedisReplayStore
store = RedisReplayStore(url="redis://127.0.0.1:9/0", timeout=2)
try:
    store.check_and_store("k", 5)  # a real command through redis-py: fails closed
except ReplayStoreUnavailableError:
    pass
else:
    raise AssertionError("a replay check without Redis")
"""

# The integrations layer, where this build has it; otherwise its framework alone.
_FRAMEWORK = """
import importlib.util
import {module}
if importlib.util.find_spec("jotkit.integrations") is not None:
    import jotkit.integrations.{module}
"""

_NO_REMOTE = "refuses('import jotkit.remote', 'remote')\n"
_NO_REDIS = "refuses('from jotkit.replay import RedisReplayStore', 'redis')\n"
_NO_CLI = "refuses('import jotkit.cli._app', 'cli')\n"

#: extra ("core": none) -> the program that checks its environment.
CHECKS: dict[str, str] = {
    "core": _CORE + _NO_REMOTE + _NO_REDIS + _NO_CLI,
    "remote": _CORE + _REMOTE + _NO_REDIS + _NO_CLI,
    "redis": _CORE + _REDIS + _NO_REMOTE + _NO_CLI,
    "cli": _CORE + _REMOTE + _NO_REDIS + "import jotkit.cli._app\n",
    "fastapi": _CORE + _REMOTE + _NO_REDIS + _FRAMEWORK.format(module="fastapi"),
    # Flask brings in Click (not rich): the command layer is not checked here.
    "flask": _CORE + _REMOTE + _NO_REDIS + _FRAMEWORK.format(module="flask"),
}


def _run(command: list[str], cwd: Path | None = None, quiet: bool = False) -> None:
    # PYTHONSAFEPATH: the working directory is not put on sys.path, so only the installed
    # jotkit can be imported.
    subprocess.run(  # noqa: S603 - our own interpreters and arguments
        command,
        cwd=cwd,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
        stdout=subprocess.DEVNULL if quiet else None,
        check=True,
        timeout=900,
    )


def check(extra: str, wheel: Path, workdir: Path) -> float:
    """Build the environment for ``extra`` and run its checks; the seconds it took."""
    started = time.monotonic()
    venv = workdir / extra
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    wheel_path = str(wheel.resolve())
    _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            wheel_path if extra == "core" else f"{wheel_path}[{extra}]",
        ]
    )
    _run([python, "-c", _REFUSES + CHECKS[extra]], cwd=workdir)
    if extra == "cli":
        _run([str(venv / "bin" / "jotkit"), "keygen", "ES256"], quiet=True)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    """Check the extras asked for (all by default); 1 if any check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extras", nargs="*", default=list(CHECKS), metavar="EXTRA")
    parser.add_argument("--wheel", type=Path, help="default: the one wheel in dist/")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".venv-extras")
    args = parser.parse_args(argv)
    wheel = args.wheel or next((ROOT / "dist").glob("jotkit-*.whl"), None)
    if wheel is None:
        parser.error("no wheel in dist/: run make dist first")
    args.workdir.mkdir(parents=True, exist_ok=True)
    failed = []
    total = time.monotonic()
    unknown = set(args.extras) - set(CHECKS)
    if unknown:
        parser.error(f"unknown extras: {sorted(unknown)} (known: {list(CHECKS)})")
    for extra in args.extras:
        try:
            seconds = check(extra, wheel, args.workdir)
        except subprocess.CalledProcessError as exc:  # noqa: PERF203 - six environments
            failed.append(extra)
            print(f"extras-check {extra}: FAILED ({exc.cmd[0]} exited {exc.returncode})")
        else:
            print(f"extras-check {extra}: ok ({seconds:.0f} s)")
    print(f"extras-check: {len(args.extras) - len(failed)} passed, {len(failed)} failed")
    print(f"extras-check: {time.monotonic() - total:.0f} s in all")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
