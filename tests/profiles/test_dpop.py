"""DPoP (RFC 9449): the RFC's own examples, every check of section 4.3, one attack each."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jotkit import Key
from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import (
    AlgorithmNotAllowedError,
    DPoPProofError,
    ExpiredError,
    InvalidClaimError,
    InvalidKeyError,
    InvalidSignatureError,
    JotkitError,
    MalformedError,
    MissingClaimError,
    NotYetValidError,
    ReplayError,
    UseDPoPNonceError,
)
from jotkit.jws import sign_compact
from jotkit.profiles import dpop
from jotkit.replay import MemoryReplayStore

# RFC 9449 section 4.1: the DPoP proof of the example token request (Figure 2's header
# and claims); section 6.1 gives its key's thumbprint as the cnf.jkt example.
RFC_TOKEN_REQUEST_PROOF = (
    "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0"
    "VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10"
    "NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIj"
    "oiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ"
    ".2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
)
RFC_TOKEN_REQUEST_IAT = 1562262616
RFC_JKT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
# RFC 9449 section 7.1: the protected resource request, its access token and proof.
RFC_ACCESS_TOKEN = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
RFC_ATH = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
RFC_RESOURCE_PROOF = (
    "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0"
    "VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10"
    "NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIj"
    "oiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhd"
    "CI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9"
    ".2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA"
)
RFC_RESOURCE_IAT = 1562262618

HTU = "https://api.example.com/resource"
NOW = 1_800_000_000


@pytest.fixture(scope="module")
def key() -> Key:
    return Key.generate("ES256")


def _verifier(**kwargs: Any) -> dpop.DPoPVerifier:
    kwargs.setdefault("algorithms", ["ES256", "EdDSA", "PS256"])
    kwargs.setdefault("replay", MemoryReplayStore())
    kwargs.setdefault("now", NOW)
    return dpop.DPoPVerifier(**kwargs)


def _forge(key: Key, header: dict[str, Any], claims: dict[str, Any], alg: str = "ES256") -> str:
    """A proof with exactly the header and claims given, signed by ``key``."""
    payload = json.dumps(claims).encode()
    extra = {name: value for name, value in header.items() if name != "alg"}
    return sign_compact(payload, key, alg=alg, headers=extra)


def _good_parts(key: Key, **claims: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    header = {"typ": "dpop+jwt", "jwk": key.public().to_jwk()}
    body: dict[str, Any] = {"jti": "j-1", "htm": "GET", "htu": HTU, "iat": NOW}
    body.update(claims)
    return header, body


class TestRFCExamples:
    """RFC 9449's own proofs verify at their iat; its jkt and ath come out the same."""

    def test_token_request_proof_section_4_1(self) -> None:
        """Section 4.1's proof verifies, and its key's jkt is section 6.1's."""
        verifier = _verifier(algorithms=["ES256"], now=RFC_TOKEN_REQUEST_IAT)
        proof = verifier.verify(
            RFC_TOKEN_REQUEST_PROOF, htm="POST", htu="https://server.example.com/token"
        )
        assert proof.jkt == RFC_JKT
        assert proof.claims["jti"] == "-BwC3ESc6acc2lTc"
        assert proof.key.thumbprint() == RFC_JKT

    def test_resource_request_proof_section_7_1(self) -> None:
        """Section 7.1's proof verifies with its access token, bound by cnf.jkt."""
        verifier = _verifier(algorithms=["ES256"], now=RFC_RESOURCE_IAT)
        proof = verifier.verify(
            RFC_RESOURCE_PROOF,
            htm="GET",
            htu="https://resource.example.org/protectedresource",
            access_token=RFC_ACCESS_TOKEN,
            token_claims={"cnf": {"jkt": RFC_JKT}},
        )
        assert proof.claims["ath"] == RFC_ATH

    def test_ath_of_the_section_7_1_token(self) -> None:
        """ath = base64url(SHA-256(access token)), section 4.2."""
        assert dpop.access_token_hash(RFC_ACCESS_TOKEN) == RFC_ATH

    def test_rfc_proof_is_stale_today(self) -> None:
        """At the real time the 2019 proof is older than max_age."""
        verifier = dpop.DPoPVerifier(algorithms=["ES256"], replay=MemoryReplayStore())
        with pytest.raises(ExpiredError):
            verifier.verify(
                RFC_TOKEN_REQUEST_PROOF, htm="POST", htu="https://server.example.com/token"
            )


