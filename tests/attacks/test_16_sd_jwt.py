"""SD-JWT (RFC 9901 section 7.1 and 7.3, SD-JWT VC 3.2.2.2): one attack per rejection rule.

Every presentation here is assembled by hand (standard library JSON, ``cryptography``
ECDSA), so that the bytes are the attacker's, not what jotkit's issuer would write.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import pytest

from jotkit import Key, Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DisclosureError,
    ExceededLimitError,
    ExpiredError,
    InvalidClaimError,
    InvalidKeyError,
    InvalidSignatureError,
    MalformedError,
    MissingClaimError,
    NotYetValidError,
    UnsupportedAlgorithmError,
)
from jotkit.profiles import sd_jwt
from tests.attacks._forge import SECRET, b64, b64json, compact, ec_key, es_sign, hs_sign, rejects
from tests.attacks._forge import signing_input as _signing_input

ISSUER = ec_key("P-256", 60)
HOLDER = ec_key("P-256", 61)
OTHER = ec_key("P-256", 62)
ISSUER_KEY = Key.from_cryptography(ISSUER.public_key())
HOLDER_JWK = Key.from_cryptography(HOLDER.public_key()).to_jwk()
NOW = 1_800_000_000
AUD = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj"


def disclosure(*items: Any) -> str:
    """A Disclosure as an attacker writes it: any JSON array."""
    return b64(json.dumps(list(items)).encode("utf-8"))


def digest(text: str, name: str = "sha256") -> str:
    return b64(hashlib.new(name, text.encode("ascii")).digest())


def signed(payload: Any, header: Any = None, key: Any = ISSUER) -> str:
    """A compact JWS of ``payload`` signed ES256 with ``key``."""
    header = header or {"alg": "ES256", "typ": "example+sd-jwt"}
    body = json.dumps(payload).encode("utf-8")
    return compact(header, body, es_sign(key, _signing_input(header, body)))


def sd(payload: dict[str, Any], *disclosures: str, kb: str = "", header: Any = None) -> str:
    return "~".join((signed(payload, header), *disclosures, kb))


def kb_jwt(presentation: str, header: Any = None, key: Any = HOLDER, **claims: Any) -> str:
    """A KB-JWT for ``presentation`` (its text up to the last ``~``)."""
    values = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(presentation)}
    values.update(claims)
    return signed(values, header or {"alg": "ES256", "typ": "kb+jwt"}, key)


def verify(presentation: str, **options: Any) -> dict[str, Any]:
    options.setdefault("now", NOW)
    return sd_jwt.verify(presentation, ISSUER_KEY, algorithms=["ES256"], **options)


def bound(presentation: str, **options: Any) -> dict[str, Any]:
    return verify(presentation, key_binding=True, nonce=NONCE, audience=AUD, **options)


NAME = disclosure("salt-1", "given_name", "Alice")
CITY = disclosure("salt-2", "city", "Paris")
ELEMENT = disclosure("salt-3", "FR")


class TestBaseline:
    """The hand-built presentations verify when no rule is broken."""

    def test_object_and_array_disclosures(self) -> None:
        """A member and an array element are revealed; a decoy is ignored."""
        payload = {"_sd": [digest(NAME), digest("decoy")], "nat": [{"...": digest(ELEMENT)}]}
        assert verify(sd(payload, NAME, ELEMENT)) == {"given_name": "Alice", "nat": ["FR"]}

    def test_key_binding(self) -> None:
        """A KB-JWT by the cnf key over this presentation verifies."""
        issued = sd({"_sd": [digest(NAME)], "cnf": {"jwk": HOLDER_JWK}}, NAME)
        assert bound(issued + kb_jwt(issued))["given_name"] == "Alice"


class TestDigests:
    """Section 7.1 step 3-4: digests."""

    def test_duplicate_digest_in_sd(self) -> None:
        """One digest twice in an _sd array."""
        payload = {"_sd": [digest(NAME), digest(NAME)]}
        error = rejects(DisclosureError, verify, sd(payload, NAME))
        assert "more than once" in error.message

    def test_duplicate_digest_sd_and_array(self) -> None:
        """The same digest in an _sd and as an array element's '...'."""
        payload = {"_sd": [digest(ELEMENT)], "nat": [{"...": digest(ELEMENT)}]}
        rejects(DisclosureError, verify, sd(payload, ELEMENT))

    def test_duplicate_array_digest(self) -> None:
        """The same '...' digest in two array elements (one element shown twice)."""
        payload = {"nat": [{"...": digest(ELEMENT)}, {"...": digest(ELEMENT)}]}
        rejects(DisclosureError, verify, sd(payload, ELEMENT))

    def test_duplicate_undisclosed_digest(self) -> None:
        """A repeated digest is refused even when no Disclosure matches it."""
        payload = {"_sd": ["d" * 43], "x": {"_sd": ["d" * 43]}}
        rejects(DisclosureError, verify, sd(payload))

    def test_duplicate_digest_inside_disclosure(self) -> None:
        """A Disclosure's value repeats a digest the payload already holds."""
        inner = disclosure("s", "address", {"_sd": [digest(CITY)]})
        payload = {"_sd": [digest(inner), digest(CITY)]}
        rejects(DisclosureError, verify, sd(payload, inner, CITY))

    def test_disclosure_presented_twice(self) -> None:
        """The same Disclosure twice in one presentation."""
        error = rejects(DisclosureError, verify, sd({"_sd": [digest(NAME)]}, NAME, NAME))
        assert "disclosure 1 is presented twice" in error.message

    def test_unreferenced_disclosure(self) -> None:
        """A Disclosure that no digest references (not issued for this JWT)."""
        error = rejects(DisclosureError, verify, sd({"_sd": [digest(NAME)]}, NAME, CITY))
        assert "disclosure 1" in error.message

    def test_disclosure_referenced_only_by_withheld_one(self) -> None:
        """A nested Disclosure whose parent is not presented references nothing."""
        parent = disclosure("s", "address", {"_sd": [digest(CITY)]})
        rejects(DisclosureError, verify, sd({"_sd": [digest(parent)]}, CITY))

    def test_sd_not_an_array(self) -> None:
        """_sd must be an array."""
        rejects(DisclosureError, verify, sd({"_sd": digest(NAME)}, NAME))

    def test_sd_with_non_string(self) -> None:
        """_sd holds strings only."""
        rejects(DisclosureError, verify, sd({"_sd": [1]}))

    def test_ellipsis_with_other_members(self) -> None:
        """{'...': digest} must have no other member."""
        payload = {"nat": [{"...": digest(ELEMENT), "x": 1}]}
        rejects(DisclosureError, verify, sd(payload, ELEMENT))

    def test_ellipsis_not_a_string(self) -> None:
        """The '...' value must be a digest string."""
        rejects(DisclosureError, verify, sd({"nat": [{"...": 5}]}))


