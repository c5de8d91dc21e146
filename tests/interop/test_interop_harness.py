"""The interop harness itself: it must report a FAIL whenever a token or key does not cross
over, and ``unsupported`` only when a peer's own behaviour shows it (RFC 7515, RFC 7517).

The peer here is jotkit itself behind the peer interface, with faults injected.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from jotkit import jws
from jotkit.jwk import Key

from ._cases import Case
from ._keys import Keyring
from ._model import (
    FAIL,
    OK,
    PEER_TO_JOTKIT,
    TO_PEER,
    UNSUPPORTED,
    Cell,
    GenerateRequest,
    ImportRequest,
    Outcome,
    Request,
    TokenRequest,
    describe,
)
from ._report import Section, render
from ._runner import run_keys, run_tokens

pytestmark = pytest.mark.interop

HS256 = Case("JWS", "HS256", "oct-256")
Fault = Callable[[Request], Outcome | None]


class JotkitAsPeer:
    """jotkit behind the peer interface; ``fault`` may replace any outcome."""

    name = "self"

    def __init__(self, fault: Fault = lambda _: None) -> None:
        self._fault = fault
        self.seen: list[Request] = []

    def run(self, requests: Sequence[Request]) -> list[Outcome]:
        self.seen += requests
        return [self._fault(r) or self._attempt(r) for r in requests]

    def _attempt(self, request: Request) -> Outcome:
        try:
            return self._do(request)
        except Exception as exc:
            return Outcome(error=describe(exc))

    @staticmethod
    def _do(request: Request) -> Outcome:
        if isinstance(request, GenerateRequest):
            key = Key.generate("HS256")
            return Outcome(value={"jwk": key.to_jwk(private=True)})
        if isinstance(request, ImportRequest):
            assert not isinstance(request.key, bytes)
            return Outcome(value=Key.from_jwk(request.key).to_jwk(private=True))
        assert isinstance(request, TokenRequest)
        key = Key.from_jwk(request.jwk)
        if request.op == "sign":
            return Outcome(value=jws.sign_compact(request.data, key, alg=request.alg).encode())
        verified = jws.verify_compact(request.data, key, algorithms=[request.alg])
        return Outcome(value=verified.payload)


def _statuses(cells: Sequence[Cell]) -> dict[str, tuple[str, str]]:
    return {cell.direction: (cell.status, cell.detail) for cell in cells}


@pytest.fixture(scope="module")
def keys() -> Keyring:
    return Keyring()


def _on(op: str, outcome: Outcome, *, only_first: bool = False) -> Fault:
    used: list[bool] = []

    def fault(request: Request) -> Outcome | None:
        if isinstance(request, TokenRequest) and request.op == op:
            if only_first and used:
                return None
            used.append(True)
            return outcome
        return None

    return fault


class TestRunTokens:
    """Judging one token case in both directions."""

    def test_a_faithful_peer_is_ok_both_ways(self, keys: Keyring) -> None:
        """jotkit against itself: ok in both directions."""
        cells = run_tokens(JotkitAsPeer(), [HS256], keys)
        assert _statuses(cells) == {TO_PEER: (OK, ""), PEER_TO_JOTKIT: (OK, "")}

    def test_another_payload_is_a_fail(self, keys: Keyring) -> None:
        """A peer that 'verifies' but returns other bytes is a FAIL, never ok."""
        cells = run_tokens(JotkitAsPeer(_on("verify", Outcome(value=b"other"))), [HS256], keys)
        assert _statuses(cells)[TO_PEER] == (FAIL, "the peer read another payload")

    def test_a_rejection_the_peer_does_not_share_is_a_fail(self, keys: Keyring) -> None:
        """The peer rejects jotkit's token but reads its own: a FAIL (jotkit's fault)."""
        fault = _on("verify", Outcome(error="BadSignature: no"), only_first=True)
        cells = run_tokens(JotkitAsPeer(fault), [HS256], keys)
        assert _statuses(cells)[TO_PEER] == (FAIL, "the peer rejected it: BadSignature: no")

    def test_a_rejection_of_its_own_token_too_is_unsupported(self, keys: Keyring) -> None:
        """The peer fails on its own token as well: the peer's limitation, with reason."""
        fault = _on("verify", Outcome(error="Broken: here"))
        status, detail = _statuses(run_tokens(JotkitAsPeer(fault), [HS256], keys))[TO_PEER]
        assert (status, detail) == (UNSUPPORTED, "fails on its own material too: Broken: here")

    def test_a_rejection_of_what_it_cannot_make_is_unsupported(self, keys: Keyring) -> None:
        """The peer fails to read an algorithm it says it cannot make: unsupported."""

        def fault(request: Request) -> Outcome | None:
            if isinstance(request, TokenRequest) and request.op == "sign":
                return Outcome(error="NotSupported: HS256", unsupported=True)
            if isinstance(request, TokenRequest):
                return Outcome(error="Generic: no recipient")
            return None

        status, detail = _statuses(run_tokens(JotkitAsPeer(fault), [HS256], keys))[TO_PEER]
        assert (status, detail) == (
            UNSUPPORTED,
            "cannot make such tokens either: NotSupported: HS256",
        )

    def test_the_peers_not_supported_error_is_unsupported(self, keys: Keyring) -> None:
        """The peer's own 'not supported' error is recorded with its text."""
        fault = _on("sign", Outcome(error="NotSupported: HS256", unsupported=True))
        cells = run_tokens(JotkitAsPeer(fault), [HS256], keys)
        assert _statuses(cells)[PEER_TO_JOTKIT] == (UNSUPPORTED, "NotSupported: HS256")

    def test_not_supported_only_for_jotkits_token_is_a_fail(self, keys: Keyring) -> None:
        """'Not supported' for jotkit's token while the peer makes such tokens: a FAIL."""
        fault = _on("verify", Outcome(error="NotSupported: crit", unsupported=True))
        status, detail = _statuses(run_tokens(JotkitAsPeer(fault), [HS256], keys))[TO_PEER]
        assert status == FAIL
        assert detail == "the peer makes such tokens but refused jotkit's: NotSupported: crit"

    def test_a_key_type_the_peer_cannot_generate_is_unsupported(self, keys: Keyring) -> None:
        """A failure on a key type the peer cannot even generate is the peer's limitation."""

        def fault(request: Request) -> Outcome | None:
            if isinstance(request, GenerateRequest):
                return Outcome(error="NotSupported: oct", unsupported=True)
            if isinstance(request, TokenRequest) and request.op == "sign":
                return Outcome(error="TypeError: bad key")
            return None

        cells = run_tokens(JotkitAsPeer(fault), [HS256], keys)
        expected = (UNSUPPORTED, "no oct-256 keys: NotSupported: oct")
        assert _statuses(cells)[PEER_TO_JOTKIT] == expected

    def test_a_token_jotkit_rejects_is_a_fail(self, keys: Keyring) -> None:
        """A peer token jotkit cannot verify is a FAIL naming jotkit's error."""
        fault = _on("sign", Outcome(value=b"e30.e30.AAAA"))
        status, detail = _statuses(run_tokens(JotkitAsPeer(fault), [HS256], keys))[PEER_TO_JOTKIT]
        assert status == FAIL
        assert detail.startswith("jotkit rejected it: ")

    def test_jotkit_failing_to_make_a_token_is_a_fail(self, keys: Keyring) -> None:
        """If jotkit cannot make the token, the jotkit → peer cell is a FAIL."""
        cells = run_tokens(JotkitAsPeer(), [replace(HS256, alg="HS999")], keys)
        status, detail = _statuses(cells)[TO_PEER]
        assert status == FAIL
        assert detail.startswith("jotkit could not make it: ValueError")