class TestCreateProof:
    """create_proof makes what section 4.2 describes."""

    def test_header_and_claims(self, key: Key) -> None:
        """typ, alg, the public jwk only; 128-bit jti; iat; htu without query."""
        proof = dpop.create_proof(
            key, htm="POST", htu=HTU + "?q=1#f", access_token="tok", nonce="n1"
        )
        head, body, _ = proof.split(".")
        header = json.loads(b64decode(head))
        claims = json.loads(b64decode(body))
        assert header["typ"] == "dpop+jwt"
        assert header["alg"] == "ES256"
        assert "d" not in header["jwk"]
        assert Key.from_jwk(header["jwk"]).thumbprint() == key.thumbprint()
        assert len(b64decode(claims["jti"])) >= 12
        assert claims["htu"] == HTU
        assert claims["ath"] == dpop.access_token_hash("tok")
        assert claims["nonce"] == "n1"
        assert isinstance(claims["iat"], int)

    def test_jti_differs_per_proof(self, key: Key) -> None:
        """Two proofs, two jti."""
        a, b = (dpop.create_proof(key, htm="GET", htu=HTU) for _ in range(2))
        assert (
            json.loads(b64decode(a.split(".")[1]))["jti"]
            != json.loads(b64decode(b.split(".")[1]))["jti"]
        )

    @pytest.mark.parametrize("alg", ["ES256", "ES384", "EdDSA", "PS256"])
    def test_round_trip_per_algorithm(self, alg: str) -> None:
        """Each default alg verifies and the jkt is the key's thumbprint."""
        signer = Key.generate(alg)
        proof = dpop.create_proof(signer, htm="GET", htu=HTU, iat=NOW)
        verifier = _verifier(algorithms=[alg])
        assert verifier.verify(proof, htm="GET", htu=HTU).jkt == signer.thumbprint()

    def test_public_or_symmetric_key_is_refused(self, key: Key) -> None:
        """A proof needs a private asymmetric key."""
        with pytest.raises(ValueError, match="private asymmetric"):
            dpop.create_proof(key.public(), htm="GET", htu=HTU)
        with pytest.raises(ValueError, match="private asymmetric"):
            dpop.create_proof(Key.from_secret(b"s" * 32), htm="GET", htu=HTU)


