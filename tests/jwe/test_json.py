"""The JWE JSON Serialization API: general and flattened, several recipients, headers, aad."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import _json
from jotkit._b64 import b64decode, b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DecryptionError,
    ExceededLimitError,
    KeyNotFoundError,
    MalformedJWEError,
)
from jotkit.jwe import DecryptedJWEJSON, Recipient, decrypt_json, encrypt_json
from jotkit.jwk import Key, KeySet

ENC = ["A128CBC-HS256"]


def _protected(jwe: dict[str, Any]) -> dict[str, Any]:
    protected: dict[str, Any] = _json.loads(b64decode(jwe["protected"]))
    return protected


class TestMultipleRecipients:
    """One CEK, several recipients of different kinds."""

    def _setup(self) -> tuple[list[Key], dict[str, Any]]:
        rsa = Key.generate("RSA-OAEP-256", kid="rsa")
        ec = Key.generate("ECDH-ES+A256KW", kid="ec")
        aes = Key.generate("A256GCMKW", kid="aes")
        jwe = encrypt_json(
            b"for all of you",
            [
                Recipient(rsa.public(), "RSA-OAEP-256"),
                Recipient(ec.public(), "ECDH-ES+A256KW", header={"apu": "QWxpY2U"}),
                Recipient(aes, "A256GCMKW"),
            ],
            enc="A128CBC-HS256",
            unprotected={"cty": "text/plain"},
            aad=b"context",
        )
        return [rsa, ec, aes], jwe

    def test_each_recipient_decrypts(self) -> None:
        """Each key decrypts, and the result names its recipient."""
        keys, jwe = self._setup()
        algorithms = ["RSA-OAEP-256", "ECDH-ES+A256KW", "A256GCMKW"]
        for index, key in enumerate(keys):
            result = decrypt_json(jwe, key, algorithms=algorithms, encryptions=ENC)
            assert isinstance(result, DecryptedJWEJSON)
            assert (result.plaintext, result.recipient, result.aad) == (
                b"for all of you",
                index,
                b"context",
            )
            assert result.key is key
            assert result.header["cty"] == "text/plain"
            assert result.protected == {"enc": "A128CBC-HS256"}

    def test_layout(self) -> None:
        """alg, kid and the algorithm's parameters go into each recipient's header."""
        _, jwe = self._setup()
        headers = [r["header"] for r in jwe["recipients"]]
        assert [h["alg"] for h in headers] == ["RSA-OAEP-256", "ECDH-ES+A256KW", "A256GCMKW"]
        assert [h["kid"] for h in headers] == ["rsa", "ec", "aes"]
        assert "epk" in headers[1]
        assert headers[1]["apu"] == "QWxpY2U"
        assert {"iv", "tag"} <= headers[2].keys()
        assert jwe["unprotected"] == {"cty": "text/plain"}

    def test_key_set(self) -> None:
        """With a KeySet, the first recipient with a matching kid is decrypted."""
        keys, jwe = self._setup()
        result = decrypt_json(
            jwe, KeySet(keys[1:]), algorithms=["ECDH-ES+A256KW", "A256GCMKW"], encryptions=ENC
        )
        assert result.recipient == 1

    def test_recipient_not_allowed_is_skipped(self) -> None:
        """Only the allowed algorithms are tried."""
        keys, jwe = self._setup()
        result = decrypt_json(jwe, KeySet(keys), algorithms=["A256GCMKW"], encryptions=ENC)
        assert result.recipient == 2

    def test_no_recipient_for_us(self) -> None:
        """A key that fits no recipient: the key error, not a decryption error."""
        _, jwe = self._setup()
        with pytest.raises(KeyNotFoundError):
            decrypt_json(
                jwe,
                KeySet([Key.generate("A256GCMKW", kid="x")]),
                algorithms=["A256GCMKW"],
                encryptions=ENC,
            )

    def test_no_allowed_alg(self) -> None:
        """No recipient's alg is allowed."""
        keys, jwe = self._setup()
        with pytest.raises(AlgorithmNotAllowedError):
            decrypt_json(jwe, keys[0], algorithms=["A128KW"], encryptions=ENC)

    def test_altered_aad(self) -> None:
        """The JWE AAD is authenticated."""
        keys, jwe = self._setup()
        jwe["aad"] = "Y29udGV4dA0"
        with pytest.raises(DecryptionError):
            decrypt_json(jwe, keys[2], algorithms=["A256GCMKW"], encryptions=ENC)

    def test_altered_unprotected_member_does_not_matter(self) -> None:
        """Unprotected members are not authenticated, and jotkit reports them as given."""
        keys, jwe = self._setup()
        jwe["unprotected"] = {"cty": "changed"}
        result = decrypt_json(jwe, keys[2], algorithms=["A256GCMKW"], encryptions=ENC)
        assert result.header["cty"] == "changed"
        assert "cty" not in result.protected

    def test_recipient_limit(self) -> None:
        """More recipients than max_signatures is refused."""
        keys, jwe = self._setup()
        with pytest.raises(ExceededLimitError):
            decrypt_json(
                jwe,
                keys[0],
                algorithms=["RSA-OAEP-256"],
                encryptions=ENC,
                limits=Limits(max_signatures=2),
            )


