"""Named tests for the JWE resource limits: PBES2 p2c and zip bombs (DESIGN section 3.6)."""

from __future__ import annotations

import os
import tracemalloc
import zlib
from typing import Any

import pytest

from jotkit import _json
from jotkit._b64 import b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DecryptionError,
    ExceededLimitError,
    MalformedJWEError,
    UnsupportedAlgorithmError,
)
from jotkit.jwa import CONTENT_ENCRYPTIONS
from jotkit.jwe import Recipient, decrypt_compact, decrypt_json, encrypt_compact, encrypt_json
from jotkit.jwk import Key
from tests.jwe._tokens import with_header

PASSWORD = b"a long enough password"


def _dir_key(enc: str = "A256GCM") -> Key:
    return Key.generate(enc)


def _decrypt(token: str, key: Any, alg: str, enc: str, **options: Any) -> bytes:
    return decrypt_compact(token, key, algorithms=[alg], encryptions=[enc], **options).plaintext


class TestPbes2Limits:
    """PBES2: p2c capped (default 10,000, per call), p2c >= 1000, salt >= 8 bytes."""

    def _token(self, p2c: int) -> str:
        return encrypt_compact(
            b"x", PASSWORD, alg="PBES2-HS256+A128KW", enc="A128GCM", headers={"p2c": p2c}
        )

    def test_p2c_cap_default(self) -> None:
        """A token demanding 10,001 iterations is refused by default, before any PBKDF2."""
        with pytest.raises(ExceededLimitError):
            _decrypt(self._token(10_001), PASSWORD, "PBES2-HS256+A128KW", "A128GCM")

    def test_p2c_cap_huge_is_instant(self) -> None:
        """A forged p2c of 2**31 is refused without deriving anything (a DoS otherwise)."""
        token = with_header(self._token(1000), p2c=2**31)
        with pytest.raises(ExceededLimitError):
            _decrypt(token, PASSWORD, "PBES2-HS256+A128KW", "A128GCM")

    def test_p2c_cap_configurable_per_call(self) -> None:
        """limits=Limits(max_pbes2_count=...) raises or lowers the cap for one call."""
        token = self._token(20_000)
        limits = Limits(max_pbes2_count=20_000)
        assert _decrypt(token, PASSWORD, "PBES2-HS256+A128KW", "A128GCM", limits=limits) == b"x"
        with pytest.raises(ExceededLimitError):
            _decrypt(
                self._token(2000),
                PASSWORD,
                "PBES2-HS256+A128KW",
                "A128GCM",
                limits=Limits(max_pbes2_count=1999),
            )

    @pytest.mark.parametrize("p2c", [1, 999, 0, -1])
    def test_p2c_too_low(self, p2c: int) -> None:
        """A p2c under 1,000 is refused (the header is altered, so the tag fails too)."""
        token = with_header(self._token(1000), p2c=p2c)
        with pytest.raises(DecryptionError):
            _decrypt(token, PASSWORD, "PBES2-HS256+A128KW", "A128GCM")

    def test_short_salt(self) -> None:
        """A p2s of fewer than 8 bytes is refused."""
        token = with_header(self._token(1000), p2s=b64encode_str(b"1234567"))
        with pytest.raises(DecryptionError):
            _decrypt(token, PASSWORD, "PBES2-HS256+A128KW", "A128GCM")

    def test_pbes2_needs_opt_in(self) -> None:
        """PBES2 is refused unless named in algorithms."""
        with pytest.raises(AlgorithmNotAllowedError):
            decrypt_compact(
                self._token(1000), PASSWORD, algorithms=["A128KW", "dir"], encryptions=["A128GCM"]
            )


def _zipped_dir_token(key: Key, compressed: bytes, enc: str = "A256GCM") -> str:
    """A dir JWE whose plaintext is ``compressed`` as is, announced as zip: DEF."""
    content = CONTENT_ENCRYPTIONS[enc]
    header = {"alg": "dir", "enc": enc, "zip": "DEF"}
    protected = b64encode_str(_json.dumps(header))
    iv = os.urandom(content.iv_bytes)
    ciphertext, tag = content.encrypt(key.crypto, iv, compressed, protected.encode())
    return ".".join(
        (protected, "", b64encode_str(iv), b64encode_str(ciphertext), b64encode_str(tag))
    )


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


class TestZipBomb:
    """zip: DEF output is capped (default 250 kB) and streamed, never inflated in full."""

    def test_zip_bomb_never_inflates_beyond_cap(self) -> None:
        """200 MB of zeros (about 200 kB compressed) is refused with little memory used."""
        key = _dir_key()
        bomb = _deflate(bytes(200 * 1024 * 1024))
        token = _zipped_dir_token(key, bomb)
        tracemalloc.start()
        try:
            with pytest.raises(ExceededLimitError):
                _decrypt(token, key, "dir", "A256GCM")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 8 * 1024 * 1024

    def test_cap_is_configurable(self) -> None:
        """max_decompressed_size moves the cap both ways."""
        key = _dir_key()
        token = encrypt_compact(bytes(300_000), key, alg="dir", enc="A256GCM", zip="DEF")
        with pytest.raises(ExceededLimitError):
            _decrypt(token, key, "dir", "A256GCM")
        roomy = Limits(max_decompressed_size=300_000)
        assert _decrypt(token, key, "dir", "A256GCM", limits=roomy) == bytes(300_000)
        tight = Limits(max_decompressed_size=299_999)
        with pytest.raises(ExceededLimitError):
            _decrypt(token, key, "dir", "A256GCM", limits=tight)

    @pytest.mark.parametrize(
        "compressed",
        [b"\xff\xff\xff", _deflate(b"hello")[:-1], _deflate(b"hello") + b"trailing"],
        ids=["garbage", "truncated", "trailing-bytes"],
    )
    def test_corrupt_stream_is_decryption_error(self, compressed: bytes) -> None:
        """A corrupt DEFLATE stream is the uniform DecryptionError, not a limit."""
        key = _dir_key()
        with pytest.raises(DecryptionError):
            _decrypt(_zipped_dir_token(key, compressed), key, "dir", "A256GCM")

    def test_zip_must_be_protected(self) -> None:
        """zip in an unprotected JSON header is refused (RFC 7516 4.1.3)."""
        key = _dir_key()
        jwe = encrypt_json(b"x", [Recipient(key, "dir")], enc="A256GCM")
        jwe["unprotected"] = {"zip": "DEF"}
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["dir"], encryptions=["A256GCM"])

    def test_unknown_zip(self) -> None:
        """A zip other than DEF is unsupported."""
        key = _dir_key()
        content = CONTENT_ENCRYPTIONS["A256GCM"]
        protected = b64encode_str(_json.dumps({"alg": "dir", "enc": "A256GCM", "zip": "GZ"}))
        iv = os.urandom(12)
        ciphertext, tag = content.encrypt(key.crypto, iv, b"x", protected.encode())
        token = ".".join(
            (protected, "", b64encode_str(iv), b64encode_str(ciphertext), b64encode_str(tag))
        )
        with pytest.raises(UnsupportedAlgorithmError):
            _decrypt(token, key, "dir", "A256GCM")