class TestChecks:
    """Each check of section 4.3, one failing test each."""

    def test_good_proof_passes(self, key: Key) -> None:
        """The baseline every other test breaks one way."""
        header, claims = _good_parts(key)
        assert _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU).jkt

    @pytest.mark.parametrize(
        "proof", ["", "a.b", "a.b.c.d.e", "not a jwt", "e30.e30.", RFC_TOKEN_REQUEST_PROOF + "."]
    )
    def test_not_one_well_formed_jwt(self, proof: str) -> None:
        """Step 1: one well-formed JWT (two proofs joined, a JWE, garbage)."""
        with pytest.raises(JotkitError):
            _verifier().verify(proof, htm="GET", htu=HTU)

    def test_wrong_python_type_is_malformed(self) -> None:
        """A proof of the wrong type is untrusted input, not a crash."""
        with pytest.raises(MalformedError):
            _verifier().verify(12, htm="GET", htu=HTU)  # type: ignore[arg-type]

    @pytest.mark.parametrize("typ", [None, "JWT", "at+jwt", "dpop"])
    def test_typ(self, key: Key, typ: str | None) -> None:
        """Step 4: typ must be dpop+jwt (an access token is not a proof)."""
        header, claims = _good_parts(key)
        if typ is None:
            del header["typ"]
        else:
            header["typ"] = typ
        with pytest.raises((MissingClaimError, InvalidClaimError)) as caught:
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)
        assert caught.value.claim == "typ"

    def test_proof_signed_with_hmac_is_refused(self, key: Key) -> None:
        """Attack: a proof MACed with HS256 (a key the server never holds proves nothing)."""
        secret = Key.from_secret(b"k" * 32)
        header, claims = _good_parts(key)
        header["jwk"] = {"kty": "oct", "k": b64encode_str(b"k" * 32)}
        with pytest.raises(AlgorithmNotAllowedError):
            _verifier().verify(_forge(secret, header, claims, alg="HS256"), htm="GET", htu=HTU)

    def test_symmetric_algorithms_cannot_be_configured(self) -> None:
        """HS* in the allow-list is a caller's mistake."""
        with pytest.raises(ValueError, match="symmetric"):
            _verifier(algorithms=["ES256", "HS256"])
        with pytest.raises(ValueError, match="unknown"):
            _verifier(algorithms=["none"])

    def test_alg_outside_the_allow_list(self) -> None:
        """Step 5: an asymmetric alg that is not allowed."""
        signer = Key.generate("ES384")
        proof = dpop.create_proof(signer, htm="GET", htu=HTU, iat=NOW)
        with pytest.raises(AlgorithmNotAllowedError):
            _verifier(algorithms=["ES256"]).verify(proof, htm="GET", htu=HTU)

    def test_private_key_in_header_is_refused(self, key: Key) -> None:
        """Attack: the header jwk carries the private key (d)."""
        header, claims = _good_parts(key)
        header["jwk"] = key.to_jwk(private=True)
        with pytest.raises(InvalidKeyError, match="private"):
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)

    @pytest.mark.parametrize("jwk", [None, "a string", [], {"kty": "EC"}])
    def test_missing_or_invalid_jwk(self, key: Key, jwk: object) -> None:
        """Step 6: the jwk header must be a valid public key."""
        header, claims = _good_parts(key)
        if jwk is None:
            del header["jwk"]
        else:
            header["jwk"] = jwk
        with pytest.raises(InvalidKeyError):
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)

    def test_signature_by_another_key(self, key: Key) -> None:
        """Step 7: the signature must verify with the header's key."""
        header, claims = _good_parts(key)
        other = Key.generate("ES256")
        with pytest.raises(InvalidSignatureError):
            _verifier().verify(_forge(other, header, claims), htm="GET", htu=HTU)

    @pytest.mark.parametrize("claim", ["jti", "htm", "htu", "iat"])
    def test_required_claims(self, key: Key, claim: str) -> None:
        """Step 3: jti, htm, htu and iat are required."""
        header, claims = _good_parts(key)
        del claims[claim]
        with pytest.raises(MissingClaimError) as caught:
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)
        assert caught.value.claim == claim

    @pytest.mark.parametrize("htm", ["POST", "get", "GET "])
    def test_wrong_htm(self, key: Key, htm: str) -> None:
        """Step 8: htm must be the request's method, exactly."""
        header, claims = _good_parts(key, htm=htm)
        with pytest.raises(DPoPProofError) as caught:
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)
        assert caught.value.claim == "htm"

    @pytest.mark.parametrize(
        "htu",
        [
            "https://api.example.com/other",
            "http://api.example.com/resource",
            "https://evil.example.com/resource",
            "https://api.example.com:8443/resource",
            "https://api.example.com/resource/",
            "https://api.example.com/resource%2F",
            "/resource",
            "not a uri",
            42,
        ],
    )
    def test_wrong_htu(self, key: Key, htu: object) -> None:
        """Step 9: htu must name the request's URI."""
        header, claims = _good_parts(key, htu=htu)
        with pytest.raises(DPoPProofError) as caught:
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)
        assert caught.value.claim == "htu"

    @pytest.mark.parametrize(
        "htu",
        [
            "HTTPS://API.Example.COM/resource",
            "https://api.example.com:443/resource",
            "https://api.example.com/./x/../resource",
            "https://api.example.com/%72esource",
            "https://api.example.com/resource?other=query#frag",
        ],
    )
    def test_equivalent_htu_is_accepted(self, key: Key, htu: str) -> None:
        """Step 9: compared after RFC 3986 6.2.2 / 6.2.3 normalisation, query ignored."""
        header, claims = _good_parts(key, htu=htu)
        _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU + "?a=b")

    def test_server_htu_must_be_absolute(self, key: Key) -> None:
        """The server's own URI is configuration: a bad one is a ValueError."""
        with pytest.raises(ValueError, match="htu"):
            _verifier().verify("x.y.z", htm="GET", htu="/resource")

    def test_stale_iat(self, key: Key) -> None:
        """Attack: a proof older than max_age (+ leeway)."""
        header, claims = _good_parts(key, iat=NOW - 306)
        with pytest.raises(ExpiredError):
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)
        header, claims = _good_parts(key, iat=NOW - 304)
        _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)

    def test_iat_in_the_future(self, key: Key) -> None:
        """Step 11: iat no further ahead than the leeway."""
        header, claims = _good_parts(key, iat=NOW + 6)
        with pytest.raises(NotYetValidError):
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)
        header, claims = _good_parts(key, iat=NOW + 4)
        _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)

    @pytest.mark.parametrize("iat", ["1800000000", True, None])
    def test_iat_must_be_a_number(self, key: Key, iat: object) -> None:
        """A string or boolean iat is refused, not compared."""
        header, claims = _good_parts(key, iat=iat)
        with pytest.raises(InvalidClaimError):
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)

    def test_replayed_proof(self, key: Key) -> None:
        """Attack: the same proof twice (step 12, jti in the replay store)."""
        verifier = _verifier()
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        verifier.verify(proof, htm="GET", htu=HTU)
        with pytest.raises(ReplayError) as caught:
            verifier.verify(proof, htm="GET", htu=HTU)
        assert caught.value.claim == "jti"

    def test_replay_window_covers_max_age(self, key: Key) -> None:
        """The jti is kept until iat + max_age + leeway, seen by the store's clock."""
        clock = [1000.0]
        store = MemoryReplayStore(clock=lambda: clock[0])
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        _verifier(replay=store).verify(proof, htm="GET", htu=HTU)
        clock[0] += 300
        with pytest.raises(ReplayError):
            _verifier(replay=store).verify(proof, htm="GET", htu=HTU)

    def test_failed_proof_takes_no_room_in_the_store(self, key: Key) -> None:
        """Only a proof that passed every other check is recorded."""
        store = MemoryReplayStore()
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        with pytest.raises(DPoPProofError):
            _verifier(replay=store).verify(proof, htm="POST", htu=HTU)
        assert len(store) == 0
        _verifier(replay=store).verify(proof, htm="GET", htu=HTU)

    def test_ath_of_another_token(self, key: Key) -> None:
        """Attack: a proof made for another access token."""
        proof = dpop.create_proof(key, htm="GET", htu=HTU, access_token="token-A", iat=NOW)
        with pytest.raises(DPoPProofError) as caught:
            _verifier().verify(proof, htm="GET", htu=HTU, access_token="token-B")
        assert caught.value.claim == "ath"

    def test_ath_cache_keeps_each_token_apart(self, key: Key) -> None:
        """The verifier keeps recent tokens' hashes: a hash kept for one token never
        passes a proof made for another, and a long token is hashed, not kept."""
        verifier = _verifier()
        long_token = "x" * (dpop.ATH_CACHE_MAX_TOKEN + 1)
        for token in ("token-A", long_token):
            for _ in range(2):  # the second time from the cache, when it is kept
                proof = dpop.create_proof(key, htm="GET", htu=HTU, access_token=token, iat=NOW)
                verifier.verify(proof, htm="GET", htu=HTU, access_token=token)
            with pytest.raises(DPoPProofError) as caught:
                verifier.verify(proof, htm="GET", htu=HTU, access_token=token + "B")
            assert caught.value.claim == "ath"
        assert list(verifier._aths._entries) == ["token-A", "token-AB"]
        with pytest.raises(TypeError):
            verifier.verify(
                dpop.create_proof(key, htm="GET", htu=HTU, access_token="t", iat=NOW),
                htm="GET", htu=HTU, access_token=b"t",  # type: ignore[arg-type]
            )  # fmt: skip

    def test_ath_missing_with_an_access_token(self, key: Key) -> None:
        """Step 10: with an access token, ath is required."""
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        with pytest.raises(DPoPProofError) as caught:
            _verifier().verify(proof, htm="GET", htu=HTU, access_token="token-A")
        assert caught.value.claim == "ath"

    def test_cached_key_is_not_reused_for_another_jwk(self, key: Key) -> None:
        """Two keys, one verifier: each proof is checked against its own jwk."""
        verifier = _verifier()
        other = Key.generate("ES256")
        a = verifier.verify(dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW), htm="GET", htu=HTU)
        b = verifier.verify(
            dpop.create_proof(other, htm="GET", htu=HTU, iat=NOW), htm="GET", htu=HTU
        )
        assert (a.jkt, b.jkt) == (key.thumbprint(), other.thumbprint())


