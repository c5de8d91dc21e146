"""Every comparison of a MAC, tag or hash is constant-time (DESIGN section 3.6).

A plain ``==`` on bytes returns at the first differing byte, so its timing tells an
attacker how many leading bytes of a forged MAC are right: the remote timing attack on
HMAC verification (Lawson and Nelson, Black Hat 2010; CVE-2009-3547-style bugs in many
libraries). Three checks make ``==`` impossible to slip in unnoticed:

- the comparison function is ``hmac.compare_digest``;
- at the HS256 and CBC-HMAC call sites the decision really comes from that function
  (replacing it changes the outcome, which a hidden ``==`` would not allow);
- AES-GCM tags (content and key wrap) go to the AEAD itself, never compared in Python;
- an AST scan of the whole package finds no ``==``/``!=`` between values whose names
  say MAC, tag, digest, hash, signature, thumbprint or secret.
"""

from __future__ import annotations

import ast
import hmac
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import jotkit
import jotkit.jwa._content as content_module
import jotkit.jwa._keymgmt as keymgmt_module
import jotkit.jwa._sig as sig_module
from jotkit import jwe, jws
from jotkit._b64 import b64decode
from jotkit.errors import DecryptionError, InvalidSignatureError

from ._forge import SECRET, b64, hs_token, rejects, signing_input
from ._forge_jwe import direct

CLAIMS = b'{"sub":"alice"}'
SRC = Path(jotkit.__file__).resolve().parent


class _Recorder:
    """A stand-in for the comparison function: records calls, answers as told."""

    def __init__(self, answer: Callable[[bytes, bytes], bool]) -> None:
        self.calls: list[tuple[bytes, bytes]] = []
        self._answer = answer

    def __call__(self, a: bytes, b: bytes) -> bool:
        self.calls.append((bytes(a), bytes(b)))
        return self._answer(a, b)


