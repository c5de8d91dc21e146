"""One-shot ``decode``: the verifiers it keeps per (key object, policy), and what they must
never change: results, per-call ``now``, key and policy separation, the bound."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import jotkit
from jotkit import Key, KeySet, jwt
from jotkit._limits import DEFAULT_LIMITS, Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    MissingClaimError,
)
from jotkit.jwt import _prepared

from ._helpers import AUDIENCE, ISSUER, NOW, claims, es256, hs256, token


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    _prepared.clear()
    yield
    _prepared.clear()


def _decode(tok: str, key: Any = None, **policy: Any) -> dict[str, Any]:
    policy.setdefault("algorithms", ["HS256"])
    policy.setdefault("issuer", ISSUER)
    policy.setdefault("audience", AUDIENCE)
    policy.setdefault("now", NOW)
    return jotkit.decode(tok, hs256() if key is None else key, **policy)


class Sneaky(str):
    """A str subclass that compares equal to anything: never fit for a cache key."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


def _kept() -> int:
    return len(_prepared._VERIFIERS)


class TestHits:
    """A kept verifier gives what a fresh one gives."""

    def test_hit_equals_fresh_verifier(self) -> None:
        """The second call (a hit) returns the claims a new Verifier returns."""
        tok = token()
        first, second = _decode(tok), _decode(tok)
        fresh = jwt.Verifier(
            hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, now=NOW
        ).decode(tok)
        assert first == second == fresh == claims()
        assert _kept() == 1

    def test_usual_call_is_kept(self) -> None:
        """The usual call (no now=, one alg, issuer, audience) is kept and reused."""
        tok = jwt.encode({"iss": ISSUER, "aud": AUDIENCE}, hs256(), alg="HS256")
        for _ in range(3):
            assert jotkit.decode(
                tok, hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE
            ) == {"iss": ISSUER, "aud": AUDIENCE}
        assert _kept() == 1

    def test_prepared_policy_is_kept_by_identity(self) -> None:
        """policy=ClaimsPolicy(...) is kept for that policy object; another object with the
        same rules builds its own verifier; a policy with keywords is a caller mistake."""
        tok = token()
        policy = jwt.ClaimsPolicy(issuer=ISSUER, audience=AUDIENCE, now=NOW)
        for _ in range(2):
            assert jotkit.decode(tok, hs256(), algorithms=["HS256"], policy=policy) == claims()
        assert _kept() == 1
        twin = jwt.ClaimsPolicy(issuer=ISSUER, audience=AUDIENCE, now=NOW)
        assert jotkit.decode(tok, hs256(), algorithms=["HS256"], policy=twin) == claims()
        assert _kept() == 2
        with pytest.raises(TypeError, match="not both"):
            jotkit.decode(tok, hs256(), algorithms=["HS256"], policy=policy, issuer=ISSUER)

    def test_results_are_fresh(self) -> None:
        """Changing a returned claims set or header does not change the next result."""
        tok = token(roles=["a"], nested={"k": "v"})
        first = _decode(tok)
        first["roles"].append("admin")
        first["nested"]["k"] = "evil"
        first["iss"] = "https://evil.example"
        assert _decode(tok) == claims(roles=["a"], nested={"k": "v"})
        complete = jotkit.decode_complete(
            tok, hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, now=NOW
        )
        complete.header["alg"] = "none"
        again = jotkit.decode_complete(
            tok, hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, now=NOW
        )
        assert again.header == {"alg": "HS256", "typ": "JWT"}
        assert again.key is hs256()

    def test_decode_complete_shares_the_cache(self) -> None:
        """decode and decode_complete reuse the same verifier for the same arguments."""
        tok = token()
        _decode(tok)
        result = jotkit.decode_complete(
            tok, hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, now=NOW
        )
        assert result.claims == claims()
        assert _kept() == 1