class TestNonces:
    """Server nonces (section 8): stateless, rotating, use_dpop_nonce."""

    SECRET = b"n" * 32

    def test_missing_nonce_asks_for_one(self, key: Key) -> None:
        """No nonce: UseDPoPNonceError carrying the current nonce."""
        nonces = dpop.DPoPNonces(self.SECRET, clock=lambda: NOW)
        verifier = _verifier(nonces=nonces)
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        with pytest.raises(UseDPoPNonceError) as caught:
            verifier.verify(proof, htm="GET", htu=HTU)
        assert caught.value.code == "use_dpop_nonce"
        assert isinstance(caught.value, DPoPProofError)
        assert caught.value.nonce == verifier.current_nonce() == nonces.current()
        retry = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW, nonce=caught.value.nonce)
        verifier.verify(retry, htm="GET", htu=HTU)

    def test_previous_window_accepted_older_refused(self, key: Key) -> None:
        """A nonce works for its window and the next, not after."""
        clock = [float(NOW)]
        nonces = dpop.DPoPNonces(self.SECRET, lifetime=60, clock=lambda: clock[0])
        issued = nonces.current()
        clock[0] += 60
        assert nonces.is_valid(issued)
        clock[0] += 60
        assert not nonces.is_valid(issued)
        assert nonces.current() != issued

    def test_other_secret_nonce_refused(self, key: Key) -> None:
        """A nonce from another secret (or made up) is refused."""
        mine = dpop.DPoPNonces(self.SECRET, clock=lambda: NOW)
        theirs = dpop.DPoPNonces(b"x" * 32, clock=lambda: NOW)
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW, nonce=theirs.current())
        with pytest.raises(UseDPoPNonceError):
            _verifier(nonces=mine).verify(proof, htm="GET", htu=HTU)
        assert not mine.is_valid(None)
        assert not mine.is_valid("x" * 24)

    def test_two_instances_share_nonces_without_state(self) -> None:
        """Same secret, same nonce: any instance accepts another's."""
        a = dpop.DPoPNonces(self.SECRET, clock=lambda: NOW)
        b = dpop.DPoPNonces(self.SECRET, clock=lambda: NOW)
        assert b.is_valid(a.current())

    def test_caller_managed_nonce(self, key: Key) -> None:
        """nonce= in verify: the proof must carry exactly it."""
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW, nonce="abc")
        with pytest.raises(UseDPoPNonceError) as caught:
            _verifier().verify(proof, htm="GET", htu=HTU, nonce="xyz")
        assert caught.value.nonce == "xyz"
        _verifier().verify(proof, htm="GET", htu=HTU, nonce="abc")

    def test_short_secret_refused(self) -> None:
        """The secret must be at least 32 bytes."""
        with pytest.raises(ValueError, match="32"):
            dpop.DPoPNonces(b"short")