class TestDisclosureShape:
    """Section 7.1 step 4: each Disclosure's shape and name."""

    @pytest.mark.parametrize("name", ["_sd", "..."])
    def test_reserved_name(self, name: str) -> None:
        """A Disclosure naming a claim _sd or '...'."""
        bad = disclosure("s", name, ["x"])
        error = rejects(DisclosureError, verify, sd({"_sd": [digest(bad)]}, bad))
        assert "disclosure 0" in error.message

    def test_name_already_a_claim(self) -> None:
        """A Disclosure overriding a claim signed in the clear."""
        bad = disclosure("s", "sub", "admin")
        rejects(DisclosureError, verify, sd({"sub": "alice", "_sd": [digest(bad)]}, bad))

    def test_two_disclosures_one_name(self) -> None:
        """Two Disclosures for one claim name in one object."""
        other = disclosure("salt-9", "given_name", "Mallory")
        payload = {"_sd": [digest(NAME), digest(other)]}
        rejects(DisclosureError, verify, sd(payload, NAME, other))

    def test_array_disclosure_in_sd(self) -> None:
        """A two-element Disclosure referenced from an object's _sd."""
        rejects(DisclosureError, verify, sd({"_sd": [digest(ELEMENT)]}, ELEMENT))

    def test_object_disclosure_in_array(self) -> None:
        """A three-element Disclosure referenced as an array element."""
        rejects(DisclosureError, verify, sd({"nat": [{"...": digest(NAME)}]}, NAME))

    @pytest.mark.parametrize(
        "items", [["s"], ["s", "a", "b", "c"], []], ids=["one", "four", "empty"]
    )
    def test_wrong_element_count(self, items: list[Any]) -> None:
        """A Disclosure of neither two nor three elements."""
        bad = disclosure(*items)
        rejects(DisclosureError, verify, sd({"_sd": [digest(bad)]}, bad))

    @pytest.mark.parametrize("salt", [1, None, ["s"]], ids=["int", "null", "array"])
    def test_non_string_salt(self, salt: Any) -> None:
        """The salt must be a string."""
        bad = disclosure(salt, "given_name", "x")
        error = rejects(DisclosureError, verify, sd({"_sd": [digest(bad)]}, bad))
        assert "salt" in error.message

    def test_non_string_name(self) -> None:
        """The claim name must be a string."""
        bad = disclosure("s", 7, "x")
        rejects(DisclosureError, verify, sd({"_sd": [digest(bad)]}, bad))

    @pytest.mark.parametrize(
        "text",
        [b64(b'{"a": 1}'), b64(b"[1, 2"), "not base64!", b64(b'["s", "n", NaN]'), "A"],
        ids=["object", "truncated", "alphabet", "nan", "length"],
    )
    def test_not_a_json_array(self, text: str) -> None:
        """A Disclosure that is not base64url of a strict JSON array."""
        rejects(DisclosureError, verify, sd({"_sd": [digest("x")]}, text))

    def test_empty_disclosure(self) -> None:
        """'~~': an empty Disclosure."""
        rejects(DisclosureError, verify, signed({"_sd": []}) + "~~")


