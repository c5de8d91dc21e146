"""Attack class 11: claim confusion in ``iss``, ``aud``, ``sub``, ``typ`` and the time claims.

Pins: CVE-2024-53861 (PyJWT 2.10.0: ``iss`` checked with ``in`` on a string, so any
substring matched), RFC 7519 section 4.1.3 (a token with an ``aud`` the recipient does
not identify with MUST be rejected, including when no audience is configured), RFC 7519
section 2 (NumericDate is a JSON number: a string, bool or null must not compare as a
time), RFC 8725 section 3.11 (explicit typing). Claims are checked only after the
signature (or decryption) passed, and each failure is a ``ClaimsError`` naming the claim.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jotkit import Key, jwe, jwt
from jotkit.errors import (
    ClaimsError,
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    MalformedJWTError,
    MissingClaimError,
    NotYetValidError,
)

from ._forge import SECRET, b64, hs_token, rejects, rsa_key, signing_input

NOW = 1_700_000_000
ISSUER = "https://issuer.example"
BASE = {"iss": ISSUER, "sub": "alice", "aud": "api", "exp": NOW + 60, "iat": NOW - 10}


def _decode(claims: Any, **policy: Any) -> dict[str, Any]:
    payload = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    token = hs_token({"alg": "HS256", "typ": "JWT"}, payload)
    options: dict[str, Any] = {"issuer": ISSUER, "audience": "api", "now": NOW}
    options.update(policy)
    return jwt.decode(token, SECRET, algorithms=["HS256"], **options)


def _claim_error(expected: type[ClaimsError], claim: str, claims: Any, **policy: Any) -> None:
    error = rejects(expected, _decode, claims, **policy)
    assert isinstance(error, ClaimsError)
    assert error.claim == claim


class TestIssuer:
    """iss is compared for equality with the configured value(s), never containment."""

    @pytest.mark.parametrize(
        "iss",
        [
            "https://issuer",
            "issuer.example",
            "https",
            "",
            "https://issuer.example.evil.com",
            "https://evil.com/https://issuer.example",
            "https://issuer.example/",
            "https://issuer.example#",
            "HTTPS://ISSUER.EXAMPLE",
            "https://Issuer.example",
            " https://issuer.example",
            "https://issuer.example\u200b",
            "https://\u0456ssuer.example",  # Cyrillic i
            "\uff48ttps://issuer.example",  # fullwidth h: NFKC-equal
        ],
        ids=ascii,
    )
    def test_near_miss(self, iss: str) -> None:
        """Partial, case-changed and Unicode-tricked issuers."""
        _claim_error(InvalidClaimError, "iss", {**BASE, "iss": iss})

    @pytest.mark.parametrize("iss", [[ISSUER], {"iss": ISSUER}, 1, True], ids=repr)
    def test_wrong_type(self, iss: Any) -> None:
        """iss must be a string."""
        _claim_error(InvalidClaimError, "iss", {**BASE, "iss": iss})

    def test_null(self) -> None:
        """iss null is not a missing iss but an ill-typed one."""
        _claim_error(InvalidClaimError, "iss", {**BASE, "iss": None})

    def test_missing(self) -> None:
        """No iss while one is required."""
        claims = {k: v for k, v in BASE.items() if k != "iss"}
        _claim_error(MissingClaimError, "iss", claims)

    def test_substring_of_a_listed_issuer(self) -> None:
        """An allow-list of issuers is a set of exact strings."""
        issuers = [ISSUER, "https://other.example"]
        _claim_error(InvalidClaimError, "iss", {**BASE, "iss": "https://other"}, issuer=issuers)


class TestAudience:
    """aud is a string or a list of strings, one of which must be exactly ours."""

    @pytest.mark.parametrize(
        "aud",
        ["ap", "api2", "API", "api ", "", "apі", ["ap"], ["api2", "x"], [], ["API"]],
        ids=ascii,
    )
    def test_near_miss(self, aud: Any) -> None:
        """Near matches, as a string or in a list."""
        _claim_error(InvalidClaimError, "aud", {**BASE, "aud": aud})

    @pytest.mark.parametrize(
        "aud",
        [1, True, None, {"api": True}, [["api"]], ["api", 1], ["api", None]],
        ids=repr,
    )
    def test_wrong_type(self, aud: Any) -> None:
        """Numbers, objects, nested lists and mixed lists, even containing "api"."""
        _claim_error(InvalidClaimError, "aud", {**BASE, "aud": aud})

    @pytest.mark.parametrize("aud", ["api", ["api"], ["other", "api"]], ids=repr)
    def test_present_but_no_audience_configured(self, aud: Any) -> None:
        """RFC 7519 4.1.3: a token for a named audience, checked by a party that has none."""
        _claim_error(InvalidClaimError, "aud", {**BASE, "aud": aud}, audience=None)

    def test_missing_when_configured(self) -> None:
        """No aud while one is expected."""
        claims = {k: v for k, v in BASE.items() if k != "aud"}
        _claim_error(MissingClaimError, "aud", claims)

    def test_control_list(self) -> None:
        """Control: a list containing our audience is accepted."""
        assert _decode({**BASE, "aud": ["other", "api"]})["sub"] == "alice"


class TestTimeClaims:
    """exp, nbf and iat are JSON numbers; anything else is an invalid claim."""

    @pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
    @pytest.mark.parametrize(
        "value",
        [str(NOW + 60), "9999999999", "", True, False, None, [NOW + 60], {"t": NOW}],
        ids=repr,
    )
    def test_wrong_type(self, name: str, value: Any) -> None:
        """Strings (which compare lexically in some stacks), bools (True == 1), null..."""
        _claim_error(InvalidClaimError, name, {**BASE, name: value})

    @pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
    @pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400"])
    def test_non_finite_literal(self, name: str, literal: bytes) -> None:
        """Non-JSON literals and numbers that overflow a float are malformed JSON."""
        payload = b'{"iss":"%s","aud":"api","%s":%s}' % (ISSUER.encode(), name.encode(), literal)
        rejects(MalformedJWTError, _decode, payload)

    def test_expired(self) -> None:
        """Control for the classes: an expired token."""
        _claim_error(ExpiredError, "exp", {**BASE, "exp": NOW - 1})

    def test_claims_checked_only_after_the_signature(self) -> None:
        """An expired token with a bad MAC reports the MAC, not the expiry."""
        payload = json.dumps({**BASE, "exp": NOW - 1000}).encode()
        token = signing_input({"alg": "HS256"}, payload) + "." + b64(bytes(32))
        rejects(
            InvalidSignatureError,
            jwt.decode,
            token,
            SECRET,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience="api",
            now=NOW,
        )


HUGE = 10**400  # a JSON integer no float can hold


class TestHugeNumericDates:
    """Integers beyond the float range are compared exactly, never overflow.

    ``exp + leeway`` with a 400-digit ``exp`` raised OverflowError (a 500, not a
    rejection); the time arithmetic now stays on the side of ``now``.
    """

    @pytest.mark.parametrize(
        ("claims", "policy", "error", "claim"),
        [
            ({"exp": -HUGE}, {}, ExpiredError, "exp"),
            ({"exp": -HUGE}, {"leeway": 5}, ExpiredError, "exp"),
            ({"nbf": HUGE}, {}, NotYetValidError, "nbf"),
            ({"iat": HUGE}, {}, NotYetValidError, "iat"),
            ({"iat": -HUGE}, {"max_age": 60}, ExpiredError, "iat"),
        ],
        ids=["exp-past", "exp-past-leeway", "nbf-future", "iat-future", "iat-past-max-age"],
    )
    def test_refused(
        self,
        claims: dict[str, Any],
        policy: dict[str, Any],
        error: type[ClaimsError],
        claim: str,
    ) -> None:
        """The time rule applies to the exact value."""
        base = {k: v for k, v in BASE.items() if k not in ("exp", "iat")}
        _claim_error(error, claim, {**base, **claims}, **policy)

    def test_far_future_exp(self) -> None:
        """exp far in the future is in the future: accepted, leeway or not."""
        base = {k: v for k, v in BASE.items() if k != "exp"}
        assert _decode({**base, "exp": HUGE}, leeway=30, max_age=3600)["exp"] == HUGE

    def test_encrypted_jwt_anyone_can_make(self) -> None:
        """Via jwt.decrypt the claims are the attacker's own (encryption needs no secret)."""
        server = Key.from_cryptography(rsa_key())
        payload = json.dumps({"iss": ISSUER, "aud": "api", "exp": -HUGE}).encode()
        token = jwe.encrypt_compact(payload, server.public(), alg="RSA-OAEP", enc="A128GCM")
        error = rejects(
            ExpiredError,
            jwt.decrypt,
            token,
            server,
            key_algorithms=["RSA-OAEP"],
            encryptions=["A128GCM"],
            issuer=ISSUER,
            audience="api",
            now=NOW,
        )
        assert isinstance(error, ClaimsError)
        assert error.claim == "exp"


