"""Attack class 8: padding oracles (RSA1_5, AES-CBC-HMAC) and truncated or altered tags.

Pins: Bleichenbacher's PKCS#1 v1.5 oracle (CRYPTO '98) as RFC 7516 section 11.5 asks to
defeat it (a random CEK on any unwrap failure, so that padding, format and length errors
look alike), CVE-2026-28490 / GHSA-7432-952r-cw78 (Authlib: a wrong-length RSA1_5 CEK
was distinguishable), Vaudenay's CBC padding oracle (EUROCRYPT 2002: the MAC must be
checked before the padding), CVE-2016-9123 (go-jose: CBC-HMAC tag handling), and GCM
tag truncation. Every failure must be the same ``DecryptionError`` class with the same
message and no chained cause: nothing an attacker could tell apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import padding

from jotkit import Key, jwe
from jotkit.errors import AlgorithmNotAllowedError, DecryptionError, JotkitError

from ._forge import b64, b64json, rejects, rsa_key
from ._forge_jwe import cbc_hs, direct, pkcs7, seal

PLAINTEXT = b'{"sub":"admin"}'
CBC_CEK = bytes(range(32))
GCM_CEK = bytes(range(16))


def _same_failure(errors: list[JotkitError]) -> None:
    """All failures identical: class, message, and no chained cause or context."""
    assert {type(e) for e in errors} == {DecryptionError}
    assert {str(e) for e in errors} == {DecryptionError.default_message}
    for error in errors:
        assert error.__cause__ is None
        assert error.__suppress_context__ or error.__context__ is None


def flip(data: bytes, at: int = 0) -> bytes:
    """``data`` with the top bit of byte ``at`` inverted."""
    at %= len(data)
    return data[:at] + bytes([data[at] ^ 0x80]) + data[at + 1 :]


def _dir(token: str, cek: bytes, enc: str) -> object:
    return jwe.decrypt_compact(token, cek, algorithms=["dir"], encryptions=[enc])


class TestRSA1_5:
    """RSA1_5 unwrap failures are indistinguishable from a bad tag."""

    def _token(self, encrypted_key: bytes, *, tamper_tag: bool = False) -> str:
        cek = CBC_CEK
        header = b64json({"alg": "RSA1_5", "enc": "A128CBC-HS256"})
        iv = bytes(16)
        ciphertext, tag = seal("A128CBC-HS256", cek, iv, PLAINTEXT, header.encode())
        if tamper_tag:
            tag = bytes([tag[0] ^ 1]) + tag[1:]
        return ".".join((header, b64(encrypted_key), b64(iv), b64(ciphertext), b64(tag)))

    def _decrypt(self, token: str) -> object:
        key = Key.from_cryptography(rsa_key())
        return jwe.decrypt_compact(token, key, algorithms=["RSA1_5"], encryptions=["A128CBC-HS256"])

    def _encrypted(self, cek: bytes) -> bytes:
        return rsa_key().public_key().encrypt(cek, padding.PKCS1v15())

    def test_control(self) -> None:
        """Control: the genuine token decrypts."""
        result = self._decrypt(self._token(self._encrypted(CBC_CEK)))
        assert getattr(result, "plaintext", None) == PLAINTEXT

    def test_every_failure_looks_alike(self) -> None:
        """Bad padding, wrong CEK length, wrong sizes and a bad tag: one identical error."""
        size = rsa_key().key_size // 8
        n = rsa_key().public_key().public_numbers().n
        cases = {
            "random-bytes": os.urandom(size),
            "zero": bytes(size),
            "modulus": n.to_bytes(size, "big"),
            "short-cek": self._encrypted(CBC_CEK[:16]),
            "long-cek": self._encrypted(CBC_CEK + b"\x00"),
            "empty-cek": self._encrypted(b""),
            "empty": b"",
            "one-byte-short": self._encrypted(CBC_CEK)[1:],
            "one-byte-long": b"\x00" + self._encrypted(CBC_CEK),
            "other-cek": self._encrypted(os.urandom(32)),
        }
        errors = [rejects(DecryptionError, self._decrypt, self._token(v)) for v in cases.values()]
        errors.append(
            rejects(
                DecryptionError,
                self._decrypt,
                self._token(self._encrypted(CBC_CEK), tamper_tag=True),
            )
        )
        _same_failure(errors)

    def test_not_allowed_by_default(self) -> None:
        """RSA1_5 is used only when the caller names it."""
        key = Key.from_cryptography(rsa_key())
        token = self._token(self._encrypted(CBC_CEK))
        rejects(
            AlgorithmNotAllowedError,
            jwe.decrypt_compact,
            token,
            key,
            algorithms=["RSA-OAEP", "RSA-OAEP-256"],
            encryptions=["A128CBC-HS256"],
        )


class TestCBCHMAC:
    """A128CBC-HS256: the MAC is checked first and in full; padding errors look alike."""

    ENC = "A128CBC-HS256"

    def _parts(self) -> tuple[str, bytes, bytes, bytes]:
        header = b64json({"alg": "dir", "enc": self.ENC})
        iv = bytes(range(16))
        ciphertext, tag = cbc_hs(CBC_CEK, iv, pkcs7(PLAINTEXT), header.encode("ascii"))
        return header, iv, ciphertext, tag

    def _token(
        self, mutate: Callable[[str, bytes, bytes, bytes], tuple[str, bytes, bytes, bytes]]
    ) -> str:
        header, iv, ciphertext, tag = mutate(*self._parts())
        return ".".join((header, "", b64(iv), b64(ciphertext), b64(tag)))

    def _padding_under_valid_mac(self, padded: bytes) -> str:
        header = b64json({"alg": "dir", "enc": self.ENC})
        iv = bytes(range(16))
        ciphertext, tag = cbc_hs(CBC_CEK, iv, padded, header.encode("ascii"))
        return ".".join((header, "", b64(iv), b64(ciphertext), b64(tag)))

    def test_control(self) -> None:
        """Control: the genuine token decrypts."""
        token = self._token(lambda h, i, c, t: (h, i, c, t))
        assert getattr(_dir(token, CBC_CEK, self.ENC), "plaintext", None) == PLAINTEXT

    def test_every_failure_looks_alike(self) -> None:
        """Tag and ciphertext damage, and wrong padding under a correct MAC."""
        mutations: dict[
            str, Callable[[str, bytes, bytes, bytes], tuple[str, bytes, bytes, bytes]]
        ] = {
            "tag-flipped": lambda h, i, c, t: (h, i, c, flip(t)),
            "tag-last-bit": lambda h, i, c, t: (h, i, c, flip(t, -1)),
            "tag-truncated-8": lambda h, i, c, t: (h, i, c, t[:8]),
            "tag-truncated-15": lambda h, i, c, t: (h, i, c, t[:15]),
            "tag-empty": lambda h, i, c, t: (h, i, c, b""),
            "tag-extended": lambda h, i, c, t: (h, i, c, t + b"\x00"),
            "tag-full-hmac": lambda h, i, c, t: (h, i, c, t + t),
            "ciphertext-flipped": lambda h, i, c, t: (h, i, flip(c), t),
            "ciphertext-last-block": lambda h, i, c, t: (h, i, flip(c, -1), t),
            "ciphertext-truncated": lambda h, i, c, t: (h, i, c[:-16], t),
            "ciphertext-ragged": lambda h, i, c, t: (h, i, c[:-1], t),
            "ciphertext-empty": lambda h, i, c, t: (h, i, b"", t),
            "iv-flipped": lambda h, i, c, t: (h, flip(i, -1), c, t),
            "iv-short": lambda h, i, c, t: (h, i[:12], c, t),
            "header-changed": lambda h, i, c, t: (
                b64json({"alg": "dir", "enc": self.ENC, "x": 1}),
                i,
                c,
                t,
            ),
        }
        errors = [
            rejects(DecryptionError, _dir, self._token(m), CBC_CEK, self.ENC)
            for m in mutations.values()
        ]
        # PLAINTEXT is 15 bytes: one block with one byte of room.
        for padded in (
            PLAINTEXT + b"\x00",  # pad byte 0
            PLAINTEXT + b"\x11",  # pad byte over 16
            PLAINTEXT + b"\x02",  # claims 2 pad bytes; the byte before is not 0x02
            b"\x10" * 15 + b"\x20",  # pad byte 32 in a one-block message
            b"A" * 16 + b"\x10" * 15 + b"\x0f",  # 15 claimed, 16 present
        ):
            token = self._padding_under_valid_mac(padded)
            errors.append(rejects(DecryptionError, _dir, token, CBC_CEK, self.ENC))
        _same_failure(errors)


class TestGCM:
    """AES-GCM tags are exactly 128 bits; truncated tags are refused."""

    ENC = "A128GCM"

    def _token(self, tag_length: int = 16, *, flip: bool = False, iv: bytes = bytes(12)) -> str:
        header = b64json({"alg": "dir", "enc": self.ENC})
        ciphertext, tag = seal(self.ENC, GCM_CEK, bytes(12), PLAINTEXT, header.encode("ascii"))
        if flip:
            tag = tag[:-1] + bytes([tag[-1] ^ 1])
        return ".".join((header, "", b64(iv), b64(ciphertext), b64(tag[:tag_length])))

    def test_control(self) -> None:
        """Control: the genuine token decrypts."""
        assert getattr(_dir(self._token(), GCM_CEK, self.ENC), "plaintext", None) == PLAINTEXT

    @pytest.mark.parametrize("length", [0, 1, 4, 8, 12, 15])
    def test_truncated_tag(self, length: int) -> None:
        """A tag cut to ``length`` bytes (GCM APIs that take the tag length from input)."""
        rejects(DecryptionError, _dir, self._token(length), GCM_CEK, self.ENC)

    def test_altered_tag_and_iv(self) -> None:
        """A flipped tag bit, and IVs of the wrong length."""
        errors = [
            rejects(DecryptionError, _dir, self._token(flip=True), GCM_CEK, self.ENC),
            rejects(DecryptionError, _dir, self._token(iv=bytes(16)), GCM_CEK, self.ENC),
            rejects(DecryptionError, _dir, self._token(iv=bytes(8)), GCM_CEK, self.ENC),
            rejects(DecryptionError, _dir, self._token(iv=b""), GCM_CEK, self.ENC),
        ]
        _same_failure(errors)


class TestGCMKeyWrap:
    """A128GCMKW: the key-wrap tag and IV in the header are exact-length too."""

    def _token(self, iv: str, tag: str) -> str:
        header = {"alg": "A128GCMKW", "enc": "A128GCM", "iv": iv, "tag": tag}
        return direct(header, GCM_CEK, PLAINTEXT).replace("..", "." + b64(bytes(16)) + ".", 1)

    @pytest.mark.parametrize(
        ("iv", "tag"),
        [
            (b64(bytes(12)), b64(bytes(12))),
            (b64(bytes(12)), ""),
            (b64(bytes(12)), b64(bytes(17))),
            (b64(bytes(16)), b64(bytes(16))),
            ("", b64(bytes(16))),
            (b64(bytes(12)), b64(bytes(16))),
        ],
    )
    def test_rejected(self, iv: str, tag: str) -> None:
        """Wrong-length or wrong key-wrap IV and tag."""
        token = self._token(iv, tag)
        rejects(
            DecryptionError,
            jwe.decrypt_compact,
            token,
            bytes(16),
            algorithms=["A128GCMKW"],
            encryptions=["A128GCM"],
        )
