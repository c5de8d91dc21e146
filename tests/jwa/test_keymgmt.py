"""JWE key management (RFC 7518 section 4): AES-KW (Wycheproof), AES-GCM-KW, RSA, dir."""

from __future__ import annotations

import os
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from jotkit._b64 import b64encode_str
from jotkit.errors import DecryptionError
from jotkit.jwa import CONTENT_ENCRYPTIONS, DEFAULT_MAX_P2C, KEY_MANAGEMENT, _keymgmt
from jotkit.jwa._km import kw_unwrap, kw_wrap
from tests._guards import forbid
from tests._vectors import load_json

A128GCM = CONTENT_ENCRYPTIONS["A128GCM"]
A256GCM = CONTENT_ENCRYPTIONS["A256GCM"]
# One CEK size per enc, so an AES-KW vector whose key is that size can go through a
# descriptor as well as through the primitive.
ENC_BY_CEK_BYTES = {
    16: "A128GCM",
    24: "A192GCM",
    32: "A256GCM",
    48: "A192CBC-HS384",
    64: "A256CBC-HS512",
}


def _wycheproof_kw(*, jwe_sizes_only: bool = False) -> list[Any]:
    data = load_json("wycheproof/testvectors_v1/aes_wrap_test.json")
    return [
        pytest.param(group["keySize"], case, id=f"tc{case['tcId']}")
        for group in data["testGroups"]
        for case in group["tests"]
        if not jwe_sizes_only or len(case["ct"]) // 2 - 8 in ENC_BY_CEK_BYTES
    ]


class TestWycheproofAesKeyWrap:
    """Wycheproof aes_wrap_test.json: every case through the RFC 3394 helpers."""

    @pytest.mark.parametrize(("key_size", "case"), _wycheproof_kw())
    def test_case(self, key_size: int, case: dict[str, Any]) -> None:
        """Valid cases wrap and unwrap exactly; invalid ones never unwrap.

        ``acceptable`` cases are 8-byte keys (flag ShortKey): RFC 3394 leaves them
        undefined and JWE never wraps a CEK that short, so they are rejected.
        """
        kek, msg, ct = (bytes.fromhex(case[f]) for f in ("key", "msg", "ct"))
        assert len(kek) * 8 == key_size
        if case["result"] == "valid":
            assert kw_wrap(kek, msg) == ct
            assert kw_unwrap(kek, ct, len(msg)) == msg
            return
        assert case["result"] in ("invalid", "acceptable")
        with pytest.raises(DecryptionError):
            kw_unwrap(kek, ct, max(len(ct) - 8, 0))

    @pytest.mark.parametrize(("key_size", "case"), _wycheproof_kw(jwe_sizes_only=True))
    def test_through_descriptor(self, key_size: int, case: dict[str, Any]) -> None:
        """Vectors whose key length is a CEK size also pass through A{size}KW.unwrap."""
        kek, msg, ct = (bytes.fromhex(case[f]) for f in ("key", "msg", "ct"))
        alg = KEY_MANAGEMENT[f"A{key_size}KW"]
        enc = CONTENT_ENCRYPTIONS[ENC_BY_CEK_BYTES[len(ct) - 8]]
        if case["result"] == "valid":
            assert alg.unwrap(kek, ct, {}, enc, max_p2c=DEFAULT_MAX_P2C) == msg
        else:
            with pytest.raises(DecryptionError):
                alg.unwrap(kek, ct, {}, enc, max_p2c=DEFAULT_MAX_P2C)

    def test_wrong_length_rejected_before_unwrap(self) -> None:
        """An encrypted key of the wrong length for the enc never reaches the unwrap."""
        kek = os.urandom(16)
        wrapped = kw_wrap(kek, os.urandom(32))
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["A128KW"].unwrap(kek, wrapped, {}, A128GCM, max_p2c=1)


