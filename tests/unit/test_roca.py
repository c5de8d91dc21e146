"""The ROCA fingerprint (CVE-2017-15361): factorable Infineon RSA moduli are refused."""

from __future__ import annotations

import math

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from jotkit.errors import InvalidKeyError
from jotkit.jwk import Key
from jotkit.jwk._roca import has_roca_fingerprint
from tests.unit._keys import rsa_private, uint


def _first_primes(count: int) -> list[int]:
    primes: list[int] = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % p for p in primes):
            primes.append(candidate)
        candidate += 1
    return primes


def _fingerprinted(prime_count: int, bits: int) -> int:
    """An odd number of ``bits`` bits that is a power of 65537 modulo the primorial."""
    m = math.prod(_first_primes(prime_count))
    n = pow(65537, 4321, m) + m * ((1 << (bits - 1)) // m + 1)
    assert n.bit_length() == bits
    return n


# (bits, primes the check uses for that size)
SIZES = [(768, 39), (1024, 71), (2048, 126), (4096, 126)]


class TestFingerprint:
    """``has_roca_fingerprint`` for each modulus size class."""

    @pytest.mark.parametrize(("bits", "count"), SIZES, ids=[str(b) for b, _ in SIZES])
    def test_fingerprinted(self, bits: int, count: int) -> None:
        """A modulus of the vulnerable form is detected."""
        assert has_roca_fingerprint(_fingerprinted(count, bits))

    @pytest.mark.parametrize(("bits", "count"), SIZES, ids=[str(b) for b, _ in SIZES])
    def test_divisible_by_a_checked_prime(self, bits: int, count: int) -> None:
        """A number divisible by one of the checked primes has no fingerprint."""
        last = _first_primes(count)[-1]
        n = _fingerprinted(count, bits)
        assert not has_roca_fingerprint(n - n % last + last)

    def test_ordinary_key(self) -> None:
        """A key from an ordinary generator has no fingerprint."""
        assert not has_roca_fingerprint(rsa_private().public_key().public_numbers().n)


class TestImportRefused:
    """ROCA moduli are refused on every import path."""

    def test_jwk(self) -> None:
        """from_jwk refuses the modulus."""
        jwk = {"kty": "RSA", "n": uint(_fingerprinted(126, 2048)), "e": uint(65537)}
        with pytest.raises(InvalidKeyError, match="ROCA"):
            Key.from_jwk(jwk)

    def test_cryptography_object(self) -> None:
        """from_cryptography refuses it too."""
        public = rsa.RSAPublicNumbers(65537, _fingerprinted(126, 2048)).public_key()
        with pytest.raises(InvalidKeyError, match="ROCA"):
            Key.from_cryptography(public)