class TestBinding:
    """cnf.jkt binding (section 6) and DPoP-bound tokens as Bearer (section 7.2)."""

    def test_token_bound_to_the_proof_key(self, key: Key) -> None:
        """cnf.jkt equal to the proof's jkt passes."""
        proof = _verifier().verify(
            dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW, access_token="t"),
            htm="GET",
            htu=HTU,
            access_token="t",
            token_claims={"cnf": {"jkt": key.thumbprint()}},
        )
        dpop.check_binding({"cnf": {"jkt": key.thumbprint()}}, proof)
        dpop.check_binding({"cnf": {"jkt": key.thumbprint()}}, proof.jkt)

    @pytest.mark.parametrize(
        "claims", [{}, {"cnf": "x"}, {"cnf": {}}, {"cnf": {"jkt": 5}}, {"cnf": {"jkt": RFC_JKT}}]
    )
    def test_token_bound_to_another_key_or_unbound(self, key: Key, claims: dict[str, Any]) -> None:
        """Attack: a stolen token with the thief's own proof key."""
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW, access_token="t")
        store = MemoryReplayStore()
        with pytest.raises(DPoPProofError) as caught:
            _verifier(replay=store).verify(
                proof, htm="GET", htu=HTU, access_token="t", token_claims=claims
            )
        assert caught.value.claim == "cnf"
        assert len(store) == 0

    def test_bound_token_as_bearer_is_refused(self) -> None:
        """Section 7.2: a token with cnf.jkt presented as Bearer."""
        assert dpop.is_bound({"cnf": {"jkt": RFC_JKT}})
        with pytest.raises(InvalidClaimError) as caught:
            dpop.check_bearer({"sub": "u", "cnf": {"jkt": RFC_JKT}})
        assert caught.value.claim == "cnf"
        dpop.check_bearer({"sub": "u"})
        assert not dpop.is_bound({"cnf": {"x5t#S256": "abc"}})


