"""Key export, generation, thumbprints (RFC 7638, RFC 9278), immutability and equality."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import InvalidKeyError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key
from tests._vectors import VECTORS
from tests.unit._keys import (
    ALL_JWS_ALGS,
    FAMILIES,
    JWS_FAMILY,
    SECRET,
    private_key,
    self_signed_or_issued,
)

SIZES = {
    "RSA": 2048,
    "P-256": 256,
    "P-384": 384,
    "P-521": 521,
    "secp256k1": 256,
    "Ed25519": 256,
    "Ed448": 456,
    "X25519": 256,
    "X448": 448,
}
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def _key(family: str, **kw: Any) -> Key:
    return Key.from_cryptography(private_key(family), **kw)


class TestProperties:
    """What a Key tells about itself."""

    @pytest.mark.parametrize("family", FAMILIES)
    def test_asymmetric(self, family: str) -> None:
        """kty, crv, size and the private/public objects."""
        key = _key(family, kid="k", alg=None)
        assert key.size == SIZES[family]
        assert key.crv == (None if family == "RSA" else family)
        assert key.is_private
        assert key.crypto is private_key(family)
        assert not Key.from_cryptography(key.public_crypto).is_private
        assert key.certificate is None
        assert dict(key.members) == {"kid": "k"}

    def test_oct(self) -> None:
        """An oct key is always private; its crypto is the secret itself."""
        key = Key.from_secret(SECRET, kid="h", alg="HS512")
        assert (key.kty, key.crv, key.size, key.is_private) == ("oct", None, 512, True)
        assert key.crypto == key.public_crypto == SECRET
        assert (key.kid, key.alg, key.use, key.key_ops) == ("h", "HS512", None, None)

    def test_use_and_key_ops(self) -> None:
        """use and key_ops come from the JWK; key_ops is a tuple."""
        jwk = {**_key("P-256").to_jwk(), "use": "sig", "key_ops": ["verify"]}
        key = Key.from_jwk(jwk)
        assert (key.use, key.key_ops) == ("sig", ("verify",))


class TestToJwk:
    """``to_jwk``: private members only when asked."""

    @pytest.mark.parametrize("family", FAMILIES)
    def test_public_by_default(self, family: str) -> None:
        """The default export has no private member; private=True adds them."""
        key = _key(family, kid="k")
        public = key.to_jwk()
        assert not PRIVATE_MEMBERS & set(public)
        assert public["kid"] == "k"
        private = key.to_jwk(private=True)
        assert "d" in private
        assert {k: v for k, v in private.items() if k not in PRIVATE_MEMBERS} == public

    def test_public_key_private_export_is_public(self) -> None:
        """Asking a public key for private members gives the public members."""
        public = _key("P-256").public()
        assert public.to_jwk(private=True) == public.to_jwk()

    def test_oct_needs_private(self) -> None:
        """An oct key is all secret: exporting it needs private=True."""
        key = Key.from_secret(SECRET)
        with pytest.raises(ValueError, match="private=True"):
            key.to_jwk()
        assert b64decode(key.to_jwk(private=True)["k"]) == SECRET

    def test_ec_coordinates_are_full_length(self) -> None:
        """EC coordinates and d are padded to the field size (RFC 7518 6.2.1.2)."""
        for index in range(4):
            jwk = _key("P-521", kid=str(index)).to_jwk(private=True)
            assert {len(b64decode(jwk[m])) for m in ("x", "y", "d")} == {66}


class TestPemDer:
    """``to_pem`` / ``to_der``: PKCS#8 (optionally encrypted) or SubjectPublicKeyInfo."""

    @pytest.mark.parametrize("family", FAMILIES)
    @pytest.mark.parametrize("der", [False, True], ids=["pem", "der"])
    def test_round_trip(self, family: str, der: bool) -> None:
        """Public and private exports import back to the same key."""
        key = _key(family)
        dump = key.to_der if der else key.to_pem
        load = Key.from_der if der else Key.from_pem
        assert load(dump()) == key.public()
        assert load(dump(private=True)) == key

    @pytest.mark.parametrize("password", [b"pw", "pässword"], ids=["bytes", "str"])
    @pytest.mark.parametrize("der", [False, True], ids=["pem", "der"])
    def test_encrypted(self, password: bytes | str, der: bool) -> None:
        """A password encrypts the PKCS#8 export; only that password loads it."""
        key = _key("Ed448")
        data = (key.to_der if der else key.to_pem)(private=True, password=password)
        load = Key.from_der if der else Key.from_pem
        assert load(data, password) == key
        with pytest.raises(InvalidKeyError):
            load(data, b"wrong")

    def test_pem_labels(self) -> None:
        """Private exports are PKCS#8, public ones SubjectPublicKeyInfo."""
        key = _key("RSA")
        assert key.to_pem().startswith(b"-----BEGIN PUBLIC KEY-----")
        assert key.to_pem(private=True).startswith(b"-----BEGIN PRIVATE KEY-----")
        encrypted = key.to_pem(private=True, password=b"x")
        assert encrypted.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")

    def test_refused(self) -> None:
        """oct keys have no PEM; a public key has no private export."""
        with pytest.raises(ValueError, match="oct"):
            Key.from_secret(SECRET).to_pem()
        with pytest.raises(ValueError, match="oct"):
            Key.from_secret(SECRET).to_der(private=True)
        with pytest.raises(ValueError, match="public key"):
            _key("P-256").public().to_pem(private=True)


