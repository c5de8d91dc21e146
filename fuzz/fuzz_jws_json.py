"""Harness: the JWS JSON Serialization parser (``jws.verify_json``, RFC 7515 section 7.2).

Each input is verified as bytes, as text and as the dict the standard library parses
from it, with the fixed HS256 key (``algorithms=["HS256"]``) and with a key set of
HS256, ES256 and EdDSA keys.

To let fuzzed headers reach the code after signature verification, a parsed input is
also used as a template: a ``protected`` or ``payload`` member that is a JSON object is
encoded, and a ``signature`` of ``"HS256!"`` is replaced by the MAC of its entry.

Oracle: whatever verifies carries an allowed ``alg`` and the key of that ``alg``.
"""

from __future__ import annotations

import copy
import hmac
import json
from collections.abc import Iterator, Mapping
from typing import Any

from jotkit import jws
from jotkit._b64 import b64encode_str
from jotkit.errors import JotkitError

from ._common import Seed, Target, expect, lenient_json, text_of
from ._keys import EC_PRIVATE, ED_PRIVATE, HS_KEY, HS_SECRET, JWS_KEYS

__all__ = ["TARGET", "check"]

_PLACEHOLDER = "HS256!"
_KIDS = {"HS256": "hs", "ES256": "ec", "EdDSA": "ed"}


def _verify(jws_obj: Mapping[str, Any] | str | bytes) -> None:
    for key, algorithms in ((HS_KEY, ["HS256"]), (JWS_KEYS, list(_KIDS))):
        try:
            result = jws.verify_json(jws_obj, key, algorithms=algorithms)
        except JotkitError:
            continue
        alg = result.header.get("alg")
        expect(alg in algorithms, f"accepted alg {alg!r} outside {algorithms}")
        kid = _KIDS.get(alg) if isinstance(alg, str) else None
        expect(kid is not None and result.key.kid == kid, "verified with another alg's key")


def _fill(obj: dict[str, Any]) -> bool:
    """Turn a template into a JWS JSON object in place; return whether anything changed."""
    changed = False
    payload = obj.get("payload")
    if isinstance(payload, dict | list):
        obj["payload"] = b64encode_str(json.dumps(payload).encode())
        changed = True
    entries = obj.get("signatures")
    for entry in entries if isinstance(entries, list) else [obj]:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("protected"), dict):
            entry["protected"] = b64encode_str(json.dumps(entry["protected"]).encode())
            changed = True
        if entry.get("signature") == _PLACEHOLDER:
            protected, body = entry.get("protected", ""), obj.get("payload", "")
            if isinstance(protected, str) and isinstance(body, str):
                signing_input = (protected + "." + body).encode("utf-8", "surrogatepass")
                entry["signature"] = b64encode_str(hmac.digest(HS_SECRET, signing_input, "sha256"))
                changed = True
    return changed


def check(data: bytes) -> None:
    """Verify ``data`` as bytes, text and dict, then as a filled-in template."""
    text = text_of(data)
    _verify(data)
    _verify(text)
    parsed = lenient_json(text)
    if not isinstance(parsed, dict):
        return
    _verify(copy.deepcopy(parsed))
    if _fill(parsed):
        _verify(parsed)
        _verify(json.dumps(parsed))


def seeds() -> Iterator[Seed]:
    """Valid general and flattened serializations, and templates."""
    payload = b'{"sub":"fuzz"}'
    hs = jws.Signer(HS_KEY, alg="HS256")
    signers = [hs, jws.Signer(EC_PRIVATE, alg="ES256"), jws.Signer(ED_PRIVATE, alg="EdDSA")]

    def dump(obj: dict[str, Any]) -> bytes:
        return json.dumps(obj).encode()

    yield "general", dump(jws.sign_json(payload, signers))
    yield "flattened", dump(jws.sign_json(payload, [hs], flattened=True))
    yield "b64false", dump(jws.sign_json(b"raw.text", [hs], flattened=True, b64=False))
    yield (
        "unprotected-kid",
        dump(jws.sign_json(payload, [jws.Signer(HS_KEY, alg="HS256", unprotected={"kid": "hs"})])),
    )
    yield (
        "template",
        dump({"payload": {"sub": "x"}, "protected": {"alg": "HS256"}, "signature": _PLACEHOLDER}),
    )
    yield (
        "template-general",
        dump(
            {
                "payload": "eyJhIjoxfQ",
                "signatures": [
                    {"protected": {"alg": "ES256"}, "signature": "AAAA"},
                    {
                        "protected": {"alg": "HS256"},
                        "header": {"kid": "hs"},
                        "signature": _PLACEHOLDER,
                    },
                ],
            }
        ),
    )
    yield (
        "template-b64false",
        dump(
            {
                "payload": "raw",
                "protected": {"alg": "HS256", "b64": False, "crit": ["b64"]},
                "signature": _PLACEHOLDER,
            }
        ),
    )
    yield (
        "template-unprotected-alg",
        dump({"payload": "e30", "header": {"alg": "HS256"}, "signature": _PLACEHOLDER}),
    )
    yield (
        "lone-surrogate-payload",
        dump(
            {
                "payload": "\ud800",
                "protected": {"alg": "HS256", "b64": False, "crit": ["b64"]},
                "signature": _PLACEHOLDER,
            }
        ),
    )


TARGET = Target(
    name="jws_json",
    check=check,
    seeds=seeds,
    dictionary=(
        b'"payload"',
        b'"protected"',
        b'"header"',
        b'"signature"',
        b'"signatures"',
        b'"HS256!"',
        b'"alg"',
        b'"HS256"',
        b'"ES256"',
        b'"EdDSA"',
        b'"kid"',
        b'"crit"',
        b'"b64"',
        b"false",
        b"[]",
        b"{}",
    ),
)