class TestSubjectAndType:
    """sub is compared exactly; typ is an explicit type, normalised only as RFC 7515 allows."""

    @pytest.mark.parametrize("sub", ["Alice", "alice ", "alic", ["alice"], 1], ids=repr)
    def test_subject(self, sub: Any) -> None:
        """Near misses and wrong types of sub."""
        _claim_error(InvalidClaimError, "sub", {**BASE, "sub": sub}, subject="alice")

    @pytest.mark.parametrize("typ", ["JWT", "at+jwt ", "at+jwt;x=1", "application/at+jwt/x", 1])
    def test_typ_mismatch(self, typ: Any) -> None:
        """An ID token (typ JWT) offered where an access token (at+jwt) is required."""
        payload = json.dumps(BASE).encode()
        token = hs_token({"alg": "HS256", "typ": typ}, payload)
        error = rejects(
            InvalidClaimError,
            jwt.decode,
            token,
            SECRET,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience="api",
            typ="at+jwt",
            now=NOW,
        )
        assert isinstance(error, ClaimsError)
        assert error.claim == "typ"

    def test_typ_missing(self) -> None:
        """No typ while one is required."""
        token = hs_token({"alg": "HS256"}, json.dumps(BASE).encode())
        error = rejects(
            MissingClaimError,
            jwt.decode,
            token,
            SECRET,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience="api",
            typ="at+jwt",
            now=NOW,
        )
        assert isinstance(error, ClaimsError)
        assert error.claim == "typ"


class TestVerifierCache:
    """A cached verification does not outlive the token or leak mutations."""

    def test_expiry_applies_to_cached_tokens(self) -> None:
        """Verified once, then the clock passes exp: refused."""
        clock = [NOW]
        verifier = jwt.Verifier(
            SECRET,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience="api",
            now=lambda: clock[0],
            cache=8,
        )
        token = hs_token({"alg": "HS256"}, json.dumps(BASE).encode())
        assert verifier.decode(token)["sub"] == "alice"
        clock[0] = NOW + 61
        rejects(ExpiredError, verifier.decode, token)

    def test_mutation_does_not_poison_the_cache(self) -> None:
        """Changing the returned claims does not change what the next caller gets."""
        verifier = jwt.Verifier(
            SECRET, algorithms=["HS256"], issuer=ISSUER, audience="api", now=NOW, cache=8
        )
        token = hs_token({"alg": "HS256"}, json.dumps({**BASE, "roles": ["user"]}).encode())
        first = verifier.decode(token)
        first["roles"].append("admin")
        first["sub"] = "root"
        second = verifier.decode(token)
        assert second["roles"] == ["user"]
        assert second["sub"] == "alice"
