"""The ROCA fingerprint check (CVE-2017-15361) behind Wycheproof json_web_key_test tc7.

Vulnerable moduli are congruent to a power of 65537 modulo M, the product of the first
39, 71 or 126+ primes (by key size). The synthetic moduli here have exactly that form.
"""

from __future__ import annotations

import math

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from jotkit._b64 import b64decode
from jotkit.errors import InvalidKeyError
from jotkit.jwk import Key
from jotkit.jwk._roca import has_roca_fingerprint
from tests._vectors import load_json


def _first_primes(count: int) -> list[int]:
    primes: list[int] = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % p for p in primes):
            primes.append(candidate)
        candidate += 1
    return primes


def _roca_like(prime_count: int, bits: int, exponent: int = 12345) -> int:
    """An odd modulus of ``bits`` bits that is 65537**exponent modulo the primorial."""
    m = math.prod(_first_primes(prime_count))
    n = pow(65537, exponent, m) + m * ((1 << (bits - 1)) // m + 1)
    assert n.bit_length() == bits
    assert n % 2 == 1
    return n


def _wycheproof_roca_jwk() -> dict[str, str]:
    data = load_json("wycheproof/testvectors_v1/json_web_key_test.json")
    group = next(g for g in data["testGroups"] if g["comment"] == "jws_rsa_roca_key")
    jwk: dict[str, str] = group["public"]["keys"][0]
    return jwk


class TestFingerprint:
    """has_roca_fingerprint on real, synthetic and ordinary moduli."""

    def test_wycheproof_key(self) -> None:
        """The Wycheproof ROCA key has the fingerprint."""
        n = int.from_bytes(b64decode(_wycheproof_roca_jwk()["n"]), "big")
        assert has_roca_fingerprint(n)

    @pytest.mark.parametrize(
        ("prime_count", "bits"), [(39, 512), (39, 960), (71, 1024), (126, 2048), (126, 4096)]
    )
    def test_synthetic_moduli(self, prime_count: int, bits: int) -> None:
        """A modulus of the vulnerable form is caught; one step off, it is not."""
        n = _roca_like(prime_count, bits)
        assert has_roca_fingerprint(n)
        assert not has_roca_fingerprint(n + 2)

    def test_too_few_primes_is_not_enough(self) -> None:
        """A 2048-bit modulus must match on the first 126 primes, not only on 71."""
        assert not has_roca_fingerprint(_roca_like(71, 2048))

    def test_ordinary_keys_pass(self) -> None:
        """Generated keys and the RFC example keys do not have the fingerprint."""
        generated = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert not has_roca_fingerprint(generated.public_key().public_numbers().n)
        cookbook = load_json("ietf-jose-cookbook/jwk/3_3.rsa_public_key.json")
        assert not has_roca_fingerprint(int.from_bytes(b64decode(cookbook["n"]), "big"))


class TestImport:
    """Every import path refuses a ROCA key."""

    def test_jwk(self) -> None:
        """Key.from_jwk (tc7's public key)."""
        with pytest.raises(InvalidKeyError, match="ROCA"):
            Key.from_jwk(_wycheproof_roca_jwk())

    def test_pem_and_cryptography_object(self) -> None:
        """Key.from_pem and Key.from_cryptography."""
        jwk = _wycheproof_roca_jwk()
        numbers = rsa.RSAPublicNumbers(
            int.from_bytes(b64decode(jwk["e"]), "big"), int.from_bytes(b64decode(jwk["n"]), "big")
        )
        public = numbers.public_key()
        pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        with pytest.raises(InvalidKeyError, match="ROCA"):
            Key.from_pem(pem)
        with pytest.raises(InvalidKeyError, match="ROCA"):
            Key.from_cryptography(public)
