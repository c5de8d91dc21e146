"""The compact JWE API: round trips for every alg and enc, headers, the pre-bound decrypter."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit._b64 import b64encode_str
from jotkit.errors import InvalidKeyError, KeyNotFoundError, MultipleKeysMatchedError
from jotkit.jwa import CONTENT_ENCRYPTIONS, KEY_MANAGEMENT
from jotkit.jwe import CompactDecrypter, DecryptedJWE, decrypt_compact, encrypt_compact
from jotkit.jwk import Key, KeySet
from tests.jwe._keys import ecdh_jwk
from tests.jwe._tokens import header_of

PASSWORD = b"correct horse battery staple"


def _keys(alg: str, enc: str) -> tuple[Key | bytes, Key | bytes]:
    """(encryption key, decryption key) for ``alg``."""
    if alg == "dir":
        key = Key.generate(enc)
        return key, key
    if alg.startswith("PBES2"):
        return PASSWORD, PASSWORD
    key = Key.generate(alg)
    return (key if key.kty == "oct" else key.public()), key


PAIRS = [(alg, enc) for alg in sorted(KEY_MANAGEMENT) for enc in sorted(CONTENT_ENCRYPTIONS)]


class TestRoundTrip:
    """Every alg with every enc."""

    @pytest.mark.parametrize(("alg", "enc"), PAIRS)
    def test_round_trip(self, alg: str, enc: str) -> None:
        """What is encrypted decrypts, with the header saying alg and enc."""
        encryption_key, decryption_key = _keys(alg, enc)
        token = encrypt_compact(b"payload", encryption_key, alg=alg, enc=enc)
        result = decrypt_compact(token, decryption_key, algorithms=[alg], encryptions=[enc])
        assert isinstance(result, DecryptedJWE)
        assert result.plaintext == b"payload"
        assert (result.header["alg"], result.header["enc"]) == (alg, enc)
        assert result.protected == result.header

    @pytest.mark.parametrize("crv", ["P-384", "P-521", "X25519", "X448"])
    def test_ecdh_curves(self, crv: str) -> None:
        """ECDH-ES works on every curve, the epk on the recipient's curve."""
        key = Key.from_jwk(ecdh_jwk(crv))
        token = encrypt_compact(b"x", key.public(), alg="ECDH-ES+A256KW", enc="A256GCM")
        assert header_of(token)["epk"]["crv"] == crv
        result = decrypt_compact(token, key, algorithms=["ECDH-ES+A256KW"], encryptions=["A256GCM"])
        assert result.plaintext == b"x"

    def test_empty_plaintext(self) -> None:
        """An empty plaintext round-trips."""
        key = Key.generate("A256GCM")
        token = encrypt_compact(b"", key, alg="dir", enc="A256GCM")
        assert (
            decrypt_compact(token, key, algorithms=["dir"], encryptions=["A256GCM"]).plaintext
            == b""
        )

    def test_zip(self) -> None:
        """zip=DEF compresses and is protected."""
        key = Key.generate("A128KW")
        token = encrypt_compact(b"a" * 10_000, key, alg="A128KW", enc="A128GCM", zip="DEF")
        assert header_of(token)["zip"] == "DEF"
        assert len(token) < 1000
        result = decrypt_compact(token, key, algorithms=["A128KW"], encryptions=["A128GCM"])
        assert result.plaintext == b"a" * 10_000

    def test_bytes_token(self) -> None:
        """A token given as bytes is accepted."""
        key = Key.generate("A128GCM")
        token = encrypt_compact(b"x", key, alg="dir", enc="A128GCM").encode()
        assert (
            decrypt_compact(token, key, algorithms=["dir"], encryptions=["A128GCM"]).plaintext
            == b"x"
        )

    def test_dir_key_bound_to_dir(self) -> None:
        """A dir key may be bound to the enc (RFC 7520 5.6) or to dir itself."""
        jwk = Key.generate("A128GCM").to_jwk(private=True)
        key = Key.from_jwk({**jwk, "alg": "dir"})
        token = encrypt_compact(b"x", key, alg="dir", enc="A128GCM")
        assert (
            decrypt_compact(token, key, algorithms=["dir"], encryptions=["A128GCM"]).plaintext
            == b"x"
        )


