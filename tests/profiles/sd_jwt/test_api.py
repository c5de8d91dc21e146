"""``sd_jwt.issue`` / ``present`` / ``verify``: options, serializations, VC, x5c, and the
caller mistakes each refuses."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest

from jotkit import Key, Limits
from jotkit.errors import (
    CertificateError,
    DisclosureError,
    ExpiredError,
    InvalidClaimError,
    MissingClaimError,
)
from jotkit.jwt import unverified
from jotkit.profiles import sd_jwt
from jotkit.profiles.sd_jwt import SD, SDJWTVerifier
from jotkit.profiles.sd_jwt._disclosure import decode_disclosure
from jotkit.x509 import CertificateTrust
from tests.x509._pki import NOW_TS, pki

ISSUER = Key.generate("ES256", kid="issuer-1")
HOLDER = Key.generate("ES256")
AUD = "https://verifier.example"
CLAIMS: dict[str, Any] = {
    "iss": "https://issuer.example",
    "sub": "user-42",
    "given_name": SD("Erika"),
    "address": SD({"street": SD("Heidestraße 17"), "city": SD("Köln"), "country": "DE"}),
    "nationalities": [SD("DE"), "FR", SD({"code": SD("IT")})],
    "a/b~c": SD(1),
}


def _verify(presentation: str | dict[str, Any], **options: Any) -> dict[str, Any]:
    return sd_jwt.verify(presentation, ISSUER.public(), algorithms=["ES256"], **options)


def _disclosures(token: str) -> list[str]:
    return token.split("~")[1:-1]


class TestIssue:
    """What the issuer signs."""

    def test_payload_has_no_cleartext_of_disclosable_claims(self) -> None:
        """Disclosable values appear only as digests; plain ones stay."""
        token = sd_jwt.issue(CLAIMS, ISSUER)
        payload = unverified(token.split("~")[0]).claims
        assert payload["sub"] == "user-42"
        assert "given_name" not in payload
        assert "Erika" not in json.dumps(payload)
        assert payload["_sd_alg"] == "sha-256"
        assert payload["_sd"] == sorted(payload["_sd"])
        assert payload["nationalities"][1] == "FR"
        assert set(payload["nationalities"][0]) == {"..."}

    def test_salts_are_random_and_128_bits(self) -> None:
        """Two issuances differ; each salt is 16 random bytes in base64url."""
        first, second = sd_jwt.issue(CLAIMS, ISSUER), sd_jwt.issue(CLAIMS, ISSUER)
        assert _disclosures(first) != _disclosures(second)
        salt = decode_disclosure(_disclosures(first)[0], 0, Limits())[0]
        assert len(salt) == 22

    def test_decoys(self) -> None:
        """decoys=N adds N digests to every _sd array; verification ignores them."""
        token = sd_jwt.issue(CLAIMS, ISSUER, decoys=3)
        payload = unverified(token.split("~")[0]).claims
        assert len(payload["_sd"]) == 3 + 3  # given_name, address, a/b~c
        full = sd_jwt.present(token, [""])
        assert _verify(full)["address"]["city"] == "Köln"

    def test_decoys_without_disclosable_claims(self) -> None:
        """Decoys alone still hide that nothing is disclosable."""
        token = sd_jwt.issue({"sub": "x"}, ISSUER, decoys=2)
        assert len(unverified(token.split("~")[0]).claims["_sd"]) == 2
        assert _verify(token) == {"sub": "x"}

    @pytest.mark.parametrize("sd_alg", ["sha-256", "sha-384", "sha-512"])
    def test_sd_alg(self, sd_alg: str) -> None:
        """Each digest algorithm round-trips."""
        token = sd_jwt.issue(CLAIMS, ISSUER, sd_alg=sd_alg)
        assert unverified(token.split("~")[0]).claims["_sd_alg"] == sd_alg
        assert _verify(sd_jwt.present(token, ["/given_name"]))["given_name"] == "Erika"

    def test_holder_key_in_cnf(self) -> None:
        """holder_key puts the public JWK in cnf.jwk, never the private part."""
        token = sd_jwt.issue(CLAIMS, ISSUER, holder_key=HOLDER)
        cnf = unverified(token.split("~")[0]).claims["cnf"]
        assert cnf == {"jwk": HOLDER.public().to_jwk()}
        assert "d" not in cnf["jwk"]

    def test_typ_and_headers(self) -> None:
        """typ and extra headers go in the protected header."""
        token = sd_jwt.issue(CLAIMS, ISSUER, typ="example+sd-jwt", headers={"x": 1})
        header = unverified(token.split("~")[0]).header
        assert (header["typ"], header["x"], header["kid"]) == ("example+sd-jwt", 1, "issuer-1")

    @pytest.mark.parametrize(
        ("claims", "options"),
        [
            ({"_sd": []}, {}),
            ({"...": 1}, {}),
            ({"_sd_alg": "sha-256"}, {}),
            ({"x": {"_sd": SD(1)}}, {}),
            ({"cnf": {}}, {"holder_key": HOLDER}),
            ({"x": 1}, {"decoys": -1}),
            ({"x": 1}, {"sd_alg": "md5"}),
            ({"x": SD(1), "y": SD(2)}, {"salts": ["only-one"]}),
            ({"x": [1]}, {"serialization": "jws"}),
        ],
        ids=["_sd", "...", "_sd_alg", "nested _sd", "cnf", "decoys", "sd_alg", "salts", "ser"],
    )
    def test_refuses(self, claims: dict[str, Any], options: dict[str, Any]) -> None:
        """Reserved names, conflicting cnf, bad options: the caller's mistake."""
        with pytest.raises(ValueError, match=r"reserved|not both|decoys|sd_alg|salts|serial"):
            sd_jwt.issue(claims, ISSUER, **options)

    def test_refuses_types(self) -> None:
        """Claims must be a mapping with string names; SD values must be JSON."""
        with pytest.raises(TypeError):
            sd_jwt.issue([1], ISSUER)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            sd_jwt.issue({1: SD(1)}, ISSUER)  # type: ignore[dict-item]
        with pytest.raises(TypeError):
            sd_jwt.issue({"x": SD(object())}, ISSUER)
        with pytest.raises(TypeError):
            SD(SD(1))
        with pytest.raises(ValueError, match="asymmetric"):
            sd_jwt.issue({"x": 1}, ISSUER, holder_key=Key.generate("HS256"))


