"""Properties of JWT decoding (RFC 7519) on hostile input, with hypothesis.

``decode`` (and a pre-bound ``Verifier``, and ``decrypt`` for encrypted JWTs) either
returns the claims of a genuine token that meets the policy, or raises a
:class:`~jotkit.errors.JotkitError` subclass. Arbitrary claims sets under a *valid*
signature exercise the claims policy itself: whatever the claims, only ``ClaimsError``
or ``MalformedJWTError``/``ExceededLimitError`` may come out. Argument types follow the
rules stated in :mod:`.test_properties_jws`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jotkit import Key, jwe, jwt
from jotkit.errors import (
    ClaimsError,
    ExceededLimitError,
    JotkitError,
    MalformedError,
    MalformedJWTError,
)

from ._forge import SECRET, b64, b64json, ec_key, hs_token, rsa_key
from ._strategies import jose_headers, json_values, mutations, surrogate_text

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = 1_700_000_000
POLICY: dict[str, Any] = {"issuer": "https://issuer.example", "audience": "api", "now": NOW}
GOOD = {"iss": "https://issuer.example", "aud": "api", "sub": "alice", "exp": NOW + 60, "iat": NOW}

_claim_names = st.sampled_from(["iss", "aud", "sub", "exp", "nbf", "iat", "jti", "typ"]) | st.text(
    max_size=5
)
_claim_values = (
    json_values
    | st.integers(min_value=-(10**400), max_value=10**400)  # beyond any float
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["https://issuer.example", "api", ["api"], NOW, NOW + 60, NOW - 60])
)
claims_sets = st.dictionaries(_claim_names, _claim_values, max_size=6)


def _decode(token: Any, **extra: Any) -> dict[str, Any]:
    return jwt.decode(token, SECRET, algorithms=["HS256"], **{**POLICY, **extra})


class TestArbitraryInput:
    """Random text and bytes are rejected with JotkitError."""

    @FAST
    @given(token=surrogate_text)
    def test_text(self, token: str) -> None:
        """Any text."""
        with pytest.raises(JotkitError):
            _decode(token)

    @FAST
    @given(token=st.binary(max_size=300))
    def test_bytes(self, token: bytes) -> None:
        """Any bytes."""
        with pytest.raises(JotkitError):
            _decode(token)

    @FAST
    @given(header=jose_headers, payload=json_values, signature=st.binary(max_size=40))
    def test_json_parts(self, header: dict[str, Any], payload: Any, signature: bytes) -> None:
        """JSON header and payload, random signature."""
        token = b64json(header) + "." + b64json(payload) + "." + b64(signature)
        with pytest.raises(JotkitError):
            _decode(token)


class TestClaimsUnderAValidSignature:
    """The claims policy meets arbitrary claims sets without crashing."""

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(claims=claims_sets, base=st.booleans(), max_age=st.none() | st.integers(0, 10**6))
    def test_claims(self, claims: dict[str, Any], base: bool, max_age: int | None) -> None:
        """Random claims (merged into a good set or alone): accepted or a claims error."""
        full = {**GOOD, **claims} if base else claims
        token = hs_token({"alg": "HS256", "typ": "JWT"}, json.dumps(full).encode())
        try:
            result = _decode(token, max_age=max_age, leeway=5)
        except (ClaimsError, MalformedJWTError, ExceededLimitError):
            return
        assert result == full
        assert result["iss"] == "https://issuer.example"
        aud = result["aud"]
        assert aud == "api" or (isinstance(aud, list) and "api" in aud)

    @FAST
    @given(payload=json_values)
    def test_non_object_payloads(self, payload: Any) -> None:
        """A correctly signed payload that is any JSON value."""
        token = hs_token({"alg": "HS256"}, json.dumps(payload).encode())
        try:
            _decode(token)
        except (ClaimsError, MalformedJWTError):
            return
        assert isinstance(payload, dict)

    @FAST
    @given(header=jose_headers)
    def test_headers_under_a_valid_mac(self, header: dict[str, Any]) -> None:
        """Random headers MACed correctly: only an HS256 header can pass."""
        token = hs_token(header, json.dumps(GOOD).encode())
        try:
            _decode(token)
        except JotkitError:
            return
        assert header.get("alg") == "HS256"


class TestMutations:
    """Any change to a genuine JWT makes it fail with a JotkitError."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), which=st.sampled_from(["hs", "es"]))
    def test_compact(self, data: st.DataObject, which: str) -> None:
        """One mutation of a valid JWT never decodes, via decode or a Verifier."""
        es_key = Key.from_cryptography(ec_key("P-256", 6), kid="es")
        key: Key | bytes
        if which == "hs":
            token, key, algs = (
                hs_token({"alg": "HS256"}, json.dumps(GOOD).encode()),
                SECRET,
                ["HS256"],
            )
        else:
            token = jwt.encode(GOOD, es_key, alg="ES256")
            key, algs = es_key.public(), ["ES256"]
        mutated = data.draw(mutations(lambda: token))
        with pytest.raises(JotkitError):
            jwt.decode(mutated, key, algorithms=algs, **POLICY)
        with pytest.raises(JotkitError):
            jwt.Verifier(key, algorithms=algs, cache=4, **POLICY).decode(mutated)


class TestEncryptedJWT:
    """Encrypted JWTs: anyone can encrypt, so the claims are fully attacker-chosen."""

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=json_values | claims_sets)
    def test_any_plaintext(self, payload: Any) -> None:
        """Any JSON plaintext encrypted to the server: accepted or rejected with JotkitError."""
        server = Key.from_cryptography(rsa_key())
        token = jwe.encrypt_compact(
            json.dumps(payload).encode(), server.public(), alg="RSA-OAEP", enc="A128GCM"
        )
        try:
            result = jwt.decrypt(
                token, server, key_algorithms=["RSA-OAEP"], encryptions=["A128GCM"], **POLICY
            )
        except JotkitError:
            return
        assert result == payload


class TestCallerMistakes:
    """Wrongly typed arguments from the caller raise TypeError or ValueError."""

    @pytest.mark.parametrize("token", [None, 1, ["a"], {"a": 1}], ids=repr)
    def test_token_type(self, token: Any) -> None:
        """decode needs str or bytes; another type is untrusted input: MalformedError."""
        with pytest.raises(MalformedError):
            _decode(token)

    @pytest.mark.parametrize(
        ("policy", "error"),
        [
            ({"issuer": 1}, TypeError),
            ({"issuer": []}, ValueError),
            ({"audience": b"api"}, TypeError),
            ({"leeway": -1}, ValueError),
            ({"leeway": "5"}, TypeError),
            ({"required": "exp"}, TypeError),
            ({"now": "now"}, TypeError),
            ({"typ": 1}, TypeError),
        ],
        ids=repr,
    )
    def test_policy(self, policy: dict[str, Any], error: type[Exception]) -> None:
        """A malformed policy is refused before the token is read."""
        token = hs_token({"alg": "HS256"}, json.dumps(GOOD).encode())
        with pytest.raises(error):
            jwt.decode(token, SECRET, algorithms=["HS256"], **{**POLICY, **policy})

    def test_no_algorithms_and_unbound_key(self) -> None:
        """decode without algorithms and a key bound to none: ValueError."""
        token = hs_token({"alg": "HS256"}, json.dumps(GOOD).encode())
        with pytest.raises(ValueError, match="algorithms"):
            jwt.decode(token, SECRET, **POLICY)