class TestHeaders:
    """The protected header jotkit writes."""

    def test_default_order_and_kid(self) -> None:
        """alg, the key's kid, enc, zip, then the caller's members."""
        key = Key.generate("A128KW", kid="k1")
        token = encrypt_compact(
            b"x", key, alg="A128KW", enc="A128GCM", zip="DEF", headers={"cty": "JWT"}
        )
        assert list(header_of(token)) == ["alg", "kid", "enc", "zip", "cty"]
        assert header_of(token)["kid"] == "k1"

    def test_caller_order_kept(self) -> None:
        """When headers include alg, their order is the caller's."""
        key = Key.generate("A128KW")
        headers = {"alg": "A128KW", "typ": "JWT", "enc": "A128GCM"}
        token = encrypt_compact(b"x", key, alg="A128KW", enc="A128GCM", headers=headers)
        assert list(header_of(token)) == ["alg", "typ", "enc"]

    @pytest.mark.parametrize("member", ["alg", "enc", "zip"])
    def test_contradiction(self, member: str) -> None:
        """headers cannot contradict alg, enc or zip."""
        with pytest.raises(ValueError, match=member):
            encrypt_compact(
                b"x", Key.generate("A128KW"), alg="A128KW", enc="A128GCM", headers={member: "X"}
            )

    def test_generated_params_cannot_be_forced(self) -> None:
        """An epk or iv set by the caller (and not what the algorithm made) is refused."""
        with pytest.raises(ValueError, match="epk"):
            encrypt_compact(
                b"x",
                Key.generate("ECDH-ES").public(),
                alg="ECDH-ES",
                enc="A128GCM",
                headers={"epk": {}},
            )
        with pytest.raises(ValueError, match="iv"):
            encrypt_compact(
                b"x",
                Key.generate("A128GCMKW"),
                alg="A128GCMKW",
                enc="A128GCM",
                headers={"iv": "AAAA"},
            )

    def test_apu_apv(self) -> None:
        """apu/apv set in the headers feed the Concat KDF and travel in the header."""
        key = Key.generate("ECDH-ES")
        headers = {"apu": b64encode_str(b"Alice"), "apv": b64encode_str(b"Bob")}
        token = encrypt_compact(b"x", key.public(), alg="ECDH-ES", enc="A128GCM", headers=headers)
        assert header_of(token)["apu"] == "QWxpY2U"
        assert (
            decrypt_compact(token, key, algorithms=["ECDH-ES"], encryptions=["A128GCM"]).plaintext
            == b"x"
        )

    def test_epk_per_message(self) -> None:
        """Every message gets a fresh ephemeral key."""
        key = Key.generate("ECDH-ES").public()
        first, second = (encrypt_compact(b"x", key, alg="ECDH-ES", enc="A128GCM") for _ in range(2))
        assert header_of(first)["epk"] != header_of(second)["epk"]

    def test_pbes2_salt_and_count(self) -> None:
        """PBES2 writes a fresh salt and the default count, or the caller's count."""
        token = encrypt_compact(b"x", PASSWORD, alg="PBES2-HS256+A128KW", enc="A128GCM")
        assert header_of(token)["p2c"] == 10_000
        token = encrypt_compact(
            b"x", PASSWORD, alg="PBES2-HS256+A128KW", enc="A128GCM", headers={"p2c": 2000}
        )
        assert header_of(token)["p2c"] == 2000


class TestArguments:
    """Caller mistakes are TypeError/ValueError."""

    def test_unknown_names(self) -> None:
        """Unknown alg, enc and zip."""
        key = Key.generate("A128KW")
        with pytest.raises(ValueError, match="alg"):
            encrypt_compact(b"x", key, alg="none", enc="A128GCM")
        with pytest.raises(ValueError, match="enc"):
            encrypt_compact(b"x", key, alg="A128KW", enc="A128CTR")
        with pytest.raises(ValueError, match="zip"):
            encrypt_compact(b"x", key, alg="A128KW", enc="A128GCM", zip="GZ")

    def test_types(self) -> None:
        """The plaintext must be bytes; the key a Key or bytes."""
        key = Key.generate("A128KW")
        with pytest.raises(TypeError):
            encrypt_compact("text", key, alg="A128KW", enc="A128GCM")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            encrypt_compact(b"x", object(), alg="A128KW", enc="A128GCM")  # type: ignore[arg-type]

    def test_key_that_does_not_fit(self) -> None:
        """An RSA key for A128KW is refused when encrypting."""
        with pytest.raises(InvalidKeyError):
            encrypt_compact(b"x", Key.generate("RSA-OAEP").public(), alg="A128KW", enc="A128GCM")


