"""Key import shortcuts: the public half of an EC private key derived on first use, and the
key-class classification kept per `cryptography` class. The checks themselves still run."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from jotkit import Key
from jotkit.errors import InvalidKeyError
from jotkit.jwk import _material


class TestLazyPublicHalf:
    """EC private keys derive their public key once, when first needed."""

    def test_derived_on_first_use(self) -> None:
        """The public half is derived once and then the same object every time."""
        private = ec.generate_private_key(ec.SECP256R1())
        key = Key.from_cryptography(private)
        assert key._public_crypto is None
        public = key.public_crypto
        assert public.public_numbers() == private.public_key().public_numbers()
        assert key.public_crypto is public
        assert key.public().crypto is public
        assert key.is_private
        assert not key.public().is_private

    def test_exports_and_equality(self) -> None:
        """Exports and equality are what an eagerly derived key would give."""
        private = ec.generate_private_key(ec.SECP256R1())
        a, b = Key.from_cryptography(private), Key.from_cryptography(private)
        assert a.to_jwk() == b.public().to_jwk()
        assert a == b
        assert a.thumbprint() == Key.from_cryptography(private.public_key()).thumbprint()


class TestClassification:
    """The abstract-class checks run once per concrete class; the key checks every time."""

    def test_remembers_library_classes_only(self) -> None:
        """Only `cryptography`'s own classes are remembered (a bounded set)."""
        Key.from_cryptography(ec.generate_private_key(ec.SECP256R1()))
        remembered = set(_material._KINDS)
        assert remembered
        assert all(cls.__module__.startswith("cryptography.") for cls in remembered)

    def test_small_order_checked_every_time(self) -> None:
        """A cached class does not skip the small-order check of each key."""
        Key.from_cryptography(ed25519.Ed25519PrivateKey.generate().public_key())
        identity = ed25519.Ed25519PublicKey.from_public_bytes(bytes([1]) + bytes(31))
        with pytest.raises(InvalidKeyError, match="small order"):
            Key.from_cryptography(identity)

    def test_unsupported_objects(self) -> None:
        """Objects that are not keys are refused, and not remembered."""
        with pytest.raises(TypeError):
            Key.from_cryptography(object())
        assert object not in _material._KINDS

    def test_proxy_class_not_remembered(self) -> None:
        """An object whose __class__ differs from its type is classified every time."""

        class Proxy:
            def __init__(self, target: Any) -> None:
                self._target = target

            @property  # type: ignore[misc]
            def __class__(self) -> type:
                return type(self._target)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._target, name)

        target = ec.generate_private_key(ec.SECP256R1()).public_key()
        key = Key.from_cryptography(Proxy(target))
        assert key.kty == "EC"
        assert Proxy not in _material._KINDS


class TestECDHClassification:
    """ECDH-ES classifies key classes once; curves and private/public stay per object."""

    def test_curves_and_privacy(self) -> None:
        """Every supported curve is named, private and public alike, repeatedly."""
        from cryptography.hazmat.primitives.asymmetric import x25519

        from jotkit.jwa import _ecdh

        for _ in range(2):
            for curve, name in ((ec.SECP256R1(), "P-256"), (ec.SECP384R1(), "P-384")):
                private = ec.generate_private_key(curve)
                assert _ecdh.curve_of(private) == _ecdh.curve_of(private.public_key()) == name
            x = x25519.X25519PrivateKey.generate()
            assert _ecdh.curve_of(x) == _ecdh.curve_of(x.public_key()) == "X25519"
        assert all(cls.__module__.startswith("cryptography.") for cls in _ecdh._KINDS)
        with pytest.raises(TypeError):
            _ecdh.curve_of(ed25519.Ed25519PrivateKey.generate())
        with pytest.raises(TypeError):
            _ecdh.curve_of(ec.generate_private_key(ec.SECP256K1()))