@pytest.fixture
def hs_recorder(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    """Record the comparisons the JWS HMAC verifier makes."""
    recorder = _Recorder(hmac.compare_digest)
    monkeypatch.setattr(sig_module, "constant_time_equal", recorder)
    return recorder


class TestTheFunction:
    """The one comparison function is the standard library's constant-time one."""

    def test_is_compare_digest(self) -> None:
        """jotkit.jwa.constant_time_equal is hmac.compare_digest."""
        assert jotkit.jwa.constant_time_equal is hmac.compare_digest
        assert sig_module.constant_time_equal is hmac.compare_digest
        assert content_module.constant_time_equal is hmac.compare_digest


class TestHMACCallSite:
    """HS256/384/512 verification decides through constant_time_equal."""

    @pytest.mark.parametrize("bits", [256, 384, 512])
    def test_called_with_both_macs(self, hs_recorder: _Recorder, bits: int) -> None:
        """A valid token: the computed and the presented MAC are compared by the function."""
        secret = SECRET * 2
        token = hs_token({"alg": f"HS{bits}"}, CLAIMS, secret, bits)
        jws.verify_compact(token, secret, algorithms=[f"HS{bits}"])
        presented = token.split(".")[2]
        assert len(hs_recorder.calls) == 1
        assert (
            b64(hs_recorder.calls[0][1]) == presented or b64(hs_recorder.calls[0][0]) == presented
        )

    def test_called_for_a_forgery(self, hs_recorder: _Recorder) -> None:
        """A forged token is rejected through the same call."""
        token = signing_input({"alg": "HS256"}, CLAIMS) + "." + b64(bytes(32))
        rejects(InvalidSignatureError, jws.verify_compact, token, SECRET, algorithms=["HS256"])
        assert len(hs_recorder.calls) == 1

    def test_the_function_decides(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Sabotage: a comparator that always says 'equal' lets a forgery through.

        If the verifier compared with ``==`` (or compared twice), the forgery would
        still fail here, and this test with it.
        """
        monkeypatch.setattr(sig_module, "constant_time_equal", _Recorder(lambda a, b: True))
        token = signing_input({"alg": "HS256"}, CLAIMS) + "." + b64(bytes(32))
        assert jws.verify_compact(token, SECRET, algorithms=["HS256"]).payload == CLAIMS

    def test_json_serialization(self, hs_recorder: _Recorder) -> None:
        """The JSON serialization goes through the same comparison."""
        head, body, sig = hs_token({"alg": "HS256"}, CLAIMS).split(".")
        jws.verify_json(
            {"payload": body, "protected": head, "signature": sig}, SECRET, algorithms=["HS256"]
        )
        assert len(hs_recorder.calls) == 1


def _cbc_token(tag_flip: bool = False) -> str:
    """A genuine dir/A128CBC-HS256 token, optionally with one tag bit flipped."""
    cek = bytes(range(32))
    token = direct({"alg": "dir", "enc": "A128CBC-HS256"}, cek, CLAIMS)
    if not tag_flip:
        return token
    head, ek, iv, ct, tag = token.split(".")
    raw = b64decode(tag)
    return ".".join((head, ek, iv, ct, b64(bytes([raw[0] ^ 1]) + raw[1:])))


def _decrypt_cbc(token: str) -> Any:
    return jwe.decrypt_compact(
        token, bytes(range(32)), algorithms=["dir"], encryptions=["A128CBC-HS256"]
    )


class TestCBCHMACCallSite:
    """The AES-CBC-HMAC tag check decides through constant_time_equal."""

    def test_called_with_both_tags(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A valid token: one comparison, of the computed and the presented tag."""
        recorder = _Recorder(hmac.compare_digest)
        monkeypatch.setattr(content_module, "constant_time_equal", recorder)
        token = _cbc_token()
        assert _decrypt_cbc(token).plaintext == CLAIMS
        presented = token.split(".")[4]
        assert len(recorder.calls) == 1
        assert presented in (b64(recorder.calls[0][0]), b64(recorder.calls[0][1]))

    def test_the_function_decides(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Sabotage: 'always equal' accepts a flipped tag; 'never equal' refuses a good one."""
        monkeypatch.setattr(content_module, "constant_time_equal", _Recorder(lambda a, b: True))
        assert _decrypt_cbc(_cbc_token(tag_flip=True)).plaintext == CLAIMS
        monkeypatch.setattr(content_module, "constant_time_equal", _Recorder(lambda a, b: False))
        rejects(DecryptionError, _decrypt_cbc, _cbc_token())


class _AESGCMSpy:
    """Wraps AESGCM to record what decrypt receives."""

    calls: list[tuple[bytes, bytes, bytes | None]] = []  # noqa: RUF012 - reset per test

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._real = AESGCM(key)

    def decrypt(self, nonce: bytes, data: bytes, associated: bytes | None) -> bytes:
        _AESGCMSpy.calls.append((nonce, data, associated))
        return self._real.decrypt(nonce, data, associated)

    def encrypt(self, nonce: bytes, data: bytes, associated: bytes | None) -> bytes:
        return self._real.encrypt(nonce, data, associated)


class TestGCMTagsGoToTheAEAD:
    """GCM tags are verified by the AEAD (OpenSSL, constant time), not compared in Python."""

    def test_content_gcm(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A128GCM content: the tag is appended to the ciphertext given to AESGCM.decrypt."""
        _AESGCMSpy.calls = []
        monkeypatch.setattr(content_module, "AESGCM", _AESGCMSpy)
        cek = bytes(16)
        token = direct({"alg": "dir", "enc": "A128GCM"}, cek, CLAIMS)
        jwe.decrypt_compact(token, cek, algorithms=["dir"], encryptions=["A128GCM"])
        tag = token.split(".")[4]
        assert len(_AESGCMSpy.calls) == 1
        assert b64(_AESGCMSpy.calls[0][1][-16:]) == tag

    def test_gcm_key_wrap(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A128GCMKW: the header's tag is appended to the wrapped key given to AESGCM."""
        _AESGCMSpy.calls = []
        kek = bytes(range(16))
        token = jwe.encrypt_compact(CLAIMS, kek, alg="A128GCMKW", enc="A128GCM")
        monkeypatch.setattr(keymgmt_module, "AESGCM", _AESGCMSpy)
        result = jwe.decrypt_compact(token, kek, algorithms=["A128GCMKW"], encryptions=["A128GCM"])
        assert result.plaintext == CLAIMS
        assert len(_AESGCMSpy.calls) == 1
        assert b64(_AESGCMSpy.calls[0][1][-16:]) == result.header["tag"]


# Identifier words that mark a value as a MAC, tag, hash or secret.
_SENSITIVE = frozenset(
    {
        "sig",
        "signature",
        "signatures",
        "mac",
        "macs",
        "hmac",
        "tag",
        "tags",
        "digest",
        "hash",
        "hashes",
        "thumbprint",
        "thumb",
        "jkt",
        "ath",
        "x5t",
        "secret",
        "cek",
        "kek",
    }
)
# Comparing these (lengths, types) is not comparing secret bytes.
_HARMLESS_CALLS = frozenset({"len", "type", "isinstance", "id"})
# An identifier with one of these words is a size (cek_len, tag_bytes), not the value.
_SIZE_WORDS = frozenset({"len", "length", "bytes", "bits", "size", "count"})


def _words(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
        elif isinstance(sub, ast.Attribute):
            yield sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value  # claims["at_hash"], header.get("tag")


def _is_sensitive(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and getattr(sub.func, "id", None) in _HARMLESS_CALLS:
            return False
    for word in _words(node):
        parts = set(re.split(r"[_#\-.]", word.lower()))
        if _SENSITIVE & parts and not _SIZE_WORDS & parts:
            return True
    return False


def plain_comparisons(source: str) -> list[tuple[int, str]]:
    """Return (line, code) of each ``==``/``!=`` between two non-literal sensitive values."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if not isinstance(op, ast.Eq | ast.NotEq):
                continue
            # A literal on either side is a format check (b"\x30", "sig"), not a MAC check.
            if isinstance(left, ast.Constant) or isinstance(right, ast.Constant):
                continue
            if _is_sensitive(left) or _is_sensitive(right):
                found.append((node.lineno, ast.unparse(node)))
    return found


class TestNoPlainComparison:
    """No ``==`` or ``!=`` on MACs, tags, hashes or secrets anywhere in the package."""

    def test_scan_source(self) -> None:
        """Scan every module under src/jotkit."""
        offenders = [
            f"{path.relative_to(SRC)}:{line}: {code}"
            for path in sorted(SRC.rglob("*.py"))
            for line, code in plain_comparisons(path.read_text(encoding="utf-8"))
        ]
        assert offenders == [], "use jotkit.jwa.constant_time_equal:\n" + "\n".join(offenders)

    @pytest.mark.parametrize(
        "code",
        [
            "if expected_mac != signature: pass",
            "ok = tag == computed",
            "ok = hmac.digest(k, m, 'sha256') == sig",
            "ok = claims['at_hash'] == expected",
            "ok = key.thumbprint() == cnf['jkt']",
            "ok = actual != digest",
        ],
    )
    def test_scanner_catches(self, code: str) -> None:
        """The scanner itself finds the patterns it is meant to find."""
        assert plain_comparisons(code)

    @pytest.mark.parametrize(
        "code",
        [
            "ok = len(tag) != 16",
            "ok = len(cek) * 8 != self.cek_bits",
            "ok = len(wrapped) != cek_len + 8",
            "ok = use == 'sig'",
            "ok = secret[:1] == b'0'",
            "ok = constant_time_equal(tag, computed)",
            "ok = alg == name",
        ],
    )
    def test_scanner_ignores(self, code: str) -> None:
        """Lengths, literal format checks and constant-time calls are fine."""
        assert plain_comparisons(code) == []