class TestRunKeys:
    """Judging key import and export."""

    def test_a_faithful_peer_is_ok_both_ways(self, keys: Keyring) -> None:
        """jotkit against itself: a secret crosses over as JWK both ways."""
        cells = run_keys(JotkitAsPeer(), ["oct-256"], keys)
        assert _statuses(cells) == {TO_PEER: (OK, ""), PEER_TO_JOTKIT: (OK, "")}

    def test_another_key_is_a_fail(self, keys: Keyring) -> None:
        """A peer that imports the JWK as other key material is a FAIL."""

        def fault(request: Request) -> Outcome | None:
            if isinstance(request, ImportRequest):
                return Outcome(value={"kty": "oct", "k": "AAAA"})
            return None

        cells = run_keys(JotkitAsPeer(fault), ["oct-256"], keys)
        expected = (FAIL, "the peer imported the private JWK as another key")
        assert _statuses(cells)[TO_PEER] == expected


def test_describe_keeps_key_material_and_addresses_out() -> None:
    """Error texts reach a committed file: no JWK members, no object addresses."""
    error = ValueError("bad key: {'kty': 'oct', 'k': 'c2VjcmV0'} at 0x7f00deadbeef\nmore")
    assert describe(error) == "ValueError: bad key: {...}"


def test_render_lists_failures_and_is_stable() -> None:
    """The document shows every cell, lists failures with their detail, and is stable."""
    section = Section("JWS", ("alg", "key"), (("HS256", "oct-256"),), ("self",))
    cells = [
        Cell("JWS", ("HS256", "oct-256"), "self", TO_PEER, OK),
        Cell("JWS", ("HS256", "oct-256"), "self", PEER_TO_JOTKIT, FAIL, "jotkit rejected it"),
    ]
    text = render([section], cells, ["self 1.x"])
    assert text == render([section], list(reversed(cells)), ["self 1.x"])
    assert "| `HS256` | `oct-256` | ok | FAIL |" in text
    assert "- JWS `HS256` `oct-256`, peer → jotkit: jotkit rejected it" in text
