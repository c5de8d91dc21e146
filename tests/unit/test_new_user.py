"""What a new user meets: errors that name the way out, a discoverable API, immutable
key sets, published secrets refused (issue review, "tried as a new user would")."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

import jotkit
import jotkit.jwt
from jotkit import Key, KeySet, jwt
from jotkit.errors import (
    InvalidKeyError,
    KeyNotFoundError,
    MultipleKeysMatchedError,
    SecurityWarning,
)
from jotkit.jwa import JWS_ALGORITHMS

HS256 = JWS_ALGORITHMS["HS256"]
SECRETS_LIST = Path(__file__).resolve().parents[2].parent / "shared/data/jwt-secrets"
JWT_IO_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
    "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


def _published(min_bytes: int = 32) -> list[bytes]:
    entries = (SECRETS_LIST / "jwt.secrets.list").read_bytes().split(b"\r\n")
    return [entry for entry in entries if len(entry) >= min_bytes]


class TestTheWayOut:
    """Each refusal says what to do instead."""

    def test_jwt_io_example_token(self) -> None:
        """The jwt.io example (secret 'your-256-bit-secret'): a str secret points to
        Key.from_secret, the short secret to allow_weak, and that way out works."""
        with pytest.raises(TypeError, match=r"Key\.from_secret.*allow_weak=True"):
            jotkit.decode(JWT_IO_TOKEN, "your-256-bit-secret", algorithms=["HS256"])  # type: ignore[arg-type]
        with pytest.raises(InvalidKeyError, match="allow_weak=True"):
            jotkit.decode(JWT_IO_TOKEN, b"your-256-bit-secret", algorithms=["HS256"])
        with pytest.warns(SecurityWarning):
            weak = Key.from_secret(b"your-256-bit-secret", allow_weak=True)
        claims = jotkit.decode(JWT_IO_TOKEN, weak, algorithms=["HS256"], now=1516239100)
        assert claims["name"] == "John Doe"

    def test_pem_as_str_points_to_from_pem(self) -> None:
        """decode(token, pem_str) points to Key.from_pem."""
        pem = Key.generate("ES256").public().to_pem().decode()
        with pytest.raises(TypeError, match=r"Key\.from_pem"):
            jotkit.decode(JWT_IO_TOKEN, pem, algorithms=["ES256"])  # type: ignore[arg-type]

    def test_whole_jwks_to_from_jwk(self) -> None:
        """Key.from_jwk of a JWK Set points to KeySet.from_jwks."""
        jwks = KeySet([Key.generate("ES256").public()]).to_jwks()
        with pytest.raises(InvalidKeyError, match=r"KeySet\.from_jwks"):
            Key.from_jwk(jwks)

    def test_unknown_kid_is_named(self) -> None:
        """KeyNotFoundError carries the token's kid and lists the set's kids."""
        keys = KeySet([Key.generate("ES256", kid=f"k{n}").public() for n in range(3)])
        with pytest.raises(KeyNotFoundError) as info:
            keys.select({"kid": "gone"}, "verify", JWS_ALGORITHMS["ES256"])
        assert info.value.kid == "gone"
        assert "'gone'" in info.value.message
        assert "'k0', 'k1', 'k2'" in info.value.message

    def test_many_kids_are_counted(self) -> None:
        """A large set is summarised by a count."""
        keys = KeySet([Key.generate("HS256", kid=f"k{n}") for n in range(9)])
        with pytest.raises(KeyNotFoundError, match="9 kids"):
            keys.select({"kid": "gone"}, "verify", HS256)

    def test_token_without_kid_against_two_keys(self) -> None:
        """A token with no kid against a two-key set says the token has no kid (the keys
        have distinct ones)."""
        keys = KeySet([Key.generate("HS256", kid="a"), Key.generate("HS256", kid="b")])
        with pytest.raises(MultipleKeysMatchedError, match="token has no kid") as info:
            keys.select({}, "verify", HS256)
        assert "distinct kid" not in info.value.message


class TestPublishedSecrets:
    """Secrets from the published list attack tools try first are refused."""

    def test_every_long_entry_is_refused(self) -> None:
        """Every entry of 32 bytes or more is refused by from_secret and as an oct JWK."""
        entries = _published()
        assert len(set(entries)) == 1830
        for entry in entries:
            # A few entries are public key material too, refused as such.
            with pytest.raises(InvalidKeyError, match=r"published list|asymmetric key"):
                Key.from_secret(entry)
        import base64

        k = base64.urlsafe_b64encode(entries[0]).rstrip(b"=").decode()
        with pytest.raises(InvalidKeyError, match="published list"):
            Key.from_jwk({"kty": "oct", "k": k})

    def test_opt_out(self) -> None:
        """allow_weak=True accepts one, with a SecurityWarning."""
        with pytest.warns(SecurityWarning):
            key = Key.from_secret(_published()[0], allow_weak=True)
        assert key.kty == "oct"

    def test_random_secrets_pass(self) -> None:
        """Random secrets are not refused (the false-positive rate is 2**-64 each)."""
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(200):
                Key.from_secret(os.urandom(32))

    def test_shipped_data_matches_the_list(self) -> None:
        """The shipped digests are exactly those of the list's long entries."""
        import hashlib

        from jotkit.jwk import _secrets

        data = (Path(_secrets.__file__).parent / "published-secrets.bin").read_bytes()
        size = _secrets.PUBLISHED_DIGEST_BYTES
        shipped = {data[i : i + size] for i in range(0, len(data), size)}
        assert shipped == {hashlib.sha256(e).digest()[:size] for e in _published()}


class TestDiscoverableAPI:
    """The public API is where a user looks for it."""

    def test_limits_is_public(self) -> None:
        """jotkit.Limits is the Limits every parser takes."""
        from jotkit._limits import Limits

        assert jotkit.Limits is Limits
        assert "Limits" in jotkit.__all__

    @pytest.mark.parametrize(
        ("module", "lazy"),
        [(jotkit, "jwe"), (jotkit.jwt, "decrypt"), (jotkit.jwt, "decode_nested")],
    )
    def test_dir_lists_lazy_names(self, module: object, lazy: str) -> None:
        """dir() (and so help()) lists the names loaded on first use."""
        assert lazy in dir(module)

    def test_boolean_parameters_are_keyword_only(self) -> None:
        """to_jwk(True), to_pem(True) and to_jwks(True) are refused: say private=True."""
        key = Key.generate("ES256")
        for call in (key.to_jwk, key.to_pem, KeySet([key]).to_jwks):
            with pytest.raises(TypeError):
                call(True)  # type: ignore[call-arg]
        assert "d" in key.to_jwk(private=True)

    def test_keyset_is_immutable(self) -> None:
        """A KeySet cannot be changed after it is built, like a Key."""
        keys = KeySet([Key.generate("ES256").public()])
        with pytest.raises(AttributeError):
            keys._keys = ()
        with pytest.raises(AttributeError):
            del keys._by_kid
        with pytest.raises(AttributeError):
            keys.extra = 1

    def test_keyset_refuses_public_keys_with_secrets(self) -> None:
        """KeySet([...]) refuses public keys beside a secret or private key."""
        public = Key.generate("ES256").public()
        for secret in (Key.generate("HS256"), Key.generate("ES256")):
            with pytest.raises(ValueError, match="mix"):
                KeySet([public, secret])
        assert len(KeySet([Key.generate("HS256"), Key.generate("ES256")])) == 2


def test_decode_still_reads_the_jwt_module() -> None:
    """jotkit.jwt keeps its verbs (a smoke check of the module shape)."""
    assert jwt.decode is jotkit.decode
