"""ML-DSA conformance: RFC 9964's JOSE examples and Wycheproof's ML-DSA verify files.

The RFC 9964 examples (``cose-wg-mldsa/``) give the private AKP JWK of the all-zero seed,
its thumbprint as ``kid`` and a compact JWS. Wycheproof's verify files run through the
JWS table entries (``JWS_ALGORITHMS["ML-DSA-65"].verify``) with keys imported as AKP JWKs
and as SPKI DER. Signatures are randomized (FIPS 204 hedged signing): tests verify, they
never compare signature bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest

from jotkit import jws
from jotkit._b64 import b64encode_str
from jotkit.errors import InvalidKeyError, InvalidSignatureError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key
from tests._vectors import load_json

_ALGS = ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87")


def _example(alg: str) -> Any:
    return load_json(f"cose-wg-mldsa/{alg.replace('-', '_')}.jose.json")


class TestRFC9964Examples:
    """The JOSE examples of RFC 9964 (seed of 32 zero bytes)."""

    @pytest.mark.parametrize("alg", _ALGS)
    def test_seed_derives_the_public_key(self, alg: str) -> None:
        """KeyGen of the all-zero seed gives the example's raw public key."""
        example = _example(alg)
        key = Key.from_jwk(example["jwk"])
        assert key.public_crypto.public_bytes_raw().hex() == example["raw_public_key"]
        assert key.crypto.private_bytes_raw() == bytes.fromhex(example["priv"])

    @pytest.mark.parametrize("alg", _ALGS)
    def test_kid_is_the_thumbprint(self, alg: str) -> None:
        """The example kid is the RFC 7638 thumbprint over alg, kty and pub."""
        example = _example(alg)
        key = Key.from_jwk(example["jwk"])
        assert key.thumbprint() == example["jwk"]["kid"]
        assert key.public().thumbprint() == example["jwk"]["kid"]

    @pytest.mark.parametrize("alg", _ALGS)
    def test_example_jws_verifies(self, alg: str) -> None:
        """The example compact JWS verifies with the public key and the empty context."""
        example = _example(alg)
        public = Key.from_jwk(example["jwk"]).public()
        result = jws.verify_compact(example["jws"], public, algorithms=[alg])
        assert result.payload.decode("utf-8").startswith("It\u2019s a dangerous business")
        assert result.header == {"alg": alg, "kid": example["jwk"]["kid"]}
        head, body, sig = example["jws"].split(".")
        assert b64encode_str(bytes.fromhex(example["raw_signature"])) == sig
        assert bytes.fromhex(example["raw_to_be_signed"]).decode("ascii") == f"{head}.{body}"

    @pytest.mark.parametrize("alg", _ALGS)
    def test_example_jws_with_a_flipped_bit_fails(self, alg: str) -> None:
        """A one-bit change in the signature is refused."""
        example = _example(alg)
        public = Key.from_jwk(example["jwk"]).public()
        raw = bytearray(bytes.fromhex(example["raw_signature"]))
        raw[10] ^= 1
        head, body, _ = example["jws"].split(".")
        forged = f"{head}.{body}.{b64encode_str(bytes(raw))}"
        with pytest.raises(InvalidSignatureError):
            jws.verify_compact(forged, public, algorithms=[alg])

    @pytest.mark.parametrize("alg", _ALGS)
    def test_jwk_round_trips(self, alg: str) -> None:
        """The private JWK exports back member for member, the public one without priv."""
        example = _example(alg)
        key = Key.from_jwk(example["jwk"])
        assert key.to_jwk(private=True) == example["jwk"]
        public = dict(example["jwk"])
        del public["priv"]
        assert key.to_jwk() == public


class Case(NamedTuple):
    """One Wycheproof ML-DSA verify test."""

    alg: str
    public_hex: str
    der_hex: str
    test: dict[str, Any]


def _cases() -> Iterator[Any]:
    for alg in _ALGS:
        data = load_json(f"wycheproof/testvectors_v1/mldsa_{alg[-2:]}_verify_test.json")
        for group in data["testGroups"]:
            for test in group["tests"]:
                # JOSE fixes the context to the empty string (RFC 9964 section 2): a
                # non-empty ctx cannot be expressed as a JWS, so only those run here.
                if test.get("ctx", ""):
                    continue
                case = Case(alg, group["publicKey"], group["publicKeyDer"], test)
                yield pytest.param(case, id=f"{alg}-tc{test['tcId']}")


_CASES = list(_cases())


def test_case_count() -> None:
    """Every verify test with an empty or absent context is here (8 per file have ctx)."""
    assert len(_CASES) == (180 - 7) + (210 - 7) + (241 - 7)


def _import(case: Case) -> tuple[Key | None, Key | None]:
    jwk = {"kty": "AKP", "alg": case.alg, "pub": b64encode_str(bytes.fromhex(case.public_hex))}
    try:
        from_jwk: Key | None = Key.from_jwk(jwk)
    except InvalidKeyError:
        from_jwk = None
    try:
        from_der: Key | None = Key.from_der(bytes.fromhex(case.der_hex))
    except InvalidKeyError:
        from_der = None
    return from_jwk, from_der


@pytest.mark.parametrize("case", _CASES)
def test_wycheproof_verify(case: Case) -> None:
    """The JWS table entry gives each case's result, with the key from a JWK and from DER."""
    test = case.test
    descriptor = JWS_ALGORITHMS[case.alg]
    from_jwk, from_der = _import(case)
    # Both import paths agree on whether the key is a key at all.
    assert (from_jwk is None) == (from_der is None)
    if from_jwk is None or from_der is None:
        assert test["result"] == "invalid", test["comment"]
        return
    assert from_jwk.to_jwk() == from_der.to_jwk()
    from_der.check("verify", descriptor)
    msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
    for key in (from_jwk, from_der):
        assert descriptor.verify(key.public_crypto, msg, sig) is (test["result"] == "valid")
