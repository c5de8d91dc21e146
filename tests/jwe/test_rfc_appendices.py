"""RFC 7516 appendix A, RFC 7517 appendix C, RFC 8037 A.6-A.7 and the cookbook's X25519 JWE.

Values come from the erlang-jose step-by-step files (``json/**.config.json``) and the
cookbook's ``curve25519/ecdh-es.json``.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import x448, x25519

from jotkit import _json
from jotkit._b64 import b64decode
from jotkit.errors import DecryptionError
from jotkit.jwa._ecdh import agree
from jotkit.jwe import decrypt_compact, decrypt_json, decrypt_key, encrypt_compact
from jotkit.jwe._fixed import FixedRandomness
from jotkit.jwk import Key
from tests._vectors import load_json


class Entries:
    """One erlang-jose step-by-step file: entry name -> bytes (or text)."""

    def __init__(self, relpath: str) -> None:
        self._entries: dict[str, Any] = load_json(f"erlang-jose/json/{relpath}")["entries"]

    def raw(self, name: str) -> bytes:
        """The entry's bytes."""
        return bytes.fromhex(self._entries[name]["hex"])

    def text(self, name: str) -> str:
        """The entry as UTF-8 text."""
        return self.raw(name).decode("utf-8")


RFC7516 = [
    pytest.param("a.1", "RSA-OAEP", "A256GCM", id="A.1-RSA-OAEP-A256GCM"),
    pytest.param("a.2", "RSA1_5", "A128CBC-HS256", id="A.2-RSA1_5-A128CBC-HS256"),
    pytest.param("a.3", "A128KW", "A128CBC-HS256", id="A.3-A128KW-A128CBC-HS256"),
]


class TestRfc7516AppendixA:
    """RFC 7516 A.1-A.3: decrypt the compact JWE; reproduce every deterministic segment."""

    @pytest.mark.parametrize(("name", "alg", "enc"), RFC7516)
    def test_decrypt(self, name: str, alg: str, enc: str) -> None:
        """The compact JWE decrypts to the appendix's plaintext."""
        entries = Entries(f"jwe/{name}.config.json")
        key = Key.from_jwk(entries.text(f"{name}.3.jwk+json"))
        result = decrypt_compact(
            entries.text(f"{name}.7.jwe+compact"), key, algorithms=[alg], encryptions=[enc]
        )
        assert result.plaintext == entries.raw(f"{name}.txt")
        assert dict(result.header) == _json.loads(entries.raw(f"{name}.1.jwe+json"))

    @pytest.mark.parametrize(("name", "alg", "enc"), RFC7516)
    def test_reproduce(self, name: str, alg: str, enc: str) -> None:
        """With the appendix's CEK and IV, every segment but an RSA encrypted key matches."""
        entries = Entries(f"jwe/{name}.config.json")
        key = Key.from_jwk(entries.text(f"{name}.3.jwk+json"))
        token = encrypt_compact(
            entries.raw(f"{name}.txt"),
            key if key.kty == "oct" else key.public(),
            alg=alg,
            enc=enc,
            _fixed=FixedRandomness(
                cek=entries.raw(f"{name}.2.cek"), iv=entries.raw(f"{name}.4.iv")
            ),
        )
        mine = token.split(".")
        theirs = entries.text(f"{name}.7.jwe+compact").split(".")
        assert mine[0] == entries.text(f"{name}.1.jwe+json.b64")
        assert mine[2:] == theirs[2:]
        if alg == "A128KW":
            assert mine[1] == theirs[1]
        else:
            # RSA encryption is randomized; the CEK it carries must still decrypt.
            result = decrypt_compact(token, key, algorithms=[alg], encryptions=[enc])
            assert result.plaintext == entries.raw(f"{name}.txt")