class TestAesKw:
    """A128KW / A192KW / A256KW descriptors."""

    @pytest.mark.parametrize("bits", [128, 192, 256])
    @pytest.mark.parametrize("enc_name", sorted(CONTENT_ENCRYPTIONS))
    def test_round_trip(self, bits: int, enc_name: str) -> None:
        """A wrapped CEK unwraps under the same KEK, for every enc."""
        alg = KEY_MANAGEMENT[f"A{bits}KW"]
        enc = CONTENT_ENCRYPTIONS[enc_name]
        kek = os.urandom(bits // 8)
        wrapped = alg.wrap(kek, enc, None, {})
        assert len(wrapped.cek) * 8 == enc.cek_bits
        assert wrapped.header == {}
        assert alg.unwrap(kek, wrapped.encrypted_key, {}, enc, max_p2c=1) == wrapped.cek

    def test_wrong_kek_size(self) -> None:
        """A KEK of the wrong size is a caller's error, not a silent AES-192."""
        with pytest.raises(ValueError, match="128-bit"):
            KEY_MANAGEMENT["A128KW"].wrap(os.urandom(24), A128GCM, None, {})
        with pytest.raises(ValueError, match="128-bit"):
            KEY_MANAGEMENT["A128KW"].unwrap(os.urandom(24), b"", {}, A128GCM, max_p2c=1)

    def test_wrong_kek_rejected(self) -> None:
        """Another KEK fails the RFC 3394 integrity check."""
        alg = KEY_MANAGEMENT["A256KW"]
        wrapped = alg.wrap(os.urandom(32), A256GCM, None, {})
        with pytest.raises(DecryptionError):
            alg.unwrap(os.urandom(32), wrapped.encrypted_key, {}, A256GCM, max_p2c=1)


class TestAesGcmKw:
    """A128GCMKW / A192GCMKW / A256GCMKW (RFC 7518 4.7)."""

    @pytest.mark.parametrize("bits", [128, 192, 256])
    def test_round_trip(self, bits: int) -> None:
        """The wrap's iv and tag header parameters let the recipient unwrap."""
        alg = KEY_MANAGEMENT[f"A{bits}GCMKW"]
        kek = os.urandom(bits // 8)
        wrapped = alg.wrap(kek, A256GCM, None, {})
        assert set(wrapped.header) == {"iv", "tag"}
        assert alg.unwrap(kek, wrapped.encrypted_key, wrapped.header, A256GCM, max_p2c=1) == (
            wrapped.cek
        )

    def test_injected_iv_is_deterministic(self) -> None:
        """With the test-only IV and a given CEK the output is reproducible."""
        alg = KEY_MANAGEMENT["A128GCMKW"]
        kek, cek, iv = os.urandom(16), os.urandom(16), os.urandom(12)
        first = alg.wrap(kek, A128GCM, cek, {}, iv=iv)
        assert first == alg.wrap(kek, A128GCM, cek, {}, iv=iv)
        assert first.header["iv"] == b64encode_str(iv)

    @pytest.mark.parametrize(
        "change",
        [
            {"tag": None},
            {"iv": None},
            {"tag": b64encode_str(bytes(15))},
            {"tag": b64encode_str(bytes(17))},
            {"iv": b64encode_str(bytes(16))},
            {"iv": "not base64!"},
            {"tag": 12},
        ],
        ids=["no-tag", "no-iv", "short-tag", "long-tag", "long-iv", "bad-b64", "tag-not-str"],
    )
    def test_bad_iv_or_tag(self, change: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
        """Missing, mis-sized or ill-typed iv/tag are the uniform DecryptionError.

        They are refused before AES-GCM runs: the 128-bit tag is jotkit's rule, not left to
        a backend that might accept a truncated one.
        """
        alg = KEY_MANAGEMENT["A128GCMKW"]
        kek = os.urandom(16)
        wrapped = alg.wrap(kek, A128GCM, None, {})
        header = {**wrapped.header, **change}
        header = {k: v for k, v in header.items() if v is not None}
        forbid(monkeypatch, _keymgmt, "AESGCM")
        with pytest.raises(DecryptionError):
            alg.unwrap(kek, wrapped.encrypted_key, header, A128GCM, max_p2c=1)

    def test_cek_length_for_enc(self) -> None:
        """A CEK of another enc's size is rejected."""
        alg = KEY_MANAGEMENT["A128GCMKW"]
        kek = os.urandom(16)
        wrapped = alg.wrap(kek, A256GCM, None, {})
        with pytest.raises(DecryptionError):
            alg.unwrap(kek, wrapped.encrypted_key, wrapped.header, A128GCM, max_p2c=1)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    """One 2048-bit RSA key for the module."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


RSA_ALGS = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512"]


class TestRsa:
    """RSA1_5 and RSA-OAEP* (RFC 7518 4.2, 4.3)."""

    @pytest.mark.parametrize("name", RSA_ALGS)
    def test_round_trip(self, name: str, rsa_key: rsa.RSAPrivateKey) -> None:
        """Encrypt to the public key, decrypt with the private one."""
        alg = KEY_MANAGEMENT[name]
        wrapped = alg.wrap(rsa_key.public_key(), A256GCM, None, {})
        assert len(wrapped.encrypted_key) == 256
        assert alg.unwrap(rsa_key, wrapped.encrypted_key, {}, A256GCM, max_p2c=1) == wrapped.cek

    @pytest.mark.parametrize("name", RSA_ALGS[1:])
    def test_oaep_failure_is_decryption_error(self, name: str, rsa_key: rsa.RSAPrivateKey) -> None:
        """A corrupted OAEP ciphertext is the uniform DecryptionError."""
        alg = KEY_MANAGEMENT[name]
        wrapped = alg.wrap(rsa_key, A256GCM, None, {})
        corrupted = bytes([wrapped.encrypted_key[0] ^ 1]) + wrapped.encrypted_key[1:]
        with pytest.raises(DecryptionError):
            alg.unwrap(rsa_key, corrupted, {}, A256GCM, max_p2c=1)

    def test_oaep_wrong_cek_length(self, rsa_key: rsa.RSAPrivateKey) -> None:
        """A well-formed OAEP ciphertext of a CEK of the wrong size is rejected."""
        oaep = padding.OAEP(
            mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None
        )
        encrypted = rsa_key.public_key().encrypt(os.urandom(16), oaep)
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["RSA-OAEP-256"].unwrap(rsa_key, encrypted, {}, A256GCM, max_p2c=1)

    @pytest.mark.parametrize(
        "encrypted_key",
        [b"", b"\x00" * 256, b"\xff" * 255, b"\x01" * 257],
        ids=["empty", "zero", "short", "long"],
    )
    def test_rsa1_5_failure_returns_random_cek(
        self, encrypted_key: bytes, rsa_key: rsa.RSAPrivateKey
    ) -> None:
        """RFC 7516 11.5: a bad RSA1_5 block yields a random CEK of the right size, no error."""
        alg = KEY_MANAGEMENT["RSA1_5"]
        first = alg.unwrap(rsa_key, encrypted_key, {}, A256GCM, max_p2c=1)
        second = alg.unwrap(rsa_key, encrypted_key, {}, A256GCM, max_p2c=1)
        assert len(first) == len(second) == 32

    def test_rsa1_5_wrong_cek_length_returns_random_cek(self, rsa_key: rsa.RSAPrivateKey) -> None:
        """A valid PKCS#1 block holding a CEK of the wrong size also falls back."""
        encrypted = rsa_key.public_key().encrypt(os.urandom(16), padding.PKCS1v15())
        cek = KEY_MANAGEMENT["RSA1_5"].unwrap(rsa_key, encrypted, {}, A256GCM, max_p2c=1)
        assert len(cek) == 32

    def test_decrypt_needs_private_key(self, rsa_key: rsa.RSAPrivateKey) -> None:
        """Passing a public key to unwrap is a caller's mistake."""
        with pytest.raises(TypeError):
            KEY_MANAGEMENT["RSA-OAEP"].unwrap(rsa_key.public_key(), b"", {}, A256GCM, max_p2c=1)

    def test_encrypt_needs_rsa_key(self) -> None:
        """A non-RSA key is a caller's mistake."""
        with pytest.raises(TypeError):
            KEY_MANAGEMENT["RSA-OAEP"].wrap(b"secret", A256GCM, None, {})


class TestDir:
    """``dir`` (RFC 7518 4.5)."""

    def test_key_is_cek(self) -> None:
        """The key is the CEK and the encrypted key is empty."""
        key = os.urandom(16)
        wrapped = KEY_MANAGEMENT["dir"].wrap(key, A128GCM, None, {})
        assert (wrapped.cek, wrapped.encrypted_key, dict(wrapped.header)) == (key, b"", {})
        assert KEY_MANAGEMENT["dir"].unwrap(key, b"", {}, A128GCM, max_p2c=1) == key

    def test_non_empty_encrypted_key_rejected(self) -> None:
        """RFC 7516 5.2 step 10: dir with an encrypted key is rejected."""
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["dir"].unwrap(os.urandom(16), b"\x00", {}, A128GCM, max_p2c=1)

    def test_key_size_must_match_enc(self) -> None:
        """A key of another size is rejected on both sides."""
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["dir"].unwrap(os.urandom(32), b"", {}, A128GCM, max_p2c=1)
        with pytest.raises(ValueError, match="128-bit"):
            KEY_MANAGEMENT["dir"].wrap(os.urandom(32), A128GCM, None, {})

    def test_cannot_take_a_cek(self) -> None:
        """dir cannot share a CEK chosen elsewhere (a second recipient)."""
        with pytest.raises(ValueError, match="CEK"):
            KEY_MANAGEMENT["dir"].wrap(os.urandom(16), A128GCM, os.urandom(16), {})


class TestTable:
    """The KEY_MANAGEMENT table."""

    def test_names(self) -> None:
        """Exactly the algorithms of RFC 7518 section 4 plus RSA-OAEP-384/512."""
        assert set(KEY_MANAGEMENT) == {
            *RSA_ALGS,
            "A128KW",
            "A192KW",
            "A256KW",
            "dir",
            "ECDH-ES",
            "ECDH-ES+A128KW",
            "ECDH-ES+A192KW",
            "ECDH-ES+A256KW",
            "A128GCMKW",
            "A192GCMKW",
            "A256GCMKW",
            "PBES2-HS256+A128KW",
            "PBES2-HS384+A192KW",
            "PBES2-HS512+A256KW",
        }

    def test_read_only(self) -> None:
        """The table cannot be extended at run time."""
        with pytest.raises(TypeError):
            KEY_MANAGEMENT["none"] = KEY_MANAGEMENT["dir"]  # type: ignore[index]

    def test_opt_in(self) -> None:
        """Only RSA1_5 and PBES2 are opt-in."""
        assert {n for n, a in KEY_MANAGEMENT.items() if a.opt_in} == {
            "RSA1_5",
            "PBES2-HS256+A128KW",
            "PBES2-HS384+A192KW",
            "PBES2-HS512+A256KW",
        }

    def test_direct(self) -> None:
        """Only dir and ECDH-ES determine the CEK themselves."""
        assert {n for n, a in KEY_MANAGEMENT.items() if a.direct} == {"dir", "ECDH-ES"}

    @pytest.mark.parametrize("name", sorted(KEY_MANAGEMENT))
    def test_requirement(self, name: str) -> None:
        """Every requirement is for encryption; asymmetric ones need the private key to decrypt."""
        req = KEY_MANAGEMENT[name].requirement
        assert req.use == "enc"
        assert set(req.key_ops) == {"encrypt", "decrypt"}
        asymmetric = bool(req.ktys & {"RSA", "EC", "OKP"})
        assert req.private_for == (frozenset({"decrypt"}) if asymmetric else frozenset())
        if "RSA" in req.ktys:
            assert req.min_bits == 2048
