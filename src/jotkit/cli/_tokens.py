"""``jotkit inspect``, ``verify`` and ``lint``: reading tokens."""

from __future__ import annotations

from typing import Any

import click

from ..errors import ClaimsError, JotkitError
from ._app import (
    EXIT_INVALID,
    cli,
    emit_json,
    json_option,
    key_from_options,
    key_options,
    remote_layer,
)
from ._input import CLIError, UsageProblem, parse_duration, read_token

__all__ = ["failed_check", "inspect_cmd", "lint_cmd", "verify_cmd"]

_TOKEN = click.argument("token", required=False, metavar="[TOKEN|-]")


@cli.command("inspect")
@_TOKEN
@key_options
@json_option
def inspect_cmd(token: str | None, as_json: bool, **params: Any) -> None:
    """Decode a token WITHOUT verifying it: header, claims, signature or JWE parts.

    Times are shown absolute (UTC and local) and relative; a JWE is decrypted when a key
    is given. Exit status 0 when the input is a token, 1 when it is not.

    \b
    Example: jotkit inspect eyJhbGciOi...   or   echo "$TOKEN" | jotkit inspect -
    """
    from .inspect import inspect_token

    text = read_token(token)
    key = key_from_options(params, required=False)
    info = inspect_token(text, key=key)
    if as_json:
        emit_json(info)
        return
    from ._render import print_inspection

    print_inspection(info)


def failed_check(exc: JotkitError) -> str:
    """The check a verification error stands for: a claim name, ``signature``, ``key``..."""
    from .. import errors

    if isinstance(exc, ClaimsError):
        return exc.claim or "claims"
    for kind, check in (
        (errors.InvalidSignatureError, "signature"),
        (errors.DecryptionError, "decryption"),
        (errors.AlgorithmNotAllowedError, "alg"),
        (errors.UnsupportedAlgorithmError, "alg"),
        (errors.KeyNotFoundError, "kid"),
        (errors.InvalidKeyError, "key"),
        (errors.KeySetUnavailableError, "key set"),
        (errors.ExceededLimitError, "limits"),
    ):
        if isinstance(exc, kind):
            return check
    return "format"


def _verification_key(params: dict[str, Any], jwks_url: str | None, issuer: str | None) -> Any:
    local = ("key_file", "secret_file", "secret_env", "secret_value")
    sources = [any(params.get(n) is not None for n in local), jwks_url, issuer]
    if sum(bool(s) for s in sources) > 1:
        raise UsageProblem("give one key source: --key, a secret, --jwks-url or --issuer")
    if jwks_url is not None:
        return remote_layer().RemoteKeySet(jwks_url)
    if issuer is not None:
        return remote_layer().discover(issuer).keys
    return key_from_options(params)


def _bound(key: Any) -> bool:
    from ..jwk import Key, KeySet

    if isinstance(key, Key):
        return key.alg is not None
    if isinstance(key, KeySet):
        return len(key) > 0 and all(k.alg is not None for k in key)
    return False


def policy_args(
    token: str, params: dict[str, Any], *, subtle: bool, issuer: str | None
) -> dict[str, Any]:
    """The claims-policy keyword arguments of ``jotkit.decode``, taken out of a command's
    parameters (``iss``, ``aud``, ``no_iss``, ``no_aud``, ``sub``, ``typ``, ``leeway``,
    ``max_age``, ``required``)."""
    iss, aud = params.pop("iss"), params.pop("aud")
    no_iss = params.pop("no_iss") or subtle
    no_aud = params.pop("no_aud") or subtle
    sub, typ, leeway = params.pop("sub"), params.pop("typ"), params.pop("leeway")
    max_age, required = params.pop("max_age"), params.pop("required")
    issuers: list[str] | None = list(iss) or ([issuer] if issuer else None)
    if issuers is None and not no_iss:
        raise UsageProblem("--iss is required (or --insecure-no-iss, or --subtle)")
    audience: list[str] | None = list(aud) or None
    if audience is None:
        if not no_aud:
            raise UsageProblem("--aud is required (or --insecure-no-aud, or --subtle)")
        audience = _token_audience(token)
    return {
        "issuer": issuers,
        "audience": audience,
        "subject": sub,
        "typ": typ,
        "leeway": parse_duration(leeway),
        "max_age": None if max_age is None else parse_duration(max_age),
        "required": tuple(required),
    }


def _token_audience(token: str) -> list[str] | None:
    # --insecure-no-aud: accept whatever audience the token names (jotkit otherwise
    # refuses a token with aud when none is configured, RFC 7519 4.1.3).
    from .. import unverified

    try:
        aud = unverified(token).claims.get("aud")
    except JotkitError:
        return None  # decode reports the malformed token itself
    if isinstance(aud, str):
        return [aud]
    if isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
        return list(aud)
    return None