class TestRfc7517AppendixC:
    """RFC 7517 appendix C: an RSA private JWK encrypted with PBES2-HS256+A128KW."""

    entries = Entries("jwk/c.config.json")

    def test_decrypt_key(self) -> None:
        """decrypt_key with the password returns the appendix's JWK."""
        key = decrypt_key(self.entries.text("c.9.jwe+txt"), self.entries.text("c.4.txt"))
        assert isinstance(key, Key)
        expected = Key.from_jwk(self.entries.text("c.1.jwk+json"))
        assert key == expected
        assert key.kid == "juliet@capulet.lit"

    def test_reproduce(self) -> None:
        """With the appendix's salt, count, CEK and IV the compact JWE is reproduced."""
        header = _json.loads(self.entries.raw("c.2.jwe+json"))
        token = encrypt_compact(
            self.entries.raw("c.1.jwk+json"),
            self.entries.raw("c.4.txt"),
            alg="PBES2-HS256+A128KW",
            enc="A128CBC-HS256",
            headers=header,
            _fixed=FixedRandomness(cek=self.entries.raw("c.3.cek"), iv=self.entries.raw("c.6.iv")),
        )
        assert token == self.entries.text("c.9.jwe+txt")

    def test_wrong_password(self) -> None:
        """Another password is the uniform DecryptionError."""
        with pytest.raises(DecryptionError):
            decrypt_key(self.entries.text("c.9.jwe+txt"), "Thus from my lips, by yours")


RFC8037 = [
    pytest.param("a.6", "X25519", x25519.X25519PrivateKey, "A128GCM", id="A.6-X25519"),
    pytest.param("a.7", "X448", x448.X448PrivateKey, "A256GCM", id="A.7-X448"),
]


class TestRfc8037:
    """RFC 8037 A.6 (X25519) and A.7 (X448) ECDH-ES examples."""

    @pytest.mark.parametrize(("name", "crv", "cls", "enc"), RFC8037)
    def test_shared_secret(self, name: str, crv: str, cls: Any, enc: str) -> None:
        """Both sides compute the appendix's Z; the public keys match the JWKs."""
        entries = Entries(f"jose_cfrg_curves/{name}.config.json")
        bob = cls.from_private_bytes(bytes.fromhex(entries.text(f"{name}.bob-secret+hex")))
        eph = cls.from_private_bytes(bytes.fromhex(entries.text(f"{name}.epk-secret+hex")))
        z = bytes.fromhex(entries.text(f"{name}.z+hex"))
        assert agree(eph, bob.public_key()) == z
        assert agree(bob, eph.public_key()) == z
        bob_jwk = _json.loads(entries.raw(f"{name}.bob-jwk+json"))
        assert Key.from_cryptography(bob).public().to_jwk()["x"] == bob_jwk["x"]

    @pytest.mark.parametrize(("name", "crv", "cls", "enc"), RFC8037)
    def test_header_and_round_trip(self, name: str, crv: str, cls: Any, enc: str) -> None:
        """With the appendix's ephemeral key, the JWE header is the appendix's, byte for byte."""
        entries = Entries(f"jose_cfrg_curves/{name}.config.json")
        bob_jwk = _json.loads(entries.raw(f"{name}.bob-jwk+json"))
        bob = cls.from_private_bytes(bytes.fromhex(entries.text(f"{name}.bob-secret+hex")))
        eph = cls.from_private_bytes(bytes.fromhex(entries.text(f"{name}.epk-secret+hex")))
        header = _json.loads(entries.raw(f"{name}.jwe+json"))
        recipient = Key.from_jwk(bob_jwk)
        token = encrypt_compact(
            b"RFC 8037",
            recipient,
            alg=header["alg"],
            enc=enc,
            headers=header,
            _fixed=FixedRandomness(ephemeral=[eph]),
        )
        assert b64decode(token.split(".")[0]) == entries.raw(f"{name}.jwe+json")
        private = Key.from_cryptography(bob, kid=bob_jwk["kid"])
        result = decrypt_compact(token, private, algorithms=[header["alg"]], encryptions=[enc])
        assert result.plaintext == b"RFC 8037"


class TestCookbookX25519:
    """The cookbook's curve25519/ecdh-es.json (not from an RFC; README defect 6)."""

    data = load_json("ietf-jose-cookbook/curve25519/ecdh-es.json")

    @pytest.mark.parametrize("serialization", ["compact", "json", "json_flat"])
    def test_decrypts(self, serialization: str) -> None:
        """All three serializations decrypt with the input key."""
        key = Key.from_jwk(self.data["input"]["key"])
        output = self.data["output"][serialization]
        options: dict[str, Any] = {"algorithms": ["ECDH-ES"], "encryptions": ["A128GCM"]}
        if serialization == "compact":
            result: Any = decrypt_compact(output, key, **options)
        else:
            result = decrypt_json(output, key, **options)
        assert result.plaintext == self.data["input"]["plaintext"].encode()
        assert result.header["epk"]["crv"] == "X25519"
