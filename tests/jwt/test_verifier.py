"""``Verifier``: frozen, pre-bound, and its optional cache of verified tokens."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from jotkit import KeySet, jwt
from jotkit.errors import (
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    MalformedJWTError,
    NotYetValidError,
)

from ._helpers import AUDIENCE, ISSUER, NOW, hs256, raw_token, signing_key


class Clock:
    """A settable clock for ``now=``."""

    def __init__(self, now: float = NOW) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now


class TestVerifier:
    """Construction and reuse."""

    def test_reusable(self) -> None:
        """One verifier checks many tokens against the same key and policy."""
        verifier = jwt.Verifier(
            signing_key("ES256").public(), algorithms=["ES256"], issuer=ISSUER, now=NOW
        )
        for n in range(3):
            token = jwt.encode({"iss": ISSUER, "n": n}, signing_key("ES256"))
            assert verifier.decode(token) == {"iss": ISSUER, "n": n}
        with pytest.raises(InvalidClaimError):
            verifier.decode(jwt.encode({"iss": "x"}, signing_key("ES256")))

    def test_frozen(self) -> None:
        """A Verifier cannot be changed after construction."""
        verifier = jwt.Verifier(hs256(), algorithms=["HS256"])
        with pytest.raises(AttributeError):
            verifier._policy = jwt.ClaimsPolicy()
        with pytest.raises(AttributeError):
            del verifier._policy
        assert "Verifier(" in repr(verifier)

    def test_key_set_selection(self) -> None:
        """A key set is selected by kid, per token."""
        ks = KeySet([signing_key(a).public() for a in ("ES256", "RS256", "EdDSA")])
        verifier = jwt.Verifier(ks, algorithms=["ES256", "RS256", "EdDSA"])
        for alg in ("ES256", "RS256", "EdDSA"):
            assert verifier.decode(jwt.encode({"alg": alg}, signing_key(alg))) == {"alg": alg}

    def test_decode_complete(self) -> None:
        """``decode_complete`` on a Verifier returns the header and key too."""
        verifier = jwt.Verifier(signing_key("Ed448").public(), algorithms=["Ed448"])
        result = verifier.decode_complete(jwt.encode({"a": 1}, signing_key("Ed448")))
        assert result.header["alg"] == "Ed448"
        assert result.key == signing_key("Ed448").public()

    def test_bad_cache_size(self) -> None:
        """``cache`` is a positive number of tokens, or 0/None."""
        for size in (-1, 1.5, True):
            with pytest.raises(ValueError, match="cache"):
                jwt.Verifier(hs256(), algorithms=["HS256"], cache=size)  # type: ignore[arg-type]
        assert jwt.Verifier(hs256(), algorithms=["HS256"], cache=0).decode(raw_token({})) == {}


def _cached(size: int = 8, **policy: Any) -> tuple[jwt.Verifier, Clock]:
    clock = Clock()
    verifier = jwt.Verifier(hs256(), algorithms=["HS256"], now=clock, cache=size, **policy)
    return verifier, clock


class TestCache:
    """``cache=N``: an LRU of verified tokens, re-checked in time on every hit."""

    def test_hit_returns_same_claims(self) -> None:
        """A hit returns the same claims as the first decode."""
        verifier, _ = _cached(audience=AUDIENCE)
        token = raw_token({"sub": "a", "exp": NOW + 60, "aud": [AUDIENCE]})
        first = verifier.decode(token)
        assert verifier.decode(token) == first
        assert verifier.decode(token.encode("ascii")) == first
        complete = verifier.decode_complete(token)
        assert complete.claims == first
        assert complete.header == {"alg": "HS256"}
        assert complete.key is hs256()

    def test_expired_on_hit(self) -> None:
        """A cached token is rejected once it expires: time claims are re-checked."""
        verifier, clock = _cached()
        token = raw_token({"exp": NOW + 60})
        assert verifier.decode(token) == {"exp": NOW + 60}
        clock.now = NOW + 60
        with pytest.raises(ExpiredError):
            verifier.decode(token)
        with pytest.raises(ExpiredError):
            verifier.decode_complete(token)

    def test_max_age_on_hit(self) -> None:
        """``max_age`` is re-checked on a hit as well."""
        verifier, clock = _cached(max_age=30, leeway=5)
        token = raw_token({"iat": NOW})
        verifier.decode(token)
        clock.now = NOW + 36
        with pytest.raises(ExpiredError):
            verifier.decode(token)

    def test_custom_checks_on_hit(self) -> None:
        """Custom checks (a revocation list, say) run on every hit."""
        revoked: set[str] = set()
        verifier, _ = _cached(checks={"jti": lambda jti: jti not in revoked})
        token = raw_token({"jti": "t1"})
        verifier.decode(token)
        revoked.add("t1")
        with pytest.raises(InvalidClaimError):
            verifier.decode(token)

    def test_not_yet_valid_is_not_cached(self) -> None:
        """Only successes are cached: a failure is retried in full, and may pass later."""
        verifier, clock = _cached()
        token = raw_token({"nbf": NOW + 10})
        with pytest.raises(NotYetValidError):
            verifier.decode(token)
        assert len(verifier._cache or ()) == 0
        clock.now = NOW + 10
        assert verifier.decode(token) == {"nbf": NOW + 10}

    def test_bad_signature_not_cached(self) -> None:
        """A forgery never enters the cache."""
        verifier, _ = _cached()
        forged = raw_token({"sub": "a"})[:-2] + "AA"
        for _ in range(2):
            with pytest.raises(InvalidSignatureError):
                verifier.decode(forged)
        assert len(verifier._cache or ()) == 0

    def test_mutation_does_not_poison(self) -> None:
        """Mutating a returned result (nested values too) does not change the cache."""
        verifier, _ = _cached()
        claims = {"sub": "a", "aud": [AUDIENCE], "roles": {"admin": False}}
        token = raw_token(claims)
        verifier = jwt.Verifier(hs256(), algorithms=["HS256"], audience=AUDIENCE, now=NOW, cache=4)
        for _ in range(3):
            result = verifier.decode(token)
            assert result == claims
            result["sub"] = "mallory"
            result["aud"].append("https://evil.example")
            result["roles"]["admin"] = True
            complete = verifier.decode_complete(token)
            complete.claims["roles"]["admin"] = True
            complete.header["alg"] = "none"
        assert verifier.decode_complete(token).header == {"alg": "HS256"}

    def test_deep_copy(self) -> None:
        """Lists inside lists are copied too; ``decode_complete`` may miss, then hit."""
        verifier, _ = _cached()
        token = raw_token({"m": [[1], {"k": [2]}]})
        first = verifier.decode_complete(token)
        first.claims["m"][0].append(9)
        second = verifier.decode(token)
        second["m"][1]["k"].append(9)
        assert verifier.decode(token) == {"m": [[1], {"k": [2]}]}
        assert "cache=8" in repr(verifier)

    def test_one_level_claims_copy(self) -> None:
        """Claims holding flat objects (``cnf``) are copied member by member."""
        verifier, _ = _cached()
        token = raw_token({"sub": "a", "cnf": {"jkt": "abc"}})
        for _ in range(3):  # a miss, then hits
            claims = verifier.decode(token)
            assert claims == {"sub": "a", "cnf": {"jkt": "abc"}}
            claims["cnf"]["jkt"] = "mallory"

    def test_flat_claims_copy(self) -> None:
        """Flat claims are copied too."""
        verifier, _ = _cached()
        token = raw_token({"sub": "a"})
        verifier.decode(token)["sub"] = "b"
        assert verifier.decode(token) == {"sub": "a"}

    def test_bounded(self) -> None:
        """The cache holds at most N tokens and evicts the least recently used."""
        verifier, _ = _cached(size=3)
        tokens = [raw_token({"n": n}) for n in range(5)]
        for token in tokens[:3]:
            verifier.decode(token)
        verifier.decode(tokens[0])  # now tokens[1] is the least recently used
        verifier.decode(tokens[3])
        cache = verifier._cache
        assert cache is not None
        assert len(cache) == 3
        assert cache.get(tokens[1]) is None
        assert cache.get(tokens[0]) is not None
        for token in tokens:
            verifier.decode(token)
        assert len(cache) == 3
        cache.clear()
        assert len(cache) == 0

    def test_substitution_still_refused(self) -> None:
        """The cache sits behind the serialization checks."""
        verifier, _ = _cached()
        with pytest.raises(MalformedJWTError):
            verifier.decode("{}")

    def test_threads(self) -> None:
        """Concurrent use from threads is safe."""
        verifier, _ = _cached(size=4)
        tokens = [raw_token({"n": n}) for n in range(16)]
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(20):
                    for n, token in enumerate(tokens):
                        assert verifier.decode(token) == {"n": n}
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