def policy_options(fn: Any) -> Any:
    """The claims policy options shared by ``verify`` and ``decrypt``."""
    options = [
        click.option("--iss", multiple=True, help="Accepted issuer (repeatable). Required."),
        click.option("--aud", multiple=True, help="Accepted audience (repeatable). Required."),
        click.option("--sub", help="Required subject."),
        click.option("--typ", help="Required header typ (e.g. at+jwt)."),
        click.option("--leeway", default="0", show_default=True, help="Clock skew: 30s, 1m."),
        click.option("--max-age", help="Oldest iat accepted: 1h, 30m."),
        click.option("--require", "required", multiple=True, help="A claim that must exist."),
        click.option("--insecure-no-iss", "no_iss", is_flag=True, help="Accept any issuer."),
        click.option("--insecure-no-aud", "no_aud", is_flag=True, help="Accept any audience."),
        click.option("--subtle", is_flag=True, help="Both --insecure-no-iss and -no-aud."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def report_invalid(exc: JotkitError, as_json: bool) -> None:
    """The failed check and the error code: stderr (or JSON on stdout); exit status 1."""
    check = failed_check(exc)
    if as_json:
        emit_json(
            {"valid": False, "error": {"code": exc.code, "check": check, "message": str(exc)}}
        )
        raise click.exceptions.Exit(EXIT_INVALID)
    raise CLIError(f"INVALID ({check} check failed): {exc}", code=exc.code)


@cli.command("verify")
@_TOKEN
@key_options
@click.option("--jwks-url", metavar="URL", help="Verify with a remote JWK Set (https).")
@click.option("--issuer", "discover_issuer", metavar="URL", help="Discover the issuer's keys.")
@click.option(
    "--alg",
    "algs",
    multiple=True,
    help="Accepted alg (repeatable); required unless the key is bound to one.",
)
@policy_options
@json_option
def verify_cmd(
    token: str | None,
    jwks_url: str | None,
    discover_issuer: str | None,
    algs: tuple[str, ...],
    subtle: bool,
    as_json: bool,
    **params: Any,
) -> None:
    """Verify a compact JWS JWT: signature, alg, and claims (exp, nbf, iss, aud...).

    Prints the claims on success (exit 0); on failure, the failed check and the error
    code (exit 1).

    \b
    Example: jotkit verify --key pub.pem --alg ES256 --iss https://issuer --aud api TOKEN
    """
    text = read_token(token)
    key = _verification_key(params, jwks_url, discover_issuer)
    if not algs and not _bound(key):
        raise UsageProblem("--alg is required: the key is not bound to one algorithm")
    policy = policy_args(text, params, subtle=subtle, issuer=discover_issuer)
    from .. import decode_complete

    try:
        done = decode_complete(text, key, algorithms=list(algs) or None, **policy)
    except JotkitError as exc:
        report_invalid(exc, as_json)
        return
    from .inspect import annotate_times

    times = annotate_times(done.claims, _now())
    if as_json:
        emit_json({"valid": True, "header": done.header, "claims": done.claims, "times": times})
        return
    from ._render import print_claims

    kid = f", kid {done.key.kid}" if done.key.kid else ""
    print_claims(done.claims, f"VALID: {done.header.get('alg')} signature verified{kid}")


def _now() -> float:
    from .. import _time

    return _time.now()


_FAIL_ON = ("high", "medium", "low", "info", "never")


@cli.command("lint")
@_TOKEN
@key_options
@click.option(
    "--max-lifetime", default="24h", show_default=True, help="Longest lifetime without JK104."
)
@click.option(
    "--fail-on",
    type=click.Choice(_FAIL_ON),
    default="high",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@json_option
def lint_cmd(
    token: str | None, max_lifetime: str, fail_on: str, as_json: bool, **params: Any
) -> None:
    """Lint a token against RFC 8725: findings with a severity and a stable code (JK1xx).

    With a key (or secret), also checks the HMAC secret's strength and the signature.
    Exit status 1 when a finding reaches --fail-on (default: high).

    \b
    Example: jotkit lint TOKEN   or   jotkit lint --secret-env JWT_SECRET TOKEN
    """
    from .lint import SEVERITIES, lint

    text = read_token(token)
    # A secret goes to lint as bytes, so that a weak one is a finding, not a refusal.
    key = key_from_options(params, required=False, raw_secret=True)
    findings = [f.to_dict() for f in lint(text, key, max_lifetime=parse_duration(max_lifetime))]
    if as_json:
        emit_json({"findings": findings})
    else:
        from ._render import print_findings

        print_findings(findings)
    if fail_on != "never":
        worst = SEVERITIES.index(fail_on)
        if any(SEVERITIES.index(f["severity"]) <= worst for f in findings):
            raise click.exceptions.Exit(EXIT_INVALID)