class TestPresent:
    """The holder's selection by JSON pointer."""

    token = sd_jwt.issue(CLAIMS, ISSUER)

    def test_nothing(self) -> None:
        """No pointer: no Disclosure, only the plain claims."""
        presentation = sd_jwt.present(self.token, [])
        assert presentation == self.token.split("~")[0] + "~"
        assert _verify(presentation) == {
            "iss": "https://issuer.example",
            "sub": "user-42",
            "nationalities": ["FR"],
        }

    def test_nested_needs_parent(self) -> None:
        """/address/city brings the address Disclosure, not the street."""
        claims = _verify(sd_jwt.present(self.token, ["/address/city"]))
        assert claims["address"] == {"city": "Köln", "country": "DE"}

    def test_parent_brings_everything_below(self) -> None:
        """/address reveals the whole address."""
        claims = _verify(sd_jwt.present(self.token, ["/address"]))
        assert claims["address"] == {"street": "Heidestraße 17", "city": "Köln", "country": "DE"}

    def test_array_positions_of_the_full_view(self) -> None:
        """Array indices count every element the holder can see."""
        claims = _verify(sd_jwt.present(self.token, ["/nationalities/2/code"]))
        assert claims["nationalities"] == ["FR", {"code": "IT"}]
        claims = _verify(sd_jwt.present(self.token, ["/nationalities/0"]))
        assert claims["nationalities"] == ["DE", "FR"]

    def test_escaped_pointer(self) -> None:
        """RFC 6901 escapes: ~1 is '/', ~0 is '~'."""
        assert _verify(sd_jwt.present(self.token, ["/a~1b~0c"]))["a/b~c"] == 1

    def test_whole_document(self) -> None:
        """The empty pointer reveals everything, in issuance order."""
        presentation = sd_jwt.present(self.token, [""])
        assert _disclosures(presentation) == _disclosures(self.token)

    @pytest.mark.parametrize(
        "pointer", ["given_name", "/missing", "/nationalities/9", "/nationalities/01", "/x~2"]
    )
    def test_bad_pointer(self, pointer: str) -> None:
        """A pointer that is not RFC 6901 or names nothing."""
        with pytest.raises(ValueError, match="JSON pointer"):
            sd_jwt.present(self.token, [pointer])

    def test_pointer_types(self) -> None:
        """disclose is a collection of str."""
        with pytest.raises(TypeError):
            sd_jwt.present(self.token, "/given_name")
        with pytest.raises(TypeError):
            sd_jwt.present(self.token, [1])  # type: ignore[list-item]

    def test_binding_arguments(self) -> None:
        """Key binding needs nonce and audience; those need a holder key."""
        with pytest.raises(ValueError, match="audience="):
            sd_jwt.present(self.token, [], holder_key=HOLDER, nonce="n")
        with pytest.raises(ValueError, match="pass holder_key"):
            sd_jwt.present(self.token, [], nonce="n", audience=AUD)
        with pytest.raises(ValueError, match="private"):
            sd_jwt.present(self.token, [], holder_key=HOLDER.public(), nonce="n", audience=AUD)

    def test_twice(self) -> None:
        """A presentation with a KB-JWT is not presented again."""
        token = sd_jwt.issue(CLAIMS, ISSUER, holder_key=HOLDER)
        presentation = sd_jwt.present(token, [], holder_key=HOLDER, nonce="n", audience=AUD)
        with pytest.raises(ValueError, match="already"):
            sd_jwt.present(presentation, [])

    def test_broken_sd_jwt(self) -> None:
        """The holder refuses what the verifier would (an unreferenced Disclosure)."""
        other = sd_jwt.issue({"x": SD(1)}, ISSUER)
        with pytest.raises(DisclosureError):
            sd_jwt.present(self.token + _disclosures(other)[0] + "~", [])


