"""RFC 9901's fixed values: every printed Disclosure/digest pair, and the complete
example of section 5 (issuance, presentation with key binding, processed payload)."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import Key
from jotkit._limits import DEFAULT_LIMITS
from jotkit.errors import InvalidClaimError
from jotkit.jwt import unverified
from jotkit.profiles import sd_jwt
from jotkit.profiles.sd_jwt._disclosure import decode_disclosure, encode_disclosure, hash_for
from tests._vectors import load_json

FIXED: dict[str, Any] = load_json("oauth-sd-jwt/rfc9901-fixed-values.json")
DISCLOSURES: list[dict[str, Any]] = FIXED["disclosures"]
SECTION_5: dict[str, Any] = FIXED["section_5"]
SHA256 = hash_for("sha-256")


def _ids(entry: dict[str, Any]) -> str:
    return f"{entry['sections'][0]}-{entry['label']}-{entry['digest_sha256'][:6]}"


class TestDisclosurePairs:
    """Each Disclosure the RFC prints, its digest and its contents."""

    @pytest.mark.parametrize("entry", DISCLOSURES, ids=_ids)
    def test_digest(self, entry: dict[str, Any]) -> None:
        """The digest is the printed one (SHA-256 over the Disclosure's ASCII)."""
        assert SHA256(entry["disclosure"]) == entry["digest_sha256"]

    @pytest.mark.parametrize("entry", DISCLOSURES, ids=_ids)
    def test_decodes(self, entry: dict[str, Any]) -> None:
        """The Disclosure decodes to the printed array."""
        assert decode_disclosure(entry["disclosure"], 0, DEFAULT_LIMITS) == entry["decoded"]

    @pytest.mark.parametrize("entry", DISCLOSURES, ids=_ids)
    def test_encodes_byte_for_byte(self, entry: dict[str, Any]) -> None:
        """Issuance writes the same bytes: json.dumps defaults for the generated
        examples, UTF-8 for the hand-written one of section 4.2.1."""
        utf8 = entry["sections"][0].startswith("4.2")
        assert encode_disclosure(entry["decoded"], utf8=utf8) == entry["disclosure"]

    def test_counts(self) -> None:
        """85 unique Disclosures; exactly one is hand-written in UTF-8."""
        assert len(DISCLOSURES) == 85
        utf8 = [e for e in DISCLOSURES if encode_disclosure(e["decoded"]) != e["disclosure"]]
        assert [e["label"] for e in utf8] == ["family_name"]

    @pytest.mark.parametrize(
        "variant", FIXED["disclosure_encoding_variants"], ids=lambda v: v["description"]
    )
    def test_encoding_variants(self, variant: dict[str, Any]) -> None:
        """Other spellings of the 4.2.1 array decode alike but digest differently."""
        decoded = decode_disclosure(variant["disclosure"], 0, DEFAULT_LIMITS)
        assert decoded == ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]
        assert SHA256(variant["disclosure"]) != "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"


def _issuer_key() -> Key:
    return Key.from_jwk(SECTION_5["issuer_public_jwk"]["jwk"])


class TestSection5:
    """The complete example of section 5."""

    def test_presentation_verifies(self) -> None:
        """The SD-JWT+KB of 5.2 verifies with key binding and yields the printed payload."""
        kb = SECTION_5["kb_jwt_payload"]
        claims = sd_jwt.verify(
            SECTION_5["sd_jwt_kb"]["value"],
            _issuer_key(),
            algorithms=["ES256"],
            issuer="https://issuer.example.com",
            key_binding=True,
            nonce=kb["nonce"],
            audience=kb["aud"],
            now=kb["iat"] + 10,
        )
        assert claims == SECTION_5["processed_payload"]["value"]

    def test_sd_jwt_verifies_with_every_disclosure(self) -> None:
        """The SD-JWT of 5.1, with all 10 Disclosures, yields all the claims."""
        claims = sd_jwt.verify(
            SECTION_5["sd_jwt"]["value"], _issuer_key(), algorithms=["ES256"], now=1683000001
        )
        assert claims["address"]["country"] == "US"
        assert claims["nationalities"] == ["US", "DE"]
        assert "_sd" not in claims
        assert "_sd_alg" not in claims

    def test_wrong_nonce_refused(self) -> None:
        """The same presentation with another nonce is refused."""
        kb = SECTION_5["kb_jwt_payload"]
        with pytest.raises(InvalidClaimError):
            sd_jwt.verify(
                SECTION_5["sd_jwt_kb"]["value"],
                _issuer_key(),
                algorithms=["ES256"],
                key_binding=True,
                nonce="another",
                audience=kb["aud"],
                now=kb["iat"],
            )

    def test_issue_reproduces_the_digests(self) -> None:
        """Issuing the example's claims with its salts gives the printed digests."""
        printed = [e for e in DISCLOSURES if "5.1" in e["sections"]]
        claims: dict[str, Any] = {"sub": "user_42"}
        for entry in printed[:8]:
            claims[entry["decoded"][1]] = sd_jwt.SD(entry["decoded"][2])
        claims["nationalities"] = [sd_jwt.SD(e["decoded"][1]) for e in printed[8:]]
        issuer = Key.generate("ES256")
        token = sd_jwt.issue(claims, issuer, salts=[e["decoded"][0] for e in printed])
        payload = unverified(token.split("~")[0]).claims
        expected = SECTION_5["issuer_signed_jwt_payload"]
        assert payload["_sd"] == expected["_sd"]
        assert payload["nationalities"] == expected["nationalities"]
        assert token.split("~")[1:-1] == [e["disclosure"] for e in printed]
