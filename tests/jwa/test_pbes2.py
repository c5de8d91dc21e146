"""PBES2 (RFC 7518 4.8): RFC 7517 appendix C values, p2c cap and floor, salt length."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import pytest

from jotkit import _json
from jotkit._b64 import b64encode_str
from jotkit.errors import DecryptionError, ExceededLimitError
from jotkit.jwa import CONTENT_ENCRYPTIONS, DEFAULT_MAX_P2C, KEY_MANAGEMENT
from jotkit.jwa._pbes2 import DEFAULT_P2C, MIN_P2C
from tests._vectors import load_json

PBES2 = ["PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW"]
A128CBC = CONTENT_ENCRYPTIONS["A128CBC-HS256"]
PASSWORD = b"correct horse battery staple"


def _entry(name: str) -> bytes:
    entries: dict[str, Any] = load_json("erlang-jose/json/jwk/c.config.json")["entries"]
    return bytes.fromhex(entries[name]["hex"])


class TestRfc7517AppendixC:
    """RFC 7517 appendix C: an RSA JWK wrapped with PBES2-HS256+A128KW."""

    def _header(self) -> dict[str, Any]:
        header: dict[str, Any] = _json.loads(_entry("c.2.jwe+json"))
        return header

    def test_salt_and_derived_key(self) -> None:
        """The salt is UTF8(alg) || 0x00 || p2s and PBKDF2 gives the RFC's derived key."""
        header = self._header()
        salt = _entry("c.4.salt")
        assert salt.startswith(b"PBES2-HS256+A128KW\x00")
        derived = hashlib.pbkdf2_hmac("sha256", _entry("c.4.txt"), salt, header["p2c"], 16)
        assert derived == _entry("c.4.derivedkey")

    def test_unwrap(self) -> None:
        """The recipient recovers the RFC's CEK from its encrypted key."""
        cek = KEY_MANAGEMENT["PBES2-HS256+A128KW"].unwrap(
            _entry("c.4.txt"), _entry("c.5.encryptedkey"), self._header(), A128CBC, max_p2c=4096
        )
        assert cek == _entry("c.3.cek")

    def test_wrap(self) -> None:
        """With the RFC's p2s, p2c and CEK, wrapping reproduces its encrypted key."""
        wrapped = KEY_MANAGEMENT["PBES2-HS256+A128KW"].wrap(
            _entry("c.4.txt"), A128CBC, _entry("c.3.cek"), self._header()
        )
        assert wrapped.encrypted_key == _entry("c.5.encryptedkey")
        assert wrapped.header == {"p2s": self._header()["p2s"], "p2c": 4096}


class TestRoundTrip:
    """Every PBES2 variant."""

    @pytest.mark.parametrize("name", PBES2)
    def test_round_trip(self, name: str) -> None:
        """A fresh salt and the default count are written to the header."""
        alg = KEY_MANAGEMENT[name]
        wrapped = alg.wrap(PASSWORD, A128CBC, None, {})
        assert wrapped.header["p2c"] == DEFAULT_P2C <= DEFAULT_MAX_P2C
        assert len(wrapped.header["p2s"]) >= 11  # 8 bytes or more, base64url
        cek = alg.unwrap(PASSWORD, wrapped.encrypted_key, wrapped.header, A128CBC, max_p2c=10_000)
        assert cek == wrapped.cek

    def test_wrong_password(self) -> None:
        """Another password fails the key-wrap integrity check."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        wrapped = alg.wrap(PASSWORD, A128CBC, None, {"p2c": 1000})
        with pytest.raises(DecryptionError):
            alg.unwrap(b"wrong", wrapped.encrypted_key, wrapped.header, A128CBC, max_p2c=1000)

    def test_salts_differ(self) -> None:
        """Two messages never share a salt."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        first = alg.wrap(PASSWORD, A128CBC, None, {"p2c": 1000})
        second = alg.wrap(PASSWORD, A128CBC, None, {"p2c": 1000})
        assert first.header["p2s"] != second.header["p2s"]


def _token_header(p2c: Any, salt: bytes = b"\x00" * 16) -> dict[str, Any]:
    return {"p2s": b64encode_str(salt), "p2c": p2c}


class TestLimits:
    """The PBES2 DoS and weak-parameter checks (named security tests)."""

    def test_p2c_cap(self) -> None:
        """A p2c above the caller's cap is refused before any PBKDF2 work."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        with pytest.raises(ExceededLimitError):
            alg.unwrap(PASSWORD, b"\x00" * 40, _token_header(10_001), A128CBC, max_p2c=10_000)
        with pytest.raises(ExceededLimitError):
            alg.unwrap(PASSWORD, b"\x00" * 40, _token_header(2**31), A128CBC, max_p2c=10_000)

    def test_p2c_at_cap_is_accepted(self) -> None:
        """The cap itself is allowed (the check is p2c > max)."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        wrapped = alg.wrap(PASSWORD, A128CBC, None, {"p2c": 2000})
        cek = alg.unwrap(PASSWORD, wrapped.encrypted_key, wrapped.header, A128CBC, max_p2c=2000)
        assert cek == wrapped.cek

    @pytest.mark.parametrize("p2c", [0, 1, 999, -5, True, 1000.0, "5000", None])
    def test_p2c_too_low_or_ill_typed(self, p2c: Any) -> None:
        """p2c under 1,000, or not an integer, is the uniform DecryptionError."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        with pytest.raises(DecryptionError):
            alg.unwrap(PASSWORD, b"\x00" * 40, _token_header(p2c), A128CBC, max_p2c=10_000)

    @pytest.mark.parametrize("salt_len", [0, 1, 7])
    def test_short_salt(self, salt_len: int) -> None:
        """A p2s under 8 bytes is the uniform DecryptionError (RFC 7518 4.8.1.1)."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        header = _token_header(MIN_P2C, os.urandom(salt_len))
        with pytest.raises(DecryptionError):
            alg.unwrap(PASSWORD, b"\x00" * 40, header, A128CBC, max_p2c=10_000)

    def test_missing_salt(self) -> None:
        """No p2s at all is the uniform DecryptionError."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        with pytest.raises(DecryptionError):
            alg.unwrap(PASSWORD, b"\x00" * 40, {"p2c": 1000}, A128CBC, max_p2c=10_000)

    def test_encrypt_refuses_weak_parameters(self) -> None:
        """A caller asking for p2c < 1000 or a short salt gets a ValueError."""
        alg = KEY_MANAGEMENT["PBES2-HS256+A128KW"]
        with pytest.raises(ValueError, match="p2c"):
            alg.wrap(PASSWORD, A128CBC, None, {"p2c": 999})
        with pytest.raises(ValueError, match="p2s"):
            alg.wrap(PASSWORD, A128CBC, None, {"p2s": b64encode_str(b"1234567")})

    def test_password_must_be_bytes(self) -> None:
        """A str password is a caller's mistake (encode it explicitly)."""
        with pytest.raises(TypeError):
            KEY_MANAGEMENT["PBES2-HS256+A128KW"].wrap("text", A128CBC, None, {})