class TestKeyBinding:
    """The KB-JWT made by present() and checked by verify()."""

    token = sd_jwt.issue(CLAIMS, ISSUER, holder_key=HOLDER)

    def test_round_trip(self) -> None:
        """A bound presentation verifies; its KB-JWT carries the four claims."""
        presentation = sd_jwt.present(
            self.token, ["/given_name"], holder_key=HOLDER, nonce="n-1", audience=AUD, iat=1000
        )
        kb = unverified(presentation.split("~")[-1])
        assert kb.header["typ"] == "kb+jwt"
        assert set(kb.claims) == {"iat", "aud", "nonce", "sd_hash"}
        claims = _verify(presentation, key_binding=True, nonce="n-1", audience=AUD, now=1010)
        assert claims["given_name"] == "Erika"

    def test_verifier_arguments(self) -> None:
        """key_binding needs audience at construction and nonce per call."""
        with pytest.raises(ValueError, match="audience="):
            SDJWTVerifier(ISSUER.public(), algorithms=["ES256"], key_binding=True)
        verifier = SDJWTVerifier(
            ISSUER.public(), algorithms=["ES256"], key_binding=True, audience=AUD
        )
        with pytest.raises(ValueError, match="nonce="):
            verifier.verify(self.token)
        with pytest.raises(TypeError):
            SDJWTVerifier(ISSUER.public(), algorithms="ES256")
        with pytest.raises(ValueError, match="sd_algorithms"):
            SDJWTVerifier(ISSUER.public(), algorithms=["ES256"], sd_algorithms=["md5"])

    def test_not_required_and_absent(self) -> None:
        """Without key_binding, a presentation without a KB-JWT verifies."""
        assert _verify(sd_jwt.present(self.token, []))["sub"] == "user-42"

    def test_not_required_but_present(self) -> None:
        """A valid KB-JWT verifies without key_binding; aud only for its type."""
        presentation = sd_jwt.present(self.token, [], holder_key=HOLDER, nonce="n", audience="x")
        assert _verify(presentation)["sub"] == "user-42"
        with pytest.raises(InvalidClaimError):
            _verify(presentation, audience=AUD)

    def test_required_missing(self) -> None:
        """key_binding=True refuses a presentation without KB-JWT."""
        with pytest.raises(MissingClaimError):
            _verify(sd_jwt.present(self.token, []), key_binding=True, nonce="n", audience=AUD)

    def test_max_age(self) -> None:
        """kb_max_age bounds the KB-JWT's age."""
        presentation = sd_jwt.present(
            self.token, [], holder_key=HOLDER, nonce="n", audience=AUD, iat=1000
        )
        options: dict[str, Any] = {"key_binding": True, "nonce": "n", "audience": AUD}
        assert _verify(presentation, now=1299, **options)
        with pytest.raises(ExpiredError):
            _verify(presentation, now=1301, **options)
        assert _verify(presentation, now=1500, kb_max_age=600, **options)


