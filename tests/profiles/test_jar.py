"""Request objects (RFC 9101): signed, or signed then encrypted."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jotkit import Key
from jotkit._b64 import b64decode
from jotkit.errors import (
    DecryptionError,
    InvalidClaimError,
    MalformedJWTError,
    MissingClaimError,
    ReplayError,
)
from jotkit.jwt import encode
from jotkit.profiles import jar
from jotkit.replay import MemoryReplayStore

AS = "https://as.example.com"
CLIENT = "s6BhdRkqt3"
NOW = 1_800_000_000
PARAMS = {"response_type": "code", "redirect_uri": "https://client.example.org/cb", "state": "x"}


@pytest.fixture(scope="module")
def key() -> Key:
    return Key.generate("ES256")


@pytest.fixture(scope="module")
def server_key() -> Key:
    return Key.generate("RSA-OAEP-256")


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        **PARAMS, "iss": CLIENT, "aud": AS, "client_id": CLIENT, "iat": NOW, "exp": NOW + 60,
    }  # fmt: skip
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def _verify(request: str, keys: Any, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("algorithms", ["ES256"])
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("client_id", CLIENT)
    return jar.verify(request, keys, audience=AS, **kwargs)


class TestSigned:
    """Signed request objects."""

    def test_round_trip_returns_the_parameters(self, key: Key) -> None:
        """create then verify: the parameters, client_id kept, framing claims dropped."""
        request = jar.create(PARAMS, key, client_id=CLIENT, audience=AS, now=NOW)
        header = json.loads(b64decode(request.split(".")[0]))
        assert header["typ"] == "oauth-authz-req+jwt"
        assert _verify(request, key.public()) == {**PARAMS, "client_id": CLIENT}

    def test_request_object_without_typ_is_refused(self, key: Key) -> None:
        """Attack: a JWT of the client's without typ (an ID token, say) as a request."""
        with pytest.raises(MissingClaimError) as caught:
            _verify(encode(_claims(), key, typ=None), key)
        assert caught.value.claim == "typ"
        with pytest.raises(InvalidClaimError):
            _verify(encode(_claims(), key, typ="JWT"), key)

    def test_outer_client_id_must_match(self, key: Key) -> None:
        """The query's client_id must be the request object's (iss and claim)."""
        request = jar.create(PARAMS, key, client_id=CLIENT, audience=AS, now=NOW)
        with pytest.raises(InvalidClaimError):
            _verify(request, key, client_id="other-client")

    def test_client_id_claim_must_match_iss(self, key: Key) -> None:
        """A request object whose client_id claim names another client."""
        token = encode(_claims(client_id="other"), key, typ="oauth-authz-req+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(token, key)
        assert caught.value.claim == "client_id"

    @pytest.mark.parametrize("claim", ["iss", "aud", "exp", "client_id"])
    def test_required_claims(self, key: Key, claim: str) -> None:
        """iss, aud, exp, client_id are required."""
        with pytest.raises(MissingClaimError):
            _verify(encode(_claims(**{claim: None}), key, typ="oauth-authz-req+jwt"), key)

    def test_wrong_audience(self, key: Key) -> None:
        """A request object for another authorization server."""
        token = encode(_claims(aud="https://other-as"), key, typ="oauth-authz-req+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(token, key)
        assert caught.value.claim == "aud"

    def test_exp_distance_bounded(self, key: Key) -> None:
        """A request object valid for a week is refused."""
        token = encode(_claims(exp=NOW + 7 * 86400), key, typ="oauth-authz-req+jwt")
        with pytest.raises(InvalidClaimError):
            _verify(token, key)

    def test_optional_single_use(self, key: Key) -> None:
        """With a replay store, jti is required and used once."""
        store = MemoryReplayStore()
        request = jar.create(PARAMS, key, client_id=CLIENT, audience=AS, now=NOW)
        _verify(request, key, replay=store)
        with pytest.raises(ReplayError):
            _verify(request, key, replay=store)
        with pytest.raises(MissingClaimError):
            _verify(encode(_claims(), key, typ="oauth-authz-req+jwt"), key, replay=store)
        empty = encode(_claims(jti=""), key, typ="oauth-authz-req+jwt")
        with pytest.raises(InvalidClaimError) as caught:
            _verify(empty, key, replay=store)
        assert caught.value.claim == "jti"
        assert len(store) == 1  # the refused request object took no room

    def test_single_use_is_per_client(self, key: Key) -> None:
        """One jti spent by a client leaves another client's request with that jti alone,
        and spends it for the first client only."""
        store = MemoryReplayStore()
        mine = encode(_claims(jti="same"), key, typ="oauth-authz-req+jwt")
        theirs = encode(
            _claims(jti="same", iss="other", client_id="other"), key, typ="oauth-authz-req+jwt"
        )
        _verify(mine, key, replay=store)
        assert _verify(theirs, key, replay=store, client_id="other")["client_id"] == "other"
        with pytest.raises(ReplayError):
            _verify(mine, key, replay=store)

    def test_params_may_not_set_framing_claims(self, key: Key) -> None:
        """A caller's mistake: params carrying iss or another client_id."""
        with pytest.raises(ValueError, match="iss"):
            jar.create({"iss": "x"}, key, client_id=CLIENT, audience=AS)
        with pytest.raises(ValueError, match="client_id"):
            jar.create({"client_id": "x"}, key, client_id=CLIENT, audience=AS)


class TestEncrypted:
    """Signed then encrypted (nested JWT)."""

    def _nested(self, key: Key, server_key: Key) -> str:
        return jar.create(
            PARAMS, key, client_id=CLIENT, audience=AS, now=NOW,
            encrypt_to=server_key.public(), key_alg="RSA-OAEP-256",
        )  # fmt: skip

    def _options(self, server_key: Key) -> dict[str, Any]:
        return {
            "decryption_key": server_key,
            "key_algorithms": ["RSA-OAEP-256"],
            "encryptions": ["A256GCM"],
        }

    def test_round_trip(self, key: Key, server_key: Key) -> None:
        """Decrypted, verified, the parameters returned."""
        request = self._nested(key, server_key)
        assert request.count(".") == 4
        assert _verify(request, key, **self._options(server_key))["state"] == "x"

    def test_outer_client_id_must_match(self, key: Key, server_key: Key) -> None:
        """The same client_id rule inside the encryption."""
        with pytest.raises(InvalidClaimError):
            _verify(
                self._nested(key, server_key), key, client_id="other",
                **self._options(server_key),
            )  # fmt: skip

    def test_no_decryption_key(self, key: Key, server_key: Key) -> None:
        """An encrypted request object when the server accepts none."""
        with pytest.raises(MalformedJWTError):
            _verify(self._nested(key, server_key), key)

    def test_wrong_decryption_key(self, key: Key, server_key: Key) -> None:
        """Encrypted to another server."""
        options = self._options(Key.generate("RSA-OAEP-256"))
        with pytest.raises(DecryptionError):
            _verify(self._nested(key, server_key), key, **options)

    def test_encryption_required(self, key: Key, server_key: Key) -> None:
        """require_encryption refuses a signed-only request object."""
        request = jar.create(PARAMS, key, client_id=CLIENT, audience=AS, now=NOW)
        with pytest.raises(MalformedJWTError):
            _verify(request, key, require_encryption=True, **self._options(server_key))
