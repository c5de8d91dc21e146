"""The Click group, its error handling, and the options several commands share."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from .._extras import missing_extra
from ..errors import JotkitError
from ._input import CLIError, UsageProblem, load_key_file, secret_bytes

try:
    import click
except ImportError as exc:  # pragma: no cover - tested in a subprocess (tests/test_extras.py)
    raise missing_extra("the jotkit command", "cli", exc) from exc

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "JotkitGroup",
    "check_name",
    "emit_json",
    "json_option",
    "key_from_options",
    "key_options",
    "remote_layer",
    "warn",
]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = """\b
Exit status: 0 valid, 1 invalid token (or key material refused), 2 usage error.
Shell completion (bash, zsh, fish): eval "$(_JOTKIT_COMPLETE=bash_source jotkit)".
Secrets: prefer --secret-file or --secret-env; --secret on the command line is visible
to other users in the process list and earns a warning."""


def warn(message: str) -> None:
    """One warning line on stderr."""
    click.echo(f"jotkit: warning: {message}", err=True)


def _fail(message: str, status: int, code: str | None = None) -> None:
    prefix = f"{code}: " if code else ""
    # One line, whatever the message holds: the contract for bad input.
    text = " ".join(f"jotkit: error: {prefix}{message}".split())
    click.echo(text, err=True)
    raise click.exceptions.Exit(status)


class JotkitGroup(click.Group):
    """A group whose commands report bad input as one line and an exit status, never a
    traceback: 1 for a token or key jotkit rejects, 2 for what the caller got wrong."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CLIError as exc:
            _fail(exc.message, exc.exit_code, exc.code)
        except JotkitError as exc:
            _fail(exc.message, EXIT_INVALID, exc.code)
        except OSError as exc:
            _fail(exc.strerror or str(exc), EXIT_USAGE)
        except (ValueError, TypeError) as exc:
            _fail(str(exc), EXIT_USAGE)
        return None


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def json_option(fn: F) -> F:
    """``--json``: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(fn)


def check_name(value: str, names: Any, what: str) -> str:
    """``value`` if it is one of ``names``, else a usage problem listing them."""
    if value not in names:
        raise UsageProblem(f"unknown {what} {value!r}; one of: {', '.join(sorted(names))}")
    return value


def key_options(fn: F) -> F:
    """The ways to give a key: a key file, or a secret (file, variable, command line)."""
    options = [
        click.option(
            "--key",
            "key_file",
            metavar="FILE",
            help="Key file: PEM, DER, OpenSSH, JWK or JWK Set ('-' for stdin).",
        ),
        click.option("--kid", help="Select the key with this kid from a JWK Set."),
        click.option(
            "--secret-file", metavar="FILE", help="HMAC/AES secret in a file (one newline dropped)."
        ),
        click.option("--secret-env", metavar="VAR", help="HMAC/AES secret in this variable."),
        click.option(
            "--secret",
            "secret_value",
            metavar="TEXT",
            help="Secret on the command line (visible in the process list: warns).",
        ),
        click.option(
            "--secret-encoding",
            type=click.Choice(["utf8", "base64url", "hex"]),
            default="utf8",
            show_default=True,
            help="How the secret is written.",
        ),
        click.option(
            "--password-env",
            metavar="VAR",
            help="Password of an encrypted private key file, from this variable.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def key_from_options(
    params: dict[str, Any], *, required: bool = True, what: str = "key", raw_secret: bool = False
) -> Any:
    """The Key or KeySet the shared key options name, or None when not ``required``.

    A secret becomes an oct Key (refused if ``Key.from_secret`` refuses it), or with
    ``raw_secret`` stays bytes, for ``lint`` to judge rather than refuse.
    """
    import os

    secret = secret_bytes(
        value=params.get("secret_value"),
        file=params.get("secret_file"),
        env=params.get("secret_env"),
        encoding=params.get("secret_encoding") or "utf8",
    )
    if params.get("secret_value") is not None:
        warn(
            "a secret on the command line is visible to other users (process list, shell "
            "history); use --secret-file or --secret-env"
        )
    key_file = params.get("key_file")
    if secret is not None and key_file is not None:
        raise UsageProblem("give either --key or a secret, not both")
    if key_file is not None:
        password = None
        password_env = params.get("password_env")
        if password_env is not None:
            text = os.environ.get(password_env)
            if text is None:
                raise UsageProblem(f"the environment variable {password_env} is not set")
            password = text.encode("utf-8")
        return load_key_file(key_file, kid=params.get("kid"), password=password)
    if secret is not None and raw_secret:
        return secret
    if secret is not None:
        from ..jwk import Key

        try:
            return Key.from_secret(secret, kid=params.get("kid"))
        except JotkitError as exc:
            raise UsageProblem(f"the secret is refused: {exc}", code=exc.code) from None
    if required:
        raise UsageProblem(f"no {what}: give --key FILE, --secret-file FILE or --secret-env VAR")
    return None


def remote_layer() -> Any:
    """``jotkit.remote``, imported on first use; a usage problem naming the extra if absent."""
    import importlib

    try:
        return importlib.import_module("jotkit.remote")
    except ImportError as exc:  # the remote extra is missing: the error names it
        raise UsageProblem(str(exc)) from None


def _version() -> str:
    from .. import __version__

    return __version__


@click.group(
    cls=JotkitGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(_version(), prog_name="jotkit")
def cli() -> None:
    """jotkit: inspect, verify, sign, encrypt and lint JOSE / JWT tokens; make and convert
    keys. Nothing leaves the machine unless you name a URL.

    Tokens and files may be '-' to read stdin."""


def run(argv: list[str] | None = None) -> None:
    """Run the command line (the console script and ``python -m jotkit``)."""
    from . import _keys, _make, _tokens  # noqa: F401 - they register their commands

    for command in cli.commands.values():
        command.epilog = command.epilog or EPILOG
    cli.main(args=argv, prog_name="jotkit")
    sys.exit(EXIT_OK)  # pragma: no cover - cli.main exits