class TestJSONSerialization:
    """Section 8: flattened and general, both ways."""

    @pytest.mark.parametrize("form", ["flattened", "general"])
    def test_round_trip(self, form: str) -> None:
        """Issued as JSON, presented with key binding as JSON, verified."""
        token = sd_jwt.issue(CLAIMS, ISSUER, holder_key=HOLDER, serialization=form)  # type: ignore[arg-type]
        obj = json.loads(token)
        header = obj["header"] if form == "flattened" else obj["signatures"][0]["header"]
        assert len(header["disclosures"]) == 8
        presentation = sd_jwt.present(
            token, ["/address/city"], holder_key=HOLDER, nonce="n", audience=AUD
        )
        shown = json.loads(presentation)
        header = shown["header"] if form == "flattened" else shown["signatures"][0]["header"]
        assert len(header["disclosures"]) == 2
        assert "kb_jwt" in header
        claims = _verify(presentation, key_binding=True, nonce="n", audience=AUD)
        assert claims["address"] == {"city": "Köln", "country": "DE"}
        assert _verify(shown, key_binding=True, nonce="n", audience=AUD) == claims

    @pytest.mark.parametrize(
        ("source", "target"),
        [("compact", "flattened"), ("compact", "general"), ("flattened", "compact")],
    )
    def test_conversion(self, source: str, target: str) -> None:
        """present(serialization=...) converts; the sd_hash is the same input."""
        token = sd_jwt.issue(CLAIMS, ISSUER, holder_key=HOLDER, serialization=source)  # type: ignore[arg-type]
        presentation = sd_jwt.present(
            token,
            ["/given_name"],
            holder_key=HOLDER,
            nonce="n",
            audience=AUD,
            serialization=target,  # type: ignore[arg-type]
        )
        assert presentation.startswith("{") == (target != "compact")
        claims = _verify(presentation, key_binding=True, nonce="n", audience=AUD)
        assert claims["given_name"] == "Erika"

    def test_general_two_signatures(self) -> None:
        """Two issuer keys; a verifier knowing either one accepts."""
        second = Key.generate("ES256", kid="issuer-2")
        token = sd_jwt.issue(CLAIMS, [ISSUER, second], serialization="general")
        assert len(json.loads(token)["signatures"]) == 2
        claims = sd_jwt.verify(token, second.public(), algorithms=["ES256"])
        assert claims["sub"] == "user-42"
        with pytest.raises(ValueError, match="several signatures"):
            sd_jwt.present(token, [], serialization="flattened")

    def test_disclosures_only_in_first_signature(self) -> None:
        """A second signature's header carrying disclosures is refused."""
        second = Key.generate("ES256", kid="issuer-2")
        obj = json.loads(sd_jwt.issue(CLAIMS, [ISSUER, second], serialization="general"))
        obj["signatures"][1]["header"] = {"disclosures": []}
        with pytest.raises(DisclosureError):
            _verify(obj)

    def test_refuses_keys(self) -> None:
        """Several keys need the general serialization."""
        with pytest.raises(TypeError):
            sd_jwt.issue(CLAIMS, [ISSUER])
        with pytest.raises(ValueError, match="one signature"):
            sd_jwt.issue(CLAIMS, [ISSUER, HOLDER], serialization="flattened")


class TestVC:
    """SD-JWT VC issuance and verification, with the key from the application or x5c."""

    vc_claims: ClassVar[dict[str, Any]] = {
        "iss": "https://issuer.example",
        "vct": "urn:eudi:pid:1",
        "exp": NOW_TS + 3600,
        "given_name": SD("Erika"),
    }

    def test_round_trip(self) -> None:
        """typ dc+sd-jwt, vct in the clear: verifies; typ= can require it."""
        token = sd_jwt.issue(self.vc_claims, ISSUER, typ="dc+sd-jwt")
        claims = _verify(sd_jwt.present(token, ["/given_name"]), typ="dc+sd-jwt", now=NOW_TS)
        assert claims["vct"] == "urn:eudi:pid:1"
        other = sd_jwt.issue(self.vc_claims, ISSUER, typ="example+sd-jwt")
        with pytest.raises(InvalidClaimError):
            _verify(other, typ="dc+sd-jwt", now=NOW_TS)

    def test_x5c(self) -> None:
        """The issuer's key from its x5c chain through CertificateTrust."""
        chain = pki()
        signer = chain.signer()
        token = sd_jwt.issue(self.vc_claims, signer, typ="dc+sd-jwt", headers=signer.x5c_headers())
        trust = CertificateTrust(anchors=[chain.root], now=NOW_TS)
        claims = sd_jwt.verify(token, trust, algorithms=["ES256"], now=NOW_TS)
        assert claims["vct"] == "urn:eudi:pid:1"
        other = pki()
        with pytest.raises(CertificateError):
            sd_jwt.verify(
                token,
                CertificateTrust(anchors=[other.root], now=NOW_TS),
                algorithms=["ES256"],
                now=NOW_TS,
            )
