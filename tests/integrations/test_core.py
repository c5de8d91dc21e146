"""The framework-free Authenticator: every answer of RFC 6750 section 3 and RFC 9449
section 7, decided once for the three frameworks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from jotkit import Key, KeySet, Verifier, encode
from jotkit.errors import KeySetUnavailableError, ReplayStoreUnavailableError
from jotkit.integrations import Authenticator, Challenge, Principal
from jotkit.integrations._core import asgi_path, wsgi_path
from jotkit.profiles.dpop import DPoPNonces
from jotkit.replay import MemoryReplayStore
from tests.integrations._apps import AUDIENCE, ISSUER, PUBLIC_URL, dpop_verifier, verifier
from tests.integrations.conftest import MakeToken, proof_for


def headers(**values: str | list[str]) -> Callable[[str], list[str]]:
    """A case-insensitive header reader over keyword arguments (dpop=, authorization=)."""
    table = {k.lower(): v if isinstance(v, list) else [v] for k, v in values.items()}
    return lambda name: list(table.get(name.lower(), []))


def refused(auth: Authenticator, hdrs: Callable[[str], list[str]], **kw: Any) -> Challenge:
    with pytest.raises(Challenge) as caught:
        auth.authenticate("GET", "/messages", hdrs, **kw)
    return caught.value


class TestBearer:
    """RFC 6750: the bearer scheme and its challenges."""

    def test_valid_token(self, keys: KeySet, make_token: MakeToken) -> None:
        """A valid token gives its claims, scopes and the scheme."""
        auth = Authenticator(verifier(keys))
        principal = auth.authenticate(
            "GET", "/messages", headers(authorization=f"Bearer {make_token()}")
        )
        assert isinstance(principal, Principal)
        assert principal.claims["sub"] == "alice"
        assert principal.scheme == "Bearer"
        assert principal.proof is None
        assert principal.scopes == frozenset({"messages:read"})

    def test_scheme_is_case_insensitive(self, keys: KeySet, make_token: MakeToken) -> None:
        """``bearer`` and ``BEARER`` are the same scheme (RFC 9110 section 11.1)."""
        auth = Authenticator(verifier(keys))
        for scheme in ("bearer", "BEARER"):
            hdrs = headers(authorization=f"{scheme} {make_token()}")
            assert auth.authenticate("GET", "/", hdrs).scheme == "Bearer"

    def test_plain_verifier_returns_claims(self, keys: KeySet, make_token: MakeToken) -> None:
        """A plain jotkit Verifier works too: its claims are used as they are."""
        plain = Verifier(keys, algorithms=["ES256"], issuer=ISSUER, audience=AUDIENCE)
        principal = Authenticator(plain).authenticate(
            "GET", "/", headers(authorization=f"Bearer {make_token()}")
        )
        assert principal.claims["client_id"] == "app"

    def test_no_token_is_a_plain_challenge(self, keys: KeySet) -> None:
        """No credentials: 401 with ``Bearer realm=...`` and no error code (section 3)."""
        challenge = refused(Authenticator(verifier(keys), realm="messages"), headers())
        assert challenge.status == 401
        assert challenge.error is None
        assert challenge.headers == {"WWW-Authenticate": 'Bearer realm="messages"'}
        assert challenge.body()["error"] == "unauthorized"

    def test_unsupported_scheme_is_no_credentials(self, keys: KeySet) -> None:
        """``Basic`` (or DPoP when DPoP is not on) is answered like no token."""
        auth = Authenticator(verifier(keys))
        for value in ("Basic YWxpY2U6c2VjcmV0", "DPoP abc", "Bearer"):
            challenge = refused(auth, headers(authorization=value))
            if value == "Bearer":
                assert challenge.status == 400
                assert challenge.error == "invalid_request"
            else:
                assert challenge.status == 401
                assert challenge.error is None

    def test_two_authorization_headers(self, keys: KeySet, make_token: MakeToken) -> None:
        """Two Authorization headers: 400 invalid_request."""
        token = make_token()
        challenge = refused(
            Authenticator(verifier(keys)),
            headers(authorization=[f"Bearer {token}", f"Bearer {token}"]),
        )
        assert challenge.status == 400
        assert challenge.error == "invalid_request"
        assert 'error="invalid_request"' in challenge.headers["WWW-Authenticate"]

    def test_malformed_token_syntax(self, keys: KeySet) -> None:
        """A token outside the b64token syntax (a quote, a comma) is invalid_request."""
        for value in ('Bearer a"b', "Bearer a,b", "Bearer a b"):
            challenge = refused(Authenticator(verifier(keys)), headers(authorization=value))
            assert challenge.status == 400
            assert challenge.error == "invalid_request"

    def test_invalid_token(self, keys: KeySet, make_token: MakeToken) -> None:
        """A token that fails (bad signature, expired, another issuer): 401 invalid_token."""
        other = Key.generate("ES256", kid="as-1")
        forged = encode({"sub": "mallory"}, other, alg="ES256", typ="at+jwt")
        expired = make_token(exp=1, iat=0)
        foreign = make_token(iss="https://evil.example")
        for token in (forged, expired, foreign, "not.a.token"):
            challenge = refused(
                Authenticator(verifier(keys)), headers(authorization=f"Bearer {token}")
            )
            assert challenge.status == 401
            assert challenge.error == "invalid_token"
            assert challenge.cause is not None
            value = challenge.headers["WWW-Authenticate"]
            assert value.startswith('Bearer realm="api", error="invalid_token"')

    def test_nothing_of_the_request_is_echoed(self, keys: KeySet, as_key: Key) -> None:
        """The answer is fixed text: a hostile kid, claim or token never reaches it."""
        evil = 'x", error="none\r\nSet-Cookie: a=b'
        token = encode({"iss": evil, "sub": evil}, as_key, alg="ES256", headers={"kid": evil})
        challenge = refused(Authenticator(verifier(keys)), headers(authorization=f"Bearer {token}"))
        text = repr(challenge.headers) + repr(challenge.body())
        assert "evil" not in text
        assert "Set-Cookie" not in text
        assert "\r" not in text
        assert token not in text

    def test_scopes(self, keys: KeySet, make_token: MakeToken) -> None:
        """Missing scope: 403 insufficient_scope naming the scopes needed (section 3.1)."""
        auth = Authenticator(verifier(keys), scopes=["messages:read"])
        token = make_token(scope="profile")
        challenge = refused(auth, headers(authorization=f"Bearer {token}"), scopes=["admin"])
        assert challenge.status == 403
        assert challenge.error == "insufficient_scope"
        assert 'scope="admin messages:read"' in challenge.headers["WWW-Authenticate"]
        good = make_token(scope="messages:read admin")
        principal = auth.authenticate(
            "GET", "/", headers(authorization=f"Bearer {good}"), scopes=["admin"]
        )
        assert principal.scopes == {"messages:read", "admin"}

    def test_scp_list(self, keys: KeySet, make_token: MakeToken) -> None:
        """Scopes as an ``scp`` list (some providers) count as well."""
        auth = Authenticator(verifier(keys), scopes=["a", "b"])
        token = make_token(scope="a", scp=["b"])
        assert auth.authenticate("GET", "/", headers(authorization=f"Bearer {token}"))

    def test_dpop_bound_token_as_bearer(
        self, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """A DPoP-bound token presented as Bearer is refused (RFC 9449 section 7.2), with
        or without DPoP on."""
        token = make_token(bound_to=client_key)
        for dpop in (None, dpop_verifier()):
            auth = Authenticator(verifier(keys), dpop=dpop, public_url=PUBLIC_URL)
            challenge = refused(auth, headers(authorization=f"Bearer {token}"))
            assert challenge.status == 401
            assert challenge.error == "invalid_token"

    def test_key_set_unavailable_is_503(self, make_token: MakeToken) -> None:
        """A key source that cannot answer: 503, never an accept and never a 401."""

        def down(header: dict[str, Any]) -> Key:
            raise KeySetUnavailableError("the provider is down")

        auth = Authenticator(verifier(down))  # type: ignore[arg-type]
        challenge = refused(auth, headers(authorization=f"Bearer {make_token()}"))
        assert challenge.status == 503
        assert challenge.error == "temporarily_unavailable"
        assert "WWW-Authenticate" not in challenge.headers

    def test_invalid_arguments(self, keys: KeySet) -> None:
        """Caller mistakes are TypeError/ValueError at construction."""
        with pytest.raises(TypeError):
            Authenticator(object())  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="public_url"):
            Authenticator(verifier(keys), dpop=dpop_verifier())
        with pytest.raises(ValueError, match="require_dpop"):
            Authenticator(verifier(keys), require_dpop=True)
        with pytest.raises(ValueError, match="realm"):
            Authenticator(verifier(keys), realm='a"b')
        with pytest.raises(TypeError, match="scopes"):
            Authenticator(verifier(keys), scopes="admin")
        with pytest.raises(TypeError, match="dpop"):
            Authenticator(verifier(keys), dpop=object())  # type: ignore[arg-type]


class TestDPoP:
    """RFC 9449 section 7: the DPoP scheme, its proof and its challenges."""

    def auth(self, keys: KeySet, **options: Any) -> Authenticator:
        dpop = options.pop("dpop", None) or dpop_verifier()
        return Authenticator(verifier(keys), dpop=dpop, public_url=PUBLIC_URL, **options)

    def test_valid(self, keys: KeySet, make_token: MakeToken, client_key: Key) -> None:
        """A bound token with a proof by its key passes; the principal has the jkt."""
        token = make_token(bound_to=client_key)
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(client_key, token))
        principal = self.auth(keys).authenticate("GET", "/messages", hdrs)
        assert principal.scheme == "DPoP"
        assert principal.proof is not None
        assert principal.proof.jkt == client_key.thumbprint()

    def test_challenges_name_both_schemes(self, keys: KeySet) -> None:
        """No token: a Bearer and a DPoP challenge, the latter with ``algs``."""
        challenge = refused(self.auth(keys), headers())
        assert challenge.headers["WWW-Authenticate"] == (
            'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"'
        )

    def test_require_dpop_refuses_bearer(self, keys: KeySet, make_token: MakeToken) -> None:
        """With require_dpop, Bearer is no credentials; only the DPoP challenge is sent."""
        challenge = refused(
            self.auth(keys, require_dpop=True), headers(authorization=f"Bearer {make_token()}")
        )
        assert challenge.status == 401
        assert challenge.error is None
        assert challenge.headers["WWW-Authenticate"] == 'DPoP realm="api", algs="ES256 EdDSA"'
        two = refused(self.auth(keys, require_dpop=True), headers(authorization=["a", "b"]))
        assert two.headers["WWW-Authenticate"].startswith('DPoP realm="api", error=')

    def test_proof_header_missing_or_twice(
        self, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """No DPoP header, or two: invalid_dpop_proof."""
        token = make_token(bound_to=client_key)
        proof = proof_for(client_key, token)
        for proofs in ([], [proof, proof]):
            hdrs = headers(authorization=f"DPoP {token}", dpop=proofs)
            challenge = refused(self.auth(keys), hdrs)
            assert challenge.status == 401
            assert challenge.error == "invalid_dpop_proof"
            value = challenge.headers["WWW-Authenticate"]
            assert 'DPoP realm="api", error="invalid_dpop_proof"' in value
            assert value.startswith('Bearer realm="api", DPoP')

    def test_bad_proofs(self, keys: KeySet, make_token: MakeToken, client_key: Key) -> None:
        """Wrong htm, wrong htu, the ath of another token, a proof by another key."""
        token = make_token(bound_to=client_key)
        other = Key.generate("ES256")
        cases = {
            "htm": proof_for(client_key, token, htm="POST"),
            "htu": proof_for(client_key, token, path="/other"),
            "ath": proof_for(client_key, make_token(bound_to=client_key)),
            "garbage": "x.y.z",
        }
        for name, proof in cases.items():
            hdrs = headers(authorization=f"DPoP {token}", dpop=proof)
            challenge = refused(self.auth(keys), hdrs)
            assert challenge.error == "invalid_dpop_proof", name
        # Another key's proof: the token is not bound to it, the token is what is wrong.
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(other, token))
        assert refused(self.auth(keys), hdrs).error == "invalid_token"

    def test_unbound_token_with_dpop_scheme(
        self, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """A token without cnf.jkt sent with the DPoP scheme is refused as invalid_token."""
        token = make_token()
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(client_key, token))
        assert refused(self.auth(keys), hdrs).error == "invalid_token"

    def test_replayed_proof(self, keys: KeySet, make_token: MakeToken, client_key: Key) -> None:
        """The same proof twice: the second is refused."""
        token = make_token(bound_to=client_key)
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(client_key, token))
        auth = self.auth(keys)
        auth.authenticate("GET", "/messages", hdrs)
        assert refused(auth, hdrs).error == "invalid_dpop_proof"

    def test_htu_is_the_configured_url(
        self, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """htu is checked against public_url + path: a proof for another host fails
        whatever the request's Host says."""
        token = make_token(bound_to=client_key)
        proof = dpop_create(client_key, token, "https://evil.example/messages")
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof, host="evil.example")
        assert refused(self.auth(keys), hdrs).error == "invalid_dpop_proof"

    def test_nonce(self, keys: KeySet, make_token: MakeToken, client_key: Key) -> None:
        """Nonces on: a proof without one gets use_dpop_nonce and a DPoP-Nonce header; a
        retry with it passes and the principal carries the nonce to send."""
        nonces = DPoPNonces(b"n" * 32)
        auth = self.auth(keys, dpop=dpop_verifier(nonces=nonces))
        token = make_token(bound_to=client_key)
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(client_key, token))
        challenge = refused(auth, hdrs)
        assert challenge.status == 401
        assert challenge.error == "use_dpop_nonce"
        nonce = challenge.headers["DPoP-Nonce"]
        assert nonce == nonces.current()
        assert 'DPoP realm="api", error="use_dpop_nonce"' in challenge.headers["WWW-Authenticate"]
        retry = proof_for(client_key, token, nonce=nonce)
        principal = auth.authenticate(
            "GET", "/messages", headers(authorization=f"DPoP {token}", dpop=retry)
        )
        assert principal.nonce == nonce

    def test_replay_store_down_is_503(
        self, keys: KeySet, make_token: MakeToken, client_key: Key
    ) -> None:
        """A replay store that cannot answer: 503, never an accept."""

        class Down(MemoryReplayStore):
            def check_and_store(self, key: str, ttl: float) -> bool:
                raise ReplayStoreUnavailableError("down")

        auth = self.auth(keys, dpop=dpop_verifier(Down()))
        token = make_token(bound_to=client_key)
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(client_key, token))
        challenge = refused(auth, hdrs)
        assert challenge.status == 503
        assert challenge.headers["Retry-After"] == "5"

    def test_async(self, keys: KeySet, make_token: MakeToken, client_key: Key) -> None:
        """authenticate_async gives the same answers."""
        auth = self.auth(keys)
        token = make_token(bound_to=client_key)
        hdrs = headers(authorization=f"DPoP {token}", dpop=proof_for(client_key, token))

        async def run() -> tuple[Principal, Challenge]:
            ok = await auth.authenticate_async("GET", "/messages", hdrs)
            try:
                await auth.authenticate_async("GET", "/messages", hdrs)
            except Challenge as challenge:
                return ok, challenge
            raise AssertionError("replayed proof accepted")

        ok, replayed = asyncio.run(run())
        assert ok.scheme == "DPoP"
        assert replayed.error == "invalid_dpop_proof"
        with pytest.raises(Challenge):
            asyncio.run(auth.authenticate_async("GET", "/", headers()))


def dpop_create(key: Key, token: str, htu: str) -> str:
    from jotkit.profiles import dpop

    return dpop.create_proof(key, htm="GET", htu=htu, access_token=token)


class TestPaths:
    """The path htu is built from: as the client sent it."""

    def test_asgi(self) -> None:
        """raw_path when the server gives it, the decoded path re-encoded otherwise."""
        assert asgi_path({"raw_path": b"/a%20b?x=1", "path": "/a b"}) == "/a%20b"
        assert asgi_path({"path": "/a b", "root_path": "/api"}) == "/api/a%20b"

    def test_wsgi(self) -> None:
        """RAW_URI / REQUEST_URI when present, SCRIPT_NAME + PATH_INFO otherwise."""
        assert wsgi_path({"RAW_URI": "/a%20b?x", "PATH_INFO": "/a b"}) == "/a%20b"
        assert wsgi_path({"REQUEST_URI": "/r?q"}) == "/r"
        assert wsgi_path({"SCRIPT_NAME": "/api", "PATH_INFO": "/a b"}) == "/api/a%20b"