class TestKeySelection:
    """KeySets, bytes and callables, as for JWS."""

    def test_key_set_by_kid(self) -> None:
        """The key whose kid the header names decrypts."""
        a, b = Key.generate("A128KW", kid="a"), Key.generate("A128KW", kid="b")
        token = encrypt_compact(b"x", b, alg="A128KW", enc="A128GCM")
        result = decrypt_compact(
            token, KeySet([a, b]), algorithms=["A128KW"], encryptions=["A128GCM"]
        )
        assert result.key is b

    def test_key_set_ambiguous(self) -> None:
        """Two fitting keys without a kid: refused, never tried one after the other."""
        a, b = Key.generate("A128KW"), Key.generate("A128KW")
        token = encrypt_compact(b"x", a, alg="A128KW", enc="A128GCM")
        with pytest.raises(MultipleKeysMatchedError):
            decrypt_compact(token, KeySet([a, b]), algorithms=["A128KW"], encryptions=["A128GCM"])

    def test_key_set_unknown_kid(self) -> None:
        """An unknown kid finds no key."""
        token = encrypt_compact(b"x", Key.generate("A128KW", kid="z"), alg="A128KW", enc="A128GCM")
        with pytest.raises(KeyNotFoundError):
            decrypt_compact(
                token,
                KeySet([Key.generate("A128KW", kid="a")]),
                algorithms=["A128KW"],
                encryptions=["A128GCM"],
            )

    def test_bytes_and_callable(self) -> None:
        """Raw bytes and a (header) -> Key callable both work."""
        key = Key.generate("A256KW", kid="k")
        token = encrypt_compact(b"x", key, alg="A256KW", enc="A256GCM")
        secret = key.crypto
        options: dict[str, Any] = {"algorithms": ["A256KW"], "encryptions": ["A256GCM"]}
        assert decrypt_compact(token, secret, **options).plaintext == b"x"
        seen: list[Any] = []

        def resolve(header: Any) -> Key:
            seen.append(header["kid"])
            return key

        assert decrypt_compact(token, resolve, **options).plaintext == b"x"
        assert seen == ["k"]


class TestCompactDecrypter:
    """The pre-bound decrypter."""

    def test_reuse(self) -> None:
        """One decrypter decrypts many tokens, and checks its key once per alg/enc pair."""
        key = Key.generate("A256GCM")
        decrypter = CompactDecrypter(key, algorithms=["dir"], encryptions=["A256GCM"])
        for index in range(3):
            token = encrypt_compact(bytes([index]), key, alg="dir", enc="A256GCM")
            assert decrypter.decrypt(token).plaintext == bytes([index])


class TestHeaderCaches:
    """The header caches never confuse equal-comparing values of different types."""

    def test_true_and_one_are_not_confused(self) -> None:
        """A header with True and one with 1 serialize differently (1 == True in Python)."""
        key = Key.generate("A128KW")
        first = encrypt_compact(b"x", key, alg="A128KW", enc="A128GCM", headers={"x": True})
        second = encrypt_compact(b"x", key, alg="A128KW", enc="A128GCM", headers={"x": 1})
        third = encrypt_compact(b"x", key, alg="A128KW", enc="A128GCM", headers={"x": 1.0})
        assert header_of(first)["x"] is True
        assert type(header_of(second)["x"]) is int
        assert type(header_of(third)["x"]) is float

    def test_decoded_header_is_a_fresh_copy(self) -> None:
        """Mutating one result's header does not leak into the next decryption."""
        key = Key.generate("A128KW")
        token = encrypt_compact(b"x", key, alg="A128KW", enc="A128GCM")
        options: dict[str, Any] = {"algorithms": ["A128KW"], "encryptions": ["A128GCM"]}
        first = decrypt_compact(token, key, **options)
        first.header["injected"] = True  # type: ignore[index]
        assert "injected" not in decrypt_compact(token, key, **options).header