class TestNowPerCall:
    """``now=`` is applied per call, never bound into a kept verifier."""

    def test_numbers(self) -> None:
        """The same key and policy at a later now= rejects an expired token."""
        tok = token()
        assert _decode(tok, now=NOW) == claims()
        with pytest.raises(ExpiredError):
            _decode(tok, now=NOW + 3600)
        assert _decode(tok, now=NOW + 1) == claims()
        assert _kept() == 1

    def test_datetimes(self) -> None:
        """Aware datetimes are applied per call too."""
        tok = token()
        at = datetime.fromtimestamp(NOW, tz=timezone.utc)
        assert _decode(tok, now=at) == claims()
        with pytest.raises(ExpiredError):
            _decode(tok, now=at + timedelta(hours=1))

    def test_clock_after_fixed_time(self) -> None:
        """A kept verifier used without now= reads the clock, not an earlier call's now."""
        tok = token()
        _decode(tok, now=NOW)
        with pytest.raises(ExpiredError):  # the real clock is far past NOW + 60
            jotkit.decode(tok, hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE)

    def test_callable_is_not_kept(self) -> None:
        """A clock callable builds a verifier per call, and is called per call."""
        calls: list[int] = []

        def clock() -> float:
            calls.append(1)
            return float(NOW)

        tok = token()
        _decode(tok, now=clock)
        _decode(tok, now=clock)
        assert (len(calls), _kept()) == (2, 0)

    def test_invalid_now_raises_as_before(self) -> None:
        """A bad now= raises the same error with or without a kept verifier."""
        tok = token()
        _decode(tok)
        with pytest.raises(ValueError, match="naive"):
            _decode(tok, now=datetime(2023, 1, 1))
        with pytest.raises(TypeError):
            _decode(tok, now=True)
        with pytest.raises(ValueError, match="finite"):
            _decode(tok, now=float("inf"))


