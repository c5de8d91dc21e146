"""AccessTokenVerifier: RFC 9068 section 4, typing, scopes, and token substitution."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import jotkit
from jotkit import Key, KeySet
from jotkit.errors import InvalidClaimError, JotkitError, MissingClaimError
from jotkit.profiles import access_token, oidc

ISS = "https://as.example"
API = "https://api.example"
NOW = 1_700_000_000
SIGNER = Key.generate("ES256", kid="as-1")
KEYS = KeySet([SIGNER.public()])


def claims(**changes: Any) -> dict[str, Any]:
    base = {"iss": ISS, "sub": "alice", "aud": API, "exp": NOW + 300, "iat": NOW,
            "jti": "j-1", "client_id": "app", "scope": "read write"}  # fmt: skip
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def at(typ: str | None = "at+jwt", **changes: Any) -> str:
    return jotkit.encode(claims(**changes), SIGNER, alg="ES256", typ=typ)


def verifier(**options: Any) -> access_token.AccessTokenVerifier:
    settings: dict[str, Any] = {"issuer": ISS, "audience": API, "algorithms": ["ES256"],
                                "now": NOW}  # fmt: skip
    settings.update(options)
    return access_token.AccessTokenVerifier(KEYS, **settings)


class TestAccessToken:
    """The rules of RFC 9068 section 4."""

    def test_valid(self) -> None:
        """The result gives claims, scopes and client_id."""
        result = verifier(scopes=["read"]).decode(at())
        assert result.claims["sub"] == "alice"
        assert result.scopes == {"read", "write"}
        assert result.client_id == "app"
        assert result.header["typ"] == "at+jwt"

    @pytest.mark.parametrize("typ", ["at+jwt", "application/at+jwt", "AT+JWT"])
    def test_typ_spellings(self, typ: str) -> None:
        """application/at+jwt is the same media type."""
        assert verifier().decode(at(typ=typ)).client_id == "app"

    @pytest.mark.parametrize("typ", [None, "JWT", "dpop+jwt", "application/jwt"])
    def test_other_typ_refused(self, typ: str | None) -> None:
        """Untyped and other tokens are refused by default (RFC 8725 3.11)."""
        with pytest.raises((MissingClaimError, InvalidClaimError)) as raised:
            verifier().decode(at(typ=typ))
        assert raised.value.claim == "typ"

    def test_allow_untyped_opt_in(self) -> None:
        """The weaker mode accepts none and JWT, never another explicit type."""
        v = verifier(allow_untyped=True)
        assert v.decode(at(typ=None)).client_id == "app"
        assert v.decode(at(typ="JWT")).client_id == "app"
        assert v.decode(at()).client_id == "app"
        with pytest.raises(InvalidClaimError, match="typ"):
            v.decode(at(typ="dpop+jwt"))

    @pytest.mark.parametrize("name", access_token.REQUIRED_CLAIMS)
    def test_required_claims(self, name: str) -> None:
        """Each claim of section 2.2 is required."""
        with pytest.raises(MissingClaimError) as raised:
            verifier().decode(at(**{name: None}))
        assert raised.value.claim == name

    @pytest.mark.parametrize(
        ("changes", "claim"),
        [({"iss": ISS + "/"}, "iss"), ({"aud": "https://other.example"}, "aud"),
         ({"client_id": 7}, "client_id"), ({"exp": NOW}, "exp")],
        ids=["iss", "aud", "client-id-type", "expired"],
    )  # fmt: skip
    def test_claims_refused(self, changes: dict[str, Any], claim: str) -> None:
        """iss exact, aud this resource, client_id a string, not expired."""
        with pytest.raises(JotkitError) as raised:
            verifier().decode(at(**changes))
        assert getattr(raised.value, "claim", None) == claim

    def test_scopes(self) -> None:
        """scope (space-delimited) and scp (list or string); all required scopes."""
        v = verifier(scopes=["read", "admin"])
        with pytest.raises(InvalidClaimError, match="admin") as raised:
            v.decode(at())
        assert raised.value.claim == "scope"
        assert v.decode(at(scope=None, scp=["read", "admin"])).scopes == {"read", "admin"}
        assert v.decode(at(scope="read", scp="admin")).scopes == {"read", "admin"}
        with pytest.raises(InvalidClaimError):
            verifier().decode(at(scope=["read"]))
        with pytest.raises(InvalidClaimError):
            verifier().decode(at(scp=[1]))
        with pytest.raises(InvalidClaimError):
            verifier(scopes=["read"]).decode(at(scope="readwrite"))  # no prefix games
        with pytest.raises(TypeError):
            verifier(scopes="read")

    def test_id_token_replayed_as_access_token(self) -> None:
        """An ID token of the same issuer is refused, typed or not."""
        id_tok = jotkit.encode(
            {"iss": ISS, "sub": "alice", "aud": "app", "exp": NOW + 300, "iat": NOW},
            SIGNER,
            alg="ES256",
        )
        with pytest.raises(InvalidClaimError, match="typ"):
            verifier().decode(id_tok)
        with pytest.raises(JotkitError):
            verifier(allow_untyped=True).decode(id_tok)
        # Even one whose aud names this API is missing the access-token claims.
        with pytest.raises(MissingClaimError):
            verifier(allow_untyped=True).decode(
                jotkit.encode(claims(client_id=None, jti=None), SIGNER, alg="ES256")
            )

    def test_access_token_replayed_as_id_token(self) -> None:
        """And the reverse: the ID token verifier refuses at+jwt."""
        v = oidc.IDTokenVerifier(KEYS, issuer=ISS, client_id="app", algorithms=["ES256"], now=NOW)
        with pytest.raises(InvalidClaimError, match="typ"):
            v.decode(at(aud="app"))

    def test_encrypted_access_token(self) -> None:
        """A nested access token (signed, then encrypted to the resource server)."""
        rs_key = Key.generate("ECDH-ES+A256KW")
        tok = jotkit.jwt.encode_nested(
            claims(), SIGNER, rs_key.public(), key_alg="ECDH-ES+A256KW", enc="A256GCM",
            typ="at+jwt",
        )  # fmt: skip
        v = verifier(
            decryption_key=rs_key, key_algorithms=["ECDH-ES+A256KW"], encryptions=["A256GCM"]
        )
        assert v.decode(tok).client_id == "app"
        with pytest.raises(JotkitError):
            verifier().decode(tok)

    def test_decode_async(self) -> None:
        """decode_async gives the same result."""
        assert asyncio.run(verifier().decode_async(at())).scopes == {"read", "write"}
        assert "app" in repr(asyncio.run(verifier().decode_async(at())))
