"""A ``dir`` key bound to ``alg: "dir"`` serves its content encryption, alone or in a set."""

from __future__ import annotations

import pytest

from jotkit import Key, KeySet, jwe
from jotkit.errors import AlgorithmNotAllowedError
from jotkit.jwa import CONTENT_ENCRYPTIONS


class TestDirBoundKey:
    """RFC 7518 4.5: the key agreed out of band is bound to ``dir``."""

    def _key(self, kid: str = "d1") -> Key:
        secret = Key.generate("A256GCM").to_jwk(private=True)["k"]
        return Key.from_jwk({"kty": "oct", "k": secret, "alg": "dir", "kid": kid})

    def test_in_a_keyset(self) -> None:
        """KeySet selection finds a dir-bound key for the token's enc."""
        key = self._key()
        token = jwe.encrypt_compact(b"hi", key, alg="dir", enc="A256GCM")
        keys = KeySet([key, self._key("d2")])
        result = jwe.decrypt_compact(token, keys, algorithms=["dir"], encryptions=["A256GCM"])
        assert result.plaintext == b"hi"

    def test_alias_does_not_open_other_algorithms(self) -> None:
        """A key bound to dir still cannot sign or wrap: the alias is for content encryption."""
        from jotkit.jwa import JWS_ALGORITHMS, KEY_MANAGEMENT

        key = self._key()
        key.check("encrypt", CONTENT_ENCRYPTIONS["A256GCM"])
        with pytest.raises(AlgorithmNotAllowedError):
            key.check("encrypt", KEY_MANAGEMENT["A256KW"])
        with pytest.raises(AlgorithmNotAllowedError):
            key.check("sign", JWS_ALGORITHMS["HS256"])
