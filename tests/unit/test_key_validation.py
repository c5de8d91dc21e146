"""Validation on JWK import (RFC 7517 section 4, RFC 7518 section 6, RFC 8037 section 2)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import InvalidKeyError
from jotkit.jwk import Key
from tests.unit._keys import (
    FAMILIES,
    OKP_CURVES,
    certificate,
    private_key,
    self_signed_or_issued,
    uint,
)

Mutation = Callable[[dict[str, Any]], None]


def _jwk(family: str, private: bool = True, index: int = 0) -> dict[str, Any]:
    return Key.from_cryptography(private_key(family, index)).to_jwk(private=private)


def _set(name: str, value: Any) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        jwk[name] = value

    return mutate


def _drop(name: str) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        del jwk[name]

    return mutate


def _resize(name: str, delta: int) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        raw = b64decode(jwk[name])
        jwk[name] = b64encode_str(b"\x00" + raw if delta > 0 else raw[1:])

    return mutate


def _off_curve(jwk: dict[str, Any]) -> None:
    y = int.from_bytes(b64decode(jwk["y"]), "big")
    jwk["y"] = b64encode_str((y ^ 1).to_bytes(len(b64decode(jwk["y"])), "big"))


def _other_d(family: str) -> Mutation:
    return _set("d", _jwk(family, index=1)["d"])


def _rsa_number(name: str, value: Callable[[dict[str, int]], int]) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        numbers = {k: int.from_bytes(b64decode(v), "big") for k, v in jwk.items() if k != "kty"}
        jwk[name] = uint(value(numbers))

    return mutate


EC_CASES: list[tuple[str, Mutation, str]] = [
    ("off-curve", _off_curve, "not on the curve"),
    ("x-short", _resize("x", -1), "'x' must be"),
    ("x-long", _resize("x", +1), "'x' must be"),
    ("y-short", _resize("y", -1), "'y' must be"),
    ("d-long", _resize("d", +1), "'d' must be"),
    ("y-missing", _drop("y"), "'y'"),
    ("x-not-string", _set("x", 12), "'x'"),
    ("x-bad-base64", _set("x", "!!!!"), "'x'"),
    ("d-zero", lambda j: _set("d", b64encode_str(bytes(len(b64decode(j["d"])))))(j), "range"),
    ("d-of-another-key", _other_d("P-256"), "does not match"),
    ("crv-missing", _drop("crv"), "curve"),
    ("crv-unknown", _set("crv", "P-192"), "curve"),
    ("crv-okp-name", _set("crv", "Ed25519"), "curve"),
    ("crv-not-string", _set("crv", ["P-256"]), "curve"),
]

RSA_CASES: list[tuple[str, Mutation, str]] = [
    ("e=1", _set("e", uint(1)), "exponent"),
    ("e=2", _set("e", uint(2)), "exponent"),
    ("e-even", _set("e", uint(65536)), "exponent"),
    ("e>=n", _rsa_number("e", lambda v: v["n"] + 2), "exponent"),
    ("n-even", _rsa_number("n", lambda v: v["n"] + 1), "modulus"),
    ("n-tiny", _set("n", uint(2**255 + 1)), "modulus"),
    ("n-huge", _set("n", uint(2**16384 + 1)), "larger than"),
    ("n-empty", _set("n", ""), "empty"),
    ("n-missing", _drop("n"), "'n'"),
    ("e-not-string", _set("e", 65537), "'e'"),
    ("p-without-d", _drop("d"), "without 'd'"),
    ("partial-crt", _drop("qi"), "all of p, q"),
    ("d-wrong-with-crt", _rsa_number("d", lambda v: v["d"] + 2), "inconsistent"),
    ("dp-wrong", _rsa_number("dp", lambda v: v["dp"] ^ 2), "inconsistent"),
    ("qi-wrong", _rsa_number("qi", lambda v: v["qi"] ^ 2), "inconsistent"),
    ("p-of-another-key", _set("p", _jwk("RSA", index=1)["p"]), "inconsistent"),
]


def _rsa_d_only(jwk: dict[str, Any]) -> None:
    for name in ("p", "q", "dp", "dq", "qi"):
        del jwk[name]


class TestEc:
    """EC keys: point on the curve, exact lengths, matching private scalar."""

    @pytest.mark.parametrize(("why", "mutate", "match"), EC_CASES, ids=[c[0] for c in EC_CASES])
    def test_rejected(self, why: str, mutate: Mutation, match: str) -> None:
        """Each defect is InvalidKeyError (invalid-curve attacks, key confusion)."""
        jwk = _jwk("P-256")
        mutate(jwk)
        with pytest.raises(InvalidKeyError, match=match):
            Key.from_jwk(jwk)

    @pytest.mark.parametrize("crv", ["P-384", "P-521", "secp256k1"])
    def test_off_curve_on_every_curve(self, crv: str) -> None:
        """A public point off the curve is rejected on every supported curve."""
        jwk = _jwk(crv, private=False)
        _off_curve(jwk)
        with pytest.raises(InvalidKeyError, match="not on the curve"):
            Key.from_jwk(jwk)


class TestRsa:
    """RSA keys: exponent, modulus, required and consistent private members."""

    @pytest.mark.parametrize(("why", "mutate", "match"), RSA_CASES, ids=[c[0] for c in RSA_CASES])
    def test_rejected(self, why: str, mutate: Mutation, match: str) -> None:
        """Each defect is InvalidKeyError."""
        jwk = _jwk("RSA")
        mutate(jwk)
        with pytest.raises(InvalidKeyError, match=match):
            Key.from_jwk(jwk)

    def test_d_only_recovers_the_primes(self) -> None:
        """A private key with only n, e, d imports and exports full CRT members."""
        full = _jwk("RSA")
        jwk = dict(full)
        _rsa_d_only(jwk)
        assert Key.from_jwk(jwk).to_jwk(private=True) == full

    def test_d_only_wrong_d(self) -> None:
        """n, e and a d that is no inverse of e cannot be factored: InvalidKeyError."""
        jwk = _jwk("RSA")
        _rsa_d_only(jwk)
        _rsa_number("d", lambda v: v["d"] + 2)(jwk)
        with pytest.raises(InvalidKeyError, match="inconsistent"):
            Key.from_jwk(jwk)


class TestOkpOctKty:
    """OKP and oct keys, and the key type itself."""

    @pytest.mark.parametrize("crv", OKP_CURVES)
    @pytest.mark.parametrize(
        ("why", "mutate", "match"),
        [
            ("x-short", _resize("x", -1), "'x' must be"),
            ("d-long", _resize("d", +1), "'d' must be"),
            ("crv-ec-name", _set("crv", "P-256"), "curve"),
            ("crv-unknown", _set("crv", "Ed1174"), "curve"),
        ],
        ids=["x-short", "d-long", "crv-ec-name", "crv-unknown"],
    )
    def test_okp_rejected(self, crv: str, why: str, mutate: Mutation, match: str) -> None:
        """Wrong lengths and curves are InvalidKeyError."""
        jwk = _jwk(crv)
        mutate(jwk)
        with pytest.raises(InvalidKeyError, match=match):
            Key.from_jwk(jwk)

    @pytest.mark.parametrize("crv", OKP_CURVES)
    def test_okp_private_must_match_public(self, crv: str) -> None:
        """A d that does not derive x is rejected (key substitution)."""
        jwk = _jwk(crv)
        jwk["d"] = _jwk(crv, index=1)["d"]
        with pytest.raises(InvalidKeyError, match="does not match"):
            Key.from_jwk(jwk)

    @pytest.mark.parametrize(
        "jwk",
        [
            {"kty": "oct"},
            {"kty": "oct", "k": ""},
            {"kty": "oct", "k": "a+b/"},
            {"kty": "oct", "k": 7},
        ],
        ids=["k-missing", "k-empty", "k-not-base64url", "k-not-string"],
    )
    def test_oct_rejected(self, jwk: dict[str, Any]) -> None:
        """An oct key needs a non-empty base64url k."""
        with pytest.raises(InvalidKeyError):
            Key.from_jwk(jwk)

    @pytest.mark.parametrize(
        "kty",
        [None, "rsa", "DSA", "", 1, ["RSA"]],
        ids=["missing", "lowercase", "DSA", "empty", "int", "list"],
    )
    def test_kty_rejected(self, kty: Any) -> None:
        """An absent, unknown or non-string kty is InvalidKeyError."""
        jwk: dict[str, Any] = {"k": "AAAA"} if kty is None else {"kty": kty, "k": "AAAA"}
        with pytest.raises(InvalidKeyError, match="key type"):
            Key.from_jwk(jwk)


def _cert_b64(family: str) -> str:
    return base64.b64encode(self_signed_or_issued(family).public_bytes(Encoding.DER)).decode()


def _thumb(family: str, hash_name: str) -> str:
    der = self_signed_or_issued(family).public_bytes(Encoding.DER)
    return b64encode_str(hashlib.new(hash_name, der).digest())


def _unknown_key_cert_b64() -> str:
    """A certificate whose key algorithm OID (1.3.101.114) `cryptography` does not know."""
    der = self_signed_or_issued("X25519").public_bytes(Encoding.DER)
    x25519_oid, unknown_oid = bytes.fromhex("06032b656e"), bytes.fromhex("06032b6572")
    assert der.count(x25519_oid) == 1
    return base64.b64encode(der.replace(x25519_oid, unknown_oid)).decode()


MEMBER_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("kid-int", {"kid": 1}, "'kid'"),
    ("alg-list", {"alg": ["ES256"]}, "'alg'"),
    ("use-int", {"use": 0}, "'use'"),
    ("x5u-int", {"x5u": 0}, "'x5u'"),
    ("key_ops-string", {"key_ops": "sign"}, "list of strings"),
    ("key_ops-int-item", {"key_ops": ["sign", 1]}, "list of strings"),
    ("key_ops-duplicate", {"key_ops": ["verify", "verify"]}, "duplicate"),
    ("use-sig-with-encrypt", {"use": "sig", "key_ops": ["verify", "encrypt"]}, "contradicts"),
    ("use-enc-with-sign", {"use": "enc", "key_ops": ["sign"]}, "contradicts"),
    ("x5c-string", {"x5c": "MII..."}, "non-empty list"),
    ("x5c-empty", {"x5c": []}, "non-empty list"),
    ("x5c-int-item", {"x5c": [1]}, "base64 strings"),
    ("x5c-base64url", {"x5c": ["-_-_"]}, "invalid certificate"),
    ("x5c-not-a-cert", {"x5c": ["MAMCAQE="]}, "invalid certificate"),
    ("x5c-other-key", {"x5c": [_cert_b64("P-384")]}, "does not hold"),
    ("x5c-unknown-key-algorithm", {"x5c": [_unknown_key_cert_b64()]}, "unsupported key"),
    ("x5t-short", {"x5t": "AAAA"}, "'x5t'"),
    ("x5t-int", {"x5t": 5}, "'x5t'"),
    ("x5t-bad-base64", {"x5t": "A" * 26 + "=="}, "'x5t'"),
    ("x5t#S256-short", {"x5t#S256": "AAAA"}, "'x5t#S256'"),
    (
        "x5t-mismatch",
        {"x5c": [_cert_b64("P-256")], "x5t": b64encode_str(bytes(20))},
        "does not match",
    ),
    (
        "x5t#S256-mismatch",
        {"x5c": [_cert_b64("P-256")], "x5t#S256": b64encode_str(bytes(32))},
        "does not match",
    ),
]


class TestMembers:
    """Metadata members: types, key_ops, use, and the x5c chain."""

    @pytest.mark.parametrize(
        ("why", "extra", "match"), MEMBER_CASES, ids=[c[0] for c in MEMBER_CASES]
    )
    def test_rejected(self, why: str, extra: dict[str, Any], match: str) -> None:
        """Each ill-typed or contradictory member is InvalidKeyError."""
        with pytest.raises(InvalidKeyError, match=match):
            Key.from_jwk({**_jwk("P-256", private=False), **extra})

    @pytest.mark.parametrize(
        "extra",
        [
            {"use": "sig", "key_ops": ["sign", "verify"]},
            {"use": "enc", "key_ops": ["deriveKey", "deriveBits"]},
            {"key_ops": ["sign", "encrypt"]},
            {"use": "other", "key_ops": ["custom"]},
            {"x5t": b64encode_str(bytes(20)), "x5u": "https://example.com/c.pem"},
        ],
        ids=["sig", "enc", "no-use", "private-use", "thumb-without-chain"],
    )
    def test_accepted(self, extra: dict[str, Any]) -> None:
        """Consistent members import and are kept for export."""
        key = Key.from_jwk({**_jwk("P-256", private=False), **extra})
        assert {k: key.to_jwk()[k] for k in extra} == extra

    @pytest.mark.parametrize("family", FAMILIES)
    def test_x5c_matching_key_keeps_certificate(self, family: str) -> None:
        """An x5c whose leaf holds the key is kept, with both thumbprints checked."""
        extra = {
            "x5c": [_cert_b64(family)],
            "x5t": _thumb(family, "sha1"),
            "x5t#S256": _thumb(family, "sha256"),
        }
        key = Key.from_jwk({**_jwk(family, private=False), **extra})
        assert key.certificate == self_signed_or_issued(family)
        assert key.to_jwk()["x5c"] == extra["x5c"]

    def test_x5c_of_same_curve_other_key(self) -> None:
        """A certificate for another key on the same curve does not match."""
        other = Key.from_cryptography(private_key("P-256", 1)).to_jwk()
        with pytest.raises(InvalidKeyError, match="does not hold"):
            Key.from_jwk({**other, "x5c": [_cert_b64("P-256")]})

    def test_x5c_of_unsupported_key(self) -> None:
        """A certificate for a key jotkit cannot use (P-224) does not match."""
        cert = certificate(ec.generate_private_key(ec.SECP224R1()).public_key())
        x5c = [base64.b64encode(cert.public_bytes(Encoding.DER)).decode()]
        with pytest.raises(InvalidKeyError, match="does not hold"):
            Key.from_jwk({**_jwk("P-256", private=False), "x5c": x5c})

    def test_x5c_of_other_key_type(self) -> None:
        """A certificate for a key of another type does not match."""
        with pytest.raises(InvalidKeyError, match="does not hold"):
            Key.from_jwk({**_jwk("RSA", private=False), "x5c": [_cert_b64("Ed25519")]})