class TestSeparation:
    """No verifier serves another key or another policy."""

    def test_keys(self) -> None:
        """A token signed with one secret fails under another, after both are kept."""
        other = Key.from_secret(b"o" * 32)
        tok = token()
        _decode(tok)
        with pytest.raises(InvalidSignatureError):
            _decode(tok, key=other)
        with pytest.raises(InvalidSignatureError):
            _decode(token(other), key=hs256())
        assert _kept() == 2

    def test_equal_keys_are_distinct(self) -> None:
        """Keys are told apart by identity: an equal key object gets its own verifier."""
        twin = Key.from_secret(b"s" * 32)
        assert twin == hs256()
        tok = token()
        assert _decode(tok) == _decode(tok, key=twin)
        assert (
            jotkit.decode_complete(
                tok, twin, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, now=NOW
            ).key
            is twin
        )
        assert _kept() == 2

    def test_identity_is_confirmed(self) -> None:
        """An entry is used only for the very key object, limits and policy it was built
        for, even when another entry sits under its cache key."""
        key = hs256()
        _prepared.clear()
        _prepared.verifier_for(key, ["HS256"], DEFAULT_LIMITS, None, {})
        (found,) = _prepared._VERIFIERS._entries  # the one key that call was kept under
        for planted_for in (
            (Key.from_secret(b"s" * 32), DEFAULT_LIMITS, None),
            (key, Limits(), None),
            (key, DEFAULT_LIMITS, jwt.ClaimsPolicy()),
        ):
            planted = jwt.Verifier(planted_for[0], algorithms=["HS256"])
            _prepared._VERIFIERS.put(found, (*planted_for, planted))
            verifier, _ = _prepared.verifier_for(key, ["HS256"], DEFAULT_LIMITS, None, {})
            assert verifier is not planted
        verifier, _ = _prepared.verifier_for(key, ["HS256"], DEFAULT_LIMITS, None, {})
        assert _prepared.verifier_for(key, ["HS256"], DEFAULT_LIMITS, None, {})[0] is verifier

    def test_issuer_and_audience(self) -> None:
        """A verifier kept for one issuer or audience does not accept another's tokens."""
        tok = token()
        _decode(tok)
        with pytest.raises(InvalidClaimError):
            _decode(tok, issuer="https://other.example")
        with pytest.raises(InvalidClaimError):
            _decode(tok, audience=["https://other.example"])
        assert _decode(tok, issuer=[ISSUER, "https://other.example"]) == claims()

    def test_allow_list_contents(self) -> None:
        """The allow-list is keyed by its contents at each call, not by the list object."""
        algorithms = ["HS256"]
        tok = token()
        _decode(tok, algorithms=algorithms)
        algorithms[0] = "HS384"
        with pytest.raises(AlgorithmNotAllowedError):
            _decode(tok, algorithms=algorithms)

    def test_required_and_subject(self) -> None:
        """Required claims and the subject are part of the key."""
        tok = token()
        _decode(tok)
        with pytest.raises(MissingClaimError):
            _decode(tok, required=["jti"])
        with pytest.raises(MissingClaimError):
            _decode(tok, subject="alice")

    def test_leeway(self) -> None:
        """A kept verifier with no leeway does not serve a call with leeway, nor back."""
        tok = token()
        late = NOW + 70
        with pytest.raises(ExpiredError):
            _decode(tok, now=late)
        assert _decode(tok, now=late, leeway=30) == claims()
        assert _decode(tok, now=late, leeway=timedelta(seconds=30)) == claims()
        with pytest.raises(ExpiredError):
            _decode(tok, now=late, leeway=0)

    def test_look_alike_values(self) -> None:
        """True is not 1, and 1 is not "1": each builds, and checks, on its own."""
        tok = token(admin=1)
        assert _decode(tok, checks={"admin": 1}) == claims(admin=1)
        with pytest.raises(InvalidClaimError):
            _decode(tok, checks={"admin": True})
        with pytest.raises(InvalidClaimError):
            _decode(tok, checks={"admin": "1"})
        _decode(tok, leeway=1)
        with pytest.raises(TypeError):
            _decode(tok, leeway=True)

    def test_str_subclass_is_not_kept(self) -> None:
        """A str subclass (which may compare equal to anything) builds per call."""

        tok = token()
        assert _decode(tok, issuer=Sneaky(ISSUER)) == claims()
        assert _kept() == 0

    def test_key_sets(self) -> None:
        """A key set is kept by identity, and still selects by kid per token."""
        a, b = Key.generate("ES256", kid="a"), Key.generate("ES256", kid="b")
        keys = KeySet([a.public(), b.public()])
        for signer in (a, b, a):
            tok = jwt.encode({"iss": ISSUER}, signer)
            decoded = jotkit.decode_complete(tok, keys, algorithms=["ES256"], now=NOW)
            assert decoded.key.kid == signer.kid
        assert _kept() == 1

    def test_limits(self) -> None:
        """Limits are part of the key: tighter limits are not served by a looser verifier."""
        tok = token(padding="x" * 200)
        _decode(tok)
        with pytest.raises(jotkit.errors.ExceededLimitError):
            _decode(tok, limits=Limits(max_payload_size=64))

    def test_each_limits_object_keeps_its_own_verifier(self) -> None:
        """Two Limits objects get two kept verifiers, each reused: they do not evict
        each other under one cache key."""
        tok, roomy = token(), Limits(max_payload_size=10_000)
        for _ in range(3):
            _decode(tok)
            _decode(tok, limits=roomy)
        assert _kept() == 2