class TestSdAlg:
    """Section 7.1 step 3: the digest algorithm."""

    @pytest.mark.parametrize("alg", ["md5", "sha-1", "SHA-256", 256, None])
    def test_unknown_sd_alg(self, alg: Any) -> None:
        """An _sd_alg not understood."""
        rejects(DisclosureError, verify, sd({"_sd_alg": alg, "_sd": [digest(NAME)]}, NAME))

    def test_sd_alg_not_allowed(self) -> None:
        """A known _sd_alg the verifier does not accept."""
        payload = {"_sd_alg": "sha-512", "_sd": [digest(NAME, "sha512")]}
        assert verify(sd(payload, NAME)) == {"given_name": "Alice"}
        rejects(DisclosureError, verify, sd(payload, NAME), sd_algorithms=("sha-256",))

    def test_digest_by_another_hash(self) -> None:
        """A SHA-256 digest under _sd_alg sha-384 matches nothing: the Disclosure is stray."""
        payload = {"_sd_alg": "sha-384", "_sd": [digest(NAME)]}
        rejects(DisclosureError, verify, sd(payload, NAME))


class TestIssuerJWT:
    """Section 7.1 step 2: the Issuer-signed JWT is verified like any JWT."""

    def test_alg_none(self) -> None:
        """alg none, no signature."""
        body = json.dumps({"_sd": [digest(NAME)]}).encode()
        token = b64json({"alg": "none"}) + "." + b64(body) + "."
        rejects(UnsupportedAlgorithmError, verify, token + "~" + NAME + "~")

    def test_hmac_with_public_key(self) -> None:
        """HS256 keyed with the issuer's public key (key confusion)."""
        header = {"alg": "HS256"}
        body = json.dumps({"_sd": [digest(NAME)]}).encode()
        token = compact(header, body, hs_sign(SECRET, _signing_input(header, body)))
        rejects(AlgorithmNotAllowedError, verify, token + "~" + NAME + "~")

    def test_other_key(self) -> None:
        """Signed by another key."""
        token = signed({"_sd": [digest(NAME)]}, key=OTHER)
        rejects(InvalidSignatureError, verify, token + "~" + NAME + "~")

    def test_payload_changed(self) -> None:
        """A digest swapped in the payload after signing."""
        head, _, signature = signed({"_sd": [digest(NAME)]}).split(".")
        body = b64(json.dumps({"_sd": [digest(CITY)]}).encode())
        rejects(InvalidSignatureError, verify, f"{head}.{body}.{signature}~{CITY}~")

    def test_no_tilde(self) -> None:
        """A bare JWT is not an SD-JWT."""
        rejects(MalformedError, verify, signed({"_sd": []}))

    def test_not_text(self) -> None:
        """A presentation of the wrong type is untrusted input too."""
        rejects(MalformedError, verify, 42)

    def test_expired_claim_from_a_disclosure(self) -> None:
        """exp revealed by a Disclosure is checked like a signed one."""
        exp = disclosure("s", "exp", NOW - 10)
        rejects(ExpiredError, verify, sd({"_sd": [digest(exp)]}, exp))

    def test_nbf_in_the_clear(self) -> None:
        """nbf in the future."""
        rejects(NotYetValidError, verify, sd({"nbf": NOW + 100}))

    def test_issuer_policy(self) -> None:
        """iss compared with the configured issuer."""
        rejects(InvalidClaimError, verify, sd({"iss": "https://evil"}), issuer="https://good")


