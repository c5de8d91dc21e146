"""``jotkit sign``, ``encrypt`` and ``decrypt``: making and opening tokens."""

from __future__ import annotations

from typing import Any

import click

from ..errors import JotkitError
from ._app import cli, emit_json, json_option, key_from_options, key_options
from ._input import UsageProblem, load_key_file, parse_duration, read_claims, read_token
from ._tokens import policy_args, policy_options, report_invalid

__all__ = ["build_claims", "decrypt_cmd", "encrypt_cmd", "sign_cmd"]

_CLAIMS = click.argument("claims", required=False, metavar="[CLAIMS|@FILE|-]")


def claim_options(fn: Any) -> Any:
    """Registered claims and header members, shared by ``sign`` and ``encrypt``."""
    options = [
        click.option("--exp", help="Expires after this long: 15m, 1h, 7d."),
        click.option("--nbf", help="Not valid before now + this (0 for now)."),
        click.option("--iat/--no-iat", default=True, show_default=True, help="Set iat to now."),
        click.option(
            "--jti",
            is_flag=False,
            flag_value="",
            default=None,
            help="Set jti (alone: a random one).",
        ),
        click.option("--iss", help="Issuer."),
        click.option("--sub", help="Subject."),
        click.option("--aud", multiple=True, help="Audience (repeatable)."),
        click.option(
            "-H",
            "--header",
            "headers",
            multiple=True,
            metavar="NAME=VALUE",
            help="Extra protected header member; VALUE is JSON, or else a string.",
        ),
        click.option("--typ", default="JWT", show_default=True, help="Header typ ('' for none)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def build_claims(source: str | None, params: dict[str, Any], now: float) -> dict[str, Any]:
    """The claims argument with the registered-claim options applied on top."""
    claims = read_claims(source)
    stamp = int(now)
    if params.pop("iat"):
        claims["iat"] = stamp
    exp, nbf, jti = params.pop("exp"), params.pop("nbf"), params.pop("jti")
    if exp is not None:
        claims["exp"] = stamp + int(parse_duration(exp))
    if nbf is not None:
        claims["nbf"] = stamp + int(parse_duration(nbf))
    if jti is not None:
        import secrets

        claims["jti"] = jti or secrets.token_urlsafe(16)
    for name in ("iss", "sub"):
        value = params.pop(name)
        if value is not None:
            claims[name] = value
    aud = params.pop("aud")
    if aud:
        claims["aud"] = aud[0] if len(aud) == 1 else list(aud)
    return claims


def build_headers(params: dict[str, Any]) -> dict[str, Any]:
    """``-H name=value`` members (VALUE parsed as JSON when it is JSON) and ``--kid``."""
    from .. import _json

    headers: dict[str, Any] = {}
    for item in params.pop("headers"):
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageProblem(f"-H expects NAME=VALUE, got {item!r}")
        try:
            headers[name] = _json.loads(value)
        except JotkitError:
            headers[name] = value
    if params.get("kid"):
        headers.setdefault("kid", params["kid"])
    return headers


def _one_key(key: Any, what: str) -> Any:
    from ..jwk import KeySet

    if isinstance(key, KeySet):
        raise UsageProblem(f"the {what} file holds several keys: pick one with --kid")
    return key


def _now() -> float:
    from .. import _time

    return _time.now()


def _typ(params: dict[str, Any]) -> str | None:
    typ = params.pop("typ")
    return typ or None


def _emit_token(token: str, as_json: bool) -> None:
    if as_json:
        emit_json({"token": token})
    else:
        click.echo(token)


@cli.command("sign")
@_CLAIMS
@key_options
@click.option("--alg", help="JWS algorithm; required unless the key is bound to one.")
@claim_options
@json_option
def sign_cmd(claims: str | None, alg: str | None, as_json: bool, **params: Any) -> None:
    """Sign claims (JSON argument, @file, or - for stdin) as a compact JWS JWT.

    \b
    Example: jotkit sign '{"scope":"read"}' --key priv.pem --alg ES256 \\
                 --iss https://issuer --aud api --sub alice --exp 15m
    """
    body = build_claims(claims, params, _now())
    headers = build_headers(params)
    typ = _typ(params)
    key = _one_key(key_from_options(params), "key")
    if alg is None and getattr(key, "alg", None) is None:
        raise UsageProblem("--alg is required: the key is not bound to one algorithm")
    from .. import encode

    _emit_token(encode(body, key, alg=alg, headers=headers or None, typ=typ), as_json)


@cli.command("encrypt")
@_CLAIMS
@key_options
@click.option(
    "--key-alg",
    "--alg",
    "alg",
    help="JWE key management algorithm (RSA-OAEP-256, ECDH-ES, dir...).",
)
@click.option("--enc", default="A256GCM", show_default=True, help="Content encryption.")
@click.option("--zip", "zip_", is_flag=True, help="Compress the plaintext (zip: DEF).")
@click.option("--sign-key", metavar="FILE", help="Nested: sign with this key, then encrypt.")
@click.option("--sign-alg", help="Nested: the JWS algorithm of the inner token.")
@claim_options
@json_option
def encrypt_cmd(
    claims: str | None,
    alg: str | None,
    enc: str,
    zip_: bool,
    sign_key: str | None,
    sign_alg: str | None,
    as_json: bool,
    **params: Any,
) -> None:
    """Encrypt claims to a compact JWE; with --sign-key, sign first (a nested JWT).

    \b
    Example: jotkit encrypt '{"sub":"alice"}' --key recipient.pub.pem --alg RSA-OAEP-256
             jotkit encrypt @claims.json --key rcpt.jwk --alg ECDH-ES \\
                 --sign-key issuer.pem --sign-alg ES256 --exp 5m
    """
    body = build_claims(claims, params, _now())
    headers = build_headers(params)
    typ = _typ(params)
    key = _one_key(key_from_options(params, what="recipient key"), "recipient key")
    alg = alg or getattr(key, "alg", None)
    if alg is None:
        raise UsageProblem("--key-alg is required: the key is not bound to one algorithm")
    zip_name = "DEF" if zip_ else None
    from .. import jwt

    if sign_key is None:
        token = jwt.encrypt(
            body, key, key_alg=alg, enc=enc, headers=headers or None, zip=zip_name, typ=typ
        )
    else:
        signer = _one_key(load_key_file(sign_key), "signing key")
        if sign_alg is None and signer.alg is None:
            raise UsageProblem("--sign-alg is required: the signing key is not bound to one")
        outer = {"kid": headers.pop("kid")} if "kid" in headers else None
        token = jwt.encode_nested(
            body,
            signer,
            key,
            alg=sign_alg,
            key_alg=alg,
            enc=enc,
            headers=headers or None,
            encryption_headers=None if outer is None else {"cty": "JWT", **outer},
            zip=zip_name,
            typ=typ,
        )
    _emit_token(token, as_json)


@cli.command("decrypt")
@click.argument("token", required=False, metavar="[TOKEN|-]")
@key_options
@click.option(
    "--key-alg",
    "--alg",
    "algs",
    multiple=True,
    help="Accepted key management alg (repeatable).",
)
@click.option("--enc", "encs", multiple=True, help="Accepted enc (repeatable; default: all).")
@click.option("--verify-key", metavar="FILE", help="Nested: verify the inner JWS with this key.")
@click.option("--sign-alg", "sign_algs", multiple=True, help="Nested: accepted inner JWS alg.")
@policy_options
@json_option
def decrypt_cmd(
    token: str | None,
    algs: tuple[str, ...],
    encs: tuple[str, ...],
    verify_key: str | None,
    sign_algs: tuple[str, ...],
    subtle: bool,
    as_json: bool,
    **params: Any,
) -> None:
    """Decrypt a JWE (compact or JSON) and print its plaintext or claims.

    A nested JWT is verified too when --verify-key is given, with the claims policy
    (--iss and --aud required, as for verify); otherwise its inner token is shown
    decoded but NOT VERIFIED.

    \b
    Example: jotkit decrypt --key recipient.pem --alg RSA-OAEP-256 TOKEN
    """
    text = read_token(token)
    key = key_from_options(params, what="decryption key")
    from .. import jwa, jwe

    key_algs = list(algs) or ([key.alg] if getattr(key, "alg", None) else [])
    if not key_algs:
        raise UsageProblem("--key-alg is required: the key is not bound to one algorithm")
    encryptions = list(encs) or list(jwa.CONTENT_ENCRYPTIONS)
    if verify_key is not None:
        _decrypt_nested(
            text, key, key_algs, encryptions, verify_key, sign_algs, subtle, as_json, params
        )
        return
    try:
        if text.startswith("{"):
            done: Any = jwe.decrypt_json(text, key, algorithms=key_algs, encryptions=encryptions)
        else:
            done = jwe.decrypt_compact(text, key, algorithms=key_algs, encryptions=encryptions)
    except JotkitError as exc:
        report_invalid(exc, as_json)
        return
    from .inspect import inspect_token

    plaintext = done.plaintext
    result: dict[str, Any] = {"valid": True, "header": dict(done.header)}
    try:
        inner = plaintext.decode("utf-8")
    except UnicodeDecodeError:
        inner = None
    if inner is not None and inner.count(".") == 2 and "{" not in inner:
        result["nested"] = inspect_token(inner)
    elif inner is not None:
        from .. import _json

        try:
            result["claims"] = _json.loads(inner)
        except JotkitError:
            result["plaintext"] = inner
    else:
        result["plaintext_bytes"] = len(plaintext)
    if as_json:
        emit_json(result)
        return
    from ._render import console, print_inspection

    out = console()
    out.print("[bold green]DECRYPTED[/] (the claims were not validated)")
    emit_json(result["header"])
    if "nested" in result:
        print_inspection(result["nested"], out)
    elif "claims" in result:
        emit_json(result["claims"])
    else:
        click.echo(result.get("plaintext", f"({len(plaintext)} bytes of binary plaintext)"))


def _decrypt_nested(
    text: str,
    key: Any,
    key_algs: list[str],
    encryptions: list[str],
    verify_key: str,
    sign_algs: tuple[str, ...],
    subtle: bool,
    as_json: bool,
    params: dict[str, Any],
) -> None:
    from .. import jwt

    verifier = load_key_file(verify_key)
    algorithms = list(sign_algs) or [
        k.alg for k in ([verifier] if hasattr(verifier, "alg") else verifier) if k.alg
    ]
    if not algorithms:
        raise UsageProblem("--sign-alg is required: the verification key is not bound to one")
    policy = policy_args(text, params, subtle=subtle, issuer=None)
    try:
        claims = jwt.decode_nested(
            text,
            key,
            verifier,
            algorithms=algorithms,
            key_algorithms=key_algs,
            encryptions=encryptions,
            **policy,
        )
    except JotkitError as exc:
        report_invalid(exc, as_json)
        return
    if as_json:
        emit_json({"valid": True, "claims": claims})
        return
    from ._render import print_claims

    print_claims(claims, "VALID: decrypted, inner signature verified")
