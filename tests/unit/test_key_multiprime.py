"""Multi-prime RSA keys: the JWK ``oth`` member (RFC 7518 section 6.3.2.7).

`cryptography` can neither generate nor load multi-prime keys (the shared
``erlang-jose/rsa-multi.pem`` fails to load), so the key is built here from three
primes typed in as data.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from jotkit._b64 import b64decode
from jotkit.errors import InvalidKeyError
from jotkit.jwk import Key
from jotkit.jws import sign_compact, verify_compact
from tests.unit._keys import MULTI_PRIMES, is_probable_prime, multiprime_jwk, uint

Mutation = Callable[[dict[str, Any]], None]
P, Q, R = MULTI_PRIMES
N = P * Q * R


def _num(value: str) -> int:
    return int.from_bytes(b64decode(value), "big")


def _set(name: str, value: Any) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        jwk[name] = value

    return mutate


def _drop(name: str) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        del jwk[name]

    return mutate


def _oth(name: str, value: Any) -> Mutation:
    """Set (or, with value None, delete) a member of the single ``oth`` entry."""

    def mutate(jwk: dict[str, Any]) -> None:
        entry = dict(jwk["oth"][0])
        if value is None:
            del entry[name]
        else:
            entry[name] = value
        jwk["oth"] = [entry]

    return mutate


def _bump(name: str) -> Mutation:
    def mutate(jwk: dict[str, Any]) -> None:
        jwk[name] = uint(_num(jwk[name]) + 2)

    return mutate


def _split_off_one(jwk: dict[str, Any]) -> None:
    """Primes p, q*r and a fake factor 1: the product is still n."""
    jwk["q"] = uint(Q * R)
    jwk["oth"] = [{"r": uint(1), "d": uint(0), "t": uint(0)}]


INVALID: list[tuple[str, Mutation, str]] = [
    ("oth-not-list", _set("oth", {"r": uint(R)}), "non-empty list"),
    ("oth-empty", _set("oth", []), "non-empty list"),
    ("oth-entry-not-object", _set("oth", [uint(R)]), "objects"),
    ("oth-r-missing", _oth("r", None), "'r'"),
    ("oth-r-wrong", _oth("r", uint(R + 2)), "multiply"),
    ("p-missing", _drop("p"), "'p'"),
    ("factor-one", _split_off_one, "multiply"),
    ("d-wrong", _bump("d"), "private exponent"),
    ("dp-wrong", _bump("dp"), "inconsistent"),
    ("dq-wrong", _bump("dq"), "inconsistent"),
    ("qi-wrong", _bump("qi"), "inconsistent"),
    ("oth-d-wrong", _oth("d", uint(7)), "inconsistent"),
    ("oth-t-wrong", _oth("t", uint(7)), "inconsistent"),
    ("dp-missing", _drop("dp"), "'dp'"),
    ("oth-t-missing", _oth("t", None), "'t'"),
]


class TestMultiPrimeKey:
    """A three-prime 2112-bit key: import, use, export."""

    def test_primes_are_prime(self) -> None:
        """The typed-in data really are three distinct primes (Miller-Rabin)."""
        assert len(set(MULTI_PRIMES)) == 3
        assert all(is_probable_prime(r) for r in MULTI_PRIMES)
        assert not is_probable_prime(P * Q)
        assert N.bit_length() >= 2048

    def test_imports(self) -> None:
        """The JWK imports as a private RSA key of the modulus's size."""
        key = Key.from_jwk(multiprime_jwk())
        assert (key.kty, key.is_private, key.size) == ("RSA", True, N.bit_length())
        assert key.public_crypto.public_numbers() == rsa.RSAPublicNumbers(65537, N)

    @pytest.mark.parametrize("alg", ["RS256", "PS256", "RS512"])
    def test_signs_and_verifies(self, alg: str) -> None:
        """Signatures verify with the public key imported independently from n and e."""
        key = Key.from_jwk(multiprime_jwk())
        token = sign_compact(b"three primes", key, alg=alg)
        public = Key.from_jwk({"kty": "RSA", "n": uint(N), "e": uint(65537)})
        assert verify_compact(token, public, algorithms=[alg]).payload == b"three primes"
        assert verify_compact(token, key, algorithms=[alg]).payload == b"three primes"

    def test_signature_is_pkcs1_v15_over_the_whole_modulus(self) -> None:
        """s^e mod n is the EMSA-PKCS1-v1_5 encoding of the SHA-256 of the signing input."""
        key = Key.from_jwk(multiprime_jwk())
        token = sign_compact(b"x", key, alg="RS256")
        signing_input, signature = token.rsplit(".", 1)
        size = (N.bit_length() + 7) // 8
        assert len(b64decode(signature)) == size
        encoded = pow(_num(signature), 65537, N).to_bytes(size, "big")
        assert encoded.startswith(b"\x00\x01\xff\xff")
        assert encoded.endswith(hashlib.sha256(signing_input.encode()).digest())

    def test_private_jwk_round_trips_with_oth(self) -> None:
        """to_jwk(private=True) gives back exactly the members given, oth included."""
        jwk = multiprime_jwk()
        key = Key.from_jwk({**jwk, "kid": "mp"})
        assert key.to_jwk(private=True) == {"kid": "mp", **jwk}
        assert Key.from_jwk(key.to_jwk(private=True)) == key

    def test_public_export(self) -> None:
        """The public JWK and public() carry no private member, oth included."""
        key = Key.from_jwk(multiprime_jwk())
        assert set(key.to_jwk()) == {"kty", "n", "e"}
        assert set(key.public().to_jwk(private=True)) == {"kty", "n", "e"}
        assert key.public().to_pem().startswith(b"-----BEGIN PUBLIC KEY-----")
        assert key.thumbprint() == key.public().thumbprint()

    def test_pem_export_refused(self) -> None:
        """PKCS#8 cannot hold the extra primes: private PEM/DER export is a ValueError."""
        key = Key.from_jwk(multiprime_jwk())
        with pytest.raises(ValueError, match="multi-prime"):
            key.to_pem(private=True)
        with pytest.raises(ValueError, match="multi-prime"):
            key.to_der(private=True)

    def test_d_from_phi_accepted(self) -> None:
        """A d computed modulo phi(n) instead of lambda(n) is the same key."""
        phi = math.prod(r - 1 for r in MULTI_PRIMES)
        d = pow(65537, -1, phi)
        jwk = multiprime_jwk()
        jwk.update(d=uint(d), dp=uint(d % (P - 1)), dq=uint(d % (Q - 1)))
        jwk["oth"] = [{**jwk["oth"][0], "d": uint(d % (R - 1))}]
        token = sign_compact(b"phi", Key.from_jwk(jwk), alg="RS256")
        assert verify_compact(token, Key.from_jwk(multiprime_jwk()), algorithms=["RS256"])

    @pytest.mark.parametrize(("why", "mutate", "match"), INVALID, ids=[c[0] for c in INVALID])
    def test_invalid(self, why: str, mutate: Mutation, match: str) -> None:
        """Bad oth structure and private members inconsistent with the primes are rejected."""
        jwk = multiprime_jwk()
        mutate(jwk)
        with pytest.raises(InvalidKeyError, match=match):
            Key.from_jwk(jwk)

    def test_repeated_prime(self) -> None:
        """A modulus p*q*p with r = p is InvalidKeyError, never a bare ValueError."""
        modulus = P * Q * P
        d = pow(65537, -1, math.lcm(P - 1, Q - 1))
        jwk = {
            "kty": "RSA",
            "n": uint(modulus),
            "e": uint(65537),
            "d": uint(d),
            "p": uint(P),
            "q": uint(Q),
            "dp": uint(d % (P - 1)),
            "dq": uint(d % (Q - 1)),
            "qi": uint(pow(Q, -1, P)),
            "oth": [{"r": uint(P), "d": uint(d % (P - 1)), "t": uint(1)}],
        }
        with pytest.raises(InvalidKeyError, match="coprime"):
            Key.from_jwk(jwk)

    def test_oth_on_public_key(self) -> None:
        """oth without d is a private member on a public key."""
        jwk = {"kty": "RSA", "n": uint(N), "e": uint(65537), "oth": multiprime_jwk()["oth"]}
        with pytest.raises(InvalidKeyError, match="without 'd'"):
            Key.from_jwk(jwk)
