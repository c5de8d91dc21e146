"""RFC 7520 section 4: every JWS serialization verifies; deterministic ones are re-made.

HS256, RS256 and EdDSA signatures are deterministic, so jotkit must reproduce 4.1 and
4.4-4.7 (and the RS256 and HS256 signatures of 4.8) byte for byte. PS384 (4.2) and ES512
(4.3, and the second signature of 4.8) are randomized: for those, a fresh signature with
the same protected header must verify.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit.errors import InvalidSignatureError
from jotkit.jwk import Key, KeySet
from jotkit.jws import Signer, sign_json, verify_json
from tests._vectors import load_json

from ._cookbook import SERIALIZATIONS, load_example

_SINGLE = [
    "4_1.rsa_v15_signature.json",
    "4_2.rsa-pss_signature.json",
    "4_3.ecdsa_signature.json",
    "4_4.hmac-sha2_integrity_protection.json",
    "4_5.signature_with_detached_content.json",
    "4_6.protecting_specific_header_fields.json",
    "4_7.protecting_content_only.json",
]
_RANDOMIZED = {"4_2.rsa-pss_signature.json", "4_3.ecdsa_signature.json"}
_DETACHED = "4_5.signature_with_detached_content.json"
_MULTIPLE = "ietf-jose-cookbook/jws/4_8.multiple_signatures.json"


def _cases(names: list[str]) -> list[Any]:
    cases = []
    for name in names:
        example = load_example(f"ietf-jose-cookbook/jws/{name}")
        for serialization in SERIALIZATIONS:
            if serialization in example.output:
                cases.append(pytest.param(name, serialization, id=f"{name[:3]}-{serialization}"))
    return cases


def test_section_4_has_twenty_serializations() -> None:
    """4.1-4.8 carry 20 outputs (19 single-signer ones and 4.8's general JSON)."""
    assert len(_cases(_SINGLE)) == 19
    assert list(load_json(_MULTIPLE)["output"]) == ["json"]


class TestVerify:
    """Every serialization of 4.1-4.7 verifies with the public key and its alg only."""

    @pytest.mark.parametrize(("name", "serialization"), _cases(_SINGLE))
    def test_verifies(self, name: str, serialization: str) -> None:
        """The payload comes back, and the protected header is the one the RFC shows."""
        example = load_example(f"ietf-jose-cookbook/jws/{name}")
        result = example.verify(serialization)
        assert result.payload == example.payload
        assert dict(result.protected) == (example.signing.get("protected") or {})
        assert result.header["alg"] == example.alg

    @pytest.mark.parametrize(("name", "serialization"), _cases([_DETACHED]))
    def test_other_detached_payload_fails(self, name: str, serialization: str) -> None:
        """4.5: the same signature over another detached payload does not verify."""
        example = load_example(f"ietf-jose-cookbook/jws/{name}")
        assert example.detached(serialization)
        example.payload = example.payload.replace(b"Frodo", b"Sam")
        with pytest.raises(InvalidSignatureError):
            example.verify(serialization)


class TestReproduce:
    """jotkit, asked for the same headers, makes the same serialization."""

    @pytest.mark.parametrize(
        ("name", "serialization"), _cases([n for n in _SINGLE if n not in _RANDOMIZED])
    )
    def test_deterministic_byte_for_byte(self, name: str, serialization: str) -> None:
        """HS256 and RS256 outputs are reproduced exactly."""
        example = load_example(f"ietf-jose-cookbook/jws/{name}")
        assert example.sign(serialization) == example.output[serialization]

    @pytest.mark.parametrize(("name", "serialization"), _cases(sorted(_RANDOMIZED)))
    def test_randomized_round_trip(self, name: str, serialization: str) -> None:
        """PS384 and ES512: same protected header; the new signature verifies."""
        example = load_example(f"ietf-jose-cookbook/jws/{name}")
        made = example.sign(serialization)
        expected = example.output[serialization]
        if serialization == "compact":
            assert made.split(".")[:2] == expected.split(".")[:2]
            assert made != expected
        else:
            assert {k: v for k, v in made.items() if k not in ("signatures", "signature")} == {
                k: v for k, v in expected.items() if k not in ("signatures", "signature")
            }
        example.output[serialization] = made
        assert example.verify(serialization).payload == example.payload


def _multiple() -> tuple[dict[str, Any], list[Key], list[str]]:
    data: dict[str, Any] = load_json(_MULTIPLE)
    keys = [Key.from_jwk(jwk) for jwk in data["input"]["key"]]
    return data, keys, data["input"]["alg"]


class TestMultipleSignatures:
    """4.8: one payload signed with RS256, ES512 (all unprotected) and HS256."""

    @pytest.mark.parametrize("index", [0, 1, 2], ids=["RS256", "ES512", "HS256"])
    def test_each_signature_verifies_with_its_key(self, index: int) -> None:
        """Given one key and its alg, the signature made with that key is the one reported."""
        data, keys, algs = _multiple()
        key = keys[index] if keys[index].kty == "oct" else keys[index].public()
        result = verify_json(data["output"]["json"], key, algorithms=[algs[index]])
        assert result.index == index
        assert result.payload == data["input"]["payload"].encode("utf-8")

    def test_shared_kid_is_resolved_by_fit(self) -> None:
        """The RSA and EC keys share a kid (README quirk 8): selection by fit tells them apart."""
        data, keys, _ = _multiple()
        public = KeySet([keys[0].public(), keys[1].public()])
        assert verify_json(data["output"]["json"], public, algorithms=["ES512"]).index == 1
        assert verify_json(data["output"]["json"], public, algorithms=["RS256"]).index == 0

    def test_reproduced(self) -> None:
        """RS256 and HS256 entries are byte for byte; the ES512 entry has the same header."""
        data, keys, algs = _multiple()
        signers = [
            Signer(
                key,
                alg=alg,
                protected=step.get("protected"),
                unprotected=step.get("unprotected", {}),
            )
            for key, alg, step in zip(keys, algs, data["signing"], strict=True)
        ]
        payload = data["input"]["payload"].encode("utf-8")
        made = sign_json(payload, signers)
        expected = data["output"]["json"]
        assert made["payload"] == expected["payload"]
        assert made["signatures"][0] == expected["signatures"][0]
        assert made["signatures"][2] == expected["signatures"][2]
        assert "protected" not in made["signatures"][1]
        assert made["signatures"][1]["header"] == expected["signatures"][1]["header"]
        only_es512 = {"payload": made["payload"], "signatures": [made["signatures"][1]]}
        assert verify_json(only_es512, keys[1].public(), algorithms=["ES512"]).index == 0
