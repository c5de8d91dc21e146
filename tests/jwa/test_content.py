"""JWE content encryption (RFC 7518 section 5): RFC appendix B, Wycheproof, exact lengths."""

from __future__ import annotations

import hmac
import json
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from jotkit.errors import DecryptionError
from jotkit.jwa import CONTENT_ENCRYPTIONS, ContentEncryption
from tests._vectors import load_json

APPENDIX_B: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "rfc7518_appendix_b.json").read_text("utf-8")
)
CBC_FILES = {
    "A128CBC-HS256": "a128cbc_hs256_test.json",
    "A192CBC-HS384": "a192cbc_hs384_test.json",
    "A256CBC-HS512": "a256cbc_hs512_test.json",
}


def _wycheproof_aead() -> list[Any]:
    cases = []
    for enc, filename in CBC_FILES.items():
        data = load_json(f"wycheproof/testvectors_v1/{filename}")
        for group in data["testGroups"]:
            for case in group["tests"]:
                cases.append(pytest.param(enc, case, id=f"{enc}-tc{case['tcId']}"))
    return cases


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


class TestAppendixB:
    """RFC 7518 appendix B known answers for the three AES-CBC-HMAC-SHA2 algorithms."""

    @pytest.mark.parametrize("case", APPENDIX_B["cases"], ids=lambda c: c["section"])
    def test_encrypt_matches_rfc(self, case: dict[str, str]) -> None:
        """Encrypting P under K with the RFC's IV and A gives the RFC's E and T."""
        enc = CONTENT_ENCRYPTIONS[case["enc"]]
        key = bytes.fromhex(case["K"])
        assert key == bytes.fromhex(case["MAC_KEY"]) + bytes.fromhex(case["ENC_KEY"])
        aad = APPENDIX_B["A_text"].encode()
        assert (8 * len(aad)).to_bytes(8, "big") == bytes.fromhex(APPENDIX_B["AL"])
        ciphertext, tag = enc.encrypt(
            key, bytes.fromhex(APPENDIX_B["IV"]), APPENDIX_B["P_text"].encode(), aad
        )
        assert ciphertext.hex() == case["E"]
        assert tag.hex() == case["T"]

    @pytest.mark.parametrize("case", APPENDIX_B["cases"], ids=lambda c: c["section"])
    def test_decrypt_matches_rfc(self, case: dict[str, str]) -> None:
        """Decrypting the RFC's E and T gives back P."""
        enc = CONTENT_ENCRYPTIONS[case["enc"]]
        plaintext = enc.decrypt(
            bytes.fromhex(case["K"]),
            bytes.fromhex(APPENDIX_B["IV"]),
            bytes.fromhex(case["E"]),
            APPENDIX_B["A_text"].encode(),
            bytes.fromhex(case["T"]),
        )
        assert plaintext == APPENDIX_B["P_text"].encode()


class TestWycheproofAesCbcHmac:
    """Wycheproof a*cbc_hs*_test.json: every case, outcome matching its label."""

    @pytest.mark.parametrize(("name", "case"), _wycheproof_aead())
    def test_case(self, name: str, case: dict[str, Any]) -> None:
        """Valid cases encrypt and decrypt to the vector; invalid ones fail to decrypt."""
        enc = CONTENT_ENCRYPTIONS[name]
        key, iv, aad, msg, ct, tag = (
            bytes.fromhex(case[f]) for f in ("key", "iv", "aad", "msg", "ct", "tag")
        )
        assert case["result"] in ("valid", "invalid")
        if case["result"] == "valid":
            assert enc.encrypt(key, iv, msg, aad) == (ct, tag)
            assert enc.decrypt(key, iv, ct, aad, tag) == msg
        else:
            with pytest.raises(DecryptionError):
                enc.decrypt(key, iv, ct, aad, tag)


ALL = sorted(CONTENT_ENCRYPTIONS)


