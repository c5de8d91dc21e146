"""Client assertions (RFC 7523 section 3, draft-ietf-oauth-rfc7523bis)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from jotkit import Key, KeySet
from jotkit._b64 import b64decode
from jotkit.errors import (
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    MissingClaimError,
    ReplayError,
    ReplayStoreUnavailableError,
)
from jotkit.jwt import encode
from jotkit.profiles import client_assertion
from jotkit.replay import MemoryReplayStore, RedisReplayStore
from tests._redis_server import free_port

ISSUER = "https://as.example.com"
TOKEN_ENDPOINT = "https://as.example.com/oauth/token"
CLIENT = "client-1"
NOW = 1_800_000_000


@pytest.fixture(scope="module")
def key() -> Key:
    return Key.generate("ES256", kid="c1")


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": CLIENT, "sub": CLIENT, "aud": ISSUER, "jti": "a-1", "iat": NOW, "exp": NOW + 60,
    }  # fmt: skip
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _verify(assertion: str, keys: Any, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("replay", MemoryReplayStore())
    kwargs.setdefault("algorithms", ["ES256"])
    kwargs.setdefault("now", NOW)
    return client_assertion.verify(assertion, keys, client_id=CLIENT, issuer=ISSUER, **kwargs)


class TestCreate:
    """What create puts in an assertion."""

    def test_claims_and_header(self, key: Key) -> None:
        """iss = sub = client_id, aud the issuer as one string, typ, exp, jti."""
        assertion = client_assertion.create(key, client_id=CLIENT, issuer=ISSUER, now=NOW)
        head, body, _ = assertion.split(".")
        header, claims = json.loads(b64decode(head)), json.loads(b64decode(body))
        assert header["typ"] == "client-authentication+jwt"
        assert claims["iss"] == claims["sub"] == CLIENT
        assert claims["aud"] == ISSUER
        assert claims["exp"] == NOW + 60
        assert len(b64decode(claims["jti"])) == 16

    def test_round_trip_with_a_key_set(self, key: Key) -> None:
        """The client's registered keys, selected by kid."""
        assertion = client_assertion.create(key, client_id=CLIENT, issuer=ISSUER, now=NOW)
        keys = KeySet([key.public(), Key.generate("ES256", kid="c2").public()])
        assert _verify(assertion, keys)["sub"] == CLIENT

    def test_client_secret_jwt(self) -> None:
        """HMAC with the client secret (client_secret_jwt)."""
        secret = b"a client secret of enough length!"
        assertion = client_assertion.create(
            secret, client_id=CLIENT, issuer=ISSUER, alg="HS256", now=NOW
        )
        assert _verify(assertion, secret, algorithms=["HS256"])["iss"] == CLIENT
        with pytest.raises(InvalidSignatureError):
            _verify(assertion, b"another client secret, as long!!!", algorithms=["HS256"])