class TestWhatIsNotKept:
    """Predicates, failures and odd argument types never enter the cache."""

    def test_predicates(self) -> None:
        """A predicate check builds per call and is called per call."""
        seen: list[Any] = []

        def check(value: Any) -> bool:
            seen.append(value)
            return True

        tok = token(role="user")
        _decode(tok, checks={"role": check})
        _decode(tok, checks={"role": check})
        assert (seen, _kept()) == (["user", "user"], 0)

    def test_invalid_arguments(self) -> None:
        """A call that cannot build a verifier raises every time and keeps nothing."""
        tok = token()
        for _ in range(2):
            with pytest.raises(ValueError, match="unknown JWS algorithm"):
                _decode(tok, algorithms=["nope"])
            with pytest.raises(TypeError):
                _decode(tok, algorithms="HS256")
        assert _kept() == 0

    def test_callable_key(self) -> None:
        """A key callable is called per token, never kept."""
        calls: list[int] = []

        def pick(header: Any) -> Key:
            calls.append(1)
            return hs256()

        tok = token()
        _decode(tok, key=pick)
        _decode(tok, key=pick)
        assert (len(calls), _kept()) == (2, 0)

    def test_bounded(self) -> None:
        """However many keys pass through, at most CACHE_SIZE verifiers are kept."""
        for n in range(_prepared.CACHE_SIZE * 3):
            secret = n.to_bytes(2, "big") * 16
            key = Key.from_secret(secret)
            assert _decode(token(key), key=key) == claims()
            assert _kept() <= _prepared.CACHE_SIZE
        assert _kept() == _prepared.CACHE_SIZE

    def test_failures_are_not_kept_as_results(self) -> None:
        """A rejected token is rejected again (nothing about tokens is kept here)."""
        tok = token()
        bad = tok[:-2] + ("AA" if not tok.endswith("AA") else "BB")
        for _ in range(2):
            with pytest.raises(InvalidSignatureError):
                _decode(bad)
        assert _decode(tok) == claims()

    def test_es256_private_key(self) -> None:
        """An asymmetric key verifies through the kept verifier as through a fresh one."""
        tok = token(es256(), alg="ES256")
        for _ in range(2):
            assert _decode(tok, key=es256().public(), algorithms=["ES256"]) == claims()


def _timeless_token(**extra: Any) -> str:
    """A token valid at any time: the usual call has no ``now=`` and reads the clock."""
    return jwt.encode({"iss": ISSUER, "aud": AUDIENCE, **extra}, hs256(), alg="HS256")


def _usual(tok: str, **policy: Any) -> dict[str, Any]:
    """The usual call: one alg, issuer, audience and the real clock (the inline fast path)."""
    return jotkit.decode(
        tok, hs256(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE, **policy
    )


class TestUsualCallPath:
    """The inline fast path of the usual call never serves a call with a stricter policy.

    A verifier kept for the usual call (no subject, typ, checks, max_age or required
    claims) must not answer a later call that adds any of them: it would skip that check.
    """

    def test_control(self) -> None:
        """Control: the usual call is kept, and served from the cache the second time."""
        tok = _timeless_token()
        assert _usual(tok) == _usual(tok) == {"iss": ISSUER, "aud": AUDIENCE}
        assert _kept() == 1

    @pytest.mark.parametrize(
        ("policy", "error"),
        [
            ({"subject": "alice"}, MissingClaimError),
            ({"typ": "at+jwt"}, InvalidClaimError),
            ({"checks": {"role": "admin"}}, MissingClaimError),
            ({"checks": {"iss": lambda value: False}}, InvalidClaimError),
            ({"max_age": 60}, MissingClaimError),
            ({"required": ["jti"]}, MissingClaimError),
            ({"required": ("jti",)}, MissingClaimError),
        ],
        ids=["subject", "typ", "checks", "predicate", "max_age", "required-list", "required"],
    )
    def test_stricter_call_after_the_usual_one(
        self, policy: dict[str, Any], error: type[Exception]
    ) -> None:
        """Each stricter policy rejects the token although the usual call just passed."""
        tok = _timeless_token()
        _usual(tok)
        with pytest.raises(error):
            _usual(tok, **policy)
        _usual(tok)
        with pytest.raises(error):
            _usual(tok, **policy)

    def test_str_subclass_in_a_collection_is_not_kept(self) -> None:
        """A str subclass inside an issuer, audience, required or algorithms list builds
        per call: it may compare equal to anything, so it cannot be part of a cache key."""

        tok = _timeless_token()
        policies: list[dict[str, Any]] = [
            {"issuer": [Sneaky(ISSUER)]},
            {"audience": (Sneaky(AUDIENCE),)},
            {"required": [Sneaky("iss")]},
        ]
        for policy in policies:
            assert jotkit.decode(
                tok,
                hs256(),
                algorithms=["HS256"],
                **{"issuer": ISSUER, "audience": AUDIENCE, **policy},
            ) == {"iss": ISSUER, "aud": AUDIENCE}
        assert jotkit.decode(
            tok, hs256(), algorithms=[Sneaky("HS256"), "HS384"], issuer=ISSUER, audience=AUDIENCE
        )
        assert _kept() == 0
