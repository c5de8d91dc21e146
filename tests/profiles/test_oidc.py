"""IDTokenVerifier: OIDC Core 1.0 section 3.1.3.7 (errata 2), rule by rule, and attacks."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ed448, ed25519

import jotkit
from jotkit import Key, KeySet
from jotkit.errors import (
    ClaimsError,
    ExpiredError,
    InvalidClaimError,
    JotkitError,
    MalformedJWTError,
    MissingClaimError,
)
from jotkit.profiles import oidc
from jotkit.profiles._tokens import left_half_hash
from jotkit.remote import discover
from tests.remote._helpers import JWKS_PATH, jwks
from tests.remote._server import IdP, Route

ISS = "https://idp.example"
CLIENT = "client-1"
NOW = 1_700_000_000
SIGNER = Key.generate("RS256", kid="sig")
KEYS = KeySet([SIGNER.public()])


def id_token(
    key: Key = SIGNER, alg: str | None = None, typ: str | None = "JWT", **changes: Any
) -> str:
    claims = {"iss": ISS, "sub": "alice", "aud": CLIENT, "exp": NOW + 300, "iat": NOW - 10}
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jotkit.encode(claims, key, alg=alg or key.alg, typ=typ)


def verifier(**options: Any) -> oidc.IDTokenVerifier:
    keys = options.pop("keys", KEYS)
    settings: dict[str, Any] = {"issuer": ISS, "client_id": CLIENT, "now": NOW}
    settings.update(options)
    return oidc.IDTokenVerifier(keys, **settings)


class TestCoreRules:
    """iss, aud, azp, exp, iat, nonce, auth_time, acr."""

    def test_valid(self) -> None:
        """A well-formed ID token gives its claims; RS256 is the default algorithm."""
        v = verifier()
        assert v.algorithms == ("RS256",)
        assert v.decode(id_token())["sub"] == "alice"

    @pytest.mark.parametrize(
        ("changes", "claim", "error"),
        [({"iss": "https://idp.example/"}, "iss", InvalidClaimError),
         ({"aud": "other-client"}, "aud", InvalidClaimError),
         ({"aud": ["other", "another"], "azp": "other"}, "aud", InvalidClaimError),
         ({"exp": NOW - 1}, "exp", ExpiredError),
         ({"iat": None}, "iat", MissingClaimError),
         ({"sub": None}, "sub", MissingClaimError),
         ({"exp": None}, "exp", MissingClaimError)],
        ids=["iss-not-identical", "aud-other", "aud-list-without-us", "expired", "no-iat",
             "no-sub", "no-exp"],
    )  # fmt: skip
    def test_policy_rules(
        self, changes: dict[str, Any], claim: str, error: type[ClaimsError]
    ) -> None:
        """The claims the Verifier's policy checks, refused with .claim named."""
        with pytest.raises(error) as raised:
            verifier().decode(id_token(**changes))
        assert raised.value.claim == claim

    def test_azp_games(self) -> None:
        """azp required with several audiences; when present it must be this client."""
        v = verifier()
        with pytest.raises(MissingClaimError) as raised:
            v.decode(id_token(aud=[CLIENT, "api"]))
        assert raised.value.claim == "azp"
        with pytest.raises(InvalidClaimError, match="azp"):
            v.decode(id_token(aud=[CLIENT, "api"], azp="api"))
        with pytest.raises(InvalidClaimError, match="azp"):
            v.decode(id_token(azp="someone-else"))
        assert v.decode(id_token(aud=[CLIENT, "api"], azp=CLIENT))["azp"] == CLIENT
        assert v.decode(id_token(aud=[CLIENT]))["sub"] == "alice"

    def test_nonce(self) -> None:
        """Sent: required and equal. Not sent: ignored, or refused when asked."""
        v = verifier()
        assert v.decode(id_token(nonce="n-1"), nonce="n-1")["nonce"] == "n-1"
        with pytest.raises(MissingClaimError, match="nonce"):
            v.decode(id_token(), nonce="n-1")
        with pytest.raises(InvalidClaimError, match="nonce"):
            v.decode(id_token(nonce="n-2"), nonce="n-1")
        with pytest.raises(InvalidClaimError, match="nonce"):
            v.decode(id_token(nonce=["n-1"]), nonce="n-1")
        assert v.decode(id_token(nonce="n-1"))["sub"] == "alice"
        with pytest.raises(InvalidClaimError, match="nonce"):
            verifier(reject_unexpected_nonce=True).decode(id_token(nonce="n-1"))

    def test_max_age_and_auth_time(self) -> None:
        """max_age makes auth_time required and bounds its age (with leeway)."""
        v = verifier()
        with pytest.raises(MissingClaimError) as raised:
            v.decode(id_token(), max_age=600)
        assert raised.value.claim == "auth_time"
        with pytest.raises(ExpiredError) as expired:
            v.decode(id_token(auth_time=NOW - 601), max_age=600)
        assert expired.value.claim == "auth_time"
        assert v.decode(id_token(auth_time=NOW - 599), max_age=600)["sub"] == "alice"
        assert verifier(leeway=5).decode(id_token(auth_time=NOW - 604), max_age=600)
        with pytest.raises(ExpiredError):
            verifier(max_age=60).decode(id_token(auth_time=NOW - 61))
        with pytest.raises(InvalidClaimError, match="auth_time"):
            v.decode(id_token(auth_time="yesterday"))

    def test_acr(self) -> None:
        """acr_values: acr required and one of them."""
        v = verifier(acr_values=["urn:mace:incommon:iap:silver"])
        assert v.decode(id_token(acr="urn:mace:incommon:iap:silver"))
        with pytest.raises(MissingClaimError):
            v.decode(id_token())
        with pytest.raises(InvalidClaimError):
            v.decode(id_token(acr="0"))


