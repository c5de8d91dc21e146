"""The sd-jwt-python test cases and examples, and RFC 9901's example inputs: each is
issued with its settings, presented with its selection, verified, and compared."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import Key, KeySet
from jotkit.profiles import sd_jwt
from tests.profiles.sd_jwt._helpers import (
    CASES,
    EXAMPLES,
    RFC_EXAMPLES,
    Case,
    load_case,
    pointers,
    revealed,
)

ALL = (
    [("testcases", name) for name in CASES]
    + [("examples", name) for name in EXAMPLES]
    + [("oauth", name) for name in RFC_EXAMPLES]
)


def _serialization(case: Case) -> str:
    if case.serialization != "json":
        return "compact"
    return "general" if "general" in case.name else "flattened"


def _issuer(case: Case) -> str:
    """The harness adds ``iss``; a few examples (W3C VC, PID) carry their own."""
    iss = case.user_claims.get("iss", case.issuer)
    assert isinstance(iss, str)
    return iss


def _round_trip(case: Case) -> tuple[dict[str, Any], list[str]]:
    claims = {"iss": case.issuer, **case.user_claims}
    serialization = _serialization(case)
    keys: Key | list[Key] = case.issuer_keys if serialization == "general" else case.issuer_keys[0]
    token = sd_jwt.issue(
        claims,
        keys,
        alg="ES256",
        holder_key=case.holder_key if case.key_binding else None,
        typ="testcase+sd-jwt",
        headers=case.spec.get("extra_header_parameters"),
        serialization=serialization,  # type: ignore[arg-type]
        decoys=3 if case.spec.get("add_decoy_claims") else 0,
    )
    chosen = pointers(case.user_claims, case.spec.get("holder_disclosed_claims") or {})
    binding: dict[str, Any] = {}
    if case.key_binding:
        binding = {"holder_key": case.holder_key, "nonce": case.nonce, "audience": case.verifier}
    presentation = sd_jwt.present(token, chosen, **binding)
    verifier_keys = KeySet([k.public() for k in case.issuer_keys])
    if len(case.issuer_keys) == 1:
        verifier_keys = case.issuer_keys[0].public()  # type: ignore[assignment]
    verified = sd_jwt.verify(
        presentation,
        verifier_keys,
        algorithms=["ES256"],
        issuer=_issuer(case),
        key_binding=case.key_binding,
        nonce=case.nonce if case.key_binding else None,
        audience=case.verifier if case.key_binding else None,
    )
    return verified, chosen


@pytest.mark.parametrize(("kind", "name"), ALL, ids=[f"{k}/{n}" for k, n in ALL])
def test_round_trip(kind: str, name: str) -> None:
    """Issue, present the case's Disclosures, verify: the expected claims come out."""
    case = load_case(kind, name)
    verified, chosen = _round_trip(case)
    expected = case.expected
    if expected is None:
        # Examples carry no expectation: the test's own model of the selection.
        expected = revealed(case.user_claims, chosen)
    expected = {"iss": _issuer(case), **expected}
    if case.key_binding:
        expected["cnf"] = {"jwk": case.holder_key.public().to_jwk()}
    assert verified == expected


def test_counts() -> None:
    """All 17 test cases, 15 + 15 examples are run."""
    assert (len(CASES), len(EXAMPLES), len(RFC_EXAMPLES)) == (17, 15, 15)
