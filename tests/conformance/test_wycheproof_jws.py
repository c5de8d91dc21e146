"""Wycheproof ``json_web_signature_test.json``: every case, compact JWS verification (RFC 7515).

Each group gives a key (``public`` when there is one, else the secret ``private``) and
compact tokens labelled valid or invalid. They are verified with every JWS algorithm
jotkit implements in the allow-list, so each rejection comes from the token or the key
(RFC 8725 section 3.1: the key must fit the alg), never from a narrow allow-list.

Eight labels disagree with the RFCs (vectors README, "Known defects" 1 and 2). They are
in :data:`DISAGREES` with the reason, and the test asserts what jotkit does instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest

from jotkit._b64 import b64decode
from jotkit.errors import AlgorithmNotAllowedError, JotkitError, MalformedJWSError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key
from jotkit.jws import verify_compact
from tests._vectors import load_json

_FILE = "wycheproof/testvectors_v1/json_web_signature_test.json"
_ALL_ALGORITHMS = list(JWS_ALGORITHMS)


class Disagreement(NamedTuple):
    """A case whose label disagrees with the RFCs: what jotkit does instead, and why."""

    raises: type[JotkitError] | None  # None: jotkit accepts the token
    reason: str


_ISSUE_236 = (
    "byte-identical to tc357 (ValidMac, labelled valid) yet labelled invalid; "
    "upstream issue C2SP/wycheproof#236. jotkit accepts it exactly as it accepts tc357"
)
_QUESTION_MARK = (
    "labelled valid, but a '?' is inserted in the {part} segment; base64url (RFC 7515 "
    "section 2, RFC 4648 section 5) has no '?', and jotkit's decoder is strict (DESIGN 3.5)"
)
_PS256_KEY = (
    "RFC 7520 Figure 20 is PS384, but Wycheproof bound the key to alg PS256; a key whose "
    "'alg' names another algorithm is not used (RFC 7517 section 4.4, RFC 8725 section "
    "3.1), which json_web_key_test tc6 itself requires"
)
_ES521_KEY = (
    "RFC 7520 Figure 27 is ES512, but Wycheproof bound the key to alg 'ES521', which is "
    "not a registered JWA name; a key bound to another alg is not used (RFC 7517 4.4)"
)

#: tcId -> what jotkit does, and why the label is not followed.
DISAGREES: dict[int, Disagreement] = {
    367: Disagreement(None, _ISSUE_236),
    370: Disagreement(None, _ISSUE_236),
    372: Disagreement(MalformedJWSError, _QUESTION_MARK.format(part="header")),
    373: Disagreement(MalformedJWSError, _QUESTION_MARK.format(part="payload")),
    346: Disagreement(AlgorithmNotAllowedError, _PS256_KEY),
    350: Disagreement(AlgorithmNotAllowedError, _PS256_KEY + " (key_ops variant)"),
    347: Disagreement(AlgorithmNotAllowedError, _ES521_KEY),
    351: Disagreement(AlgorithmNotAllowedError, _ES521_KEY + " (key_ops variant)"),
}


def _groups() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = load_json(_FILE)["testGroups"]
    return groups


def _cases() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for group in _groups():
        for case in group["tests"]:
            yield group, case


def _case(tc_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    return next((g, c) for g, c in _cases() if c["tcId"] == tc_id)


def _params() -> list[Any]:
    return [
        pytest.param(group, case, id=f"tc{case['tcId']}-{case['comment']}")
        for group, case in _cases()
    ]


def _verify(group: dict[str, Any], token: str, algorithms: list[str] = _ALL_ALGORITHMS) -> Any:
    key = Key.from_jwk(group.get("public", group["private"]))
    return verify_compact(token, key, algorithms=algorithms)


def test_every_case_is_collected() -> None:
    """401 cases: 46 valid, 355 invalid, none acceptable; each disagreement exists."""
    data = load_json(_FILE)
    results = [case["result"] for _, case in _cases()]
    assert len(results) == data["numberOfTests"] == 401
    assert (results.count("valid"), results.count("invalid")) == (46, 355)
    assert set(DISAGREES) <= {case["tcId"] for _, case in _cases()}


@pytest.mark.parametrize(("group", "case"), _params())
def test_case(group: dict[str, Any], case: dict[str, Any]) -> None:
    """The outcome matches the label, or, for a disagreement, jotkit's documented outcome."""
    disagreement = DISAGREES.get(case["tcId"])
    if disagreement is not None:
        accepts = disagreement.raises is None
        assert accepts != (case["result"] == "valid"), "not a disagreement any more"
        expected = disagreement.raises
    else:
        expected = None if case["result"] == "valid" else JotkitError
    if expected is None:
        result = _verify(group, case["jws"])
        assert result.header["alg"] in _ALL_ALGORITHMS
        return
    with pytest.raises(expected):
        _verify(group, case["jws"])


class TestDisagreements:
    """The facts each disagreement's reason states hold for the data."""

    @pytest.mark.parametrize("tc_id", [367, 370])
    def test_same_bytes_as_valid_mac(self, tc_id: int) -> None:
        """tc367 and tc370 are tc357 byte for byte."""
        assert _case(tc_id)[1]["jws"] == _case(357)[1]["jws"]
        assert _case(357)[1]["result"] == "valid"

    @pytest.mark.parametrize(("tc_id", "part"), [(372, 0), (373, 1)])
    def test_question_mark_inside(self, tc_id: int, part: int) -> None:
        """tc372 and tc373 carry a '?' in the header or payload segment."""
        assert "?" in _case(tc_id)[1]["jws"].split(".")[part]

    @pytest.mark.parametrize(
        ("tc_id", "key_alg", "token_alg"),
        [
            (346, "PS256", "PS384"),
            (350, "PS256", "PS384"),
            (347, "ES521", "ES512"),
            (351, "ES521", "ES512"),
        ],
    )
    def test_only_the_key_binding_rejects(self, tc_id: int, key_alg: str, token_alg: str) -> None:
        """Without the 'alg' Wycheproof added to the RFC 7520 key, the token verifies."""
        group, case = _case(tc_id)
        assert group["public"]["alg"] == key_alg
        unbound = {name: value for name, value in group["public"].items() if name != "alg"}
        result = verify_compact(case["jws"], Key.from_jwk(unbound), algorithms=[token_alg])
        assert result.header["alg"] == token_alg


@pytest.mark.parametrize(
    ("group", "case"),
    [
        p
        for p in _params()
        if p.values[1]["result"] == "valid" and p.values[1]["tcId"] not in DISAGREES
    ],
)
def test_valid_with_only_the_tokens_alg_allowed(
    group: dict[str, Any], case: dict[str, Any]
) -> None:
    """Valid cases also verify with the narrowest allow-list: the token's own alg."""
    alg = json.loads(b64decode(case["jws"].split(".")[0]))["alg"]
    assert _verify(group, case["jws"], algorithms=[alg]).header["alg"] == alg
