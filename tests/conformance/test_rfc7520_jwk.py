"""RFC 7520 section 3: the cookbook's six JWKs import and export back to the same members."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit.jwk import Key
from tests._vectors import VECTORS, load_json

_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_FILES = sorted(p.name for p in (VECTORS / "ietf-jose-cookbook" / "jwk").glob("*.json"))


def _jwk(name: str) -> dict[str, Any]:
    jwk: dict[str, Any] = load_json(f"ietf-jose-cookbook/jwk/{name}")
    return jwk


def test_all_six_examples_are_present() -> None:
    """Section 3 has six examples (3.1-3.6); a missing file must not pass silently."""
    assert [name[:3] for name in _FILES] == ["3_1", "3_2", "3_3", "3_4", "3_5", "3_6"]


class TestCookbookJwk:
    """Each JWK of RFC 7520 section 3."""

    @pytest.mark.parametrize("name", _FILES)
    def test_private_export_is_the_input(self, name: str) -> None:
        """to_jwk(private=True) gives back exactly the members that were imported."""
        jwk = _jwk(name)
        assert Key.from_jwk(jwk).to_jwk(private=True) == jwk

    @pytest.mark.parametrize("name", _FILES)
    def test_public_export_is_the_public_members(self, name: str) -> None:
        """to_jwk() gives the input without its private members (oct keys have no public form)."""
        jwk = _jwk(name)
        key = Key.from_jwk(jwk)
        if jwk["kty"] == "oct":
            with pytest.raises(ValueError, match="private=True"):
                key.to_jwk()
            return
        public = {k: v for k, v in jwk.items() if k not in _PRIVATE_MEMBERS}
        assert key.to_jwk() == public
        assert key.public().to_jwk(private=True) == public

    @pytest.mark.parametrize("name", _FILES)
    def test_json_text_imports_like_the_mapping(self, name: str) -> None:
        """The file's own JSON text imports to an equal key."""
        text = (VECTORS / "ietf-jose-cookbook" / "jwk" / name).read_text(encoding="utf-8")
        assert Key.from_jwk(text) == Key.from_jwk(_jwk(name))

    @pytest.mark.parametrize(
        ("name", "kty", "crv", "size", "private"),
        [
            ("3_1.ec_public_key.json", "EC", "P-521", 521, False),
            ("3_2.ec_private_key.json", "EC", "P-521", 521, True),
            ("3_3.rsa_public_key.json", "RSA", None, 2048, False),
            ("3_4.rsa_private_key.json", "RSA", None, 2048, True),
            ("3_5.symmetric_key_mac_computation.json", "oct", None, 256, True),
            ("3_6.symmetric_key_encryption.json", "oct", None, 256, True),
        ],
    )
    def test_key_properties(
        self, name: str, kty: str, crv: str | None, size: int, private: bool
    ) -> None:
        """Type, curve, size and privacy are what the RFC's prose says."""
        key = Key.from_jwk(_jwk(name))
        assert (key.kty, key.crv, key.size, key.is_private) == (kty, crv, size, private)

    def test_public_and_private_halves_match(self) -> None:
        """3.1 is the public half of 3.2, and 3.3 the public half of 3.4."""
        assert Key.from_jwk(_jwk("3_2.ec_private_key.json")).public() == Key.from_jwk(
            _jwk("3_1.ec_public_key.json")
        )
        assert Key.from_jwk(_jwk("3_4.rsa_private_key.json")).public() == Key.from_jwk(
            _jwk("3_3.rsa_public_key.json")
        )
