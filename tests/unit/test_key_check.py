"""``Key.check`` / ``problem`` / ``fits``: the one key check (RFC 8725 3.1, RFC 7517 4.2-4.4)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from jotkit.errors import AlgorithmNotAllowedError, InvalidKeyError, SecurityWarning
from jotkit.jwa import JWS_ALGORITHMS, KeyRequirement, Operation
from jotkit.jwk import Key
from tests.unit._keys import SECRET, private_key, rsa_private


@dataclass(frozen=True)
class Desc:
    """A stand-in algorithm descriptor, for requirements no JWS algorithm has."""

    name: str
    requirement: KeyRequirement


AES128 = Desc(
    "A128-test",
    KeyRequirement(
        ktys=frozenset({"oct"}),
        crvs=frozenset(),
        min_bits=0,
        exact_bits=128,
        use="enc",
        key_ops={"encrypt": frozenset({"encrypt"}), "decrypt": frozenset({"decrypt"})},
        private_for=frozenset(),
    ),
)


def _jwk_key(family: str, private: bool = True, **members: Any) -> Key:
    jwk = Key.from_cryptography(private_key(family)).to_jwk(private=private)
    return Key.from_jwk({**jwk, **members})


def _weak_secret() -> Key:
    return Key.from_secret(SECRET[:16])


# (id, key factory, op, alg or descriptor, expected error or None, message fragment)
CASES: list[tuple[str, Any, Operation, Any, type[Exception] | None, str]] = [
    ("ok-hs256", lambda: Key.from_secret(SECRET), "sign", "HS256", None, ""),
    ("ok-ec-public-verify", lambda: _jwk_key("P-256", False), "verify", "ES256", None, ""),
    ("ok-oct-sign", lambda: Key.from_secret(SECRET), "sign", "HS512", None, ""),
    ("kty-ec-for-hs", lambda: _jwk_key("P-256"), "verify", "HS256", InvalidKeyError, "EC key"),
    ("kty-oct-for-rs", lambda: Key.from_secret(SECRET), "verify", "RS256", InvalidKeyError, "oct"),
    ("kty-okp-for-es", lambda: _jwk_key("Ed25519"), "verify", "ES256", InvalidKeyError, "OKP"),
    ("crv-p384-for-es256", lambda: _jwk_key("P-384"), "verify", "ES256", InvalidKeyError, "P-384"),
    ("crv-k1-for-es256", lambda: _jwk_key("secp256k1"), "sign", "ES256", InvalidKeyError, "k1"),
    ("crv-x25519-eddsa", lambda: _jwk_key("X25519"), "sign", "EdDSA", InvalidKeyError, "X25519"),
    ("crv-ed448-ed25519", lambda: _jwk_key("Ed448"), "sign", "Ed25519", InvalidKeyError, "Ed448"),
    ("private-needed", lambda: _jwk_key("P-256", False), "sign", "ES256", InvalidKeyError, "priv"),
    (
        "private-needed-rsa",
        lambda: _jwk_key("RSA", False),
        "sign",
        "PS256",
        InvalidKeyError,
        "priv",
    ),
    ("exact-bits-ok", lambda: Key.from_secret(SECRET[:16]), "encrypt", AES128, None, ""),
    (
        "exact-bits-long",
        lambda: Key.from_secret(SECRET[:32]),
        "encrypt",
        AES128,
        InvalidKeyError,
        "exactly",
    ),
    ("min-bits-hs256", _weak_secret, "verify", "HS256", InvalidKeyError, "at least 256"),
    (
        "min-bits-hs512",
        lambda: Key.from_secret(SECRET[:48]),
        "sign",
        "HS512",
        InvalidKeyError,
        "at least 512",
    ),
    (
        "bound-alg",
        lambda: _jwk_key("P-256", alg="ES384"),
        "verify",
        "ES256",
        AlgorithmNotAllowedError,
        "ES384",
    ),
    ("bound-alg-ok", lambda: _jwk_key("P-256", alg="ES256"), "verify", "ES256", None, ""),
    (
        "use-enc-for-sig",
        lambda: _jwk_key("P-256", use="enc"),
        "verify",
        "ES256",
        InvalidKeyError,
        "use",
    ),
    ("use-sig-ok", lambda: _jwk_key("P-256", use="sig"), "verify", "ES256", None, ""),
    (
        "use-sig-for-enc",
        lambda: Key.from_jwk({"kty": "oct", "k": "AAAAAAAAAAAAAAAAAAAAAA", "use": "sig"}),
        "encrypt",
        AES128,
        InvalidKeyError,
        "use",
    ),
    (
        "key-ops-verify-only",
        lambda: _jwk_key("P-256", key_ops=["verify"]),
        "sign",
        "ES256",
        InvalidKeyError,
        "key_ops",
    ),
    ("key-ops-sign-ok", lambda: _jwk_key("P-256", key_ops=["sign"]), "sign", "ES256", None, ""),
    (
        "key-ops-enc-only",
        lambda: _jwk_key("P-256", key_ops=["encrypt"]),
        "verify",
        "ES256",
        InvalidKeyError,
        "key_ops",
    ),
    (
        "key-ops-empty",
        lambda: _jwk_key("P-256", key_ops=[]),
        "verify",
        "ES256",
        InvalidKeyError,
        "key_ops",
    ),
    ("kid-only-members", lambda: _jwk_key("P-256", kid="k"), "sign", "ES256", None, ""),
]


def _descriptor(alg: Any) -> Any:
    return JWS_ALGORITHMS[alg] if isinstance(alg, str) else alg


class TestCheck:
    """Every branch of the check, through problem, check and fits alike."""

    @pytest.mark.parametrize(
        ("make", "op", "alg", "error", "match"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
    )
    def test_case(
        self, make: Any, op: Operation, alg: Any, error: type[Exception] | None, match: str
    ) -> None:
        """problem() returns the error check() raises; fits() agrees."""
        key: Key = make()
        desc = _descriptor(alg)
        problem = key.problem(op, desc)
        if error is None:
            assert problem is None
            assert key.fits(op, desc)
            key.check(op, desc)
            return
        assert type(problem) is error
        assert match in str(problem)
        assert not key.fits(op, desc)
        with pytest.raises(error, match=match):
            key.check(op, desc)


class TestAllowWeak:
    """The explicit opt-out for weak keys (DESIGN 3.2)."""

    def test_weak_secret_opt_out_warns_and_passes(self) -> None:
        """allow_weak emits SecurityWarning on import and lets the size check pass."""
        with pytest.warns(SecurityWarning, match="allow_weak"):
            key = Key.from_secret(SECRET[:16], allow_weak=True)
        key.check("sign", JWS_ALGORITHMS["HS256"])

    def test_weak_rsa_opt_out(self) -> None:
        """A 1024-bit RSA key is refused unless explicitly allowed."""
        weak = rsa_private(1024)
        with pytest.raises(InvalidKeyError, match="at least 2048"):
            Key.from_cryptography(weak).check("sign", JWS_ALGORITHMS["RS256"])
        with pytest.warns(SecurityWarning):
            key = Key.from_cryptography(weak, allow_weak=True)
        key.check("sign", JWS_ALGORITHMS["RS256"])

    @pytest.mark.parametrize("source", ["jwk", "pem", "der"])
    def test_opt_out_on_every_import(self, source: str) -> None:
        """from_jwk, from_pem and from_der all take allow_weak."""
        public = Key.from_cryptography(rsa_private(1024).public_key())
        load: Callable[[], Key] = {
            "jwk": lambda: Key.from_jwk(public.to_jwk(), allow_weak=True),
            "pem": lambda: Key.from_pem(public.to_pem(), allow_weak=True),
            "der": lambda: Key.from_der(public.to_der(), allow_weak=True),
        }[source]
        with pytest.warns(SecurityWarning):
            key = load()
        key.check("verify", JWS_ALGORITHMS["RS256"])

    def test_opt_out_does_not_skip_other_checks(self) -> None:
        """allow_weak relaxes only the minimum size: type and exact size still apply."""
        with pytest.warns(SecurityWarning):
            key = Key.from_secret(SECRET[:20], allow_weak=True)
        key.check("verify", JWS_ALGORITHMS["HS256"])
        with pytest.raises(InvalidKeyError, match="oct"):
            key.check("verify", JWS_ALGORITHMS["ES256"])
        with pytest.raises(InvalidKeyError, match="exactly"):
            key.check("encrypt", AES128)

    def test_no_warning_without_opt_out(self) -> None:
        """Importing a strong key emits no warning (filterwarnings=error would fail)."""
        Key.from_secret(SECRET).check("sign", JWS_ALGORITHMS["HS256"])


class TestWeakOptOutSurvivesPublic:
    """public() keeps an explicit weak-key opt-out, without warning again."""

    def test_public_half_of_weak_key(self) -> None:
        """A 1024-bit key opted in with allow_weak keeps working as its public half."""
        obj = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        with pytest.warns(SecurityWarning):
            weak = Key.from_cryptography(obj, allow_weak=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            public = weak.public()
        public.check("verify", JWS_ALGORITHMS["RS256"])