class TestFlattened:
    """The flattened form (one recipient, its members at the top level)."""

    def test_round_trip(self) -> None:
        """Flattened output has no recipients array and decrypts."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"x", [Recipient(key, "A128KW")], enc="A128GCM", flattened=True)
        assert "recipients" not in jwe
        assert jwe["header"] == {"alg": "A128KW"}
        result = decrypt_json(_json.dumps(jwe), key, algorithms=["A128KW"], encryptions=["A128GCM"])
        assert (result.plaintext, result.recipient) == (b"x", 0)

    def test_flattened_needs_one_recipient(self) -> None:
        """Two recipients cannot be flattened."""
        key = Key.generate("A128KW")
        with pytest.raises(ValueError, match="flattened"):
            encrypt_json(b"x", [Recipient(key, "A128KW")] * 2, enc="A128GCM", flattened=True)

    def test_protected_alg(self) -> None:
        """alg may be protected when there is one recipient."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(
            b"x",
            [Recipient(key, "A128KW")],
            enc="A128GCM",
            protected={"alg": "A128KW"},
            flattened=True,
        )
        assert _protected(jwe) == {"enc": "A128GCM", "alg": "A128KW"}
        assert "header" not in jwe

    def test_mixed_forms_rejected(self) -> None:
        """recipients plus top-level encrypted_key is malformed."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"x", [Recipient(key, "A128KW")], enc="A128GCM")
        jwe["encrypted_key"] = jwe["recipients"][0]["encrypted_key"]
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["A128KW"], encryptions=["A128GCM"])


class TestEncryptArguments:
    """Caller mistakes."""

    def test_direct_needs_single_recipient(self) -> None:
        """dir and ECDH-ES cannot share the CEK with other recipients."""
        key = Key.generate("A128GCM")
        other = Key.generate("A128KW")
        with pytest.raises(ValueError, match="one recipient"):
            encrypt_json(b"x", [Recipient(key, "dir"), Recipient(other, "A128KW")], enc="A128GCM")

    def test_overlapping_headers(self) -> None:
        """A member in two headers is refused."""
        key = Key.generate("A128KW")
        with pytest.raises(ValueError, match="share"):
            encrypt_json(
                b"x",
                [Recipient(key, "A128KW", header={"cty": "a"})],
                enc="A128GCM",
                unprotected={"cty": "b"},
            )

    def test_alg_contradiction(self) -> None:
        """A protected alg that differs from a recipient's alg is refused."""
        key = Key.generate("A128KW")
        with pytest.raises(ValueError, match="alg"):
            encrypt_json(b"x", [Recipient(key, "A128KW")], enc="A128GCM", protected={"alg": "dir"})

    def test_zip_protected(self) -> None:
        """zip goes into the protected header."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"a" * 1000, [Recipient(key, "A128KW")], enc="A128GCM", zip="DEF")
        assert _protected(jwe)["zip"] == "DEF"
        result = decrypt_json(jwe, key, algorithms=["A128KW"], encryptions=["A128GCM"])
        assert result.plaintext == b"a" * 1000
        with pytest.raises(ValueError, match="zip"):
            encrypt_json(
                b"x", [Recipient(key, "A128KW")], enc="A128GCM", unprotected={"zip": "DEF"}
            )

    def test_no_recipients(self) -> None:
        """At least one recipient."""
        with pytest.raises(ValueError, match="recipient"):
            encrypt_json(b"x", [], enc="A128GCM")


class TestMalformed:
    """Structure errors are MalformedJWEError."""

    @pytest.mark.parametrize(
        "change",
        [
            {"recipients": []},
            {"recipients": "x"},
            {"recipients": ["x"]},
            {"protected": 1},
            {"unprotected": []},
            {"ciphertext": None},
            {"iv": "*"},
        ],
        ids=[
            "no-recipients",
            "recipients-string",
            "recipient-string",
            "protected-int",
            "unprotected-list",
            "no-ciphertext",
            "bad-iv",
        ],
    )
    def test_structure(self, change: dict[str, Any]) -> None:
        """Each structural defect is refused."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"x", [Recipient(key, "A128KW")], enc="A128GCM")
        jwe.update(change)
        jwe = {k: v for k, v in jwe.items() if v is not None}
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["A128KW"], encryptions=["A128GCM"])

    def test_not_an_object(self) -> None:
        """A JSON array is not a JWE."""
        with pytest.raises(MalformedJWEError):
            decrypt_json("[]", b"k" * 16, algorithms=["A128KW"], encryptions=["A128GCM"])

    def test_recipients_disagree_on_enc(self) -> None:
        """enc must be the same for every recipient."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"x", [Recipient(key, "A128KW")] * 2, enc="A128GCM", protected={})
        jwe.pop("protected")
        jwe["recipients"][0]["header"]["enc"] = "A128GCM"
        jwe["recipients"][1]["header"]["enc"] = "A256GCM"
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["A128KW"], encryptions=["A128GCM", "A256GCM"])

    @pytest.mark.parametrize("enc", [[], {}, ["A128GCM"], 1, None])
    def test_ill_typed_enc(self, enc: Any) -> None:
        """An enc that is not a string (even an unhashable one) is malformed."""
        key = Key.generate("A128KW")
        jwe = encrypt_json(b"x", [Recipient(key, "A128KW")], enc="A128GCM", flattened=True)
        jwe["protected"] = b64encode_str(_json.dumps({"enc": enc}))
        with pytest.raises(MalformedJWEError):
            decrypt_json(jwe, key, algorithms=["A128KW"], encryptions=["A128GCM"])
