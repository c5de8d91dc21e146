"""What the debugger page asks the local server: decode, verify, encode, keys, JWE, lint.

Each endpoint is a function ``(body, context) -> dict`` over the library's own API
(``jotkit.jwt.unverified``, ``jotkit.decode``, ``jws.verify_compact``,
``jwe.decrypt_compact``, ``Key`` importers and thumbprints): the debugger re-implements no
check, so what it shows is what an application using jotkit would get. Nothing here
touches the network except a JWKS URL the user typed (``jotkit.remote``, when installed).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import _b64, _time
from .._limits import DEFAULT_LIMITS
from ..errors import JotkitError, MalformedJWTError
from ..jwk import Key
from ._claims import CLAIMS, HEADERS, describe
from ._keys import BadRequest, convert, describe_key, error_dict, generate_key, key_from_spec
from ._keys import text_field as _text

__all__ = ["ENDPOINTS", "Context", "decode", "decrypt", "encode", "lint", "verify"]

#: At most this many certificates of an ``x5c`` header are described.
MAX_X5C = 10


@dataclass(frozen=True)
class Context:
    """What every endpoint may use: the trust anchors given to ``serve(anchors=...)``."""

    anchors: Sequence[Any] = ()


def _names(body: dict[str, Any], name: str) -> list[str] | None:
    value = body.get(name)
    if value is None or value == []:
        return None
    if isinstance(value, str):
        value = [part for part in value.replace(",", " ").split() if part]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"'{name}' must be a list of algorithm names")
    return value


def _token(body: dict[str, Any]) -> str:
    token = _text(body, "token")
    assert token is not None
    return token.strip()


# ------------------------------------------------------------------ lint


def lint(token: str, key: Key | None = None) -> dict[str, Any]:
    """The CLI's lint findings for ``token``, or ``"unavailable"`` without that layer.

    ``"error"`` (with ``lint_error``) when the linter refuses the token outright.
    """
    try:
        from ..cli.lint import lint as run_lint
    except ImportError:
        return {"lint": "unavailable", "findings": []}
    try:
        findings = run_lint(token, key=key)
    except JotkitError as exc:
        return {"lint": "error", "findings": [], "lint_error": error_dict(exc)}
    return {
        "lint": "ok",
        "findings": [
            {"code": f.code, "severity": f.severity, "message": f.message, "where": f.where}
            for f in findings
        ],
    }


# ------------------------------------------------------------------ x5c


def _certificates(header: dict[str, Any], context: Context) -> list[dict[str, Any]] | None:
    """Describe an embedded ``x5c`` chain; trusted only when anchors validate it."""
    chain = header.get("x5c")
    if chain is None:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    if not isinstance(chain, list):
        return [{"error": "x5c is not a list of certificates"}]
    trust = _trust_label(header, context)
    described: list[dict[str, Any]] = []
    for entry in chain[:MAX_X5C]:
        try:
            if not isinstance(entry, str):
                raise ValueError
            cert = x509.load_der_x509_certificate(base64.b64decode(entry, validate=True))
        except (ValueError, binascii.Error):
            described.append({"error": "not a base64 DER X.509 certificate"})
            continue
        described.append(
            {
                "subject": cert.subject.rfc4514_string(),
                "issuer": cert.issuer.rfc4514_string(),
                "not_before": cert.not_valid_before_utc.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "serial": format(cert.serial_number, "x"),
                "sha256": cert.fingerprint(hashes.SHA256()).hex(),
                "trust": trust,
            }
        )
    return described


def _trust_label(header: dict[str, Any], context: Context) -> str:
    if not context.anchors:
        return "not trusted (no anchors configured)"
    try:
        from ..x509 import CertificateTrust  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "not trusted (anchors configured, but jotkit.x509 is not installed)"
    from ..jwa import JWS_ALGORITHMS

    descriptor = JWS_ALGORITHMS.get(header.get("alg"))  # type: ignore[arg-type]
    if descriptor is None:
        return "not trusted (the token's alg is unknown)"
    try:
        CertificateTrust(anchors=list(context.anchors)).key_for(header, "verify", descriptor)
    except JotkitError as exc:
        return f"not trusted ({exc.message})"
    return "trusted (the chain validates against the configured anchors)"


# ------------------------------------------------------------------ decode


def decode(body: dict[str, Any], context: Context) -> dict[str, Any]:
    """Split and read a compact JWS or JWE WITHOUT verifying it.

    Raises:
        MalformedJWTError, ExceededLimitError: not a compact JWS or JWE.
    """
    from ..jwt._parse import JWE_SEGMENTS, compact_text, parse_header

    token = _token(body)
    now = _time.now()
    if token.count(".") + 1 == JWE_SEGMENTS:
        header = parse_header(compact_text(token, DEFAULT_LIMITS, JWE_SEGMENTS).split(".")[0],
                              DEFAULT_LIMITS)  # fmt: skip
        return {
            "kind": "jwe",
            "parts": ["header", "encrypted_key", "iv", "ciphertext", "tag"],
            "header": header,
            "header_table": describe(header, HEADERS, now),
            "claims": None,
            "certificates": _certificates(header, context),
            **lint(token),
        }
    from ..jwt import unverified

    payload_text: str | None = None
    try:
        read = unverified(token)
        header, claims = read.header, read.claims
    except MalformedJWTError:
        # Not a JWT but maybe a JWS of other content: show the header and the raw payload.
        head, payload, _ = compact_text(token, DEFAULT_LIMITS, 3).split(".")
        header = parse_header(head, DEFAULT_LIMITS)
        claims = None
        raw = _b64.b64decode(payload, MalformedJWTError)
        payload_text = raw.decode("utf-8", errors="replace")
    return {
        "kind": "jws",
        "parts": ["header", "payload", "signature"],
        "header": header,
        "header_table": describe(header, HEADERS, now),
        "claims": claims,
        "claims_table": None if claims is None else describe(claims, CLAIMS, now),
        "payload_text": payload_text,
        "certificates": _certificates(header, context),
        **lint(token),
    }


# ------------------------------------------------------------------ verify


def verify(body: dict[str, Any], context: Context) -> dict[str, Any]:
    """Verify the signature, then the claims; say which check failed.

    The signature is checked alone first (``jws.verify_compact``), so a claims failure
    is reported as such only for a token whose signature is good (the order of RFC 8725).

    Raises:
        BadRequest, JotkitError: the request or the key is unusable.
    """
    from .. import decode_complete, jws

    token = _token(body)
    key = key_from_spec(body.get("key"))
    algorithms = _names(body, "algorithms")
    out: dict[str, Any] = {"valid": False, "signature": None, "claims": None}
    if isinstance(key, Key):
        # With the key, lint also judges it (a weak or published HMAC secret).
        out.update(lint(token, key))
    try:
        verified = jws.verify_compact(token, key, algorithms=algorithms)
    except JotkitError as exc:
        out["signature"] = {"ok": False, "error": error_dict(exc)}
        return out
    except (TypeError, ValueError) as exc:
        raise BadRequest(str(exc)) from None
    out["signature"] = {"ok": True, "key": describe_key(verified.key)}
    leeway = body.get("leeway", 0)
    if isinstance(leeway, bool) or not isinstance(leeway, int | float) or leeway < 0:
        raise BadRequest("'leeway' must be a non-negative number of seconds")
    try:
        result = decode_complete(
            token,
            verified.key,
            algorithms=algorithms or [verified.header["alg"]],
            issuer=_text(body, "issuer", required=False),
            audience=_text(body, "audience", required=False),
            leeway=leeway,
        )
    except JotkitError as exc:
        out["claims"] = {"ok": False, "error": error_dict(exc)}
        return out
    out["claims"] = {"ok": True, "claims": result.claims}
    out["valid"] = True
    return out


# ------------------------------------------------------------------ encode


def encode(body: dict[str, Any], context: Context) -> dict[str, Any]:
    """Sign the claims with the header's ``alg``: with the given key, or a new one.

    Raises:
        BadRequest: header or claims not objects, no ``alg``, or an argument refused.
        JotkitError: the key is refused.
    """
    from .. import encode as sign

    header, claims = body.get("header"), body.get("claims")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise BadRequest("'header' and 'claims' must be JSON objects")
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise BadRequest("the header needs an 'alg' string")
    generated = None
    if body.get("generate") is True:
        kid = header.get("kid")
        try:
            key: Any = Key.generate(alg, kid=kid if isinstance(kid, str) else None)
        except ValueError as exc:
            raise BadRequest(str(exc)) from None
        generated = describe_key(key, private=True)
    else:
        key = key_from_spec(body.get("key"))
        if not isinstance(key, Key):
            raise BadRequest("signing takes one key (a secret, a PEM or a JWK), not a set")
    extra = {name: value for name, value in header.items() if name not in ("alg", "typ")}
    typ = header.get("typ")
    try:
        token = sign(claims, key, alg=alg, headers=extra or None,
                     typ=typ if isinstance(typ, str) else None)  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise BadRequest(str(exc)) from None
    return {"token": token, "generated_key": generated}


# ------------------------------------------------------------------ JWE


def decrypt(body: dict[str, Any], context: Context) -> dict[str, Any]:
    """Decrypt a compact JWE with the given key and allow-lists.

    Raises:
        BadRequest: no allow-lists; JotkitError: refused (``DecryptionError`` says nothing
            more, by design).
    """
    from .. import _json, jwe

    token = _token(body)
    key = key_from_spec(body.get("key"))
    algorithms, encryptions = _names(body, "algorithms"), _names(body, "encryptions")
    if algorithms is None or encryptions is None:
        raise BadRequest("decrypting needs the accepted 'algorithms' and 'encryptions'")
    try:
        result = jwe.decrypt_compact(token, key, algorithms=algorithms, encryptions=encryptions)
    except (TypeError, ValueError) as exc:
        raise BadRequest(str(exc)) from None
    text = result.plaintext.decode("utf-8", errors="replace")
    claims = None
    try:
        parsed = _json.loads(result.plaintext)
        claims = parsed if isinstance(parsed, dict) else None
    except JotkitError:
        pass
    return {"header": dict(result.header), "plaintext": text, "claims": claims}


ENDPOINTS: dict[str, Callable[[dict[str, Any], Context], dict[str, Any]]] = {
    "decode": decode,
    "verify": verify,
    "encode": encode,
    "decrypt": decrypt,
    "convert": lambda body, context: convert(body),
    "generate": lambda body, context: generate_key(body),
}
