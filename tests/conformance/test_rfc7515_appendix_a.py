"""RFC 7515 appendix A: the example JWSs A.1-A.7 (latchset-jose and erlang-jose copies).

A.1-A.4 are compact (HS256, RS256, ES256, ES512), A.5 is an unsecured JWS (``alg: none``)
that a verifier must reject, A.6 is the general JSON serialization with RS256 and ES256
signatures, A.7 the flattened one.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit.errors import InvalidSignatureError, KeyNotFoundError, UnsupportedAlgorithmError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key, KeySet
from jotkit.jws import sign_compact, verify_compact, verify_json
from tests._vectors import load_json, load_text

_COMPACT = [("A.1", "HS256"), ("A.2", "RS256"), ("A.3", "ES256"), ("A.4", "ES512")]


def _steps(appendix: str) -> dict[str, str]:
    """The erlang-jose step-by-step values of one appendix, by name, as text."""
    number = appendix[-1]
    entries = load_json(f"erlang-jose/json/jws/a.{number}.config.json")["entries"]
    prefix = f"a.{number}.1." if number != "5" else "a.5."
    return {name.removeprefix(prefix): value["utf8"] for name, value in entries.items()}


def _key(name: str) -> Key:
    return Key.from_jwk(load_text(f"latchset-jose/rfc7515_{name}.jwk"))


def _verifying_key(name: str) -> Key:
    key = _key(name)
    return key if key.kty == "oct" else key.public()


class TestCompact:
    """A.1-A.4: each compact JWS verifies with its key and alg."""

    @pytest.mark.parametrize(("appendix", "alg"), _COMPACT, ids=[a for a, _ in _COMPACT])
    def test_verifies(self, appendix: str, alg: str) -> None:
        """The payload and header are the RFC's step values."""
        token = load_text(f"latchset-jose/rfc7515_{appendix}.jwsc")
        steps = _steps(appendix)
        result = verify_compact(token, _verifying_key(appendix), algorithms=[alg])
        assert result.payload == steps["payload"].encode("utf-8")
        assert result.header == load_json(f"erlang-jose/jws/a.{appendix[-1]}.1.jws+json")
        assert result.header["alg"] == alg

    @pytest.mark.parametrize(("appendix", "alg"), _COMPACT, ids=[a for a, _ in _COMPACT])
    def test_both_copies_agree(self, appendix: str, alg: str) -> None:
        """The two machine-readable copies hold the same key and token."""
        steps = _steps(appendix)
        assert load_text(f"latchset-jose/rfc7515_{appendix}.jwsc") == steps["compact"]
        assert Key.from_jwk(steps["jwk+json"]) == _key(appendix)
        assert steps["compact"] == f"{steps['signing-input']}.{steps['signature-b64']}"

    @pytest.mark.parametrize(("appendix", "alg"), _COMPACT, ids=[a for a, _ in _COMPACT])
    def test_tampered_payload_fails(self, appendix: str, alg: str) -> None:
        """Replacing the payload segment breaks the signature."""
        head, _, sig = load_text(f"latchset-jose/rfc7515_{appendix}.jwsc").split(".")
        token = f"{head}.eyJpc3MiOiJldmUifQ.{sig}"
        with pytest.raises(InvalidSignatureError):
            verify_compact(token, _verifying_key(appendix), algorithms=[alg])

    def test_a2_reproduced_byte_for_byte(self) -> None:
        """A.2's header is compact JSON and RS256 is deterministic: jotkit re-makes it.

        A.1's header has a CRLF and a space inside, so no compact-JSON signer re-makes it;
        A.3 and A.4 are randomized ECDSA.
        """
        steps = _steps("A.2")
        token = sign_compact(steps["payload"].encode("utf-8"), _key("A.2"), alg="RS256")
        assert token == steps["compact"]


class TestUnsecured:
    """A.5: ``alg: none`` is rejected, whatever keys and algorithms the caller allows."""

    def test_rejected_with_every_algorithm_allowed(self) -> None:
        """With every JWS algorithm jotkit has allowed, 'none' is still unknown."""
        token = load_text("latchset-jose/rfc7515_A.5.jwsc")
        assert token == _steps("A.5")["compact"]
        for key in (_key("A.1"), _verifying_key("A.2"), _verifying_key("A.3")):
            with pytest.raises(UnsupportedAlgorithmError):
                verify_compact(token, key, algorithms=list(JWS_ALGORITHMS))

    def test_none_cannot_be_allowed(self) -> None:
        """Putting 'none' in the allow-list is a caller mistake, not a way in."""
        token = load_text("latchset-jose/rfc7515_A.5.jwsc")
        with pytest.raises(ValueError, match="none"):
            verify_compact(token, _key("A.1"), algorithms=["none"])


def _general() -> dict[str, Any]:
    general: dict[str, Any] = load_json("latchset-jose/rfc7515_A.6.jwsg")
    return general


class TestJsonSerialization:
    """A.6 (general, two signatures) and A.7 (flattened)."""

    @pytest.mark.parametrize(
        ("name", "alg", "index"), [("A.6.1", "RS256", 0), ("A.6.2", "ES256", 1)]
    )
    def test_general_signature_verifies_with_its_key(self, name: str, alg: str, index: int) -> None:
        """Each key verifies its own signature, and the result says which one."""
        result = verify_json(_general(), _verifying_key(name), algorithms=[alg])
        assert result.index == index
        assert result.payload == _steps("A.1")["payload"].encode("utf-8")
        assert result.protected == {"alg": alg}

    def test_general_signatures_are_the_compact_ones(self) -> None:
        """A.6 reuses the A.2 and A.3 signatures and keys."""
        signatures = [s["signature"] for s in _general()["signatures"]]
        assert signatures == [_steps("A.2")["signature-b64"], _steps("A.3")["signature-b64"]]
        assert _key("A.6.1") == _key("A.2")
        assert _key("A.6.2") == _key("A.3")

    def test_general_keyset_without_kids_is_not_guessed(self) -> None:
        """The A.6 key set has no kids while the signatures name one: kid is never guessed."""
        keys = KeySet.from_jwks(load_text("latchset-jose/rfc7515_A.6.jwkset"))
        assert len(keys) == 2
        with pytest.raises(KeyNotFoundError):
            verify_json(_general(), keys, algorithms=["RS256", "ES256"])
        public = KeySet([key.public() for key in keys])
        with pytest.raises(KeyNotFoundError):
            verify_json(_general(), public, algorithms=["RS256", "ES256"])

    def test_flattened_verifies(self) -> None:
        """A.7: flattened ES256 with an unprotected kid."""
        flattened = load_json("latchset-jose/rfc7515_A.7.jwsf")
        result = verify_json(flattened, _verifying_key("A.7"), algorithms=["ES256"])
        assert result.header == {"alg": "ES256", "kid": "e9bc097a-ce51-4036-9562-d2ade882db0d"}
        assert result.payload == _steps("A.1")["payload"].encode("utf-8")