def _sample(enc: ContentEncryption) -> tuple[bytes, bytes, bytes, bytes]:
    cek = os.urandom(enc.cek_bits // 8)
    iv = os.urandom(enc.iv_bytes)
    ciphertext, tag = enc.encrypt(cek, iv, b"attack at dawn", b"aad")
    return cek, iv, ciphertext, tag


class TestEveryEnc:
    """Round trips and exact-length checks for every ``enc``."""

    @pytest.mark.parametrize("name", ALL)
    def test_round_trip(self, name: str) -> None:
        """What is encrypted decrypts, with the descriptor's tag length."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        assert len(tag) == enc.tag_bytes
        assert enc.decrypt(cek, iv, ciphertext, b"aad", tag) == b"attack at dawn"

    @pytest.mark.parametrize("name", ALL)
    def test_empty_plaintext(self, name: str) -> None:
        """An empty plaintext round-trips."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv = os.urandom(enc.cek_bits // 8), os.urandom(enc.iv_bytes)
        ciphertext, tag = enc.encrypt(cek, iv, b"", b"")
        assert enc.decrypt(cek, iv, ciphertext, b"", tag) == b""

    @pytest.mark.parametrize("name", ALL)
    @pytest.mark.parametrize("cut", [1, 4, 8])
    def test_truncated_tag_rejected(self, name: str, cut: int) -> None:
        """A truncated tag never verifies (tag truncation forgeries)."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        with pytest.raises(DecryptionError):
            enc.decrypt(cek, iv, ciphertext, b"aad", tag[:-cut])

    @pytest.mark.parametrize("name", ALL)
    def test_extended_tag_rejected(self, name: str) -> None:
        """A tag with an extra byte is rejected."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        with pytest.raises(DecryptionError):
            enc.decrypt(cek, iv, ciphertext, b"aad", tag + b"\x00")

    @pytest.mark.parametrize("name", ALL)
    @pytest.mark.parametrize("part", ["cek", "iv", "ciphertext", "aad", "tag"])
    def test_altered_input_rejected(self, name: str, part: str) -> None:
        """Flipping one bit of any input makes decryption fail.

        For the CEK the first byte is flipped: in AES-CBC-HMAC that is the MAC key. A flip
        in the encryption-key half is caught only by the padding check, which passes by
        chance about once in 256 (the CEK is trusted input; RFC 7518 5.2.2.2).
        """
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        parts = {"cek": cek, "iv": iv, "ciphertext": ciphertext, "aad": b"aad", "tag": tag}
        at = 0 if part == "cek" else len(parts[part]) - 1
        parts[part] = _flip(parts[part], at)
        with pytest.raises(DecryptionError):
            enc.decrypt(parts["cek"], parts["iv"], parts["ciphertext"], parts["aad"], parts["tag"])

    @pytest.mark.parametrize("name", ALL)
    def test_wrong_iv_length_rejected(self, name: str) -> None:
        """An IV of another length is rejected on both sides."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        with pytest.raises(DecryptionError):
            enc.decrypt(cek, iv + b"\x00", ciphertext, b"aad", tag)
        with pytest.raises(ValueError, match="IV"):
            enc.encrypt(cek, iv[:-1], b"x", b"")

    @pytest.mark.parametrize("name", ALL)
    def test_wrong_cek_length_rejected(self, name: str) -> None:
        """A CEK of another length is rejected on both sides."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        with pytest.raises(DecryptionError):
            enc.decrypt(cek[:-8], iv, ciphertext, b"aad", tag)
        with pytest.raises(ValueError, match="CEK"):
            enc.encrypt(cek + b"\x00" * 8, iv, b"x", b"")


class TestCbcHmac:
    """AES-CBC-HMAC specifics (RFC 7518 5.2.2.2)."""

    @pytest.mark.parametrize("name", list(CBC_FILES))
    def test_bad_padding_under_valid_mac_is_uniform(self, name: str) -> None:
        """A bad padding under an honest MAC fails exactly like a bad MAC (padding oracle)."""
        enc = CONTENT_ENCRYPTIONS[name]
        half = enc.cek_bits // 16
        cek, iv = os.urandom(enc.cek_bits // 8), os.urandom(16)
        # One block ending in 0x11 is not valid PKCS#7; the MAC over it is honest, so only
        # the padding check can reject it.
        encryptor = Cipher(algorithms.AES(cek[half:]), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(b"\x00" * 15 + b"\x11") + encryptor.finalize()
        mac_input = iv + ciphertext + (0).to_bytes(8, "big")
        tag = hmac.digest(cek[:half], mac_input, f"sha{enc.cek_bits}")[:half]
        with pytest.raises(DecryptionError) as padding_failure:
            enc.decrypt(cek, iv, ciphertext, b"", tag)
        with pytest.raises(DecryptionError) as mac_failure:
            enc.decrypt(cek, iv, ciphertext, b"", _flip(tag, 0))
        assert str(padding_failure.value) == str(mac_failure.value)

    @pytest.mark.parametrize("name", list(CBC_FILES))
    def test_ciphertext_not_block_multiple_rejected(self, name: str) -> None:
        """A ciphertext that is not whole blocks is rejected before any crypto."""
        enc = CONTENT_ENCRYPTIONS[name]
        cek, iv, ciphertext, tag = _sample(enc)
        with pytest.raises(DecryptionError):
            enc.decrypt(cek, iv, ciphertext[:-1], b"aad", tag)
        with pytest.raises(DecryptionError):
            enc.decrypt(cek, iv, b"", b"aad", tag)


class TestTable:
    """The CONTENT_ENCRYPTIONS table."""

    def test_names(self) -> None:
        """Exactly the six RFC 7518 encs."""
        assert set(CONTENT_ENCRYPTIONS) == {
            "A128CBC-HS256",
            "A192CBC-HS384",
            "A256CBC-HS512",
            "A128GCM",
            "A192GCM",
            "A256GCM",
        }

    def test_read_only(self) -> None:
        """The table cannot be extended at run time."""
        with pytest.raises(TypeError):
            CONTENT_ENCRYPTIONS["X"] = CONTENT_ENCRYPTIONS["A128GCM"]  # type: ignore[index]

    @pytest.mark.parametrize("name", ALL)
    def test_requirement_describes_dir_key(self, name: str) -> None:
        """The requirement is an oct key of exactly the CEK size, for encryption."""
        enc = CONTENT_ENCRYPTIONS[name]
        req = enc.requirement
        assert req.ktys == frozenset({"oct"})
        assert req.exact_bits == enc.cek_bits
        assert req.use == "enc"
        assert req.key_ops["encrypt"] == frozenset({"encrypt"})
        assert req.key_ops["decrypt"] == frozenset({"decrypt"})


class _AcceptingAead:
    """A stand-in AEAD that accepts any input and records the call."""

    def __init__(self) -> None:
        self.calls = 0

    def decrypt(self, *_args: object) -> bytes:
        self.calls += 1
        return b"plaintext"


class TestOwnChecks:
    """Exact IV and tag lengths, and MAC before decryption, decide by themselves."""

    @pytest.mark.parametrize("name", ["A128GCM", "A256GCM"])
    @pytest.mark.parametrize(
        ("iv_len", "tag_len"), [(12, 0), (12, 4), (12, 15), (12, 17), (8, 16), (16, 16)]
    )
    def test_gcm_lengths_refused_before_the_aead(
        self, name: str, iv_len: int, tag_len: int
    ) -> None:
        """A truncated or padded tag, or a non-96-bit IV, never reaches AES-GCM.

        Some GCM APIs take the tag length from the input, which makes a 4-byte tag
        forgeable; jotkit fixes it at 128 bits whatever the backend does.
        """
        enc = CONTENT_ENCRYPTIONS[name]
        cipher = enc.cipher(bytes(enc.cek_bits // 8))
        aead = _AcceptingAead()
        object.__setattr__(cipher, "_aead", aead)
        with pytest.raises(DecryptionError):
            cipher.decrypt(bytes(iv_len), b"ciphertext", b"aad", bytes(tag_len))
        assert aead.calls == 0
        assert cipher.decrypt(bytes(12), b"ciphertext", b"aad", bytes(16)) == b"plaintext"
        assert aead.calls == 1

    @pytest.mark.parametrize("name", sorted(CBC_FILES))
    def test_cbc_mac_checked_before_any_decryption(
        self, name: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A wrong MAC is refused without running AES-CBC or touching the padding."""
        from jotkit.jwa import _content

        enc = CONTENT_ENCRYPTIONS[name]
        cek = os.urandom(enc.cek_bits // 8)
        iv = os.urandom(16)
        ciphertext, tag = enc.encrypt(cek, iv, b"plaintext", b"aad")

        def no_cipher(*_args: object) -> None:
            raise AssertionError("AES-CBC ran before the MAC was checked")

        monkeypatch.setattr(_content, "Cipher", no_cipher)
        for bad_tag in (_flip(tag, 0), tag[:-1], tag + b"\x00", b""):
            with pytest.raises(DecryptionError):
                enc.decrypt(cek, iv, ciphertext, b"aad", bad_tag)
        with pytest.raises(AssertionError, match="AES-CBC ran"):
            enc.decrypt(cek, iv, ciphertext, b"aad", tag)