class TestVerify:
    """Strict by default; each rule refused on its own."""

    def test_good_assertion(self, key: Key) -> None:
        """The baseline."""
        assert _verify(encode(_claims(), key, typ="client-authentication+jwt"), key)

    def test_token_endpoint_as_aud_is_refused(self, key: Key) -> None:
        """Attack (audience injection): aud is the token endpoint, not the issuer."""
        token = encode(_claims(aud=TOKEN_ENDPOINT), key, typ="client-authentication+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(token, key)
        assert caught.value.claim == "aud"

    def test_aud_list_is_refused_even_with_the_issuer(self, key: Key) -> None:
        """rfc7523bis: one string; a list is how the injection worked."""
        token = encode(_claims(aud=[ISSUER, "https://other"]), key, typ="client-authentication+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(token, key)
        assert caught.value.claim == "aud"

    @pytest.mark.parametrize("typ", [None, "JWT"])
    def test_typ_required(self, key: Key, typ: str | None) -> None:
        """No typ or another typ: refused in strict mode."""
        with pytest.raises((MissingClaimError, InvalidClaimError)) as caught:
            _verify(encode(_claims(), key, typ=typ), key)
        assert caught.value.claim == "typ"

    def test_legacy_audiences_are_explicit(self, key: Key) -> None:
        """legacy_audiences admits the token endpoint, without typ; another typ still fails."""
        old = encode(_claims(aud=TOKEN_ENDPOINT), key, typ=None)
        assert _verify(old, key, legacy_audiences=[TOKEN_ENDPOINT])["aud"] == TOKEN_ENDPOINT
        wrong = encode(_claims(aud=TOKEN_ENDPOINT, jti="a-2"), key, typ="at+jwt")
        with pytest.raises(InvalidClaimError):
            _verify(wrong, key, legacy_audiences=[TOKEN_ENDPOINT])
        elsewhere = encode(_claims(aud="https://evil", jti="a-3"), key, typ=None)
        with pytest.raises(InvalidClaimError):
            _verify(elsewhere, key, legacy_audiences=[TOKEN_ENDPOINT])

    @pytest.mark.parametrize(("claim", "value"), [("iss", "client-2"), ("sub", "client-2")])
    def test_iss_and_sub_must_be_the_client(self, key: Key, claim: str, value: str) -> None:
        """Another client's identifier is refused."""
        token = encode(_claims(**{claim: value}), key, typ="client-authentication+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(token, key)
        assert caught.value.claim == claim

    @pytest.mark.parametrize("claim", ["exp", "jti", "sub", "iss", "aud"])
    def test_required_claims(self, key: Key, claim: str) -> None:
        """exp and jti are required, as are iss, sub, aud."""
        token = encode(_claims(**{claim: None}), key, typ="client-authentication+jwt")
        with pytest.raises(MissingClaimError):
            _verify(token, key)

    def test_exp_distance_is_bounded(self, key: Key) -> None:
        """An assertion valid for a day is refused (max_lifetime)."""
        token = encode(_claims(exp=NOW + 86400), key, typ="client-authentication+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(token, key)
        assert caught.value.claim == "exp"
        assert _verify(token, key, max_lifetime=86400)

    def test_expired(self, key: Key) -> None:
        """exp in the past (beyond leeway)."""
        token = encode(_claims(exp=NOW - 10), key, typ="client-authentication+jwt")
        with pytest.raises(ExpiredError):
            _verify(token, key)

    def test_replayed_assertion(self, key: Key) -> None:
        """Attack: the same assertion twice."""
        store = MemoryReplayStore()
        token = encode(_claims(), key, typ="client-authentication+jwt")
        _verify(token, key, replay=store)
        with pytest.raises(ReplayError):
            _verify(token, key, replay=store)

    def test_empty_jti_refused(self, key: Key) -> None:
        """An empty jti cannot identify one use."""
        token = encode(_claims(jti=""), key, typ="client-authentication+jwt")
        with pytest.raises(InvalidClaimError):
            _verify(token, key)

    def test_store_down_fails_closed(self, key: Key) -> None:
        """No Redis: ReplayStoreUnavailableError, not acceptance."""
        store = RedisReplayStore(url=f"redis://127.0.0.1:{free_port()}/0", timeout=2)
        token = encode(_claims(), key, typ="client-authentication+jwt")
        with pytest.raises(ReplayStoreUnavailableError):
            _verify(token, key, replay=store)

    def test_verify_async(self, key: Key) -> None:
        """The awaitable face: same checks, store awaited."""
        store = MemoryReplayStore()
        token = encode(_claims(), key, typ="client-authentication+jwt")

        async def run() -> dict[str, Any]:
            return await client_assertion.verify_async(
                token, key, client_id=CLIENT, issuer=ISSUER, replay=store,
                algorithms=["ES256"], now=NOW,
            )  # fmt: skip

        assert asyncio.run(run())["jti"] == "a-1"
        with pytest.raises(ReplayError):
            asyncio.run(run())

    def test_redis_store_shared(self, key: Key, redis_url: str) -> None:
        """Against the real Redis: used once."""
        store = RedisReplayStore(url=redis_url)
        token = encode(_claims(jti="redis-1"), key, typ="client-authentication+jwt")
        _verify(token, key, replay=store)
        with pytest.raises(ReplayError):
            _verify(token, key, replay=RedisReplayStore(url=redis_url))