class TestAsync:
    """verify_async: the same checks, the store awaited."""

    def test_verify_async_and_replay(self, key: Key) -> None:
        """First accepted, second refused, through the awaitable face."""
        verifier = _verifier()
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        result = asyncio.run(verifier.verify_async(proof, htm="GET", htu=HTU))
        assert result.jkt == key.thumbprint()
        with pytest.raises(ReplayError):
            asyncio.run(verifier.verify_async(proof, htm="GET", htu=HTU))

    def test_properties_for_challenges(self) -> None:
        """algorithms for DPoP algs=..., no nonce without nonces."""
        verifier = _verifier(algorithms=["ES256", "EdDSA"])
        assert verifier.algorithms == ("ES256", "EdDSA")
        assert verifier.current_nonce() is None
        assert verifier.nonces is None


_SEGMENT = st.text(alphabet="abcXYZ019-._~", min_size=1, max_size=8)


class TestHtuNormalisation:
    """RFC 3986 6.2.2 / 6.2.3 equivalences (hypothesis)."""

    @given(
        host=st.lists(_SEGMENT.filter(lambda s: s[0].isalnum()), min_size=1, max_size=3),
        path=st.lists(_SEGMENT.filter(lambda s: s not in (".", "..")), max_size=4),
        upper=st.booleans(),
        port=st.booleans(),
        encode=st.integers(min_value=0, max_value=3),
    )
    def test_equivalent_forms_normalise_equal(
        self, host: list[str], path: list[str], upper: bool, port: bool, encode: int
    ) -> None:
        """Case of scheme and host, default port, escaped unreserved chars, dot segments."""
        name = ".".join(host).lower()
        plain = "https://" + name + "/" + "/".join(path)
        variant_path = [
            "".join(f"%{ord(c):02x}" if i % (encode + 1) == 0 else c for i, c in enumerate(p))
            for p in path
        ]
        variant = (
            ("HTTPS://" if upper else "https://")
            + (name.upper() if upper else name)
            + (":443" if port else "")
            + "/./"
            + "/".join(variant_path)
        )
        normal = dpop.normalize_htu(plain)
        assert normal is not None
        assert dpop.normalize_htu(variant) == normal
        assert dpop.normalize_htu(normal) == normal

    @given(st.text(max_size=60))
    def test_any_text_normalises_or_is_refused(self, text: str) -> None:
        """Arbitrary input: a str or None, never an exception; idempotent."""
        normal = dpop.normalize_htu(text)
        if normal is not None:
            assert dpop.normalize_htu(normal) == normal


