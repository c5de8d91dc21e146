"""Key immutability, equality, hashing and a repr that never shows secrets."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit._b64 import b64encode_str
from jotkit.jwk import Key
from tests.unit._keys import FAMILIES, SECRET, multiprime_jwk, private_key


def _key(family: str, **kw: Any) -> Key:
    return Key.from_cryptography(private_key(family), **kw)


class TestImmutability:
    """Keys cannot be changed once made (DESIGN: keys are immutable)."""

    def test_no_direct_construction(self) -> None:
        """Key() is refused: keys come from the from_* methods."""
        with pytest.raises(TypeError, match="from_jwk"):
            Key()

    @pytest.mark.parametrize("name", ["kid", "_kty", "_members", "new_attribute"])
    def test_no_setattr_or_delattr(self, name: str) -> None:
        """Setting or deleting any attribute is AttributeError."""
        key = _key("P-256", kid="k")
        with pytest.raises(AttributeError):
            setattr(key, name, "x")
        with pytest.raises(AttributeError):
            delattr(key, name)

    def test_members_mapping_is_read_only(self) -> None:
        """The members mapping cannot be written."""
        key = _key("P-256", kid="k")
        with pytest.raises(TypeError):
            key.members["kid"] = "other"  # type: ignore[index]

    def test_input_jwk_mutation_does_not_reach_the_key(self) -> None:
        """Changing the imported dict's lists afterwards changes nothing (key_ops bypass)."""
        jwk = {**_key("P-256").to_jwk(), "use": "sig", "key_ops": ["verify"], "x5u": "u"}
        key = Key.from_jwk(jwk)
        jwk["key_ops"].append("sign")
        jwk["kid"] = "late"
        assert key.key_ops == ("verify",)
        assert key.kid is None

    def test_exported_jwk_mutation_does_not_reach_the_key(self) -> None:
        """Changing a to_jwk() result changes nothing in the key."""
        key = Key.from_jwk({**_key("P-256").to_jwk(), "key_ops": ["verify"]})
        key.to_jwk()["key_ops"].append("sign")
        key.to_jwk(private=True)["key_ops"].append("sign")
        assert key.key_ops == ("verify",)

    def test_members_view_mutation_does_not_reach_the_key(self) -> None:
        """Nested values seen through members cannot change the key."""
        key = Key.from_jwk({**_key("P-256").to_jwk(), "key_ops": ["verify"]})
        ops = key.members["key_ops"]
        if isinstance(ops, list):
            ops.append("sign")
        assert key.key_ops == ("verify",)

    def test_multiprime_input_mutation_does_not_reach_the_key(self) -> None:
        """Changing the imported oth list afterwards does not change the exported key."""
        jwk = multiprime_jwk()
        key = Key.from_jwk(jwk)
        jwk["oth"][0]["r"] = "AQAB"
        assert key.to_jwk(private=True) == multiprime_jwk()


class TestEquality:
    """Equality and hashing."""

    @pytest.mark.parametrize("family", FAMILIES)
    def test_same_material_and_members_are_equal(self, family: str) -> None:
        """A key equals its own JWK round trip, and hashes the same."""
        key = _key(family, kid="k")
        other = Key.from_jwk(key.to_jwk(private=True))
        assert key == other
        assert hash(key) == hash(other)
        assert len({key, other}) == 1

    @pytest.mark.parametrize(
        ("left", "right"),
        [
            (lambda: _key("P-256"), lambda: _key("P-256").public()),
            (lambda: _key("P-256", kid="a"), lambda: _key("P-256", kid="b")),
            (lambda: _key("P-256"), lambda: _key("P-256", alg="ES256")),
            (lambda: _key("P-256"), lambda: Key.from_cryptography(private_key("P-256", 1))),
            (lambda: _key("Ed25519"), lambda: _key("X25519")),
            (lambda: Key.from_secret(SECRET), lambda: Key.from_secret(SECRET[:-1])),
            (lambda: Key.from_secret(SECRET), lambda: Key.from_secret(SECRET, kid="x")),
        ],
        ids=[
            "private-vs-public",
            "kid",
            "alg",
            "other-material",
            "other-curve",
            "other-secret",
            "secret-kid",
        ],
    )
    def test_unequal(self, left: Any, right: Any) -> None:
        """Keys differing in material, privacy or members are unequal."""
        assert left() != right()

    def test_oct_equal(self) -> None:
        """Two oct keys of the same secret and members are equal."""
        mutable: Any = bytearray(SECRET)
        assert Key.from_secret(SECRET, kid="a") == Key.from_secret(mutable, kid="a")

    def test_other_types(self) -> None:
        """A key is never equal to a non-key."""
        key = Key.from_secret(SECRET)
        assert key != SECRET
        assert key.__eq__(SECRET) is NotImplemented


class TestRepr:
    """repr shows what a key is, never what is secret."""

    @pytest.mark.parametrize("family", FAMILIES)
    def test_private_asymmetric(self, family: str) -> None:
        """No private member value appears in the repr."""
        key = _key(family, kid="k1", alg=None)
        text = repr(key)
        assert text.startswith("Key(kty=")
        assert "kid='k1'" in text
        assert text.endswith("private)")
        for name, value in key.to_jwk(private=True).items():
            if name in ("d", "p", "q", "dp", "dq", "qi"):
                assert value not in text

    def test_public(self) -> None:
        """A public key says so."""
        assert repr(_key("P-256").public()) == "Key(kty='EC', crv='P-256', public)"

    def test_secret(self) -> None:
        """An oct key shows metadata and the word secret, never the bytes."""
        key = Key.from_secret(SECRET, kid="h", alg="HS256")
        text = repr(key)
        assert text == "Key(kty='oct', kid='h', alg='HS256', secret)"
        assert b64encode_str(SECRET) not in text
        assert repr(SECRET) not in text

    def test_use_shown(self) -> None:
        """use is shown when present."""
        key = Key.from_jwk({**_key("Ed25519").to_jwk(), "use": "sig"})
        assert repr(key) == "Key(kty='OKP', crv='Ed25519', use='sig', public)"
