"""Every claim rule of RFC 7519 section 4.1 and RFC 8725, each accepted and rejected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from jotkit import jwt
from jotkit.errors import (
    ClaimsError,
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    MissingClaimError,
    NotYetValidError,
)

from ._helpers import AUDIENCE, ISSUER, NOW, hs256, raw_token


@dataclass(frozen=True)
class Case:
    """One rule applied to one token: ``error`` is None when the token must pass."""

    id: str
    claims: dict[str, Any]
    policy: dict[str, Any] = field(default_factory=dict)
    error: type[ClaimsError] | None = None
    claim: str | None = None
    header: dict[str, Any] = field(default_factory=dict)


def ok(id: str, claims: dict[str, Any], **policy: Any) -> Case:
    """A token the policy accepts."""
    return Case(id, claims, policy)


def bad(
    id: str, claims: dict[str, Any], error: type[ClaimsError], claim: str, **policy: Any
) -> Case:
    """A token the policy rejects with ``error`` naming ``claim``."""
    return Case(id, claims, policy, error, claim)


HUGE = 10**400

TIME_CASES = [
    ok("exp-future", {"exp": NOW + 1}),
    bad("exp-past", {"exp": NOW - 1}, ExpiredError, "exp"),
    bad("exp-now-is-expired", {"exp": NOW}, ExpiredError, "exp"),
    ok("exp-float", {"exp": NOW + 0.5}),
    ok("exp-past-within-leeway", {"exp": NOW - 10}, leeway=30),
    ok("exp-past-within-timedelta-leeway", {"exp": NOW - 10}, leeway=timedelta(seconds=30)),
    bad("exp-past-beyond-leeway", {"exp": NOW - 31}, ExpiredError, "exp", leeway=30),
    ok("nbf-past", {"nbf": NOW - 1}),
    ok("nbf-now", {"nbf": NOW}),
    bad("nbf-future", {"nbf": NOW + 1}, NotYetValidError, "nbf"),
    ok("nbf-future-within-leeway", {"nbf": NOW + 10}, leeway=30),
    bad("nbf-future-beyond-leeway", {"nbf": NOW + 31}, NotYetValidError, "nbf", leeway=30),
    ok("iat-past", {"iat": NOW - 100}),
    bad("iat-future", {"iat": NOW + 1}, NotYetValidError, "iat"),
    ok("iat-future-within-leeway", {"iat": NOW + 5}, leeway=5),
    ok("max-age-recent", {"iat": NOW - 60}, max_age=300),
    ok("max-age-timedelta", {"iat": NOW - 60}, max_age=timedelta(minutes=5)),
    bad("max-age-too-old", {"iat": NOW - 301}, ExpiredError, "iat", max_age=300),
    ok("max-age-old-within-leeway", {"iat": NOW - 310}, max_age=300, leeway=10),
    bad("max-age-needs-iat", {"exp": NOW + 60}, MissingClaimError, "iat", max_age=300),
    # Integers no float can hold: exact comparisons, never an OverflowError.
    ok("exp-huge-future", {"exp": HUGE}, leeway=5),
    bad("exp-huge-past", {"exp": -HUGE}, ExpiredError, "exp", leeway=5),
    bad("nbf-huge", {"nbf": HUGE}, NotYetValidError, "nbf", leeway=5),
    bad("iat-huge", {"iat": HUGE}, NotYetValidError, "iat"),
    bad("max-age-huge-past", {"iat": -HUGE}, ExpiredError, "iat", max_age=60, leeway=5),
]

TYPE_CASES = [
    bad("exp-string", {"exp": str(NOW + 60)}, InvalidClaimError, "exp"),
    bad("exp-bool", {"exp": True}, InvalidClaimError, "exp"),
    bad("exp-null", {"exp": None}, InvalidClaimError, "exp"),
    bad("nbf-string", {"nbf": "0"}, InvalidClaimError, "nbf"),
    bad("nbf-list", {"nbf": [0]}, InvalidClaimError, "nbf"),
    bad("iat-bool", {"iat": False}, InvalidClaimError, "iat"),
    bad("iat-object", {"iat": {}}, InvalidClaimError, "iat"),
    ok("iat-float", {"iat": NOW - 0.25}),
    bad("iss-number", {"iss": 1}, InvalidClaimError, "iss"),
    bad("iss-null", {"iss": None}, InvalidClaimError, "iss"),
    bad("sub-list", {"sub": ["a"]}, InvalidClaimError, "sub"),
    bad("jti-number", {"jti": 7}, InvalidClaimError, "jti"),
    ok("jti-string", {"jti": "abc"}),
    bad("aud-number", {"aud": 1}, InvalidClaimError, "aud", audience="1"),
    bad(
        "aud-list-with-number", {"aud": [AUDIENCE, 1]}, InvalidClaimError, "aud", audience=AUDIENCE
    ),
    bad("aud-object", {"aud": {"a": AUDIENCE}}, InvalidClaimError, "aud", audience=AUDIENCE),
    ok("unregistered-claims-untyped", {"exp2": "x", "scope": ["a", 1], "nested": {"iss": 1}}),
]

VALUE_CASES = [
    ok("iss-equal", {"iss": ISSUER}, issuer=ISSUER),
    ok("iss-one-of", {"iss": ISSUER}, issuer=["https://other.example", ISSUER]),
    bad("iss-other", {"iss": "https://evil.example"}, InvalidClaimError, "iss", issuer=ISSUER),
    bad("iss-prefix", {"iss": ISSUER + ".evil"}, InvalidClaimError, "iss", issuer=ISSUER),
    bad("iss-substring", {"iss": "issuer"}, InvalidClaimError, "iss", issuer=ISSUER),
    bad("iss-not-normalised", {"iss": ISSUER.upper()}, InvalidClaimError, "iss", issuer=ISSUER),
    bad("iss-trailing-slash", {"iss": ISSUER + "/"}, InvalidClaimError, "iss", issuer=ISSUER),
    bad("iss-missing", {"sub": "x"}, MissingClaimError, "iss", issuer=ISSUER),
    ok("iss-unchecked-when-not-configured", {"iss": "anyone"}),
    ok("aud-string", {"aud": AUDIENCE}, audience=AUDIENCE),
    ok("aud-list-contains", {"aud": ["https://other.example", AUDIENCE]}, audience=AUDIENCE),
    ok("aud-one-of-configured", {"aud": AUDIENCE}, audience={"https://x.example", AUDIENCE}),
    bad("aud-other", {"aud": "https://other.example"}, InvalidClaimError, "aud", audience=AUDIENCE),
    bad(
        "aud-list-without",
        {"aud": ["https://a.example"]},
        InvalidClaimError,
        "aud",
        audience=AUDIENCE,
    ),
    bad("aud-empty-list", {"aud": []}, InvalidClaimError, "aud", audience=AUDIENCE),
    bad(
        "aud-substring",
        {"aud": "https://api.example.evil"},
        InvalidClaimError,
        "aud",
        audience=AUDIENCE,
    ),
    bad("aud-missing", {"sub": "x"}, MissingClaimError, "aud", audience=AUDIENCE),
    bad("aud-present-none-configured", {"aud": AUDIENCE}, InvalidClaimError, "aud"),
    bad("aud-list-present-none-configured", {"aud": [AUDIENCE]}, InvalidClaimError, "aud"),
    ok("sub-equal", {"sub": "alice"}, subject="alice"),
    bad("sub-other", {"sub": "mallory"}, InvalidClaimError, "sub", subject="alice"),
    bad("sub-missing", {"iss": ISSUER}, MissingClaimError, "sub", subject="alice"),
    ok("required-present", {"exp": NOW + 5, "jti": "j"}, required=["exp", "jti"]),
    bad("required-absent", {"exp": NOW + 5}, MissingClaimError, "jti", required=["exp", "jti"]),
    bad("required-exp-absent", {"sub": "x"}, MissingClaimError, "exp", required=("exp",)),
]


def _positive(value: Any) -> bool:
    return bool(value > 0)


def _explodes(value: Any) -> bool:
    raise KeyError(value)


CHECK_CASES = [
    ok("check-value", {"scope": "read"}, checks={"scope": "read"}),
    bad(
        "check-value-differs",
        {"scope": "write"},
        InvalidClaimError,
        "scope",
        checks={"scope": "read"},
    ),
    bad("check-missing", {"x": 1}, MissingClaimError, "scope", checks={"scope": "read"}),
    ok("check-predicate", {"level": 3}, checks={"level": _positive}),
    bad(
        "check-predicate-false",
        {"level": -3},
        InvalidClaimError,
        "level",
        checks={"level": _positive},
    ),
    bad(
        "check-predicate-raises",
        {"level": 3},
        InvalidClaimError,
        "level",
        checks={"level": _explodes},
    ),
    bad(
        "check-predicate-wrong-type",
        {"level": "3"},
        InvalidClaimError,
        "level",
        checks={"level": _positive},
    ),
    ok("check-bool", {"admin": False}, checks={"admin": False}),
    bad("check-bool-is-not-int", {"admin": 0}, InvalidClaimError, "admin", checks={"admin": False}),
    bad("check-int-is-not-bool", {"n": True}, InvalidClaimError, "n", checks={"n": 1}),
    ok("check-list-value", {"amr": ["pwd", "otp"]}, checks={"amr": ["pwd", "otp"]}),
]

ALL_CASES = TIME_CASES + TYPE_CASES + VALUE_CASES + CHECK_CASES


class TestClaimRules:
    """Each rule, applied by ``decode`` after the signature verified."""

    @pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.id)
    def test_rule(self, case: Case) -> None:
        """The token passes, or fails with the expected error naming the expected claim."""
        token = raw_token(case.claims)
        policy = {"algorithms": ["HS256"], "now": NOW, **case.policy}
        if case.error is None:
            assert jwt.decode(token, hs256(), **policy) == case.claims
            return
        with pytest.raises(case.error) as info:
            jwt.decode(token, hs256(), **policy)
        assert info.value.claim == case.claim
        assert type(info.value) is case.error

    @pytest.mark.parametrize("case", [c for c in ALL_CASES if c.error], ids=lambda c: c.id)
    def test_signature_first(self, case: Case) -> None:
        """A bad signature is reported before any claim error (claims of a forgery mean nothing)."""
        head, body, sig = raw_token(case.claims).split(".")
        forged = f"{head}.{body}.{sig[:-2]}{'A' if sig[-2] != 'A' else 'B'}{sig[-1]}"
        with pytest.raises(InvalidSignatureError):
            jwt.decode(forged, hs256(), algorithms=["HS256"], now=NOW, **case.policy)


TYP_CASES = [
    ("JWT", "JWT", True),
    ("jwt", "JWT", True),
    ("application/jwt", "JWT", True),
    ("Application/JWT", "jwt", True),
    ("at+jwt", "at+jwt", True),
    ("application/at+jwt", "at+jwt", True),
    ("AT+JWT", "application/at+jwt", True),
    ("JWT", "at+jwt", False),
    ("at+jwt", "JWT", False),
    ("application/x/at+jwt", "at+jwt", False),
    ("secevent+jwt", "at+jwt", False),
    (None, "at+jwt", False),
    (7, "JWT", False),
]


class TestExplicitTyping:
    """RFC 8725 section 3.11: ``typ=`` requires the header's ``typ`` to match."""

    @pytest.mark.parametrize(("header_typ", "expected", "accepted"), TYP_CASES)
    def test_typ(self, header_typ: object, expected: str, accepted: bool) -> None:
        """Case-insensitive, optional ``application/`` prefix, nothing looser."""
        token = jwt.encode({"sub": "a"}, hs256(), alg="HS256", typ=None, headers=_typ(header_typ))
        if accepted:
            assert jwt.decode(token, hs256(), algorithms=["HS256"], typ=expected) == {"sub": "a"}
            return
        error = MissingClaimError if header_typ is None else InvalidClaimError
        with pytest.raises(error) as info:
            jwt.decode(token, hs256(), algorithms=["HS256"], typ=expected)
        assert info.value.claim == "typ"

    def test_id_token_is_not_an_access_token(self) -> None:
        """An ID token (typ JWT) is refused where an RFC 9068 access token is expected."""
        id_token = jwt.encode({"sub": "a", "iss": ISSUER}, hs256(), alg="HS256")
        with pytest.raises(InvalidClaimError) as info:
            jwt.decode(id_token, hs256(), algorithms=["HS256"], issuer=ISSUER, typ="at+jwt")
        assert info.value.claim == "typ"

    def test_typ_unchecked_by_default(self) -> None:
        """Without ``typ=`` any header ``typ`` (or none) is accepted."""
        token = jwt.encode({"sub": "a"}, hs256(), alg="HS256", typ="whatever+jwt")
        assert jwt.decode(token, hs256(), algorithms=["HS256"]) == {"sub": "a"}


