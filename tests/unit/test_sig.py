"""The JWS algorithm table (RFC 7518 section 3, RFC 8037, RFC 8812, RFC 9864)."""

from __future__ import annotations

import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from jotkit.jwa import JWS_ALGORITHMS, constant_time_equal
from jotkit.jwa._sig import _CURVE_ORDERS
from tests.unit._keys import ALL_JWS_ALGS, EC_CURVES, SECRET, ec_private, key_for

ECDSA = {"ES256": ("P-256", 32), "ES384": ("P-384", 48), "ES512": ("P-521", 66)}
ECDSA["ES256K"] = ("secp256k1", 32)
REQUIREMENTS = {
    "HS256": ("oct", (), 256),
    "HS384": ("oct", (), 384),
    "HS512": ("oct", (), 512),
    **{f"{p}{b}": ("RSA", (), 2048) for p in ("RS", "PS") for b in (256, 384, 512)},
    **{name: ("EC", (crv,), 0) for name, (crv, _) in ECDSA.items()},
    "EdDSA": ("OKP", ("Ed25519", "Ed448"), 0),
    "Ed25519": ("OKP", ("Ed25519",), 0),
    "Ed448": ("OKP", ("Ed448",), 0),
    **{name: ("AKP", (name,), 0) for name in ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87")},
}
DATA = b"header.payload"
FIELD_PRIMES = {
    "P-256": 2**256 - 2**224 + 2**192 + 2**96 - 1,
    "P-384": 2**384 - 2**128 - 2**96 + 2**32 - 1,
    "P-521": 2**521 - 1,
    "secp256k1": 2**256 - 2**32 - 977,
}


class TestTable:
    """The closed, read-only table."""

    def test_names(self) -> None:
        """Exactly the JWS algorithms of the issue, and never ``none``."""
        assert set(JWS_ALGORITHMS) == set(REQUIREMENTS) == set(ALL_JWS_ALGS)
        assert "none" not in JWS_ALGORITHMS
        assert "None" not in JWS_ALGORITHMS

    def test_read_only(self) -> None:
        """No import-time or run-time registration into the table."""
        with pytest.raises(TypeError):
            JWS_ALGORITHMS["none"] = JWS_ALGORITHMS["HS256"]  # type: ignore[index]

    @pytest.mark.parametrize("name", list(REQUIREMENTS))
    def test_requirement(self, name: str) -> None:
        """Each descriptor names its key type, curves and minimum size, for signing keys."""
        kty, crvs, min_bits = REQUIREMENTS[name]
        req = JWS_ALGORITHMS[name].requirement
        assert JWS_ALGORITHMS[name].name == name
        assert req.ktys == {kty}
        assert req.crvs == set(crvs)
        assert req.min_bits == min_bits
        assert req.exact_bits == 0
        assert req.use == "sig"
        assert req.private_for == {"sign"}
        assert req.key_ops == {"sign": {"sign"}, "verify": {"verify"}}

    @pytest.mark.parametrize("crv", list(_CURVE_ORDERS))
    def test_curve_orders_are_the_group_orders(self, crv: str) -> None:
        """Each order n is the group order: (n-1)*G = -G and n is not a valid scalar.

        The r, s range check is only as good as these constants (a P-521 order with extra
        digits let r, s >= n through to the backend).
        """
        order = _CURVE_ORDERS[crv]
        curve = EC_CURVES[crv]
        assert order.bit_length() == curve.key_size
        generator = ec.derive_private_key(1, curve).public_key().public_numbers()
        minus_g = ec.derive_private_key(order - 1, curve).public_key().public_numbers()
        assert (minus_g.x, minus_g.y) == (generator.x, -generator.y % FIELD_PRIMES[crv])
        with pytest.raises(ValueError, match="out of range"):
            ec.derive_private_key(order, curve)

    def test_constant_time_equal_is_hmac_compare_digest(self) -> None:
        """The one comparison for MACs is the constant-time one."""
        assert constant_time_equal is hmac.compare_digest


class TestSignVerify:
    """Each descriptor's sign/verify pair, below the JWS layer."""

    @pytest.mark.parametrize("name", ALL_JWS_ALGS)
    def test_round_trip_and_tamper(self, name: str) -> None:
        """A signature verifies, and fails for other data or a flipped bit; no exception."""
        alg, key = JWS_ALGORITHMS[name], key_for(name)
        signature = alg.sign(key.crypto, DATA)
        assert alg.verify(key.public_crypto, DATA, signature)
        assert not alg.verify(key.public_crypto, DATA + b"x", signature)
        flipped = bytes([signature[0] ^ 1]) + signature[1:]
        assert not alg.verify(key.public_crypto, DATA, flipped)

    @pytest.mark.parametrize("name", ["HS256", "HS384", "HS512"])
    def test_hmac_matches_stdlib(self, name: str) -> None:
        """HSxxx is plain HMAC with the named hash."""
        expected = hmac.digest(SECRET, DATA, "sha" + name[2:])
        assert JWS_ALGORITHMS[name].sign(SECRET, DATA) == expected
        assert not JWS_ALGORITHMS[name].verify(SECRET, DATA, expected[:-1])

    @pytest.mark.parametrize("name", ["RS256", "PS384"])
    @pytest.mark.parametrize("change", ["drop-last", "leading-zero", "empty"], ids=lambda c: str(c))
    def test_rsa_signature_must_be_modulus_length(self, name: str, change: str) -> None:
        """An RSA signature of any other length than the modulus fails (RFC 8017 8.2.2)."""
        alg, key = JWS_ALGORITHMS[name], key_for(name)
        good = alg.sign(key.crypto, DATA)
        bad = {"drop-last": good[:-1], "leading-zero": b"\x00" + good, "empty": b""}[change]
        assert not alg.verify(key.public_crypto, DATA, bad)

    @pytest.mark.parametrize("name", list(ECDSA))
    def test_ecdsa_signature_is_raw_r_s(self, name: str) -> None:
        """ECDSA signatures are exactly 2 * the coordinate size."""
        size = ECDSA[name][1]
        key = key_for(name)
        assert len(JWS_ALGORITHMS[name].sign(key.crypto, DATA)) == 2 * size

    @pytest.mark.parametrize("name", list(ECDSA))
    def test_ecdsa_der_signature_rejected(self, name: str) -> None:
        """A valid DER-encoded ECDSA signature is rejected (RFC 7518 3.4)."""
        private = ec_private(ECDSA[name][0])
        hash_alg = {"ES384": hashes.SHA384(), "ES512": hashes.SHA512()}.get(name, hashes.SHA256())
        der = private.sign(DATA, ec.ECDSA(hash_alg))
        assert not JWS_ALGORITHMS[name].verify(private.public_key(), DATA, der)

    @pytest.mark.parametrize("name", list(ECDSA))
    @pytest.mark.parametrize(
        "which", ["r=0", "s=0", "both-0", "r=n", "s=n", "short", "long"], ids=lambda w: str(w)
    )
    def test_ecdsa_out_of_range_rejected(self, name: str, which: str) -> None:
        """r and s must lie in [1, n-1] (CVE-2022-21449, psychic signatures)."""
        crv, size = ECDSA[name]
        key = key_for(name)
        good = JWS_ALGORITHMS[name].sign(key.crypto, DATA)
        r, s = good[:size], good[size:]
        zero, order = bytes(size), _CURVE_ORDERS[crv].to_bytes(size, "big")
        bad = {
            "r=0": zero + s,
            "s=0": r + zero,
            "both-0": zero + zero,
            "r=n": order + s,
            "s=n": r + order,
            "short": good[:-1],
            "long": good + b"\x00",
        }[which]
        assert not JWS_ALGORITHMS[name].verify(key.public_crypto, DATA, bad)


class _AcceptingBackend:
    """A stand-in public key whose ``verify`` accepts anything and records the call.

    With it, only jotkit's own checks can refuse a signature: they must hold even where
    a backend would not (CVE-2022-21449 was a backend accepting r = s = 0).
    """

    def __init__(self, key_size: int) -> None:
        self.key_size = key_size
        self.calls = 0

    def verify(self, *_args: object) -> None:
        self.calls += 1


class TestOwnChecks:
    """The length and range rules decide by themselves, before any backend call."""

    @pytest.mark.parametrize("name", list(ECDSA))
    def test_ecdsa_control(self, name: str) -> None:
        """Control: a well-formed R||S reaches the backend (and it accepts)."""
        size = ECDSA[name][1]
        backend = _AcceptingBackend(size * 8)
        assert JWS_ALGORITHMS[name].verify(backend, DATA, b"\x01" * (2 * size))
        assert backend.calls == 1

    @pytest.mark.parametrize("name", list(ECDSA))
    @pytest.mark.parametrize(
        "which",
        ["r=0", "s=0", "r=n", "s=n", "r>n", "padded-halves", "odd", "der-like"],
        ids=lambda w: str(w),
    )
    def test_ecdsa_refused_before_backend(self, name: str, which: str) -> None:
        """r, s outside [1, n-1], or R||S of any length but 2 * size, never reach it.

        ``padded-halves`` is the same r and s, each with a leading zero byte: an even
        length, the same integers, a second encoding of one signature.
        """
        crv, size = ECDSA[name]
        order = _CURVE_ORDERS[crv]
        one = (1).to_bytes(size, "big")

        def half(value: int, length: int = size) -> bytes:
            return value.to_bytes(length, "big")

        bad = {
            "r=0": half(0) + one,
            "s=0": one + half(0),
            "r=n": half(order) + one,
            "s=n": one + half(order),
            "r>n": half(2 ** (8 * size) - 1) + one,
            "padded-halves": half(1, size + 1) + half(1, size + 1),
            "odd": one + one + b"\x00",
            "der-like": b"\x30" + bytes([2 * size - 2]) + one + one[:-4],
        }[which]
        backend = _AcceptingBackend(size * 8)
        assert not JWS_ALGORITHMS[name].verify(backend, DATA, bad)
        assert backend.calls == 0

    @pytest.mark.parametrize("name", ["RS256", "PS512"])
    @pytest.mark.parametrize("length", [0, 255, 257, 512])
    def test_rsa_length_refused_before_backend(self, name: str, length: int) -> None:
        """A 2048-bit key takes exactly 256-byte signatures; no other length is tried."""
        backend = _AcceptingBackend(2048)
        assert not JWS_ALGORITHMS[name].verify(backend, DATA, b"\x01" * length)
        assert backend.calls == 0
        assert JWS_ALGORITHMS[name].verify(backend, DATA, b"\x01" * 256)
        assert backend.calls == 1
