"""Harness: DPoP proofs and the htu normalisation (``jotkit.profiles.dpop``, RFC 9449).

Each input is verified as a proof (bytes and text), normalised as an ``htu``, and used
as ``header JSON \\n claims JSON`` fields signed with an EC key whose public JWK the
harness puts in the header unless the fuzzed header brings its own, so fuzzed claims
and keys reach every check of section 4.3.

Oracles: only ``JotkitError`` escapes; an accepted proof has ``typ: dpop+jwt``, the
request's ``htm``, an ``htu`` that normalises to the request's, a fresh ``iat``, and a
``jkt`` equal to the thumbprint of the public key in its header; a second verification
of an accepted proof is a ``ReplayError``; the normaliser returns None or a string it
maps to itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from jotkit import Key, jws
from jotkit.errors import JotkitError, ReplayError
from jotkit.jwt._checks import media_type
from jotkit.profiles import dpop
from jotkit.replay import MemoryReplayStore

from ._common import Seed, Target, expect, lenient_json, split_fields, text_of
from ._keys import EC_PRIVATE

__all__ = ["TARGET", "check"]

NOW = 1_700_000_000
HTM = "POST"
HTU = "https://server.example.com/token"
_VERIFIER = dpop.DPoPVerifier(
    algorithms=["ES256", "EdDSA"], replay=MemoryReplayStore(max_entries=1_000_000), now=NOW
)
_PUBLIC = EC_PRIVATE.public().to_jwk()


def _verify(proof: str | bytes) -> None:
    try:
        result = _VERIFIER.verify(proof, htm=HTM, htu=HTU)
    except JotkitError:
        return
    header, claims = result.header, result.claims
    expect(media_type(header["typ"]) == "dpop+jwt", "accepted a proof of another typ")
    expect(claims["htm"] == HTM, "accepted another htm")
    expect(dpop.normalize_htu(claims["htu"]) == dpop.normalize_htu(HTU), "accepted another htu")
    expect(NOW - 305 <= claims["iat"] <= NOW + 5, "accepted a stale or future iat")
    expect(result.jkt == Key.from_jwk(header["jwk"]).thumbprint(), "jkt of another key")
    try:
        _VERIFIER.verify(proof, htm=HTM, htu=HTU)
    except ReplayError:
        return
    except JotkitError as exc:
        expect(False, f"a replay raised {type(exc).__name__}, not ReplayError")
    expect(False, "accepted the same proof twice")


def _htu(text: str) -> None:
    normal = dpop.normalize_htu(text)
    if normal is not None:
        expect(dpop.normalize_htu(normal) == normal, f"not idempotent: {text!r} -> {normal!r}")


def _signed(data: bytes) -> None:
    fields = split_fields(data, 2)
    if fields is None:
        return
    header, claims = (lenient_json(text_of(field)) for field in fields)
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return
    header.setdefault("jwk", _PUBLIC)
    header.setdefault("typ", "dpop+jwt")
    extra = {name: value for name, value in header.items() if name not in ("alg", "b64", "crit")}
    try:
        payload = json.dumps(claims).encode()
        token = jws.sign_compact(payload, EC_PRIVATE, alg="ES256", headers=extra)
    except (TypeError, ValueError, JotkitError):
        return
    _verify(token)


def check(data: bytes) -> None:
    """Verify ``data`` as a proof, normalise it as an htu, sign its fields into a proof."""
    _verify(data)
    text = text_of(data)
    _verify(text)
    _htu(text)
    _signed(data)


def seeds() -> Iterator[Seed]:
    """A good proof, its fields, and htu spellings."""
    good = {"jti": "seed-1", "htm": HTM, "htu": HTU, "iat": NOW}
    yield "fields-good", b'{"typ":"dpop+jwt"}\n' + json.dumps(good).encode()
    yield "fields-no-typ", b'{"typ":"JWT"}\n' + json.dumps({**good, "jti": "s2"}).encode()
    yield (
        "fields-private-jwk",
        (
            json.dumps({"jwk": EC_PRIVATE.to_jwk(private=True)}).encode()
            + b"\n"
            + json.dumps({**good, "jti": "s3"}).encode()
        ),
    )
    yield "htu-odd", b"HTTPS://Server.Example.COM:443/./a/../token?q#f"
    yield "htu-escapes", b"https://server.example.com/%74oken%2f%zz"
    yield "htu-ipv6", b"http://[::1]:80/token"


TARGET = Target(
    name="dpop",
    check=check,
    seeds=seeds,
    max_len=2048,
    dictionary=(b'"htu"', b'"htm"', b'"iat"', b'"jti"', b'"jwk"', b"%2e", b"/..", b":443"),
)