class TestLimits:
    """Denial of service: counts, size, depth."""

    def test_too_many_disclosures(self) -> None:
        """More Disclosures than Limits.max_disclosures."""
        items = [disclosure(f"s{i}", f"c{i}", i) for i in range(11)]
        presentation = sd({"_sd": [digest(d) for d in items]}, *items)
        assert len(verify(presentation)) == 11
        rejects(ExceededLimitError, verify, presentation, limits=Limits(max_disclosures=10))

    def test_total_size(self) -> None:
        """A presentation over max_token_size."""
        big = disclosure("s", "blob", "x" * 5000)
        presentation = sd({"_sd": [digest(big)]}, big)
        rejects(ExceededLimitError, verify, presentation, limits=Limits(max_token_size=4000))

    def test_deep_disclosure_json(self) -> None:
        """One Disclosure nested past max_depth."""
        deep = disclosure("s", "x", json.loads("[" * 40 + "]" * 40))
        rejects(ExceededLimitError, verify, sd({"_sd": [digest(deep)]}, deep))

    def test_depth_built_by_recursion(self) -> None:
        """Each Disclosure shallow, the claims they build together too deep."""
        chain = [disclosure("s0", "leaf", 1)]
        for i in range(1, 40):
            chain.append(disclosure(f"s{i}", f"n{i}", {"_sd": [digest(chain[-1])]}))
        presentation = sd({"_sd": [digest(chain[-1])]}, *chain)
        rejects(ExceededLimitError, verify, presentation)
        assert verify(presentation, limits=Limits(max_depth=64))["n39"]["n38"]


def _issued(**payload: Any) -> str:
    return sd({"_sd": [digest(NAME)], "cnf": {"jwk": HOLDER_JWK}, **payload}, NAME)


class TestKeyBinding:
    """Section 7.3: the KB-JWT."""

    def test_required_but_absent(self) -> None:
        """key_binding=True and no KB-JWT."""
        error = rejects(MissingClaimError, bound, _issued())
        assert "KB-JWT" in error.message

    def test_wrong_typ(self) -> None:
        """typ JWT instead of kb+jwt."""
        issued = _issued()
        kb = kb_jwt(issued, header={"alg": "ES256", "typ": "JWT"})
        rejects(InvalidClaimError, bound, issued + kb)

    def test_no_typ(self) -> None:
        """No typ at all."""
        issued = _issued()
        rejects(MissingClaimError, bound, issued + kb_jwt(issued, header={"alg": "ES256"}))

    def test_wrong_audience(self) -> None:
        """A KB-JWT made for another verifier."""
        issued = _issued()
        rejects(InvalidClaimError, bound, issued + kb_jwt(issued, aud="https://other"))

    def test_wrong_nonce(self) -> None:
        """A KB-JWT with another transaction's nonce (replay)."""
        issued = _issued()
        error = rejects(InvalidClaimError, bound, issued + kb_jwt(issued, nonce="old"))
        assert isinstance(error, InvalidClaimError)
        assert error.claim == "nonce"

    def test_wrong_sd_hash(self) -> None:
        """A Disclosure dropped after the KB-JWT was made (sd_hash no longer covers it)."""
        full = _issued()
        kb = kb_jwt(full)
        withheld = full.split("~")[0] + "~"
        error = rejects(InvalidClaimError, bound, withheld + kb)
        assert isinstance(error, InvalidClaimError)
        assert error.claim == "sd_hash"

    def test_stale_iat(self) -> None:
        """A KB-JWT older than kb_max_age."""
        issued = _issued()
        rejects(ExpiredError, bound, issued + kb_jwt(issued, iat=NOW - 301))

    def test_future_iat(self) -> None:
        """A KB-JWT from the future."""
        issued = _issued()
        rejects(NotYetValidError, bound, issued + kb_jwt(issued, iat=NOW + 60))

    @pytest.mark.parametrize("claim", ["iat", "aud", "nonce", "sd_hash"])
    def test_claim_missing(self, claim: str) -> None:
        """Each claim of section 4.3 is required."""
        issued = _issued()
        values = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(issued)}
        del values[claim]
        kb = signed(values, {"alg": "ES256", "typ": "kb+jwt"}, HOLDER)
        rejects(MissingClaimError, bound, issued + kb)

    def test_signed_by_another_key(self) -> None:
        """A KB-JWT not signed by the cnf key."""
        issued = _issued()
        rejects(InvalidSignatureError, bound, issued + kb_jwt(issued, key=OTHER))

    def test_alg_none(self) -> None:
        """An unsigned KB-JWT."""
        issued = _issued()
        claims = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(issued)}
        kb = b64json({"alg": "none", "typ": "kb+jwt"}) + "." + b64json(claims) + "."
        rejects(UnsupportedAlgorithmError, bound, issued + kb)

    def test_hmac(self) -> None:
        """An HS256 KB-JWT keyed with the holder's public JWK."""
        issued = _issued()
        header = {"alg": "HS256", "typ": "kb+jwt"}
        body = json.dumps({"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": digest(issued)})
        kb = compact(header, body.encode(), hs_sign(SECRET, _signing_input(header, body.encode())))
        rejects(AlgorithmNotAllowedError, bound, issued + kb)

    def test_no_cnf(self) -> None:
        """A KB-JWT but no holder key in the credential."""
        issued = sd({"_sd": [digest(NAME)]}, NAME)
        rejects(InvalidKeyError, bound, issued + kb_jwt(issued))

    def test_cnf_disclosed_by_attacker(self) -> None:
        """cnf may be revealed by a Disclosure only if the issuer signed its digest: a
        stray cnf Disclosure is refused as unreferenced."""
        cnf = disclosure("s", "cnf", {"jwk": Key.from_cryptography(OTHER.public_key()).to_jwk()})
        issued = sd({"_sd": [digest(NAME)]}, NAME, cnf)
        rejects(DisclosureError, bound, issued + kb_jwt(issued, key=OTHER))

    def test_cnf_with_private_key(self) -> None:
        """A cnf.jwk carrying private material is refused."""
        private = Key.from_cryptography(HOLDER).to_jwk(private=True)
        issued = sd({"cnf": {"jwk": private}})
        rejects(InvalidKeyError, bound, issued + kb_jwt(issued))

    def test_bad_kb_jwt_not_required(self) -> None:
        """Key binding not required: a KB-JWT present is still verified, not ignored."""
        issued = _issued()
        assert verify(issued + kb_jwt(issued))["given_name"] == "Alice"
        rejects(InvalidSignatureError, verify, issued + kb_jwt(issued, key=OTHER))
        rejects(InvalidClaimError, verify, issued + kb_jwt(issued, sd_hash="x"))

    def test_clock(self) -> None:
        """Without now=, the KB-JWT's iat is checked against the clock."""
        issued = sd({"_sd": [digest(NAME)], "cnf": {"jwk": HOLDER_JWK}}, NAME)
        fresh = kb_jwt(issued, iat=int(time.time()))
        assert bound(issued + fresh, now=None)["given_name"] == "Alice"
        stale = kb_jwt(issued, iat=int(time.time()) - 1000)
        rejects(ExpiredError, bound, issued + stale, now=None)


