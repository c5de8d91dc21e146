"""``KeySet`` (RFC 7517 section 5) and ``select_key``: selection by kid, then by fit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from jotkit.errors import (
    AlgorithmNotAllowedError,
    InvalidKeyError,
    KeyNotFoundError,
    MalformedError,
    MultipleKeysMatchedError,
    SecurityWarning,
)
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key, KeySet, select_key
from tests.unit._keys import SECRET, private_key

ES256 = JWS_ALGORITHMS["ES256"]
RS256 = JWS_ALGORITHMS["RS256"]
HS256 = JWS_ALGORITHMS["HS256"]


def _pub(family: str, index: int = 0, **members: Any) -> dict[str, Any]:
    jwk = Key.from_cryptography(private_key(family, index)).to_jwk()
    return {**jwk, **members}


def _set(*jwks: Mapping[str, Any]) -> KeySet:
    return KeySet.from_jwks({"keys": list(jwks)})


class TestFromJwks:
    """Import, skipping and rejection."""

    @pytest.mark.parametrize("form", ["dict", "str", "bytes"])
    def test_forms(self, form: str) -> None:
        """A JWK Set imports from a dict or from JSON text."""
        jwks = {"keys": [_pub("P-256", kid="a"), _pub("RSA", kid="b")]}
        text = json.dumps(jwks)
        given: Any = {"dict": jwks, "str": text, "bytes": text.encode()}[form]
        keys = KeySet.from_jwks(given)
        assert [k.kid for k in keys] == ["a", "b"]
        assert len(keys) == 2
        assert keys[1].kty == "RSA"
        assert keys.skipped == ()
        assert repr(keys) == "KeySet(2 keys)"

    @pytest.mark.parametrize(
        "jwks",
        [[], {"keys": {}}, {"keys": None}, {}, '"keys"'],
        ids=["list", "keys-object", "keys-null", "no-keys", "json-string"],
    )
    def test_not_a_jwk_set(self, jwks: Any) -> None:
        """Anything but an object with a keys list is InvalidKeyError."""
        with pytest.raises(InvalidKeyError, match="JWK Set"):
            KeySet.from_jwks(jwks)

    def test_strict_json(self) -> None:
        """Duplicate members in the JSON text are MalformedError."""
        with pytest.raises(MalformedError):
            KeySet.from_jwks('{"keys":[],"keys":[]}')

    def test_unusable_members_are_skipped_and_listed(self) -> None:
        """Unknown kty, unknown crv and non-objects are skipped with their index."""
        jwks = {
            "keys": [
                {"kty": "DSA", "p": "AA"},
                _pub("P-256", kid="ok"),
                {"kty": "EC", "crv": "P-192", "x": "AA", "y": "AA"},
                {"kty": "OKP", "crv": "X9000", "x": "AA"},
                "not an object",
                {"crv": "P-256"},
            ]
        }
        keys = KeySet.from_jwks(jwks)
        assert [k.kid for k in keys] == ["ok"]
        assert [index for index, _ in keys.skipped] == [0, 2, 3, 4, 5]
        assert "'DSA'" in keys.skipped[0][1]
        assert "'P-192'" in keys.skipped[1][1]
        assert "object" in keys.skipped[3][1]

    @pytest.mark.parametrize(
        "member",
        [{"kty": ["RSA"]}, {"kty": {"a": 1}}, {"kty": "EC", "crv": ["P-256"]}],
        ids=["kty-list", "kty-object", "crv-list"],
    )
    def test_unhashable_kty_or_crv_is_skipped(self, member: dict[str, Any]) -> None:
        """A non-string kty or crv in a remote set is skipped, never a TypeError."""
        keys = KeySet.from_jwks({"keys": [member, _pub("P-256")]})
        assert len(keys) == 1
        assert [index for index, _ in keys.skipped] == [0]

    def test_invalid_key_of_supported_type(self) -> None:
        """A supported key type with bad material rejects the whole set."""
        bad = {**_pub("P-256"), "y": _pub("P-256", 1)["y"]}
        with pytest.raises(InvalidKeyError, match="curve"):
            _set(_pub("RSA"), bad)

    def test_mixed_public_and_secret_rejected(self) -> None:
        """A published set must not carry secrets (Wycheproof MixedKeySet)."""
        oct_jwk = Key.from_secret(SECRET).to_jwk(private=True)
        with pytest.raises(InvalidKeyError, match="mix"):
            _set(_pub("P-256"), oct_jwk)

    def test_allow_weak(self) -> None:
        """allow_weak reaches every key, and each emits SecurityWarning."""
        jwks = {"keys": [{"kty": "oct", "k": "a2tra2tra2tra2tra2tra2s"}]}  # 128 bits
        with pytest.raises(InvalidKeyError):
            KeySet.from_jwks(jwks)[0].check("sign", HS256)
        with pytest.warns(SecurityWarning):
            keys = KeySet.from_jwks(jwks, allow_weak=True)
        keys[0].check("sign", HS256)


class TestKeySetBasics:
    """Construction, export and find."""

    def test_constructor_holds_keys_only(self) -> None:
        """A KeySet of non-Key objects is TypeError."""
        with pytest.raises(TypeError):
            KeySet([_pub("P-256")])  # type: ignore[list-item]

    @pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
    def test_to_jwks(self, private: bool) -> None:
        """to_jwks exports every key, private members only when asked."""
        keys = KeySet([Key.from_cryptography(private_key("P-256"), kid="a")])
        exported = keys.to_jwks(private=private)
        assert [set(j) >= {"kty", "crv", "x", "y"} for j in exported["keys"]] == [True]
        assert ("d" in exported["keys"][0]) is private

    def test_iteration(self) -> None:
        """Iterating yields the keys in order."""
        a, b = Key.from_secret(SECRET, kid="a"), Key.from_secret(SECRET[:40], kid="b")
        assert list(KeySet([a, b])) == [a, b]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({}, ["e1", "e2", "r", "h", None]),
            ({"kid": "e1"}, ["e1"]),
            ({"kid": "missing"}, []),
            ({"alg": "ES256"}, ["e1"]),
            ({"alg": "RS256"}, ["r"]),
            ({"alg": "HS256"}, ["h"]),
            ({"alg": "EdDSA"}, [None]),
            ({"alg": "no-such-alg"}, []),
            ({"use": "sig"}, ["e1", "r", "h", None]),
            ({"use": "enc"}, ["e2", "h", None]),
            ({"kid": "e2", "alg": "ES256"}, []),
            ({"kid": "e1", "alg": "ES256", "use": "sig"}, ["e1"]),
            ({"kid": "e1", "alg": "RS256"}, []),
        ],
        ids=[
            "all",
            "kid",
            "kid-missing",
            "alg-es256-skips-enc-key",
            "alg-rs256",
            "alg-hs256",
            "alg-eddsa",
            "alg-unknown",
            "use-sig",
            "use-enc",
            "kid-with-unfit-use",
            "all-three",
            "kid-and-wrong-alg",
        ],
    )
    def test_find(self, query: dict[str, str], expected: list[str | None]) -> None:
        """find filters by kid, by fit to alg, and by use (keys without use match any)."""
        keys = KeySet(
            [
                Key.from_jwk(_pub("P-256", kid="e1", use="sig")),
                Key.from_jwk(_pub("P-256", 1, kid="e2", use="enc")),
                Key.from_jwk(_pub("RSA", kid="r", use="sig")),
                Key.from_secret(SECRET, kid="h"),
                Key.from_cryptography(private_key("Ed25519")),
            ]
        )
        assert [k.kid for k in keys.find(**query)] == expected

    def test_find_with_key_ops(self) -> None:
        """find(alg=) asks whether a key can do any operation with alg; key_ops apply."""
        verify_only = Key.from_jwk(_pub("P-256", kid="v", key_ops=["verify"]))
        public_sign_only = Key.from_jwk(_pub("P-256", 1, kid="s", key_ops=["sign"]))
        jwk = Key.generate("ES256").to_jwk(private=True)
        private_sign_only = Key.from_jwk({**jwk, "kid": "p", "key_ops": ["sign"]})
        found = KeySet([verify_only, public_sign_only, private_sign_only]).find(alg="ES256")
        assert found == [verify_only, private_sign_only]


class TestSelect:
    """``KeySet.select``: by kid, then by fit; never "try every key"."""

    @staticmethod
    def _keys() -> KeySet:
        return KeySet(
            [
                Key.from_cryptography(private_key("P-256").public_key(), kid="ec"),
                Key.from_cryptography(private_key("RSA").public_key(), kid="rsa"),
                Key.from_cryptography(private_key("P-384").public_key()),
            ]
        )

    @pytest.mark.parametrize(
        ("header", "desc", "kid"),
        [
            ({"kid": "ec"}, ES256, "ec"),
            ({"kid": "rsa"}, RS256, "rsa"),
            ({}, RS256, "rsa"),
            ({}, ES256, "ec"),
            ({}, JWS_ALGORITHMS["ES384"], None),
        ],
        ids=["kid-ec", "kid-rsa", "fit-rs256", "fit-es256", "fit-es384-no-kid"],
    )
    def test_selects(self, header: dict[str, Any], desc: Any, kid: str | None) -> None:
        """The kid picks the key; without a kid the one fitting key is chosen."""
        assert self._keys().select(header, "verify", desc).kid == kid

    @pytest.mark.parametrize(
        ("header", "desc", "error", "match"),
        [
            ({"kid": "nope"}, ES256, KeyNotFoundError, "kid"),
            ({"kid": 7}, ES256, KeyNotFoundError, "not a string"),
            ({"kid": ["ec"]}, ES256, KeyNotFoundError, "not a string"),
            ({"kid": "ec"}, RS256, InvalidKeyError, "EC key cannot"),
            ({}, HS256, KeyNotFoundError, "no key fits"),
            ({}, JWS_ALGORITHMS["EdDSA"], KeyNotFoundError, "no key fits"),
        ],
        ids=["unknown-kid", "int-kid", "list-kid", "kid-wrong-type", "nothing-fits", "no-okp"],
    )
    def test_not_found(
        self, header: dict[str, Any], desc: Any, error: type[Exception], match: str
    ) -> None:
        """No matching key is KeyNotFoundError; a single kid match says why it does not fit."""
        with pytest.raises(error, match=match):
            self._keys().select(header, "verify", desc)

    def test_single_candidate_bound_to_other_alg(self) -> None:
        """The one kid match bound to another alg gives AlgorithmNotAllowedError."""
        keys = KeySet([Key.from_cryptography(private_key("RSA"), kid="k", alg="PS256")])
        with pytest.raises(AlgorithmNotAllowedError):
            keys.select({"kid": "k"}, "verify", RS256)

    def test_public_key_for_signing(self) -> None:
        """Selecting for a private operation skips public keys."""
        with pytest.raises(InvalidKeyError, match="private key"):
            self._keys().select({"kid": "ec"}, "sign", ES256)

    @pytest.mark.parametrize("header", [{}, {"kid": "same"}], ids=["no-kid", "shared-kid"])
    def test_ambiguous(self, header: dict[str, Any]) -> None:
        """Two fitting keys are MultipleKeysMatchedError, never both tried."""
        keys = KeySet(
            [
                Key.from_cryptography(private_key("P-256", 0).public_key(), kid="same"),
                Key.from_cryptography(private_key("P-256", 1).public_key(), kid="same"),
            ]
        )
        with pytest.raises(MultipleKeysMatchedError) as info:
            keys.select(header, "verify", ES256)
        assert isinstance(info.value, KeyNotFoundError)

    def test_kid_narrows_before_fit(self) -> None:
        """Keys sharing a curve are told apart by kid."""
        keys = KeySet(
            [
                Key.from_cryptography(private_key("P-256", 0).public_key(), kid="a"),
                Key.from_cryptography(private_key("P-256", 1).public_key(), kid="b"),
            ]
        )
        assert keys.select({"kid": "b"}, "verify", ES256) is keys[1]


class TestSelectKey:
    """``select_key`` turns every accepted key argument into one checked Key."""

    def test_key(self) -> None:
        """A Key is checked and returned as is."""
        key = Key.from_cryptography(private_key("P-256"))
        assert select_key(key, {}, "sign", ES256) is key
        with pytest.raises(InvalidKeyError):
            select_key(key, {}, "sign", RS256)

    def test_keyset(self) -> None:
        """A KeySet selects by kid."""
        keys = KeySet([Key.from_secret(SECRET, kid="a"), Key.from_secret(SECRET[1:], kid="b")])
        assert select_key(keys, {"kid": "b"}, "verify", HS256) is keys[1]

    @pytest.mark.parametrize("wrapper", [bytes, bytearray], ids=["bytes", "bytearray"])
    def test_bytes(self, wrapper: Any) -> None:
        """Bytes are an oct secret, checked against the algorithm."""
        key = select_key(wrapper(SECRET), {}, "verify", HS256)
        assert (key.kty, key.crypto) == ("oct", SECRET)
        with pytest.raises(InvalidKeyError, match="at least 256 bits"):
            select_key(wrapper(SECRET[:16]), {}, "verify", HS256)
        with pytest.raises(InvalidKeyError, match="oct key cannot"):
            select_key(wrapper(SECRET), {}, "verify", ES256)

    def test_bytes_that_are_a_public_key(self) -> None:
        """Bytes holding a PEM public key are refused (the HS256/RS256 confusion)."""
        pem = Key.from_cryptography(private_key("RSA")).to_pem()
        with pytest.raises(InvalidKeyError, match="asymmetric"):
            select_key(pem, {}, "verify", HS256)

    @pytest.mark.parametrize("kind", ["key", "bytes"])
    def test_callable(self, kind: str) -> None:
        """A callable gets the header and may return a Key or bytes."""
        seen: list[Mapping[str, Any]] = []
        secret_key = Key.from_secret(SECRET)

        def resolve(header: Mapping[str, Any]) -> Key | bytes:
            seen.append(header)
            return secret_key if kind == "key" else SECRET

        header = {"alg": "HS256", "kid": "x"}
        key = select_key(resolve, header, "verify", HS256)
        assert key.crypto == SECRET
        assert seen == [header]

    def test_callable_result_is_checked(self) -> None:
        """What a callable returns is checked like any key."""
        rsa = Key.from_cryptography(private_key("RSA"))
        with pytest.raises(InvalidKeyError):
            select_key(lambda header: rsa, {}, "verify", HS256)

    @pytest.mark.parametrize(
        "result",
        [None, "secret", 42, KeySet([]), lambda h: SECRET],
        ids=["none", "str", "int", "keyset", "callable"],
    )
    def test_callable_returning_junk(self, result: Any) -> None:
        """A callable returning anything but a Key or bytes is TypeError."""
        with pytest.raises(TypeError, match="must return a Key or bytes"):
            select_key(lambda header: result, {}, "verify", HS256)

    @pytest.mark.parametrize(
        "key",
        [42, None, ["k"], {"kty": "oct"}],
        ids=["int", "none", "list", "jwk-dict"],
    )
    def test_unsupported_type(self, key: Any) -> None:
        """A dict or other objects are TypeError."""
        with pytest.raises(TypeError, match="unsupported key type"):
            select_key(key, {}, "verify", HS256)

    def test_str_secret_names_the_way_out(self) -> None:
        """A str is never sniffed: the error names Key.from_secret and allow_weak."""
        with pytest.raises(TypeError, match=r"Key\.from_secret.*allow_weak=True"):
            select_key("your-256-bit-secret", {}, "verify", HS256)  # type: ignore[arg-type]

    def test_pem_str_points_to_from_pem(self) -> None:
        """A PEM given as str points to Key.from_pem."""
        pem = "-----BEGIN PUBLIC KEY-----\nMFkw...\n-----END PUBLIC KEY-----\n"
        with pytest.raises(TypeError, match=r"Key\.from_pem"):
            select_key(pem, {}, "verify", HS256)  # type: ignore[arg-type]
