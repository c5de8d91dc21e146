"""Harness: the JWS Compact Serialization parser (``jws.verify_compact``, RFC 7515 7.1).

Each input is used twice:

* as a token, verified with the fixed HS256 key (``algorithms=["HS256"]``, also with a
  detached payload) and with a key set of HS256, ES256 and EdDSA keys;
* as ``header JSON \\n payload`` fields that the harness encodes and signs with the key
  the header's ``alg`` names, so that fuzzed headers (``crit``, ``b64``, ``kid``...)
  reach every check that runs after the signature verified.

Oracle: a token is accepted only with the exact MAC (or signature) of its own first two
segments, and the payload returned is the one that was signed.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from jotkit import jws
from jotkit._b64 import b64decode, b64encode
from jotkit.errors import JotkitError
from jotkit.jwa import JWS_ALGORITHMS

from ._common import Seed, Target, expect, lenient_json, split_fields, text_of
from ._keys import EC_PRIVATE, ED_PRIVATE, HS_KEY, HS_SECRET, JWS_KEYS

__all__ = ["TARGET", "check"]

_DETACHED = b"detached payload"
_SIGNERS = {"HS256": HS_KEY, "ES256": EC_PRIVATE, "EdDSA": ED_PRIVATE}
_HS256 = jws.CompactVerifier(HS_KEY, algorithms=["HS256"])
_ANY = jws.CompactVerifier(JWS_KEYS, algorithms=list(_SIGNERS))


def _mac(signing_input: bytes) -> bytes:
    return hmac.digest(HS_SECRET, signing_input, "sha256")


def _check_hs256(token: str | bytes) -> None:
    raw = token.encode("utf-8", "surrogateescape") if isinstance(token, str) else token
    for detached in (None, _DETACHED):
        try:
            result = _HS256.verify(token, detached_payload=detached)
        except JotkitError:
            continue
        head, body, sig = raw.split(b".")
        b64 = result.header.get("b64", True)
        if detached is not None:
            body = b64encode(detached) if b64 else detached
        expect(b64encode(_mac(head + b"." + body)) == sig, "accepted without the exact MAC")
        expect(result.header.get("alg") == "HS256", "accepted an alg outside the list")
        signed = detached if detached is not None else (b64decode(body) if b64 else body)
        expect(result.payload == signed, "returned another payload than the signed one")


def _check_any(token: str | bytes) -> jws.VerifiedJWS | None:
    try:
        result = _ANY.verify(token)
    except JotkitError:
        return None
    alg = result.header.get("alg")
    signer = _SIGNERS.get(alg) if isinstance(alg, str) else None
    expect(signer is not None, f"accepted alg {alg!r}")
    expect(signer is not None and result.key.kid == signer.kid, "verified with another alg's key")
    return result


def _signed(fields: list[bytes]) -> tuple[str, bytes]:
    """Encode ``header`` and ``payload`` fields into a token signed for the header's alg."""
    head, body = b64encode(fields[0]), b64encode(fields[1])
    header: Any = lenient_json(text_of(fields[0]))
    alg = header.get("alg") if isinstance(header, dict) else None
    name = alg if isinstance(alg, str) and alg in _SIGNERS else "HS256"
    signature = JWS_ALGORITHMS[name].sign(_SIGNERS[name].crypto, head + b"." + body)
    return (head + b"." + body + b"." + b64encode(signature)).decode("ascii"), body


def check(data: bytes) -> None:
    """Verify ``data`` as a token, then as signed header and payload fields."""
    text = text_of(data)
    for token in (data, text):
        _check_hs256(token)
        _check_any(token)
    fields = split_fields(data, 2)
    if fields is None:
        return
    token, body = _signed(fields)
    _check_hs256(token)
    result = _check_any(token)
    if result is not None:
        expected = fields[1] if result.header.get("b64", True) else body
        expect(result.payload == expected, "returned another payload than the signed one")


def seeds() -> Iterator[Seed]:
    """Valid tokens for the fixed keys, and header/payload field pairs."""
    payload = b'{"sub":"fuzz","n":1}'
    yield "hs256", jws.sign_compact(payload, HS_KEY, alg="HS256").encode()
    yield (
        "hs256-typ",
        jws.sign_compact(payload, HS_KEY, alg="HS256", headers={"typ": "JWT"}).encode(),
    )
    yield "hs256-b64false", jws.sign_compact(b"raw", HS_KEY, alg="HS256", b64=False).encode()
    yield "hs256-detached", jws.sign_compact(_DETACHED, HS_KEY, alg="HS256", detached=True).encode()
    yield (
        "hs256-detached-b64false",
        jws.sign_compact(_DETACHED, HS_KEY, alg="HS256", detached=True, b64=False).encode(),
    )
    yield "es256", jws.sign_compact(payload, EC_PRIVATE, alg="ES256").encode()
    yield "eddsa", jws.sign_compact(payload, ED_PRIVATE, alg="EdDSA").encode()
    yield "five-segments", b"eyJhbGciOiJkaXIifQ..AAAA.AAAA.AAAA"
    yield "fields-hs256", b'{"alg":"HS256","kid":"hs"}\n' + payload
    yield "fields-b64false", b'{"alg":"HS256","b64":false,"crit":["b64"]}\nraw'
    yield "fields-crit-unknown", b'{"alg":"HS256","crit":["exp"],"exp":1}\nx'
    yield "fields-es256", b'{"alg":"ES256","kid":"ec"}\n' + payload
    yield "fields-eddsa", b'{"alg":"EdDSA"}\n' + payload
    yield "fields-none", b'{"alg":"none"}\n' + payload
    yield "fields-dup", b'{"alg":"HS256","alg":"ES256"}\n' + payload


TARGET = Target(
    name="jws_compact",
    check=check,
    seeds=seeds,
    dictionary=(
        b".",
        b"..",
        b"\n",
        b'"alg"',
        b'"HS256"',
        b'"ES256"',
        b'"EdDSA"',
        b'"none"',
        b'"kid"',
        b'"hs"',
        b'"ec"',
        b'"crit"',
        b'"b64"',
        b"false",
        b'"typ"',
        b'"jwk"',
        b"eyJhbGciOiJIUzI1NiJ9",
        b"eyJ",
    ),
)
