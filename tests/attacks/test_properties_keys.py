"""Properties of JWK import (RFC 7517) on hostile input, with hypothesis, and the crashes
they found.

``Key.from_jwk`` and ``KeySet.from_jwks`` take key material that may come from a remote
JWKS endpoint: whatever they are given, they return a key (set) or raise a
:class:`~jotkit.errors.JotkitError` subclass (``InvalidKeyError``, or ``MalformedError``
/ ``ExceededLimitError`` for JSON text), quickly. A non-mapping value is data, not a
programming error, so it is ``InvalidKeyError`` too, never ``TypeError``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import math
from functools import cache
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jotkit import Key, KeySet
from jotkit.errors import InvalidKeyError, JotkitError

from .._guards import forbid, hang_guard
from ._forge import b64, ec_key, ed25519_key, rejects, rsa_key, x25519_key
from ._strategies import json_values, surrogate_text

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def valid_jwks() -> tuple[dict[str, Any], ...]:
    """Genuine JWKs of every type, public and private."""
    keys = [
        Key.from_cryptography(rsa_key(), kid="rsa", alg="RS256"),
        Key.from_cryptography(ec_key(), kid="ec"),
        Key.from_cryptography(ed25519_key(), kid="ed"),
        Key.from_cryptography(x25519_key(), kid="x"),
        Key.from_secret(bytes(range(32)), kid="oct", alg="HS256"),
    ]
    jwks = [key.to_jwk(private=True) for key in keys]
    jwks += [key.public().to_jwk() for key in keys if key.kty != "oct"]
    jwks.append(dict(jwks[5], key_ops=["verify"], use="sig"))
    return tuple(jwks)


_members = st.sampled_from(
    [
        "kty",
        "crv",
        "x",
        "y",
        "d",
        "n",
        "e",
        "p",
        "q",
        "dp",
        "dq",
        "qi",
        "k",
        "oth",
        "kid",
        "use",
        "key_ops",
        "alg",
        "x5c",
        "x5t",
        "x5t#S256",
        "x5u",
    ]
)
_member_values = (
    json_values
    | st.binary(max_size=80).map(b64)
    | st.sampled_from(
        ["RSA", "EC", "OKP", "oct", "P-256", "Ed25519", "X25519", "secp256k1", "AQAB"]
    )
)


def _imports(call: Any, *args: Any) -> None:
    """``call`` returns or raises JotkitError, and does not hang."""
    with hang_guard(), contextlib.suppress(JotkitError):
        call(*args)


class TestFromJWK:
    """Key.from_jwk never crashes on hostile members."""

    @FAST
    @given(jwk=st.dictionaries(_members, _member_values, max_size=8))
    def test_arbitrary_members(self, jwk: dict[str, Any]) -> None:
        """Any combination of JWK members and values."""
        _imports(Key.from_jwk, jwk)

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        index=st.integers(0, 9),
        changes=st.dictionaries(_members, _member_values, min_size=1, max_size=3),
        drop=st.lists(_members, max_size=2),
    )
    def test_mutated_valid_jwk(self, index: int, changes: dict[str, Any], drop: list[str]) -> None:
        """A genuine JWK with members replaced or removed."""
        jwk = {**valid_jwks()[index % len(valid_jwks())], **changes}
        for name in drop:
            jwk.pop(name, None)
        _imports(Key.from_jwk, jwk)

    @FAST
    @given(value=json_values)
    def test_any_json_value(self, value: Any) -> None:
        """Any JSON value, object or not."""
        _imports(Key.from_jwk, value)

    @FAST
    @given(text=surrogate_text | st.binary(max_size=200))
    def test_text(self, text: str | bytes) -> None:
        """Arbitrary JWK text."""
        _imports(Key.from_jwk, text)


class TestFromJWKS:
    """KeySet.from_jwks never crashes on hostile sets."""

    @FAST
    @given(keys=st.lists(st.dictionaries(_members, _member_values, max_size=6), max_size=4))
    def test_arbitrary_keys(self, keys: list[dict[str, Any]]) -> None:
        """Sets of arbitrary member dictionaries."""
        _imports(KeySet.from_jwks, {"keys": keys})

    @FAST
    @given(value=json_values, keys=json_values)
    def test_any_json(self, value: Any, keys: Any) -> None:
        """Any JSON value, and any 'keys' value."""
        _imports(KeySet.from_jwks, value)
        _imports(KeySet.from_jwks, {"keys": keys})

    @FAST
    @given(text=surrogate_text | st.binary(max_size=200))
    def test_text(self, text: str | bytes) -> None:
        """Arbitrary JWKS text."""
        _imports(KeySet.from_jwks, text)


def _uint(value: int) -> str:
    return b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _cert_with_unknown_key_algorithm() -> bytes:
    """A DER certificate whose SubjectPublicKeyInfo names an unknown algorithm OID."""
    key = ed25519.Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .sign(key, None)
    )
    der = bytearray(cert.public_bytes(Encoding.DER))
    oid = bytes.fromhex("06032b6570")  # 1.3.101.112, Ed25519
    spki = der.index(oid, der.index(oid) + 1)  # the second: SubjectPublicKeyInfo
    der[spki + 4] = 0x72  # 1.3.101.114: no such key algorithm
    return bytes(der)


class TestRegressions:
    """Crashes and hangs found by these properties (and by review), kept as examples."""

    @pytest.mark.parametrize(
        "jwk",
        [
            {"kty": ["RSA"]},
            {"kty": {"a": 1}},
            {"kty": "EC", "crv": ["P-256"]},
            {"kty": "OKP", "crv": {}},
        ],
        ids=repr,
    )
    def test_unhashable_kty_or_crv_in_a_set(self, jwk: dict[str, Any]) -> None:
        """A list or object as kty/crv made the set's membership test raise TypeError."""
        result = KeySet.from_jwks({"keys": [jwk]})
        assert len(result) == 0
        assert len(result.skipped) == 1
        rejects(InvalidKeyError, Key.from_jwk, jwk)

    def test_multi_prime_key_with_a_repeated_prime(self) -> None:
        """n = p * p * q with consistent CRT values: pow() raised ValueError."""
        numbers = rsa_key().private_numbers()
        p, q, e = numbers.p, numbers.q, 65537
        n = p * p * q
        d = pow(e, -1, math.lcm(p - 1, q - 1))
        jwk = {
            "kty": "RSA",
            "n": _uint(n),
            "e": _uint(e),
            "d": _uint(d),
            "p": _uint(p),
            "q": _uint(p),
            "dp": _uint(d % (p - 1)),
            "dq": _uint(d % (p - 1)),
            "qi": _uint(1),
            "oth": [{"r": _uint(q), "d": _uint(d % (q - 1)), "t": _uint(1)}],
        }
        rejects(InvalidKeyError, Key.from_jwk, jwk)

    def test_x5c_certificate_with_an_unknown_key_algorithm(self) -> None:
        """cryptography's UnsupportedAlgorithm escaped Key.from_jwk."""
        jwk = Key.from_cryptography(ed25519_key().public_key()).to_jwk()
        jwk["x5c"] = [base64.b64encode(_cert_with_unknown_key_algorithm()).decode()]
        rejects(InvalidKeyError, Key.from_jwk, jwk)

    @pytest.mark.parametrize("bits", [16_392, 65_536])
    def test_huge_rsa_modulus_with_d(self, bits: int, monkeypatch: pytest.MonkeyPatch) -> None:
        """A huge modulus and a 'd' crafted so that prime recovery loops: minutes of CPU.

        The modulus cap refuses it before prime recovery or any key construction runs.
        """
        n = (1 << (bits - 1)) | 1 | (0x5A5A << 20)
        s = bits - 100
        t = next(t for t in range(1, 99, 2) if ((1 << s) * t + 1) % 3 == 0)
        d = ((1 << s) * t + 1) // 3
        forbid(monkeypatch, rsa, "rsa_recover_prime_factors")
        rejects(
            InvalidKeyError,
            Key.from_jwk,
            {"kty": "RSA", "n": _uint(n), "e": _uint(3), "d": _uint(d)},
        )
