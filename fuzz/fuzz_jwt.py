"""Harness: JWT decoding (``jotkit.jwt``, RFC 7519 and RFC 8725).

Each input is decoded as bytes and as text by a strict ``Verifier`` (issuer, audience,
``typ``, required claims, ``max_age``, a custom check, at a fixed time), by the same
verifier with a token cache, by a plain HS256 one, and by ``unverified``,
``decode_unsecured``, ``decrypt`` and ``decode_nested``.

To get past the signature, an input is also used as ``header JSON \\n claims JSON``
fields that the harness signs with the key the header's ``alg`` names (and also leaves
unsigned, for ``decode_unsecured``), so fuzzed claims reach the policy.

Oracles: whatever the strict verifier accepts meets its policy, checked here
independently; the cached verifier gives the same outcome as the uncached one, twice.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping
from typing import Any, TypeGuard

from jotkit import jwe, jws, jwt
from jotkit._b64 import b64encode
from jotkit.errors import ClaimsError, JotkitError
from jotkit.jwa import JWS_ALGORITHMS

from ._common import Seed, Target, expect, lenient_json, split_fields, text_of
from ._keys import DIR_KEY, EC_PRIVATE, ED_PRIVATE, HS_KEY, JWS_KEYS

__all__ = ["TARGET", "check"]

NOW = 1_700_000_000
LEEWAY = 30
MAX_AGE = 86_400
ISSUER = "https://issuer.example"
AUDIENCE = "api"
_SIGNERS = {"HS256": HS_KEY, "ES256": EC_PRIVATE, "EdDSA": ED_PRIVATE}
_DIR_ENCS = ["A256GCM", "A128CBC-HS256"]
_POLICY: dict[str, Any] = {
    "algorithms": list(_SIGNERS),
    "issuer": ISSUER,
    "audience": AUDIENCE,
    "leeway": LEEWAY,
    "max_age": MAX_AGE,
    "required": ("exp", "iat", "sub"),
    "typ": "JWT",
    "checks": {"scope": "read"},
    "now": NOW,
}
_STRICT = jwt.Verifier(JWS_KEYS, **_POLICY)
_CACHED = jwt.Verifier(JWS_KEYS, cache=8, **_POLICY)
_PLAIN = jwt.Verifier(HS_KEY, algorithms=["HS256"], now=NOW)


def _number(value: Any) -> TypeGuard[int | float]:
    return type(value) is int or (type(value) is float and math.isfinite(value))


def _meets_policy(claims: Mapping[str, Any], header: Mapping[str, Any]) -> None:
    """The strict policy, restated: raise InvariantViolation where the claims break it."""
    typ = header.get("typ")
    expect(isinstance(typ, str) and typ.lower() in ("jwt", "application/jwt"), f"typ {typ!r}")
    expect(claims.get("iss") == ISSUER and type(claims["iss"]) is str, "iss not the issuer")
    aud = claims.get("aud")
    expect(aud == AUDIENCE or (type(aud) is list and AUDIENCE in aud), f"aud {aud!r}")
    expect(type(claims.get("sub")) is str, "sub missing or not a string")
    expect(claims.get("scope") == "read" and type(claims["scope"]) is str, "custom check")
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf")
    # Exact integer bounds on one side: a huge JSON integer never meets float arithmetic.
    expect(_number(exp) and exp > NOW - LEEWAY, f"expired or bad exp {exp!r}")
    expect(_number(iat) and iat >= NOW - LEEWAY - MAX_AGE, f"too old or bad iat {iat!r}")
    expect(_number(iat) and iat <= NOW + LEEWAY, f"iat in the future: {iat!r}")
    expect(nbf is None or (_number(nbf) and nbf <= NOW + LEEWAY), f"nbf {nbf!r}")


def _rejection(exc: JotkitError) -> type[JotkitError]:
    """How a rejection is compared: a claims error by its class, anything else as one.

    A token malformed in two ways may be reported for either (the cache looks at the
    token's shape first); once the signature passed, the reason must be the same.
    """
    return type(exc) if isinstance(exc, ClaimsError) else JotkitError


def _outcome(verifier: jwt.Verifier, token: str | bytes) -> Any:
    try:
        return verifier.decode(token)
    except JotkitError as exc:
        return _rejection(exc)


def _decode_signed(token: str | bytes) -> None:
    try:
        result = _STRICT.decode_complete(token)
    except JotkitError as exc:
        strict: Any = _rejection(exc)
    else:
        _meets_policy(result.claims, result.header)
        strict = result.claims
    for attempt in ("first", "cached"):
        cached = _outcome(_CACHED, token)
        expect(cached == strict, f"{attempt} cached outcome {cached!r}, uncached {strict!r}")
    try:
        claims = _PLAIN.decode(token)
    except JotkitError:
        pass
    else:
        expect("aud" not in claims, "accepted an aud with no audience configured")


def _decode_other(token: str | bytes) -> None:
    calls = (
        lambda: jwt.unverified(token),
        lambda: jwt.decode_unsecured(token, now=NOW),
        lambda: jwt.decrypt(token, DIR_KEY, key_algorithms=["dir"], encryptions=_DIR_ENCS, now=NOW),
        lambda: jwt.decode_nested(
            token,
            DIR_KEY,
            HS_KEY,
            algorithms=["HS256"],
            key_algorithms=["dir"],
            encryptions=_DIR_ENCS,
            now=NOW,
        ),
    )
    for call in calls:
        with contextlib.suppress(JotkitError):
            call()


def _signed(fields: list[bytes]) -> tuple[str, str]:
    """A token signed for the header's alg, and the same token unsigned."""
    head, body = b64encode(fields[0]), b64encode(fields[1])
    header: Any = lenient_json(text_of(fields[0]))
    alg = header.get("alg") if isinstance(header, dict) else None
    name = alg if isinstance(alg, str) and alg in _SIGNERS else "HS256"
    signature = JWS_ALGORITHMS[name].sign(_SIGNERS[name].crypto, head + b"." + body)
    unsigned = (head + b"." + body + b".").decode("ascii")
    return unsigned + b64encode(signature).decode("ascii"), unsigned


def check(data: bytes) -> None:
    """Decode ``data`` as a token, then as signed and unsigned header and claims fields."""
    for token in (data, text_of(data)):
        _decode_signed(token)
        _decode_other(token)
    fields = split_fields(data, 2)
    if fields is not None:
        signed, unsigned = _signed(fields)
        _decode_signed(signed)
        _decode_other(unsigned)


def seeds() -> Iterator[Seed]:
    """Tokens that pass the strict policy, and header/claims fields around its edges."""
    claims = {
        "iss": ISSUER,
        "aud": [AUDIENCE, "other"],
        "sub": "user",
        "scope": "read",
        "iat": NOW - 10,
        "exp": NOW + 600,
        "nbf": NOW - 10,
    }
    yield "strict-hs256", jwt.encode(claims, HS_KEY, alg="HS256").encode()
    yield "strict-es256", jwt.encode(claims, EC_PRIVATE, alg="ES256").encode()
    yield "plain", jwt.encode({"sub": "x"}, HS_KEY, alg="HS256").encode()
    yield "unsecured", jwt.encode_unsecured({"sub": "x"}).encode()
    yield "encrypted", jwt.encrypt({"sub": "x"}, DIR_KEY, key_alg="dir", enc="A256GCM").encode()
    yield (
        "nested",
        jwt.encode_nested(
            {"sub": "x"}, HS_KEY, DIR_KEY, alg="HS256", key_alg="dir", enc="A256GCM"
        ).encode(),
    )
    yield "jws-b64false", jws.sign_compact(b"{}", HS_KEY, alg="HS256", b64=False).encode()
    yield "jwe-as-jws", jwe.encrypt_compact(b"{}", DIR_KEY, alg="dir", enc="A256GCM").encode()
    header = b'{"alg":"HS256","typ":"JWT"}\n'
    yield (
        "fields-strict",
        (
            header + b'{"iss":"https://issuer.example","aud":"api","sub":"u","scope":"read",'
            b'"iat":1699999990,"exp":1700000600}'
        ),
    )
    yield (
        "fields-float-times",
        (
            b'{"alg":"EdDSA","typ":"application/JWT"}\n{"iss":"https://issuer.example","aud":["api"],'
            b'"sub":"u","scope":"read","iat":1699999990.5,"exp":1.7000006e9,"nbf":0.0}'
        ),
    )
    yield "fields-bool-exp", header + b'{"exp":true,"iat":true,"sub":"u"}'
    yield "fields-string-exp", header + b'{"exp":"1700000600","sub":"u"}'
    yield "fields-aud-unexpected", header + b'{"aud":"api"}'
    yield "fields-aud-object", header + b'{"aud":{"api":1}}'
    yield "fields-iss-prefix", header + b'{"iss":"https://issuer.example.evil"}'
    yield "fields-none", b'{"alg":"none"}\n{"sub":"x","exp":1800000000}'
    yield "fields-array", header + b"[1,2]"
    yield "fields-cty-jwt", b'{"alg":"HS256","cty":"JWT"}\n{}'


TARGET = Target(
    name="jwt",
    check=check,
    seeds=seeds,
    dictionary=(
        b"\n",
        b'"alg"',
        b'"HS256"',
        b'"EdDSA"',
        b'"none"',
        b'"typ"',
        b'"JWT"',
        b'"cty"',
        b'"iss"',
        b'"https://issuer.example"',
        b'"aud"',
        b'"api"',
        b'"sub"',
        b'"scope"',
        b'"read"',
        b'"exp"',
        b'"nbf"',
        b'"iat"',
        b'"jti"',
        b"1700000000",
        b"1e308",
        b"99999999999999999999999999999999999999999999999999",
        b"-0.0",
        b"true",
        b"null",
        b"[]",
    ),
)