class TestKeysAndStores:
    """The header key's cache, other key types, and the Redis stores behind DPoP."""

    def test_jwk_with_list_members_is_checked_uncached(self, key: Key) -> None:
        """A jwk with key_ops (a list) is not kept, and still verifies every time."""
        header, claims = _good_parts(key)
        header["jwk"] = {**key.public().to_jwk(), "key_ops": ["verify"]}
        verifier = _verifier()
        for jti in ("l1", "l2"):
            claims["jti"] = jti
            assert verifier.verify(_forge(key, header, claims), htm="GET", htu=HTU).jkt == (
                key.thumbprint()
            )

    def test_jwk_forbidding_verify_is_refused(self, key: Key) -> None:
        """key_ops without verify: the proof key cannot verify its own proof."""
        header, claims = _good_parts(key)
        header["jwk"] = {**key.public().to_jwk(), "key_ops": ["encrypt"]}
        with pytest.raises(InvalidKeyError):
            _verifier().verify(_forge(key, header, claims), htm="GET", htu=HTU)

    def test_kept_key_is_checked_again_for_another_alg(self) -> None:
        """A jwk bound to RS256 that passed for RS256 is refused for PS256 after."""
        material = Key.generate("PS256").to_jwk(private=True)
        rsa = Key.from_jwk({k: v for k, v in material.items() if k != "alg"})  # signs both
        verifier = _verifier(algorithms=["RS256", "PS256"])
        header, claims = _good_parts(rsa)
        header["jwk"] = {**rsa.public().to_jwk(), "alg": "RS256"}
        for _ in range(2):  # parsed, then kept
            claims["jti"] += "x"
            verifier.verify(_forge(rsa, header, claims, alg="RS256"), htm="GET", htu=HTU)
        for _ in range(2):
            claims["jti"] += "x"
            with pytest.raises(AlgorithmNotAllowedError, match="bound to RS256"):
                verifier.verify(_forge(rsa, header, claims, alg="PS256"), htm="GET", htu=HTU)

    def test_rsa_private_members_refused(self) -> None:
        """An RSA jwk with its private exponent in the header."""
        rsa = Key.generate("PS256")
        header, claims = _good_parts(rsa)
        header["jwk"] = rsa.to_jwk(private=True)
        with pytest.raises(InvalidKeyError, match="private"):
            _verifier().verify(_forge(rsa, header, claims, alg="PS256"), htm="GET", htu=HTU)

    def test_sync_redis_store(self, key: Key, redis_url: str) -> None:
        """Two verifiers on one Redis: the second refuses the proof."""
        from jotkit.replay import RedisReplayStore

        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        _verifier(replay=RedisReplayStore(url=redis_url)).verify(proof, htm="GET", htu=HTU)
        with pytest.raises(ReplayError):
            _verifier(replay=RedisReplayStore(url=redis_url)).verify(proof, htm="GET", htu=HTU)

    def test_async_redis_store(self, key: Key, redis_url: str) -> None:
        """verify_async with AsyncRedisReplayStore; the sync verify refuses it clearly."""
        from jotkit.replay import AsyncRedisReplayStore

        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)

        async def run() -> tuple[str, type[BaseException] | None]:
            store = AsyncRedisReplayStore(url=redis_url)
            verifier = _verifier(replay=store)
            first = await verifier.verify_async(proof, htm="GET", htu=HTU)
            try:
                await verifier.verify_async(proof, htm="GET", htu=HTU)
            except ReplayError as exc:
                second: type[BaseException] | None = type(exc)
            else:
                second = None
            await store.aclose()
            return first.jkt, second

        assert asyncio.run(run()) == (key.thumbprint(), ReplayError)
        sync = _verifier(replay=AsyncRedisReplayStore(url=redis_url))
        fresh = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        with pytest.raises(TypeError, match="verify_async"):
            sync.verify(fresh, htm="GET", htu=HTU)

    def test_redis_down_refuses_the_proof(self, key: Key) -> None:
        """No Redis: ReplayStoreUnavailableError, the proof not accepted."""
        from jotkit.errors import ReplayStoreUnavailableError
        from jotkit.replay import RedisReplayStore
        from tests._redis_server import free_port

        store = RedisReplayStore(url=f"redis://127.0.0.1:{free_port()}/0", timeout=2)
        proof = dpop.create_proof(key, htm="GET", htu=HTU, iat=NOW)
        with pytest.raises(ReplayStoreUnavailableError):
            _verifier(replay=store).verify(proof, htm="GET", htu=HTU)

    def test_replay_must_be_a_store(self) -> None:
        """A caller's mistake: replay= something else."""
        with pytest.raises(TypeError, match="replay"):
            _verifier(replay={})


