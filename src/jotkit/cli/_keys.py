"""``jotkit keygen``, ``convert``, ``thumbprint``, ``jwks``, ``discover`` and ``serve``."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ._app import check_name, cli, emit_json, json_option, remote_layer
from ._input import UsageProblem, load_key_file

__all__ = ["write_private", "write_public"]


def write_private(path: str, data: bytes) -> None:
    """Write ``data`` to a new file ``path`` with mode 0600, atomically, never overwriting.

    The bytes go to a temporary file created with ``O_CREAT | O_EXCL`` and mode 0600 (so
    the secret is never readable by others, not even for an instant), then the file is
    linked to ``path``: a crash leaves no half-written key, and an existing file is kept.

    Raises:
        UsageProblem: ``path`` exists, or the directory is not writable.
    """
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(tmp, path)
        finally:
            if os.path.lexists(tmp):
                os.unlink(tmp)
    except FileExistsError:
        raise UsageProblem(f"{path} exists; refusing to overwrite a key file") from None
    except OSError as exc:
        raise UsageProblem(f"cannot write {path}: {exc.strerror or exc}") from None


def write_public(path: str | None, data: bytes) -> None:
    """Write public data to ``path`` (mode 0644, not overwriting), or stdout when None."""
    if path is None or path == "-":
        sys.stdout.buffer.write(data if data.endswith(b"\n") else data + b"\n")
        sys.stdout.flush()
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except FileExistsError:
        raise UsageProblem(f"{path} exists; refusing to overwrite it") from None
    except OSError as exc:
        raise UsageProblem(f"cannot write {path}: {exc.strerror or exc}") from None


def _json_bytes(value: Any) -> bytes:
    import json

    return (json.dumps(value, indent=2) + "\n").encode("utf-8")


def _serialize(key: Any, fmt: str, private: bool, password: bytes | None = None) -> bytes:
    """``key`` as JWK, PEM, DER or OpenSSH (private or public half)."""
    if fmt == "jwk":
        return _json_bytes(key.to_jwk(private=private))
    if fmt == "pem":
        return bytes(key.to_pem(private=private, password=password))
    if fmt == "der":
        return bytes(key.to_der(private=private, password=password))
    return _openssh(key, private, password)


def _openssh(key: Any, private: bool, password: bytes | None) -> bytes:
    # jotkit reads OpenSSH keys (Key.from_openssh) but has no writer; cryptography's own
    # serializer writes the format from the key object jotkit already holds.
    from cryptography.hazmat.primitives import serialization as s

    if key.kty == "oct":
        raise UsageProblem("an oct key has no OpenSSH form")
    if not private:
        return bytes(key.public_crypto.public_bytes(s.Encoding.OpenSSH, s.PublicFormat.OpenSSH))
    if not key.is_private:
        raise UsageProblem("this is a public key: it has no private OpenSSH form")
    algorithm: Any = s.BestAvailableEncryption(password) if password else s.NoEncryption()
    return bytes(key.crypto.private_bytes(s.Encoding.PEM, s.PrivateFormat.OpenSSH, algorithm))


def _password(env: str | None) -> bytes | None:
    if env is None:
        return None
    value = os.environ.get(env)
    if value is None:
        raise UsageProblem(f"the environment variable {env} is not set")
    return value.encode("utf-8")


_FORMATS = ("jwk", "pem", "der", "openssh")


@cli.command("keygen")
@click.argument("alg")
@click.option("--kid", help="Key ID (default: the RFC 7638 thumbprint).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="jwk", show_default=True)
@click.option("--out", metavar="FILE", help="Private key file (mode 0600; default stdout).")
@click.option("--public-out", metavar="FILE", help="Also write the public half here.")
@click.option("--password-env", metavar="VAR", help="Encrypt the PEM/DER/OpenSSH private key.")
@json_option
def keygen_cmd(
    alg: str,
    kid: str | None,
    fmt: str,
    out: str | None,
    public_out: str | None,
    password_env: str | None,
    as_json: bool,
) -> None:
    """Generate a key fit for ALG (ES256, RS256, EdDSA, HS256, RSA-OAEP-256, A256KW...).

    Private files are created with mode 0600, atomically, never overwriting; --public-out
    writes the public half alongside.

    \b
    Example: jotkit keygen ES256 --out es256.jwk --public-out es256.pub.jwk
             jotkit keygen RS256 --format pem --out rsa.pem --public-out rsa.pub.pem
    """
    from .. import jwa
    from ..jwk import Key

    known = {*jwa.JWS_ALGORITHMS, *jwa.KEY_MANAGEMENT, *jwa.CONTENT_ENCRYPTIONS}
    check_name(alg, known, "algorithm")
    try:
        key = Key.generate(alg, kid=kid)
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    if kid is None:
        key = Key.from_jwk({**key.to_jwk(private=True), "kid": key.thumbprint()})
    if key.kty == "oct" and (fmt != "jwk" or public_out):
        raise UsageProblem(f"{alg} keys are secrets: JWK only, and there is no public half")
    password = _password(password_env)
    private = _serialize(key, fmt, True, password)
    if as_json:
        result: dict[str, Any] = {"kid": key.kid, "alg": alg, "kty": key.kty}
        if out is None:
            result["private"] = key.to_jwk(private=True) if fmt == "jwk" else private.decode()
    if out is not None:
        write_private(out, private)
    elif not as_json:
        write_public(None, private)
    if public_out is not None:
        write_public(public_out, _serialize(key, fmt, False))
    if as_json:
        if out is not None:
            result["out"] = out
        if public_out is not None:
            result["public_out"] = public_out
        if key.kty != "oct":
            result["public"] = key.public().to_jwk()
        emit_json(result)


@cli.command("convert")
@click.argument("source", metavar="FILE|-")
@click.option("--to", "fmt", type=click.Choice(_FORMATS), required=True, help="Output format.")
@click.option("--private", is_flag=True, help="Keep the private half (default: public only).")
@click.option("--kid", help="Select this key from a JWK Set (or name a PEM/DER key).")
@click.option("--out", metavar="FILE", help="Output file (private: mode 0600); default stdout.")
@click.option("--password-env", metavar="VAR", help="Password of the input, and of the output.")
def convert_cmd(
    source: str, fmt: str, private: bool, kid: str | None, out: str | None, password_env: str | None
) -> None:
    """Convert a key between PEM, DER, OpenSSH and JWK (the input format is recognised).

    \b
    Example: jotkit convert rsa.pem --to jwk
             jotkit convert key.jwk --to pem --private --out key.pem
    """
    from ..jwk import KeySet

    password = _password(password_env)
    key = load_key_file(source, kid=kid, password=password)
    if isinstance(key, KeySet):
        if fmt != "jwk":
            raise UsageProblem("the file holds several keys: pick one with --kid")
        data = _json_bytes(key.to_jwks(private=private))
    else:
        if fmt in ("pem", "der", "openssh") and key.kty == "oct":
            raise UsageProblem(f"an oct key has no {fmt.upper()} form: use --to jwk")
        if key.kty == "oct" and not private:
            raise UsageProblem("an oct key is all secret: add --private to export it")
        if private and not key.is_private:
            raise UsageProblem("this is a public key: there is no private half to keep")
        data = _serialize(key, fmt, private, password if private else None)
    if fmt == "der" and out is None and sys.stdout.isatty():
        raise UsageProblem("DER is binary: give --out FILE or redirect stdout")
    if private and out is not None:
        write_private(out, data)
    else:
        write_public(out, data)


@cli.command("thumbprint")
@click.argument("source", metavar="FILE|-")
@click.option("--kid", help="Select this key from a JWK Set.")
@click.option(
    "--hash", "hash_name", type=click.Choice(["sha256", "sha384", "sha512"]), default="sha256"
)
@click.option("--uri", is_flag=True, help="As an RFC 9278 thumbprint URI.")
@json_option
def thumbprint_cmd(source: str, kid: str | None, hash_name: str, uri: bool, as_json: bool) -> None:
    """Print a key's RFC 7638 JWK thumbprint (or, with --uri, its RFC 9278 URI).

    \b
    Example: jotkit thumbprint key.pub.pem --uri
    """
    from ..jwk import KeySet

    key = load_key_file(source, kid=kid)
    if isinstance(key, KeySet):
        raise UsageProblem("the file holds several keys: pick one with --kid")
    value = key.thumbprint_uri(hash_name) if uri else key.thumbprint(hash_name)
    if as_json:
        emit_json({"thumbprint": key.thumbprint(hash_name), "uri": key.thumbprint_uri(hash_name)})
    else:
        click.echo(value)


@cli.command("jwks")
@click.argument("sources", nargs=-1, metavar="[KEYFILE...]")
@click.option("--private", is_flag=True, help="Keep private members (never publish that).")
@click.option("--url", metavar="URL", help="Show the remote JWK Set at URL (https).")
@json_option
def jwks_cmd(sources: tuple[str, ...], private: bool, url: str | None, as_json: bool) -> None:
    """Build a JWK Set from key files, or show a remote one with --url.

    \b
    Example: jotkit jwks es256.pub.jwk rsa.pub.pem > jwks.json
             jotkit jwks --url https://issuer.example/.well-known/jwks.json
    """
    from ..jwk import Key, KeySet

    if url is not None:
        if sources:
            raise UsageProblem("give key files or --url, not both")
        remote = remote_layer().RemoteKeySet(url)
        remote.refresh()
        keys: KeySet = remote.keys
        doc: dict[str, Any] = keys.to_jwks()
        if keys.skipped:
            doc["skipped"] = [{"index": i, "reason": r} for i, r in keys.skipped]
        emit_json(doc)
        return
    if not sources:
        raise UsageProblem("give key files (or --url URL)")
    collected: list[Key] = []
    for source in sources:
        loaded = load_key_file(source)
        collected.extend(loaded if isinstance(loaded, KeySet) else [loaded])
    if not private:
        if any(k.kty == "oct" for k in collected):
            raise UsageProblem("an oct key is secret: it belongs in no published set")
        collected = [k.public() for k in collected]
    emit_json(KeySet(collected).to_jwks(private=private))


@cli.command("discover")
@click.argument("issuer")
@json_option
def discover_cmd(issuer: str, as_json: bool) -> None:
    """Fetch an issuer's OpenID / RFC 8414 metadata (its issuer must match) and keys.

    \b
    Example: jotkit discover https://accounts.example.com
    """
    provider = remote_layer().discover(issuer)
    metadata = dict(provider.metadata)
    if as_json:
        emit_json(metadata)
        return
    from ._render import print_kv

    print_kv({"issuer": provider.issuer, "jwks_uri": provider.jwks_uri})
    emit_json(metadata)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port (0: any free).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
def serve_cmd(host: str, port: int, open_browser: bool) -> None:
    """Serve the offline debugger page on loopback (the URL carries a per-run secret).

    \b
    Example: jotkit serve --open
    """
    import importlib

    try:
        debugger = importlib.import_module("jotkit.debugger")
    except ImportError as exc:
        raise UsageProblem(f"the debugger is not available: {exc}") from None
    debugger.serve(host=host, port=port, open_browser=open_browser)
