"""Wycheproof json_web_encryption_test.json: every case, outcome matching its label.

Each case is decrypted as a compact JWE with the group's private key and allow-lists
naming every algorithm jotkit implements (RSA1_5 included), so that a rejection comes
from the key binding or the cryptography, never from a narrow allow-list.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit.errors import JotkitError
from jotkit.jwa import CONTENT_ENCRYPTIONS, KEY_MANAGEMENT
from jotkit.jwe import decrypt_compact
from jotkit.jwk import Key
from tests._vectors import load_json

DATA = load_json("wycheproof/testvectors_v1/json_web_encryption_test.json")

#: Cases whose outcome in jotkit differs from the label, with the reason. None so far.
DISAGREEMENTS: dict[int, str] = {}

#: Invalid only because the key is bound to another alg (flags WrongCipher and
#: Pkcs15WithOaepKey): the token itself was honestly made with this key material under
#: the token's alg, so with the binding removed it decrypts. The binding is the defence.
BINDING_ONLY = {
    106: "A128GCMKW key used with A128KW",
    107: "A128KW key used with A128GCMKW",
    108: "A256GCMKW key used with A256KW",
    109: "A256KW key used with A256GCMKW",
    110: "RSA-OAEP key used with RSA1_5",
    111: "RSA-OAEP-256 key used with RSA1_5",
}


def _cases() -> list[Any]:
    return [
        pytest.param(group["private"], case, id=f"tc{case['tcId']}")
        for group in DATA["testGroups"]
        for case in group["tests"]
    ]


def test_case_count() -> None:
    """All 139 cases are collected (65 valid, 74 invalid)."""
    results = [c.values[1]["result"] for c in _cases()]
    assert len(results) == DATA["numberOfTests"] == 139
    assert results.count("valid") == 65
    assert results.count("invalid") == 74


def _check(jwk: dict[str, Any], case: dict[str, Any], expected: str | None = None) -> None:
    key = Key.from_jwk(jwk)

    def run() -> bytes:
        return decrypt_compact(
            case["jwe"],
            key,
            algorithms=list(KEY_MANAGEMENT),
            encryptions=list(CONTENT_ENCRYPTIONS),
        ).plaintext

    if (expected or case["result"]) == "valid":
        assert run() == bytes.fromhex(case["pt"])
    else:
        assert case["result"] == "invalid"
        with pytest.raises(JotkitError):
            run()


@pytest.mark.parametrize(("jwk", "case"), _cases())
def test_case(jwk: dict[str, Any], case: dict[str, Any]) -> None:
    """Valid cases decrypt to ``pt``; invalid ones raise a JotkitError."""
    if case["tcId"] in DISAGREEMENTS:
        pytest.xfail(DISAGREEMENTS[case["tcId"]])
    _check(jwk, case)


@pytest.mark.parametrize(("jwk", "case"), _cases())
def test_case_without_key_alg(jwk: dict[str, Any], case: dict[str, Any]) -> None:
    """The same outcome when the key is not bound to an alg, except for BINDING_ONLY.

    The PKCS #1 padding-oracle cases (RSA1_5 against an RSA-OAEP key, with malformed
    padding) are first stopped by the key's ``alg``; without it they must still fail in
    the cryptography: RSA1_5 falls back to a random CEK (RFC 7516 11.5) and they end in
    the same DecryptionError as a bad tag. The BINDING_ONLY cases decrypt: they show that
    the key binding, not the cryptography, is what rejects a key used with another alg.
    """
    if case["tcId"] in DISAGREEMENTS:
        pytest.xfail(DISAGREEMENTS[case["tcId"]])
    expected = "valid" if case["tcId"] in BINDING_ONLY else None
    _check({name: value for name, value in jwk.items() if name != "alg"}, case, expected)