def _typ(value: object) -> dict[str, Any] | None:
    return None if value is None else {"typ": value}


UTC = timezone.utc


class TestNow:
    """``now=`` is a NumericDate, an aware datetime, or a callable; else the clock."""

    @pytest.mark.parametrize(
        "now",
        [
            NOW,
            float(NOW),
            datetime.fromtimestamp(NOW, UTC),
            lambda: NOW,
            lambda: datetime.fromtimestamp(NOW, UTC),
        ],
        ids=["int", "float", "datetime", "callable", "callable-datetime"],
    )
    def test_forms(self, now: Any) -> None:
        """Each form puts the check at NOW: valid just before ``exp``, expired at it."""
        valid = raw_token({"exp": NOW + 1})
        assert jwt.decode(valid, hs256(), algorithms=["HS256"], now=now) == {"exp": NOW + 1}
        expired = raw_token({"exp": NOW})
        with pytest.raises(ExpiredError):
            jwt.decode(expired, hs256(), algorithms=["HS256"], now=now)

    def test_datetime_keeps_fractions(self) -> None:
        """A ``now`` datetime is exact: half a second before ``exp`` is still valid."""
        half = datetime.fromtimestamp(NOW, UTC) - timedelta(milliseconds=500)
        assert jwt.decode(raw_token({"exp": NOW}), hs256(), algorithms=["HS256"], now=half)

    def test_clock_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without ``now=``, the time comes from ``jotkit._time.now``."""
        from jotkit import _time

        monkeypatch.setattr(_time, "now", lambda: float(NOW + 100))
        token = raw_token({"exp": NOW + 50})
        with pytest.raises(ExpiredError):
            jwt.decode(token, hs256(), algorithms=["HS256"])
        monkeypatch.setattr(_time, "now", lambda: float(NOW))
        assert jwt.decode(token, hs256(), algorithms=["HS256"]) == {"exp": NOW + 50}

    def test_real_clock(self) -> None:
        """With the real clock, a token from 2023 that expired is refused."""
        with pytest.raises(ExpiredError):
            jwt.decode(raw_token({"exp": NOW}), hs256(), algorithms=["HS256"])

    def test_callable_read_per_token(self) -> None:
        """A callable clock is read for every token, so one Verifier sees time move on."""
        clock = [float(NOW)]
        verifier = jwt.Verifier(hs256(), algorithms=["HS256"], now=lambda: clock[0])
        token = raw_token({"exp": NOW + 10})
        assert verifier.decode(token) == {"exp": NOW + 10}
        clock[0] += 10
        with pytest.raises(ExpiredError):
            verifier.decode(token)


class TestPolicyArguments:
    """Caller mistakes in the policy raise TypeError or ValueError, never a JotkitError."""

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"issuer": 5}, TypeError),
            ({"issuer": []}, ValueError),
            ({"issuer": [ISSUER, 5]}, TypeError),
            ({"issuer": b"https://issuer.example"}, TypeError),
            ({"audience": ()}, ValueError),
            ({"subject": 5}, TypeError),
            ({"leeway": -1}, ValueError),
            ({"leeway": "5"}, TypeError),
            ({"leeway": True}, TypeError),
            ({"leeway": float("inf")}, ValueError),
            ({"max_age": timedelta(seconds=-1)}, ValueError),
            ({"required": "exp"}, TypeError),
            ({"required": [1]}, TypeError),
            ({"required": 5}, TypeError),
            ({"typ": 5}, TypeError),
            ({"checks": ["scope"]}, TypeError),
            ({"checks": {1: "x"}}, TypeError),
            ({"now": "2024-01-01"}, TypeError),
            ({"now": True}, TypeError),
            ({"now": float("nan")}, ValueError),
            ({"now": datetime(2024, 1, 1)}, ValueError),  # naive: ambiguous
        ],
        ids=str,
    )
    def test_rejected(self, kwargs: dict[str, Any], error: type[Exception]) -> None:
        """The Verifier refuses to be built."""
        with pytest.raises(error):
            jwt.Verifier(hs256(), algorithms=["HS256"], **kwargs)

    def test_callable_now_returning_junk(self) -> None:
        """A clock that returns a non-time is the caller's bug: TypeError at decode."""
        verifier = jwt.Verifier(hs256(), algorithms=["HS256"], now=_junk_clock)
        with pytest.raises(TypeError):
            verifier.decode(raw_token({"sub": "a"}))

    def test_normalised_policy(self) -> None:
        """The policy is normalised once: frozensets, float seconds, normalised typ."""
        policy = jwt.Verifier(
            hs256(),
            algorithms=["HS256"],
            issuer=ISSUER,
            audience=[AUDIENCE, AUDIENCE],
            leeway=timedelta(seconds=2),
            max_age=60,
            required=["exp"],
            typ="application/AT+JWT",
        ).policy
        assert policy.issuer == frozenset({ISSUER})
        assert policy.audience == frozenset({AUDIENCE})
        assert policy.leeway == 2.0
        assert policy.max_age == 60.0
        assert policy.required == frozenset({"exp"})
        assert policy.typ == "at+jwt"


def _junk_clock() -> Any:
    return "now"


def test_policy_is_frozen() -> None:
    """ClaimsPolicy is a frozen dataclass."""
    policy = jwt.ClaimsPolicy(issuer=ISSUER)
    with pytest.raises(AttributeError):
        policy.issuer = frozenset({"x"})  # type: ignore[misc]


def test_policy_check_standalone() -> None:
    """ClaimsPolicy.check can be run on claims from elsewhere (after verifying them)."""
    policy = jwt.ClaimsPolicy(issuer=ISSUER, now=NOW)
    policy.check({"iss": ISSUER, "exp": NOW + 1}, {})
    with pytest.raises(ExpiredError):
        policy.check({"iss": ISSUER, "exp": NOW - 1}, {})
    with pytest.raises(InvalidClaimError):
        policy.check({"iss": ISSUER, "exp": float("inf")}, {})