def _ed448() -> Key:
    return Key.from_cryptography(ed448.Ed448PrivateKey.generate())


def _ed25519() -> Key:
    return Key.from_cryptography(ed25519.Ed25519PrivateKey.generate())


HASH_CASES = [
    ("RS256", lambda: Key.generate("RS256"), hashlib.sha256),
    ("RS384", lambda: Key.generate("RS384"), hashlib.sha384),
    ("PS512", lambda: Key.generate("PS512"), hashlib.sha512),
    ("ES256", lambda: Key.generate("ES256"), hashlib.sha256),
    ("ES384", lambda: Key.generate("ES384"), hashlib.sha384),
    ("ES512", lambda: Key.generate("ES512"), hashlib.sha512),
    ("ES256K", lambda: Key.generate("ES256K"), hashlib.sha256),
    ("EdDSA", _ed25519, hashlib.sha512),
    ("EdDSA", _ed448, lambda v: hashlib.shake_256(v)),
    ("Ed25519", lambda: Key.generate("Ed25519"), hashlib.sha512),
    ("Ed448", lambda: Key.generate("Ed448"), lambda v: hashlib.shake_256(v)),
]


def _expected(value: str, digest: Any) -> str:
    h = digest(value.encode())
    raw = h.digest(114) if h.name == "shake_256" else h.digest()
    return base64.urlsafe_b64encode(raw[: len(raw) // 2]).rstrip(b"=").decode()


class TestHashes:
    """at_hash, c_hash, s_hash: the left half of the alg's hash."""

    def test_oidc_core_example(self) -> None:
        """OIDC Core A.4's at_hash and c_hash for RS256."""
        assert left_half_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256", SIGNER) == (
            "77QmUPtjPfzWtF2AnpK9RQ"
        )
        code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
        assert left_half_hash(code, "RS256", SIGNER) == "LDktKdoQak3Pk0cnXxCltA"

    @pytest.mark.parametrize(
        ("alg", "make", "digest"), HASH_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(HASH_CASES)]
    )
    def test_each_algorithm(self, alg: str, make: Any, digest: Any) -> None:
        """Every signature algorithm's hash, checked through a signed token."""
        key = make()
        access, code, state = "access-token-value", "the-code", "the-state"
        tok = id_token(
            key,
            alg=alg,
            at_hash=_expected(access, digest),
            c_hash=_expected(code, digest),
            s_hash=_expected(state, digest),
        )
        v = verifier(keys=key.public(), algorithms=[alg])
        assert v.decode(tok, access_token=access, code=code, state=state)["sub"] == "alice"
        kinds: tuple[tuple[str, dict[str, Any]], ...] = (
            ("at_hash", {"access_token": "another-access-token"}),
            ("c_hash", {"code": "another-code"}),
            ("s_hash", {"state": "another-state"}),
        )
        for name, kwargs in kinds:
            with pytest.raises(InvalidClaimError) as raised:
                v.decode(tok, **kwargs)
            assert raised.value.claim == name

    def test_absent_hashes_optional_unless_required(self) -> None:
        """The code flow may omit at_hash; require_hashes (implicit, hybrid) insists."""
        assert verifier().decode(id_token(), access_token="at", code="c")
        with pytest.raises(MissingClaimError) as raised:
            verifier(require_hashes=True).decode(id_token(), access_token="at")
        assert raised.value.claim == "at_hash"

    def test_at_hash_of_another_token(self) -> None:
        """An ID token bound to one access token does not vouch for another."""
        tok = id_token(at_hash=left_half_hash("token-A", "RS256", SIGNER))
        assert verifier().decode(tok, access_token="token-A")
        with pytest.raises(InvalidClaimError, match="at_hash"):
            verifier().decode(tok, access_token="token-B")
        with pytest.raises(InvalidClaimError):
            verifier().decode(id_token(at_hash=12), access_token="token-A")


