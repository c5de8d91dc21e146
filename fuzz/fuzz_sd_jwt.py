"""Harness: SD-JWT presentations (``jotkit.profiles.sd_jwt``, RFC 9901).

Each input is verified as a presentation (bytes, text, and the JSON it may parse to),
with and without key binding, and used as ``payload JSON \\n Disclosure JSON ...``
fields: the harness signs the payload with an EC key and appends each later field as a
Disclosure (the base64url of its bytes), so fuzzed digests and Disclosures reach every
rule of section 7.1, past the signature.

Oracles: only ``JotkitError`` escapes; accepted claims hold no ``_sd``, no ``_sd_alg``
at the top and no ``{"...": digest}`` array element; the holder, given an accepted
SD-JWT, presents every Disclosure and the verifier then returns the same claims.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

from jotkit import jwt
from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import JotkitError
from jotkit.profiles import sd_jwt

from ._common import Seed, Target, expect, lenient_json, text_of
from ._keys import EC_PRIVATE

__all__ = ["TARGET", "check"]

NOW = 1_700_000_000
_VERIFIER = sd_jwt.SDJWTVerifier(EC_PRIVATE.public(), algorithms=["ES256"], now=NOW)
_BOUND = sd_jwt.SDJWTVerifier(
    EC_PRIVATE.public(), algorithms=["ES256"], key_binding=True, audience="v", now=NOW
)


def _clean(value: Any, top: bool) -> None:
    """No SD-JWT syntax survives processing."""
    if isinstance(value, dict):
        expect("_sd" not in value, "an _sd member survived processing")
        expect(not top or "_sd_alg" not in value, "_sd_alg survived processing")
        for member in value.values():
            _clean(member, False)
    elif isinstance(value, list):
        for element in value:
            placeholder = isinstance(element, dict) and set(element) == {"..."}
            expect(not placeholder, "an array digest survived processing")
            _clean(element, False)


def _verify(presentation: Any) -> None:
    with contextlib.suppress(JotkitError):
        _BOUND.verify(presentation, nonce="n")
    try:
        claims = _VERIFIER.verify(presentation)
    except JotkitError:
        return
    _clean(claims, True)
    if isinstance(presentation, str) and presentation.endswith("~"):
        again = _VERIFIER.verify(sd_jwt.present(presentation, [""]))
        expect(again == claims, "presenting every Disclosure changed the claims")


def _signed(data: bytes) -> None:
    fields = data.split(b"\n")
    payload = lenient_json(text_of(fields[0]))
    if not isinstance(payload, dict):
        return
    try:
        token = jwt.encode(payload, EC_PRIVATE, alg="ES256", typ=None)
    except (TypeError, ValueError, OverflowError, JotkitError):
        return
    disclosures = [b64encode_str(field) for field in fields[1:]]
    _verify("~".join((token, *disclosures, "")))


def check(data: bytes) -> None:
    """Verify ``data`` as a presentation; sign its fields into one."""
    _verify(data)
    text = text_of(data)
    _verify(text)
    parsed = lenient_json(text)
    if isinstance(parsed, dict):
        _verify(parsed)
    _signed(data)


def seeds() -> Iterator[Seed]:
    """A nested SD-JWT and its fields, a bound presentation, JSON serializations."""
    claims = {"a": sd_jwt.SD({"b": sd_jwt.SD(1)}), "c": [sd_jwt.SD("x"), 2]}
    token = sd_jwt.issue(claims, EC_PRIVATE, alg="ES256", decoys=1)
    yield "compact", token.encode()
    yield (
        "flattened",
        sd_jwt.issue(claims, EC_PRIVATE, alg="ES256", serialization="flattened").encode(),
    )
    payload = jwt.unverified(token.split("~")[0]).claims
    disclosures = [b64decode(d) for d in token.split("~")[1:-1]]
    yield "fields", b"\n".join([json.dumps(payload).encode(), *disclosures])
    yield "fields-stray", b"\n".join([json.dumps(payload).encode(), b'["s","z",1]'])


TARGET = Target(
    name="sd_jwt",
    check=check,
    seeds=seeds,
    max_len=4096,
    dictionary=(b'"_sd"', b'"..."', b'"_sd_alg"', b'"sha-256"', b"~", b'"cnf"', b'"kb+jwt"'),
)
