"""Password-protected JWKs and JWK Sets (RFC 7517 section 11)."""

from __future__ import annotations

import pytest

from jotkit import _json
from jotkit._b64 import b64decode
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DecryptionError,
    ExceededLimitError,
    InvalidKeyError,
)
from jotkit.jwe import decrypt_key, encrypt_compact, encrypt_key
from jotkit.jwk import Key, KeySet


class TestPasswordProtectedKeys:
    """encrypt_key / decrypt_key."""

    def test_key_round_trip(self) -> None:
        """A private key comes back whole, with cty jwk+json."""
        key = Key.generate("ES256", kid="signing")
        token = encrypt_key(key, "s3cret passphrase")
        header = _json.loads(b64decode(token.split(".")[0]))
        assert header["cty"] == "jwk+json"
        assert header["alg"] == "PBES2-HS512+A256KW"
        assert decrypt_key(token, "s3cret passphrase") == key

    def test_key_set_round_trip(self) -> None:
        """A key set comes back as a KeySet, with cty jwk-set+json."""
        keys = KeySet([Key.generate("RS256", kid="a"), Key.generate("HS256", kid="b")])
        token = encrypt_key(
            keys, b"passphrase", alg="PBES2-HS256+A128KW", enc="A128CBC-HS256", p2c=2000
        )
        restored = decrypt_key(token, b"passphrase")
        assert isinstance(restored, KeySet)
        assert list(restored) == list(keys)

    def test_wrong_password(self) -> None:
        """A wrong password is the uniform DecryptionError."""
        token = encrypt_key(Key.generate("A128KW"), "right", p2c=1000)
        with pytest.raises(DecryptionError):
            decrypt_key(token, "wrong")

    def test_p2c_cap(self) -> None:
        """decrypt_key caps p2c too (max_p2c)."""
        token = encrypt_key(Key.generate("A128KW"), "pw", p2c=5000)
        with pytest.raises(ExceededLimitError):
            decrypt_key(token, "pw", max_p2c=4999)

    def test_cty_mismatch(self) -> None:
        """A key set labelled as a single key is refused."""
        document = _json.dumps(KeySet([Key.generate("A128KW")]).to_jwks(private=True))
        token = encrypt_compact(
            document,
            b"pw",
            alg="PBES2-HS256+A128KW",
            enc="A128GCM",
            headers={"cty": "jwk+json", "p2c": 1000},
        )
        with pytest.raises(InvalidKeyError):
            decrypt_key(token, "pw")

    def test_not_a_jwk(self) -> None:
        """Content that is not JSON is refused as an invalid key."""
        token = encrypt_compact(
            b"not json", b"pw", alg="PBES2-HS256+A128KW", enc="A128GCM", headers={"p2c": 1000}
        )
        with pytest.raises(InvalidKeyError):
            decrypt_key(token, "pw")

    def test_arguments(self) -> None:
        """Only PBES2, a non-empty password, a Key or KeySet."""
        key = Key.generate("A128KW")
        with pytest.raises(ValueError, match="alg"):
            encrypt_key(key, "pw", alg="A128KW")
        with pytest.raises(ValueError, match="password"):
            encrypt_key(key, "")
        with pytest.raises(TypeError):
            encrypt_key({"kty": "oct"}, "pw")  # type: ignore[arg-type]

    def test_only_pbes2_by_default(self) -> None:
        """decrypt_key refuses a key file encrypted with anything but PBES2 by default."""
        aes = Key.generate("A128KW")
        token = encrypt_compact(
            _json.dumps(aes.to_jwk(private=True)), aes, alg="A128KW", enc="A128GCM"
        )
        with pytest.raises(AlgorithmNotAllowedError):
            decrypt_key(token, aes.crypto)