class TestPublic:
    """``public()``."""

    @pytest.mark.parametrize("family", FAMILIES)
    def test_public_half(self, family: str) -> None:
        """The public half keeps metadata and drops the private object."""
        key = _key(family, kid="k", alg=None)
        public = key.public()
        assert not public.is_private
        assert public.kid == "k"
        assert public.crypto is key.public_crypto
        assert public.public() is public

    def test_keeps_certificate(self) -> None:
        """A key from a certificate keeps it on its public half."""
        key = Key.from_cryptography(self_signed_or_issued("P-256"))
        assert key.public().certificate is key.certificate

    def test_oct_has_no_public_half(self) -> None:
        """A secret has no public half."""
        with pytest.raises(ValueError, match="no public half"):
            Key.from_secret(SECRET).public()


class TestGenerate:
    """``Key.generate``: a key fit for the algorithm, bound to it."""

    @pytest.mark.parametrize("alg", ALL_JWS_ALGS)
    def test_every_jws_alg(self, alg: str) -> None:
        """The key fits the alg (size, type, curve) and carries alg and kid."""
        key = Key.generate(alg, kid=f"kid-{alg}")
        assert (key.alg, key.kid, key.is_private) == (alg, f"kid-{alg}", True)
        family = JWS_FAMILY[alg]
        if family == "oct":
            assert key.kty == "oct"
            assert key.size == int(alg[2:])
        elif family == "RSA":
            assert key.kty == "RSA"
            assert key.size >= 2048
        elif family.startswith("ML-DSA-"):
            assert (key.kty, key.crv) == ("AKP", None)
        else:
            assert key.crv == family
        key.check("sign", JWS_ALGORITHMS[alg])
        if family != "oct":
            key.public().check("verify", JWS_ALGORITHMS[alg])

    def test_keys_differ(self) -> None:
        """Two generated keys are different keys."""
        assert Key.generate("HS256").crypto != Key.generate("HS256").crypto

    @pytest.mark.parametrize("alg", ["none", "HS1", "", "dir"], ids=["none", "HS1", "empty", "dir"])
    def test_unknown(self, alg: str) -> None:
        """An unknown algorithm (or dir, which names no key size) is ValueError."""
        with pytest.raises(ValueError, match=r"unknown|dir"):
            Key.generate(alg)


class TestThumbprint:
    """RFC 7638 thumbprints and RFC 9278 thumbprint URIs."""

    def test_rfc7638_example(self) -> None:
        """The RFC 7638 section 3.1 example value."""
        jwk = json.loads((VECTORS / "latchset-jose" / "rfc7638_3.1.jwk").read_text())
        expected = (VECTORS / "latchset-jose" / "rfc7638_3.1.thp").read_text().strip()
        assert expected == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        assert Key.from_jwk(jwk).thumbprint() == expected

    def test_rfc8037_example(self) -> None:
        """The RFC 8037 appendix A.3 Ed25519 value, from the private key too."""
        jwk = json.loads(
            (VECTORS / "erlang-jose" / "jose_cfrg_curves" / "a.1.jwk+json").read_text()
        )
        assert Key.from_jwk(jwk).thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

    def test_rfc9278_uri(self) -> None:
        """The RFC 9278 section 3 example URI."""
        jwk = json.loads((VECTORS / "latchset-jose" / "rfc7638_3.1.jwk").read_text())
        assert Key.from_jwk(jwk).thumbprint_uri() == (
            "urn:ietf:params:oauth:jwk-thumbprint:sha-256:"
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        )

    @pytest.mark.parametrize(
        ("name", "label", "size"),
        [("sha256", "sha-256", 32), ("sha384", "sha-384", 48), ("sha512", "sha-512", 64)],
        ids=["sha256", "sha384", "sha512"],
    )
    def test_hashes(self, name: str, label: str, size: int) -> None:
        """Each supported hash gives a digest of its size and a URI naming it."""
        key = _key("P-256")
        assert len(b64decode(key.thumbprint(name))) == size
        assert key.thumbprint_uri(name) == (
            f"urn:ietf:params:oauth:jwk-thumbprint:{label}:{key.thumbprint(name)}"
        )

    @pytest.mark.parametrize("name", ["md5", "sha1", "SHA256", "sha-256"])
    def test_unsupported_hash(self, name: str) -> None:
        """Other hash names are ValueError."""
        with pytest.raises(ValueError, match="unsupported"):
            _key("P-256").thumbprint(name)
        with pytest.raises(ValueError, match="unsupported"):
            _key("P-256").thumbprint_uri(name)

    @pytest.mark.parametrize("family", FAMILIES)
    def test_ignores_private_and_metadata(self, family: str) -> None:
        """Private and public halves, with any metadata, share the thumbprint."""
        key = _key(family, kid="one")
        assert key.thumbprint() == key.public().thumbprint() == _key(family).thumbprint()

    def test_oct(self) -> None:
        """An oct key's thumbprint covers k and kty (RFC 7638 3.2)."""
        canonical = '{"k":"' + b64encode_str(SECRET) + '","kty":"oct"}'
        expected = b64encode_str(hashlib.sha256(canonical.encode()).digest())
        assert Key.from_secret(SECRET).thumbprint() == expected