def _vc(payload: dict[str, Any], *disclosures: str) -> str:
    header = {"alg": "ES256", "typ": "dc+sd-jwt"}
    return sd(payload, *disclosures, header=header)


class TestVC:
    """SD-JWT VC: vct required; iss, nbf, exp, cnf, vct, status never disclosable."""

    def test_valid(self) -> None:
        """A credential with vct in the clear verifies."""
        assert verify(_vc({"vct": "urn:x", "_sd": [digest(NAME)]}, NAME))["vct"] == "urn:x"

    def test_vct_missing(self) -> None:
        """No vct."""
        rejects(MissingClaimError, verify, _vc({"_sd": [digest(NAME)]}, NAME))

    def test_vct_not_a_string(self) -> None:
        """vct of the wrong type."""
        rejects(InvalidClaimError, verify, _vc({"vct": 1}))

    @pytest.mark.parametrize("name", ["iss", "nbf", "exp", "cnf", "vct", "status"])
    def test_never_disclosable(self, name: str) -> None:
        """Each claim that must be in the clear, refused when a Disclosure reveals it."""
        value: Any = {"iss": "https://i", "nbf": NOW - 1, "exp": NOW + 100}.get(name, "x")
        if name == "cnf":
            value = {"jwk": HOLDER_JWK}
        bad = disclosure("s", name, value)
        payload: dict[str, Any] = {"_sd": [digest(bad)]}
        if name != "vct":
            payload["vct"] = "urn:x"
        error = rejects(DisclosureError, verify, _vc(payload, bad))
        assert name in error.message

    @pytest.mark.parametrize("name", ["iss", "nbf", "exp", "cnf", "vct", "status"])
    def test_never_disclosable_at_issuance(self, name: str) -> None:
        """The issuer refuses to make such a credential."""
        claims: dict[str, Any] = {"vct": "urn:x", name: sd_jwt.SD(1)}
        with pytest.raises(ValueError, match=name):
            sd_jwt.issue(claims, Key.generate("ES256"), typ="dc+sd-jwt")

    def test_vct_required_at_issuance(self) -> None:
        """The issuer refuses a credential without vct."""
        with pytest.raises(ValueError, match="vct"):
            sd_jwt.issue({"iss": "x"}, Key.generate("ES256"), typ="dc+sd-jwt")