class TestNormalizeHtu:
    """normalize_htu, example by example (RFC 3986 sections 6.2.2, 6.2.3, 5.2.4)."""

    @pytest.mark.parametrize(
        ("uri", "normal"),
        [
            ("HTTPS://Server.Example.COM:443/token?x=1#f", "https://server.example.com/token"),
            ("https://server.example.com", "https://server.example.com/"),
            ("http://a:80/%7e%41/./b/../c", "http://a/~A/c"),
            ("http://a:8080/a%2fb", "http://a:8080/a%2Fb"),
            ("https://a/a/b/../../..", "https://a/"),
            ("http://a/b/..", "http://a/"),
            ("http://a/b/.", "http://a/b/"),
            ("https://a:/x", "https://a/x"),
            ("https://a:0443/", "https://a/"),
            ("http://[::1]:80/p", "http://[::1]/p"),
            ("http://[::1]/p", "http://[::1]/p"),
            ("http://[::1]:8080/p", "http://[::1]:8080/p"),
            ("https://User@A/p", "https://User@a/p"),
            ("https://%75ser@a/p", "https://user@a/p"),
        ],
    )
    def test_normal_forms(self, uri: str, normal: str) -> None:
        """Each spelling maps to its normal form."""
        assert dpop.normalize_htu(uri) == normal

    @pytest.mark.parametrize(
        "uri",
        [
            "ftp://a/",
            "https:///x",
            "https://a:x/",
            "https://a:1:2/",
            "http://a/%zz",
            "http://a/%4",
            "http://%zz@a/",
            "http://[::1/",
            "http://[::1]x/",
            "http://a b/",
            "https://a/\x00",
            "//a/b",
            "",
        ],
    )
    def test_refused(self, uri: str) -> None:
        """What is not an absolute http(s) URI normalises to None."""
        assert dpop.normalize_htu(uri) is None

    def test_non_str(self) -> None:
        """A non-str is refused, not an exception."""
        assert dpop.normalize_htu(b"https://a/") is None  # type: ignore[arg-type]


class TestArguments:
    """Caller mistakes are TypeError / ValueError."""

    def test_verifier_arguments(self) -> None:
        """algorithms, nonces and htm/htu types."""
        with pytest.raises(TypeError, match="algorithms"):
            _verifier(algorithms="ES256")
        with pytest.raises(TypeError, match="nonces"):
            _verifier(nonces="secret")
        with pytest.raises(TypeError, match="htm"):
            _verifier().verify("a.b.c", htm=1, htu=HTU)  # type: ignore[arg-type]

    @pytest.mark.parametrize("lifetime", [0, -1, float("nan"), True])
    def test_nonce_lifetime(self, lifetime: float) -> None:
        """The nonce window must be a positive number."""
        with pytest.raises(ValueError, match="lifetime"):
            dpop.DPoPNonces(b"s" * 32, lifetime=lifetime)

    def test_nonce_secret_type(self) -> None:
        """The secret is bytes."""
        with pytest.raises(TypeError, match="bytes"):
            dpop.DPoPNonces("s" * 32)  # type: ignore[arg-type]

    def test_create_proof_arguments(self, key: Key) -> None:
        """htm/htu types, nonce type, access token type."""
        with pytest.raises(TypeError):
            dpop.create_proof(key, htm=1, htu=HTU)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            dpop.create_proof(key, htm="GET", htu=HTU, nonce=5)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            dpop.create_proof(key, htm="GET", htu=HTU, access_token=b"t")  # type: ignore[arg-type]

    def test_check_binding_arguments(self) -> None:
        """The proof argument is a DPoPProof or a jkt string."""
        with pytest.raises(TypeError):
            dpop.check_binding({"cnf": {"jkt": RFC_JKT}}, 5)  # type: ignore[arg-type]
