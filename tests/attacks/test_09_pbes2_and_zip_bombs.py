"""Attack class 9: PBES2 iteration bombs and weak counts; ``zip: DEF`` decompression bombs.

Pins, PBES2 ``p2c`` (the attacker picks the PBKDF2 iteration count; Black Hat USA 2023
"Three New Attacks Against JSON Web Tokens"): CVE-2022-36083 (panva/jose),
CVE-2023-52428 (Nimbus JOSE+JWT), CVE-2023-6681 (jwcrypto), CVE-2023-50966
(erlang-jose), CVE-2023-49290 (lestrrat-go/jwx). Zip bombs: CVE-2024-28102 (jwcrypto),
CVE-2024-28176 (panva/jose), CVE-2024-28180 (go-jose), CVE-2024-33664 (python-jose).
RFC 7518 section 4.8.1.2 recommends at least 1,000 iterations; DESIGN section 3.6 caps
``p2c`` at 10,000 and the inflated plaintext at 250 kB. A capped input is
``ExceededLimitError`` and costs no work; a weak count is ``DecryptionError``.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

import pytest

from jotkit import jwe
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DecryptionError,
    ExceededLimitError,
    MalformedJWEError,
    UnsupportedAlgorithmError,
)

from .._guards import forbid
from ._forge import b64, b64json, rejects
from ._forge_jwe import deflate, direct, pbes2, seal

PASSWORD = b"correct horse battery staple"
P2S = b"saltsaltsalt1234"
PBES2 = ["PBES2-HS256+A128KW"]
CEK = bytes(range(16))


def _decrypt_pbes2(token: str, limits: Limits | None = None) -> object:
    return jwe.decrypt_compact(
        token,
        PASSWORD,
        algorithms=PBES2,
        encryptions=["A128GCM"],
        **({"limits": limits} if limits else {}),
    )


def _with_header(**members: Any) -> str:
    """A PBES2 token whose header has ``members`` (p2c, p2s) exactly as given."""
    header = {"alg": "PBES2-HS256+A128KW", "enc": "A128GCM", **members}
    return ".".join(
        (b64json(header), b64(bytes(24)), b64(bytes(12)), b64(bytes(16)), b64(bytes(16)))
    )


class TestPBES2Count:
    """The attacker-chosen p2c is capped before PBKDF2 runs."""

    def test_control(self) -> None:
        """Control: a genuine token with p2c 1,000 decrypts."""
        token = pbes2(PASSWORD, 1000, P2S, b"hello")
        assert getattr(_decrypt_pbes2(token), "plaintext", None) == b"hello"

    @pytest.mark.parametrize("p2c", [10_001, 1_000_000, 2**31 - 1, 2**63, 10**40])
    def test_iteration_bomb(self, p2c: int, monkeypatch: pytest.MonkeyPatch) -> None:
        """A huge p2c is refused before PBKDF2 runs, not after billions of HMACs."""
        forbid(monkeypatch, hashlib, "pbkdf2_hmac")
        rejects(ExceededLimitError, _decrypt_pbes2, _with_header(p2c=p2c, p2s=b64(P2S)))

    def test_genuine_token_over_the_cap(self) -> None:
        """Even a correctly encrypted token is refused when its p2c is over the cap."""
        token = pbes2(PASSWORD, 10_001, P2S, b"hello")
        rejects(ExceededLimitError, _decrypt_pbes2, token)

    def test_caller_cap(self) -> None:
        """A caller's lower cap applies."""
        token = pbes2(PASSWORD, 2000, P2S, b"hello")
        rejects(ExceededLimitError, _decrypt_pbes2, token, Limits(max_pbes2_count=1500))

    @pytest.mark.parametrize("p2c", [0, 1, 999, -1, -(2**63)])
    def test_weak_count(self, p2c: int) -> None:
        """Counts under 1,000 (and non-positive ones) are refused."""
        rejects(DecryptionError, _decrypt_pbes2, _with_header(p2c=p2c, p2s=b64(P2S)))

    def test_weak_count_genuine(self) -> None:
        """A genuine token with p2c 999 is refused too."""
        rejects(DecryptionError, _decrypt_pbes2, pbes2(PASSWORD, 999, P2S, b"hello"))

    @pytest.mark.parametrize(
        "p2c", ["10000", 1e3, 1500.5, True, None, [1000], {"n": 1000}], ids=repr
    )
    def test_ill_typed_count(self, p2c: Any) -> None:
        """p2c must be a JSON integer."""
        rejects(DecryptionError, _decrypt_pbes2, _with_header(p2c=p2c, p2s=b64(P2S)))

    def test_missing_count(self) -> None:
        """No p2c at all."""
        rejects(DecryptionError, _decrypt_pbes2, _with_header(p2s=b64(P2S)))

    @pytest.mark.parametrize("p2s", [None, "", b64(b"1234567"), 12345678, b64(P2S) + "="], ids=repr)
    def test_bad_salt(self, p2s: Any) -> None:
        """A missing, short (under 8 bytes, RFC 7518 4.8.1.1), ill-typed or padded p2s."""
        members = {"p2c": 1000} if p2s is None else {"p2c": 1000, "p2s": p2s}
        rejects(DecryptionError, _decrypt_pbes2, _with_header(**members))

    @pytest.mark.parametrize("size", [0, 1, 7])
    def test_short_salt_genuine(self, size: int) -> None:
        """A genuine token whose p2s is under 8 bytes is refused, not decrypted."""
        token = pbes2(PASSWORD, 1000, P2S[:size], b"hello")
        rejects(DecryptionError, _decrypt_pbes2, token)

    def test_pbes2_is_opt_in(self) -> None:
        """PBES2 is never allowed unless the caller names it."""
        token = pbes2(PASSWORD, 1000, P2S, b"hello")
        rejects(
            AlgorithmNotAllowedError,
            jwe.decrypt_compact,
            token,
            PASSWORD,
            algorithms=["A128KW", "dir"],
            encryptions=["A128GCM"],
        )


