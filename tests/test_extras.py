"""Each optional layer without its extra: an ImportError that names the extra to install.

DESIGN section 1: the core needs ``cryptography`` only, and a layer's own dependencies
are imported inside that layer. Each test runs a fresh interpreter in which the
dependency cannot be imported (``sys.modules[name] = None``, the documented way to make
an import fail), so nothing this process has already loaded can hide the error.
``make extras-check`` does the same with real environments built from the wheel.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Every third-party module an extra brings in (and its own heavy dependencies).
OPTIONAL = ("httpx", "redis", "click", "rich", "fastapi", "starlette", "flask", "werkzeug")


def _run(blocked: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    prelude = f"import sys\nfor _name in {blocked!r}:\n    sys.modules[_name] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _import_error(blocked: tuple[str, ...], statement: str) -> str:
    """The message of the ImportError that ``statement`` raises (the test fails if none)."""
    done = _run(
        blocked,
        f"try:\n    {statement}\nexcept ImportError as exc:\n    print(repr(exc.name))\n"
        "    print(exc)\nelse:\n    print('imported')\n",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] != "imported", f"{statement} worked without {blocked}"
    assert lines[0] == repr(blocked[0]), "the error keeps the missing module's name"
    return lines[1]


class TestMissingExtra:
    """The message of each layer, exactly: what is missing and the command that fixes it."""

    @pytest.mark.parametrize(
        ("blocked", "statement", "message"),
        [
            (
                ("httpx",),
                "import jotkit.remote",
                "jotkit.remote needs httpx, which is not installed: pip install 'jotkit[remote]'",
            ),
            (
                ("httpx",),
                "from jotkit.remote import RemoteKeySet",
                "jotkit.remote needs httpx, which is not installed: pip install 'jotkit[remote]'",
            ),
            (
                ("redis",),
                "from jotkit.replay import RedisReplayStore",
                "the Redis replay store needs redis, which is not installed: "
                "pip install 'jotkit[redis]'",
            ),
            (
                ("redis",),
                "from jotkit.replay import AsyncRedisReplayStore",
                "the Redis replay store needs redis, which is not installed: "
                "pip install 'jotkit[redis]'",
            ),
            (
                ("click",),
                "import jotkit.cli._app",
                "the jotkit command needs click, which is not installed: pip install 'jotkit[cli]'",
            ),
        ],
        ids=["remote", "remote-name", "redis", "redis-async", "cli"],
    )
    def test_layer_names_its_extra(
        self, blocked: tuple[str, ...], statement: str, message: str
    ) -> None:
        """Importing the layer raises ImportError with the install command in it."""
        assert _import_error(blocked, statement) == message

    def test_command_without_cli_extra(self) -> None:
        """The console script prints the same message as one error line, exit status 2."""
        done = _run(("click",), "from jotkit.cli import main\nmain(['--help'])\n")
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr == (
            "jotkit: error: the jotkit command needs click, which is not installed: "
            "pip install 'jotkit[cli]'\n"
        )

    def test_command_without_remote_layer(self) -> None:
        """A command that fetches (jwks --url) names the remote extra: one line, exit 2."""
        done = _run(
            ("httpx",),
            "from jotkit.cli import main\nmain(['jwks', '--url', 'https://127.0.0.1:9/jwks'])\n",
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [
            "jotkit: error: jotkit.remote needs httpx, which is not installed: "
            "pip install 'jotkit[remote]'"
        ]

    def test_debugger_without_remote_layer(self) -> None:
        """The debugger answers a JWKS URL key with a bad request that names the extra."""
        done = _run(
            ("httpx",),
            "from jotkit.debugger._keys import BadRequest, key_from_spec\n"
            "try:\n"
            "    key_from_spec({'type': 'jwks_url', 'value': 'https://127.0.0.1:9/jwks'})\n"
            "except BadRequest as exc:\n"
            "    print(exc)\n",
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == (
            "fetching a JWKS URL: jotkit.remote needs httpx, which is not installed: "
            "pip install 'jotkit[remote]'"
        )


class TestCoreWithoutExtras:
    """Everything outside the optional layers works with none of their dependencies."""

    def test_core_layers_import_and_work(self) -> None:
        """Keys, JWS, JWE, JWT, x509, the profiles, the memory store, lint and the debugger."""
        done = _run(
            OPTIONAL,
            "import json, jotkit, jotkit.jwe, jotkit.x509, jotkit.replay, jotkit.debugger\n"
            "import jotkit.cli.inspect, jotkit.cli.lint\n"
            "from jotkit.profiles import access_token, client_assertion, dpop, jar, oidc\n"
            "key = jotkit.Key.generate('ES256')\n"
            "claims = jotkit.decode(jotkit.encode({'sub': 'a'}, key), key, algorithms=['ES256'])\n"
            "store = jotkit.replay.MemoryReplayStore()\n"
            "proof = dpop.create_proof(key, htm='GET', htu='https://rs.example/x')\n"
            "dpop.DPoPVerifier(algorithms=['ES256'], replay=store).verify(\n"
            "    proof, htm='GET', htu='https://rs.example/x')\n"
            "blocked = sorted(n for n in sys.modules if sys.modules[n] is not None\n"
            "    and n.split('.')[0] in _BLOCKED)\n"
            "print(json.dumps([claims, blocked]))\n".replace("_BLOCKED", repr(OPTIONAL)),
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == [{"sub": "a"}, []]

    def test_import_jotkit_loads_no_optional_dependency(self) -> None:
        """With every extra installed, ``import jotkit`` still loads none of them."""
        done = _run(
            (),
            "import jotkit\n"
            f"print(sorted(n for n in sys.modules if n.split('.')[0] in {OPTIONAL!r}))\n",
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[]"
