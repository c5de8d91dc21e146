"""Property tests: round trips for every JWS algorithm, and tampering always fails."""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jotkit import _b64, _json, jwt
from jotkit.errors import JotkitError, MalformedError
from jotkit.jwa import JWS_ALGORITHMS

from ._helpers import NOW, hs256, signing_key

ALGORITHMS = sorted(JWS_ALGORITHMS)
REGISTERED = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti"}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)
private_claims = st.dictionaries(
    st.text().filter(lambda name: name not in REGISTERED), json_values, max_size=6
)
times = st.integers(min_value=0, max_value=NOW) | st.floats(min_value=0, max_value=NOW)
registered = st.fixed_dictionaries(
    {},
    optional={
        "iss": st.text(),
        "sub": st.text(),
        "jti": st.text(),
        "aud": st.text() | st.lists(st.text(), min_size=1, max_size=3),
        "exp": st.integers(min_value=NOW + 1, max_value=2**40)
        | st.floats(min_value=NOW + 1, max_value=2**40),
        "nbf": times,
        "iat": times,
    },
)
claims_sets = st.builds(lambda a, b: {**a, **b}, private_claims, registered)

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _audience(claims: dict[str, Any]) -> str | None:
    aud = claims.get("aud")
    return aud if isinstance(aud, str) or aud is None else aud[0]


class TestRoundTrip:
    """``decode(encode(c)) == c`` for any claims set and every supported algorithm."""

    @pytest.mark.parametrize("alg", ALGORITHMS)
    @SLOW
    @given(claims=claims_sets)
    def test_jws(self, alg: str, claims: dict[str, Any]) -> None:
        """Signed with ``alg``, verified with the public key and the claims' own policy."""
        key = signing_key(alg)
        public = key if key.kty == "oct" else key.public()
        token = jwt.encode(claims, key)
        decoded = jwt.decode(token, public, algorithms=[alg], audience=_audience(claims), now=NOW)
        assert decoded == claims

    @SLOW
    @given(claims=claims_sets)
    def test_verifier_cache(self, claims: dict[str, Any]) -> None:
        """A caching Verifier returns the same claims on a miss and on a hit."""
        verifier = jwt.Verifier(
            hs256(), algorithms=["HS256"], audience=_audience(claims), now=NOW, cache=2
        )
        token = jwt.encode(claims, hs256(), alg="HS256")
        assert verifier.decode(token) == claims
        assert verifier.decode(token) == claims

    @SLOW
    @given(claims=claims_sets)
    def test_unsecured(self, claims: dict[str, Any]) -> None:
        """The unsecured path round-trips too."""
        token = jwt.encode_unsecured(claims)
        assert jwt.decode_unsecured(token, audience=_audience(claims), now=NOW) == claims


def _replace(token: str, index: int, char: str) -> str:
    return token[:index] + char + token[index + 1 :]


class TestTampering:
    """Changing any character of a valid token makes ``decode`` raise a JotkitError."""

    @pytest.mark.parametrize("alg", ALGORITHMS)
    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_any_change_fails(self, alg: str, data: st.DataObject) -> None:
        """Each position, each replacement character: rejected, never accepted."""
        key = signing_key(alg)
        public = key if key.kty == "oct" else key.public()
        token = jwt.encode({"sub": "alice", "admin": False, "exp": NOW + 60}, key)
        index = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="index")
        char = data.draw(
            st.characters(codec="utf-8").filter(lambda c: c != token[index]), label="char"
        )
        tampered = _replace(token, index, char)
        with pytest.raises(JotkitError):
            jwt.decode(tampered, public, algorithms=[alg], now=NOW)
        with pytest.raises(JotkitError):
            jwt.decode(tampered.encode("utf-8"), public, algorithms=[alg], now=NOW)

    def test_every_position(self) -> None:
        """Exhaustively for HS256: every position, a few replacements each."""
        token = jwt.encode({"sub": "alice", "exp": NOW + 60}, hs256(), alg="HS256")
        for index in range(len(token)):
            for char in {"A", "B", "_", "-", ".", "=", "+"} - {token[index]}:
                with pytest.raises(JotkitError):
                    jwt.decode(_replace(token, index, char), hs256(), algorithms=["HS256"], now=NOW)


class TestArbitraryInput:
    """Any input raises only JotkitError (never IndexError, UnicodeError, KeyError...)."""

    @settings(max_examples=300, deadline=None)
    @given(token=st.binary(max_size=300) | st.text(max_size=300))
    def test_decode(self, token: str | bytes) -> None:
        """``decode``, ``decrypt``, ``decode_unsecured``, ``unverified`` on junk."""
        calls: list[Callable[[], object]] = [
            lambda: jwt.decode(token, hs256(), algorithms=["HS256"]),
            lambda: jwt.decrypt(token, hs256(), key_algorithms=["dir"], encryptions=["A256GCM"]),
            lambda: jwt.decode_unsecured(token),
            lambda: jwt.unverified(token),
        ]
        for call in calls:
            with contextlib.suppress(JotkitError):
                call()

    @settings(max_examples=300, deadline=None)
    @given(
        header=st.dictionaries(st.sampled_from(["alg", "typ", "b64", "crit", "kid"]), json_values),
        payload=st.binary(max_size=64),
        signature=st.binary(max_size=64),
    )
    def test_structured_junk(
        self, header: dict[str, Any], payload: bytes, signature: bytes
    ) -> None:
        """Well-shaped tokens with arbitrary header members and payload bytes."""
        token = ".".join(
            _b64.b64encode_str(part) for part in (_json.dumps(header), payload, signature)
        )
        calls: list[Callable[[], object]] = [
            lambda: jwt.decode(token, hs256(), algorithms=["HS256"]),
            lambda: jwt.decode_unsecured(token),
            lambda: jwt.unverified(token),
        ]
        for call in calls:
            with contextlib.suppress(JotkitError):
                call()


_STRICT = re.compile(r"[A-Za-z0-9_-]*\Z")


def _reference_b64decode(text: str) -> bytes | None:
    """The obvious strict decoder: alphabet, length, canonical trailing bits."""
    if not text.isascii() or not _STRICT.match(text) or len(text) % 4 == 1:
        return None
    decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return decoded if base64.urlsafe_b64encode(decoded).rstrip(b"=").decode() == text else None


class TestStrictBase64:
    """The single-pass strict base64url decoder agrees with the obvious one."""

    @settings(max_examples=1000)
    @given(text=st.text(alphabet="AQgwBb09_-+/=. \n\x00é", max_size=12) | st.text(max_size=12))
    def test_agrees(self, text: str) -> None:
        """Same bytes, or both refuse (str and bytes input)."""
        expected = _reference_b64decode(text)
        for given_input in (text, text.encode("utf-8")):
            try:
                got: bytes | None = _b64.b64decode(given_input)
            except MalformedError:
                got = None
            assert got == expected

    @given(data=st.binary(max_size=40))
    def test_round_trip(self, data: bytes) -> None:
        """Every encoding decodes back."""
        assert _b64.b64decode(_b64.b64encode_str(data)) == data