def _zipped(plaintext: bytes, header: dict[str, Any] | None = None) -> str:
    """A dir/A128GCM JWE of ``plaintext`` deflated, header zip DEF (or ``header``)."""
    header = header or {"alg": "dir", "enc": "A128GCM", "zip": "DEF"}
    return direct(header, CEK, deflate(plaintext))


def _decrypt_dir(token: str, limits: Limits | None = None) -> object:
    return jwe.decrypt_compact(
        token,
        CEK,
        algorithms=["dir"],
        encryptions=["A128GCM"],
        **({"limits": limits} if limits else {}),
    )


class TestZipBomb:
    """Inflation stops at the cap: a bomb costs at most the cap in memory and time."""

    def test_control_at_the_limit(self) -> None:
        """Control: exactly 250,000 bytes inflate."""
        assert len(getattr(_decrypt_dir(_zipped(b"\x00" * 250_000)), "plaintext", b"")) == 250_000

    def test_one_byte_over(self) -> None:
        """250,001 bytes are refused."""
        rejects(ExceededLimitError, _decrypt_dir, _zipped(b"\x00" * 250_001))

    def test_bomb(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """~100 kB on the wire that would inflate to 100 MB: never inflated past the cap."""
        token = _zipped(b"\x00" * 100_000_000)
        assert len(token) < 200_000
        produced: list[int] = []
        real = zlib.decompressobj

        class Counting:
            """A decompressobj that records how many bytes each call produced."""

            def __init__(self, *args: Any) -> None:
                self._inner = real(*args)

            def decompress(self, data: bytes, max_length: int = 0) -> bytes:
                out = self._inner.decompress(data, max_length)
                produced.append(len(out))
                return out

            def __getattr__(self, name: str) -> Any:
                return getattr(self._inner, name)

        monkeypatch.setattr(zlib, "decompressobj", Counting)
        rejects(ExceededLimitError, _decrypt_dir, token)
        assert produced
        assert sum(produced) <= 250_001

    def test_caller_cap(self) -> None:
        """A caller's lower cap applies."""
        rejects(
            ExceededLimitError,
            _decrypt_dir,
            _zipped(b"a" * 2000),
            Limits(max_decompressed_size=1000),
        )

    @pytest.mark.parametrize(
        "body",
        [b"\xff\xff\xff\xff", deflate(b"hello")[:-2], deflate(b"hello") + b"trailing", b""],
        ids=["garbage", "truncated", "trailing-bytes", "empty"],
    )
    def test_corrupt_stream(self, body: bytes) -> None:
        """A corrupt DEFLATE stream fails like any other decryption failure."""
        token = direct({"alg": "dir", "enc": "A128GCM", "zip": "DEF"}, CEK, body)
        rejects(DecryptionError, _decrypt_dir, token)

    @pytest.mark.parametrize("value", ["def", "GZIP", "deflate", "", 1, None, ["DEF"]], ids=repr)
    def test_unknown_zip(self, value: Any) -> None:
        """Only zip DEF is understood."""
        token = _zipped(b"hello", {"alg": "dir", "enc": "A128GCM", "zip": value})
        rejects(UnsupportedAlgorithmError, _decrypt_dir, token)

    def test_zip_must_be_protected(self) -> None:
        """zip in the shared unprotected header of a JWE JSON (RFC 7516 4.1.3)."""
        protected = b64json({"alg": "dir", "enc": "A128GCM"})
        ciphertext, tag = seal(
            "A128GCM", CEK, bytes(12), deflate(b"\x00" * 10**6), protected.encode()
        )
        obj = {
            "protected": protected,
            "unprotected": {"zip": "DEF"},
            "iv": b64(bytes(12)),
            "ciphertext": b64(ciphertext),
            "tag": b64(tag),
        }
        rejects(
            MalformedJWEError,
            jwe.decrypt_json,
            obj,
            CEK,
            algorithms=["dir"],
            encryptions=["A128GCM"],
        )
