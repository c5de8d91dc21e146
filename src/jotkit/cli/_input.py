"""What the commands read: tokens, claims, key files, secrets, durations (no Click here).

Key files are recognised by their unambiguous markers, never guessed from loose text:
JSON (``{``: a JWK, or a JWK Set when it has ``keys``), OpenSSH (``-----BEGIN OPENSSH
PRIVATE KEY-----`` or a public key line ``ssh-...``/``ecdsa-sha2-...``), PEM (``-----BEGIN``),
and anything else is read as DER. Each is then imported by the matching explicit
``Key.from_*`` constructor, which does all the checking.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from .. import _json
from ..errors import JotkitError
from ..jwk import Key, KeySet

__all__ = [
    "MAX_INPUT",
    "CLIError",
    "UsageProblem",
    "load_key_file",
    "parse_duration",
    "read_claims",
    "read_input",
    "read_token",
    "secret_bytes",
]

#: The most bytes read from a file or stdin (a token is at most 256 kB; keys are smaller).
MAX_INPUT = 1024 * 1024


class CLIError(Exception):
    """A problem reported as one line on stderr, with its exit status."""

    exit_code = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The error code shown with the message (a JotkitError's ``code``), if any.
        self.code = code


class UsageProblem(CLIError):
    """The command was given something it cannot use (exit status 2)."""

    exit_code = 2


def read_input(source: str, what: str) -> bytes:
    """The bytes of file ``source``, or of stdin when it is ``-``, at most :data:`MAX_INPUT`.

    Raises:
        UsageProblem: the file cannot be read, or is too large.
    """
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_INPUT + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_INPUT + 1)
    except OSError as exc:
        raise UsageProblem(f"cannot read {what} {source!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT:
        raise UsageProblem(f"{what} {source!r} is larger than {MAX_INPUT} bytes")
    return data


def read_token(token: str | None) -> str:
    """The token argument, or stdin when it is ``-`` or absent (and stdin is not a terminal)."""
    if token is None:
        if sys.stdin.isatty():
            raise UsageProblem("no token: give it as an argument, or '-' to read stdin")
        token = "-"
    if token == "-":
        try:
            return read_input("-", "stdin").decode("utf-8").strip()
        except UnicodeDecodeError:
            raise CLIError("the input is not UTF-8 text: not a token") from None
    return token.strip()


def read_claims(source: str | None) -> dict[str, Any]:
    """Claims from a JSON argument, ``@file``, or ``-`` (stdin); ``{}`` when absent."""
    if source is None:
        return {}
    if source == "-" or source.startswith("@"):
        where = "-" if source == "-" else source[1:]
        data: bytes | str = read_input(where, "claims file")
    else:
        data = source
    try:
        claims = _json.loads(data.strip())
    except JotkitError as exc:
        raise UsageProblem(f"the claims are not JSON: {exc}") from None
    if not isinstance(claims, dict):
        raise UsageProblem("the claims must be a JSON object")
    return claims


def _strip_newline(data: bytes) -> bytes:
    # A secret file written with `echo` ends with one newline that is not part of it.
    return data[:-2] if data.endswith(b"\r\n") else data.removesuffix(b"\n")


def secret_bytes(
    *,
    value: str | None,
    file: str | None,
    env: str | None,
    encoding: str,
) -> bytes | None:
    """The HMAC / AES secret from exactly one of: the command line, a file, a variable.

    ``encoding`` is ``utf8`` (the bytes as given), ``base64url`` or ``hex``. A file's one
    trailing newline is dropped.

    Raises:
        UsageProblem: several sources, an unset variable, or a bad encoding.
    """
    given = [s for s in (value, file, env) if s is not None]
    if len(given) > 1:
        raise UsageProblem("give the secret one way: --secret, --secret-file or --secret-env")
    if value is not None:
        raw = value.encode("utf-8")
    elif file is not None:
        raw = _strip_newline(read_input(file, "secret file"))
    elif env is not None:
        text = os.environ.get(env)
        if text is None:
            raise UsageProblem(f"the environment variable {env} is not set")
        raw = text.encode("utf-8")
    else:
        return None
    try:
        if encoding == "base64url":
            from .._b64 import b64decode

            return b64decode(raw.strip())
        if encoding == "hex":
            return bytes.fromhex(raw.decode("ascii"))
    except (JotkitError, ValueError, UnicodeDecodeError):
        raise UsageProblem(f"the secret is not valid {encoding}") from None
    return raw


_OPENSSH_LINE = re.compile(rb"^(ssh-|ecdsa-sha2-|sk-)")


def load_key_file(
    path: str, *, kid: str | None = None, password: bytes | None = None
) -> Key | KeySet:
    """Import the key (or key set) in file ``path``: PEM, DER, OpenSSH, JWK or JWK Set.

    With ``kid``, a key set is narrowed to the keys with that ``kid``, and a single key
    gets that ``kid`` when it has none.

    Raises:
        UsageProblem: unreadable, not a supported key, or no key with ``kid``.
    """
    data = read_input(path, "key file")
    head = data.lstrip()
    try:
        if head.startswith(b"{"):
            doc = _json.loads(head.strip())
            if isinstance(doc, dict) and "keys" in doc:
                return _narrow(KeySet.from_jwks(doc), kid, path)
            key = Key.from_jwk(doc)
        elif head.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----") or _OPENSSH_LINE.match(head):
            key = Key.from_openssh(head, password, kid=kid)
        elif head.startswith(b"-----BEGIN"):
            key = Key.from_pem(head, password, kid=kid)
        else:
            key = Key.from_der(data, password, kid=kid)
    except JotkitError as exc:
        raise UsageProblem(f"{path}: not a usable key: {exc}", code=exc.code) from None
    if kid is not None and key.kid is not None and key.kid != kid:
        raise UsageProblem(f"{path}: the key's kid is {key.kid!r}, not {kid!r}")
    return key


def _narrow(keys: KeySet, kid: str | None, path: str) -> Key | KeySet:
    if kid is None:
        if not len(keys):
            raise UsageProblem(f"{path}: the key set has no usable key")
        return keys[0] if len(keys) == 1 else keys
    found = keys.find(kid=kid)
    if not found:
        raise UsageProblem(f"{path}: no key with kid {kid!r}")
    return found[0] if len(found) == 1 else KeySet(found)


_DURATION = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)([smhdw]?)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """``"15m"`` -> 900.0: a number with an optional unit s, m, h, d or w (signed).

    Raises:
        UsageProblem: not a duration.
    """
    match = _DURATION.match(text.strip())
    if match is None:
        raise UsageProblem(f"not a duration: {text!r} (examples: 30s, 15m, 2h, 7d)")
    sign, number, unit = match.groups()
    seconds = float(number) * _UNITS[unit]
    return -seconds if sign == "-" else seconds