class TestAlgorithmsAndKeys:
    """Algorithm lists, HMAC with the client secret, encrypted ID tokens, typ."""

    @pytest.mark.parametrize(
        ("app", "provider", "secret", "expected"),
        [(None, None, False, ["RS256"]),
         (["ES256", "RS256"], ["RS256", "PS256"], False, ["RS256"]),
         (None, ["none", "ES256", "HS256"], False, ["ES256"]),
         (None, ["ES256", "HS256"], True, ["ES256", "HS256"]),
         (["PS256"], None, False, ["PS256"])],
        ids=["default", "intersection", "provider-none-and-hmac-dropped", "hmac-with-secret",
             "app-only"],
    )  # fmt: skip
    def test_algorithm_lists(
        self, app: list[str] | None, provider: list[str] | None, secret: bool, expected: list[str]
    ) -> None:
        """The app's list intersected with the provider's; RS256 when neither says."""
        assert oidc.id_token_algorithms(app, provider, with_secret=secret) == expected

    def test_algorithm_lists_refused(self) -> None:
        """Nothing in common, or HMAC without a secret, is a configuration error."""
        with pytest.raises(ValueError, match="provider"):
            oidc.id_token_algorithms(["ES256"], ["RS256"], with_secret=False)
        with pytest.raises(ValueError, match="client_secret"):
            oidc.id_token_algorithms(["HS256"], None, with_secret=False)

    def test_client_secret_hs256(self) -> None:
        """HS256 ID tokens verify with the client secret; RS256 ones with the keys."""
        secret = "a-client-secret-of-at-least-32-bytes!"
        v = verifier(algorithms=["HS256", "RS256"], client_secret=secret)
        hs = id_token(Key.from_secret(secret.encode()), alg="HS256")
        assert v.decode(hs)["sub"] == "alice"
        assert v.decode(id_token())["sub"] == "alice"
        with pytest.raises(JotkitError):
            v.decode(id_token(Key.from_secret(b"x" * 40), alg="HS256"))

    def test_encrypted_id_token(self) -> None:
        """A nested ID token (signed, then encrypted to the client) with a decryption key."""
        client_key = Key.generate("RSA-OAEP-256")
        claims = {"iss": ISS, "sub": "alice", "aud": CLIENT, "exp": NOW + 300, "iat": NOW,
                  "nonce": "n"}  # fmt: skip
        tok = jotkit.jwt.encode_nested(
            claims, SIGNER, client_key.public(), key_alg="RSA-OAEP-256", enc="A256GCM"
        )
        v = verifier(
            decryption_key=client_key, key_algorithms=["RSA-OAEP-256"], encryptions=["A256GCM"]
        )
        assert v.decode(tok, nonce="n")["sub"] == "alice"
        with pytest.raises(MalformedJWTError, match="decryption_key"):
            verifier().decode(tok)
        with pytest.raises(ValueError, match="key_algorithms"):
            verifier(decryption_key=client_key)

    @pytest.mark.parametrize("typ", ["at+jwt", "application/at+jwt", "DPoP+JWT", "logout+jwt"])
    def test_other_token_types_refused(self, typ: str) -> None:
        """An access token, DPoP proof or logout token is not an ID token."""
        with pytest.raises(InvalidClaimError) as raised:
            verifier().decode(id_token(typ=typ))
        assert raised.value.claim == "typ"
        assert verifier().decode(id_token(typ=None))

    def test_access_token_replayed_as_id_token(self) -> None:
        """An RFC 9068 access token from the same issuer, even for this client, is refused."""
        access = id_token(typ="at+jwt", client_id=CLIENT, jti="j", scope="openid")
        with pytest.raises(InvalidClaimError, match="typ"):
            verifier().decode(access)

    def test_wrong_type_token(self) -> None:
        """A token that is not a str or bytes is a JotkitError."""
        with pytest.raises(JotkitError):
            verifier().decode(12)  # type: ignore[arg-type]

    def test_decode_async(self) -> None:
        """decode_async gives the same result."""
        claims = asyncio.run(verifier().decode_async(id_token(nonce="n"), nonce="n"))
        assert claims["nonce"] == "n"


class TestWithDiscovery:
    """A discovered provider as the first argument: issuer, keys and algorithms from it."""

    def test_provider(self, idp: IdP, client: httpx.Client, rsa_keys: list[Key]) -> None:
        """Issuer and algorithms come from the metadata, keys from its jwks_uri."""
        issuer = idp.base
        idp.routes["/.well-known/openid-configuration"] = Route.json({
            "issuer": issuer, "jwks_uri": idp.url(JWKS_PATH),
            "authorization_endpoint": issuer + "/auth", "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        })  # fmt: skip
        idp.routes[JWKS_PATH] = Route.json(jwks(*rsa_keys))
        provider = discover(issuer, client=client)
        v = oidc.IDTokenVerifier(provider, client_id=CLIENT, algorithms=["PS256", "RS256"])
        assert v.algorithms == ("RS256",)
        assert v.issuer == issuer
        tok = jotkit.encode(
            {"iss": issuer, "sub": "bob", "aud": CLIENT, "exp": 2**40, "iat": 1},
            rsa_keys[0],
            alg="RS256",
        )
        assert v.decode(tok)["sub"] == "bob"
        with pytest.raises(ValueError, match="issuer"):
            oidc.IDTokenVerifier(provider, issuer="https://other", client_id=CLIENT)
