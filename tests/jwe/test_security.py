"""One named test per attack class on JWE decryption (DESIGN section 3.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jotkit._b64 import b64decode, b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DecryptionError,
    ExceededLimitError,
    InvalidKeyError,
    JotkitError,
    MalformedJWEError,
)
from jotkit.jwa import CONTENT_ENCRYPTIONS, _ecdh
from jotkit.jwe import Recipient, decrypt_compact, decrypt_json, encrypt_compact, encrypt_json
from jotkit.jwk import Key
from tests.jwe._keys import ecdh_jwk
from tests.jwe._tokens import header_of, segment, with_header, with_segment

ALL_ENCS = sorted(CONTENT_ENCRYPTIONS)
PASSWORD = b"a long enough password"


def _flip_first(data: bytes) -> bytes:
    """The same bytes with the first one changed (always a change, unlike a fixed value)."""
    return bytes([data[0] ^ 1]) + data[1:]


def _dir_key(enc: str = "A256GCM") -> Key:
    return Key.generate(enc)


def _decrypt(token: str, key: Any, alg: str, enc: str, **options: Any) -> bytes:
    return decrypt_compact(token, key, algorithms=[alg], encryptions=[enc], **options).plaintext


def _failures() -> dict[str, Callable[[], object]]:
    """Decryption attempts that each fail at a different step."""
    aes = Key.generate("A128KW")
    gcmkw = Key.generate("A256GCMKW")
    rsa = Key.generate("RSA-OAEP")
    rsa15 = Key.generate("RSA1_5")
    ec = Key.generate("ECDH-ES")
    direct = _dir_key("A128CBC-HS256")

    def run(token: str, key: Key, alg: str, enc: str) -> Callable[[], object]:
        return lambda: _decrypt(token, key, alg, enc)

    kw = encrypt_compact(b"secret", aes, alg="A128KW", enc="A128GCM")
    cbc = encrypt_compact(b"secret", direct, alg="dir", enc="A128CBC-HS256")
    oaep = encrypt_compact(b"secret", rsa.public(), alg="RSA-OAEP", enc="A128GCM")
    pkcs1 = encrypt_compact(b"secret", rsa15.public(), alg="RSA1_5", enc="A128GCM")
    gcm = encrypt_compact(b"secret", gcmkw, alg="A256GCMKW", enc="A128GCM")
    ecdh = encrypt_compact(b"secret", ec.public(), alg="ECDH-ES", enc="A128GCM")
    pbes2 = encrypt_compact(b"x", PASSWORD, alg="PBES2-HS256+A128KW", enc="A128GCM")
    last = segment(cbc, 3)
    return {
        "tag": run(with_segment(kw, 4, bytes(16)), aes, "A128KW", "A128GCM"),
        "ciphertext": run(
            with_segment(kw, 3, _flip_first(segment(kw, 3))), aes, "A128KW", "A128GCM"
        ),
        "iv-length": run(with_segment(kw, 2, bytes(16)), aes, "A128KW", "A128GCM"),
        "key-unwrap": run(with_segment(kw, 1, bytes(24)), aes, "A128KW", "A128GCM"),
        "cbc-mac": run(with_segment(cbc, 4, bytes(16)), direct, "dir", "A128CBC-HS256"),
        "cbc-length": run(with_segment(cbc, 3, last[:-1]), direct, "dir", "A128CBC-HS256"),
        "oaep": run(with_segment(oaep, 1, bytes(256)), rsa, "RSA-OAEP", "A128GCM"),
        "rsa1_5-padding": run(with_segment(pkcs1, 1, bytes(256)), rsa15, "RSA1_5", "A128GCM"),
        "gcmkw-tag": run(
            with_header(gcm, tag=b64encode_str(bytes(16))), gcmkw, "A256GCMKW", "A128GCM"
        ),
        "dir-encrypted-key": run(with_segment(cbc, 1, bytes(32)), direct, "dir", "A128CBC-HS256"),
        "ecdh-encrypted-key": run(with_segment(ecdh, 1, bytes(16)), ec, "ECDH-ES", "A128GCM"),
        "pbes2-password": run(
            pbes2, Key.from_secret(b"another password"), "PBES2-HS256+A128KW", "A128GCM"
        ),
    }


FAILURES = _failures()


class TestUniformDecryptionError:
    """Every failure after parsing is the same DecryptionError (padding/format oracles)."""

    @pytest.mark.parametrize("kind", sorted(FAILURES))
    def test_same_error_same_message(self, kind: str) -> None:
        """The error class, message and (absent) cause are identical whatever failed."""
        with pytest.raises(DecryptionError) as info:
            FAILURES[kind]()
        error = info.value
        assert type(error) is DecryptionError
        assert str(error) == "decryption failed"
        assert error.args == ("decryption failed",)
        assert error.__cause__ is None
        assert error.__suppress_context__ or error.__context__ is None


class TestEpk:
    """ECDH-ES: the epk must be a valid point on the recipient's curve."""

    def _token(self, key: Key) -> str:
        return encrypt_compact(b"x", key.public(), alg="ECDH-ES+A128KW", enc="A128GCM")

    def test_epk_off_curve(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An epk whose y is off the curve is refused before any agreement (invalid curve)."""
        key = Key.generate("ECDH-ES+A128KW")
        token = self._token(key)
        epk = header_of(token)["epk"]
        y = int.from_bytes(b64decode(epk["y"]), "big") ^ 1
        forged = with_header(token, epk={**epk, "y": b64encode_str(y.to_bytes(32, "big"))})
        monkeypatch.setattr(_ecdh, "agree", _never_called)
        with pytest.raises(DecryptionError):
            _decrypt(forged, key, "ECDH-ES+A128KW", "A128GCM")

    @pytest.mark.parametrize(
        ("mine", "theirs"), [("P-256", "P-384"), ("X25519", "P-256"), ("P-256", "X25519")]
    )
    def test_epk_other_curve(self, mine: str, theirs: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """An epk on another curve, or of another key type, is refused."""
        recipient = Key.from_jwk(ecdh_jwk(mine))
        other = Key.from_jwk(ecdh_jwk(theirs))
        foreign_epk = header_of(self._token(other))["epk"]
        forged = with_header(self._token(recipient), epk=foreign_epk)
        monkeypatch.setattr(_ecdh, "agree", _never_called)
        with pytest.raises(DecryptionError):
            _decrypt(forged, recipient, "ECDH-ES+A128KW", "A128GCM")


def _never_called(*args: Any) -> bytes:
    raise AssertionError("the epk reached the key agreement")


class TestDirectWithEncryptedKey:
    """dir and ECDH-ES reject a non-empty encrypted key (RFC 7516 5.2 step 10)."""

    def test_dir(self) -> None:
        """A dir token with an encrypted key is refused even though the tag is intact."""
        key = _dir_key()
        token = encrypt_compact(b"x", key, alg="dir", enc="A256GCM")
        with pytest.raises(DecryptionError):
            _decrypt(with_segment(token, 1, b"\x00"), key, "dir", "A256GCM")

    def test_ecdh_es(self) -> None:
        """An ECDH-ES token with an encrypted key is refused."""
        key = Key.generate("ECDH-ES")
        token = encrypt_compact(b"x", key.public(), alg="ECDH-ES", enc="A256GCM")
        with pytest.raises(DecryptionError):
            _decrypt(with_segment(token, 1, bytes(40)), key, "ECDH-ES", "A256GCM")


class TestTags:
    """Truncated, extended and altered tags never verify, for every enc."""

    @pytest.mark.parametrize("enc", ALL_ENCS)
    @pytest.mark.parametrize("change", ["truncate-1", "truncate-half", "empty", "extend", "flip"])
    def test_altered_tag(self, enc: str, change: str) -> None:
        """Each alteration is the uniform DecryptionError."""
        key = _dir_key(enc)
        token = encrypt_compact(b"attack at dawn", key, alg="dir", enc=enc)
        tag = segment(token, 4)
        altered = {
            "truncate-1": tag[:-1],
            "truncate-half": tag[: len(tag) // 2],
            "empty": b"",
            "extend": tag + b"\x00",
            "flip": bytes([tag[0] ^ 0x80]) + tag[1:],
        }[change]
        with pytest.raises(DecryptionError):
            _decrypt(with_segment(token, 4, altered), key, "dir", enc)


class TestCrit:
    """crit: no JWE extension is understood, so any crit rejects the token."""

    def test_protected_crit_rejected(self) -> None:
        """A crit naming an unknown extension present in the header is refused."""
        key = _dir_key()
        token = encrypt_compact(b"x", key, alg="dir", enc="A256GCM")
        forged = with_header(token, crit=["exp"], exp=1)
        with pytest.raises(MalformedJWEError, match="not understood"):
            _decrypt(forged, key, "dir", "A256GCM")

    @pytest.mark.parametrize(
        ("crit", "says"),
        [
            ([], "non-empty list"),
            ("exp", "non-empty list"),
            (["alg"], "registered parameter 'alg'"),
            ([1], "non-empty list"),
        ],
        ids=["empty", "string", "registered", "int"],
    )
    def test_malformed_crit(self, crit: Any, says: str) -> None:
        """crit must be a non-empty list of unregistered names; the error says which rule."""
        key = _dir_key()
        forged = with_header(encrypt_compact(b"x", key, alg="dir", enc="A256GCM"), crit=crit)
        with pytest.raises(MalformedJWEError, match=says):
            _decrypt(forged, key, "dir", "A256GCM")

    def test_unprotected_crit_rejected(self) -> None:
        """crit in an unprotected JSON header is refused."""
        key = _dir_key()
        jwe = encrypt_json(b"x", [Recipient(key, "dir")], enc="A256GCM")
        jwe["unprotected"] = {"crit": ["exp"], "exp": 1}
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["dir"], encryptions=["A256GCM"])

    def test_encrypt_refuses_crit(self) -> None:
        """jotkit will not write a crit it would itself reject."""
        with pytest.raises(ValueError, match="crit"):
            encrypt_compact(b"x", _dir_key(), alg="dir", enc="A256GCM", headers={"crit": ["x"]})


class TestHeaderRules:
    """Strict header parsing and the JSON header disjointness rule."""

    def test_duplicate_member(self) -> None:
        """A protected header with a duplicate member is malformed (parser differentials)."""
        key = _dir_key()
        token = encrypt_compact(b"x", key, alg="dir", enc="A256GCM")
        raw = b'{"alg":"dir","enc":"A256GCM","enc":"A128GCM"}'
        with pytest.raises(MalformedJWEError):
            _decrypt(with_segment(token, 0, raw), key, "dir", "A256GCM")

    def test_unprotected_cannot_shadow_protected(self) -> None:
        """An unprotected alg next to a protected one is refused, not merged."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"x", [Recipient(key, "A128KW")], enc="A128GCM", flattened=True)
        jwe["unprotected"] = {"enc": "A256GCM"}
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["A128KW"], encryptions=["A128GCM", "A256GCM"])

    def test_token_size_limit(self) -> None:
        """A token over max_token_size is refused before parsing."""
        key = _dir_key()
        token = encrypt_compact(bytes(2000), key, alg="dir", enc="A256GCM")
        with pytest.raises(ExceededLimitError):
            _decrypt(token, key, "dir", "A256GCM", limits=Limits(max_token_size=1000))

    def test_jws_is_not_a_jwe(self) -> None:
        """A 3-segment token is refused as malformed."""
        with pytest.raises(MalformedJWEError, match="JWS"):
            _decrypt("a.b.c", _dir_key(), "dir", "A256GCM")


