"""Edwards public keys of small order are refused (forgeable EdDSA signatures)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from jotkit import Key
from jotkit._b64 import b64encode_str
from jotkit.errors import InvalidKeyError
from jotkit.jwk._edwards import is_small_order

IDENTITY = bytes.fromhex("01" + "00" * 31)
# Every encoding of a point of order 1, 2, 4 or 8 on edwards25519, canonical or not.
SMALL_ED25519 = [
    IDENTITY,
    bytes.fromhex("ec" + "ff" * 30 + "7f"),
    bytes(32),
    bytes(31) + b"\x80",
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
    bytes.fromhex("ee" + "ff" * 30 + "7f"),  # y = p + 1, the identity again
]
SMALL_ED448 = [
    bytes([1]) + bytes(56),
    bytes(57),
    bytes(56) + b"\x80",
    (2**448 - 2**224 - 2).to_bytes(57, "little"),
]


class TestSmallOrder:
    """is_small_order and the key importers that use it."""

    @pytest.mark.parametrize("encoded", SMALL_ED25519, ids=lambda b: b.hex()[:8])
    def test_ed25519_jwk_refused(self, encoded: bytes) -> None:
        """Every small-order Ed25519 encoding is refused on JWK import."""
        assert is_small_order("Ed25519", encoded)
        with pytest.raises(InvalidKeyError, match="small order"):
            Key.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": b64encode_str(encoded)})

    @pytest.mark.parametrize("encoded", SMALL_ED448, ids=lambda b: b.hex()[:8])
    def test_ed448_small_order(self, encoded: bytes) -> None:
        """Small-order Ed448 encodings are recognised."""
        assert is_small_order("Ed448", encoded)

    def test_cryptography_object_refused(self) -> None:
        """A small-order key object wrapped with from_cryptography is refused too."""
        obj = ed25519.Ed25519PublicKey.from_public_bytes(IDENTITY)
        with pytest.raises(InvalidKeyError, match="small order"):
            Key.from_cryptography(obj)

    @pytest.mark.parametrize("crv", ["Ed25519", "Ed448"])
    def test_generated_keys_pass(self, crv: str) -> None:
        """Ordinary keys are not flagged."""
        key = Key.generate(crv)
        assert not is_small_order(crv, key.public_crypto.public_bytes_raw())

    def test_montgomery_not_checked_here(self) -> None:
        """X25519 / X448 are left to ECDH's all-zero shared-secret check."""
        assert not is_small_order("X25519", bytes(32))