class TestKeyBinding:
    """The key must fit: kty/crv, use, key_ops, its own alg, private for decryption."""

    def test_public_key_cannot_decrypt(self) -> None:
        """Decrypting with a public RSA key is refused."""
        key = Key.generate("RSA-OAEP")
        token = encrypt_compact(b"x", key.public(), alg="RSA-OAEP", enc="A128GCM")
        with pytest.raises(InvalidKeyError):
            _decrypt(token, key.public(), "RSA-OAEP", "A128GCM")

    def test_signing_key_refused(self) -> None:
        """A key whose use is sig cannot decrypt."""
        jwk = Key.generate("A128KW").to_jwk(private=True)
        token = encrypt_compact(b"x", Key.from_jwk(jwk), alg="A128KW", enc="A128GCM")
        signing = Key.from_jwk({**jwk, "use": "sig"})
        with pytest.raises(InvalidKeyError):
            _decrypt(token, signing, "A128KW", "A128GCM")

    def test_key_ops_refused(self) -> None:
        """key_ops without unwrapKey cannot decrypt."""
        jwk = {k: v for k, v in Key.generate("A128KW").to_jwk(private=True).items() if k != "alg"}
        token = encrypt_compact(b"x", Key.from_jwk(jwk), alg="A128KW", enc="A128GCM")
        wrap_only = Key.from_jwk({**jwk, "key_ops": ["wrapKey"]})
        with pytest.raises(InvalidKeyError):
            _decrypt(token, wrap_only, "A128KW", "A128GCM")

    def test_key_bound_to_other_alg(self) -> None:
        """An AES key bound to A128GCMKW cannot be used for A128KW (Wycheproof WrongCipher)."""
        jwk = Key.generate("A128GCMKW").to_jwk(private=True)
        free = Key.from_jwk({k: v for k, v in jwk.items() if k != "alg"})
        token = encrypt_compact(b"x", free, alg="A128KW", enc="A128GCM")
        with pytest.raises(AlgorithmNotAllowedError):
            _decrypt(token, Key.from_jwk(jwk), "A128KW", "A128GCM")

    def test_wrong_curve(self) -> None:
        """A P-384 key cannot decrypt a token made for P-256."""
        p256 = Key.generate("ECDH-ES")
        token = encrypt_compact(b"x", p256.public(), alg="ECDH-ES", enc="A128GCM")
        p384 = Key.from_jwk(ecdh_jwk("P-384"))
        with pytest.raises(DecryptionError):
            _decrypt(token, p384, "ECDH-ES", "A128GCM")


class TestAllowLists:
    """algorithms and encryptions are required and strict."""

    def test_required(self) -> None:
        """Leaving them out is a TypeError: there is no default."""
        with pytest.raises(TypeError):
            decrypt_compact("a.b.c.d.e", _dir_key())  # type: ignore[call-arg]

    @pytest.mark.parametrize("bad", ["dir", [], ["none"]], ids=["string", "empty", "unknown"])
    def test_bad_lists(self, bad: Any) -> None:
        """A bare string, an empty list or an unknown name is a caller's mistake."""
        with pytest.raises((TypeError, ValueError)):
            decrypt_compact("a.b.c.d.e", _dir_key(), algorithms=bad, encryptions=["A256GCM"])
        with pytest.raises((TypeError, ValueError)):
            decrypt_compact("a.b.c.d.e", _dir_key(), algorithms=["dir"], encryptions=bad)

    def test_enc_not_allowed(self) -> None:
        """An enc outside the list is refused."""
        key = _dir_key("A128GCM")
        token = encrypt_compact(b"x", key, alg="dir", enc="A128GCM")
        with pytest.raises(AlgorithmNotAllowedError):
            _decrypt(token, key, "dir", "A256GCM")

    def test_any_bytes_raise_only_jotkit_errors(self) -> None:
        """Garbage tokens raise JotkitError subclasses only."""
        key = _dir_key()
        for token in ["", "....", "a.b.c.d.e", "e30....", "eyJhbGciOiJkaXIifQ....", "\x00" * 5]:
            with pytest.raises(JotkitError):
                _decrypt(token, key, "dir", "A256GCM")
