"""Key sources through the JWT layer (DESIGN section 1): built once, asked per token,
obeyed when their answer changes (cache or not), awaited by ``decode_async``."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

import jotkit
from jotkit import Key, KeySet, jwt
from jotkit.errors import (
    InvalidSignatureError,
    KeyNotFoundError,
    KeySetUnavailableError,
    MalformedError,
)
from jotkit.jwa import Operation
from jotkit.jwk import AlgorithmDescriptor, FixedKey, KeySource, key_source

from ._helpers import AUDIENCE, ISSUER, NOW, raw_token, signing_key

POLICY: dict[str, Any] = {"issuer": ISSUER, "audience": AUDIENCE, "now": NOW}
CLAIMS = {"iss": ISSUER, "aud": AUDIENCE, "exp": NOW + 60}


class Rotating:
    """A key source whose answer the test changes, counting the look-ups of each face."""

    def __init__(self, keys: dict[str, Key]) -> None:
        self.keys = dict(keys)
        self.sync_calls = 0
        self.async_calls = 0

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        self.sync_calls += 1
        return self._find(header, op, descriptor)

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        self.async_calls += 1
        await asyncio.sleep(0)  # a real await: the loop may run something else here
        return self._find(header, op, descriptor)

    def _find(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        key = self.keys.get(header.get("kid", ""))
        if key is None:
            raise KeyNotFoundError("revoked", kid=header.get("kid"))
        key.check(op, descriptor)
        return key


def _es256(kid: str) -> Key:
    return Key.generate("ES256", kid=kid)


class TestSourceProtocol:
    """Every accepted kind of ``key`` becomes a KeySource."""

    def test_adapters(self) -> None:
        """Key and bytes become a FixedKey, a KeySet is its own source, a source stays."""
        key = signing_key("ES256")
        assert isinstance(key_source(key), FixedKey)
        assert isinstance(key_source(b"k" * 32), FixedKey)
        keys = KeySet([key.public()])
        assert key_source(keys) is keys
        rotating = Rotating({})
        assert key_source(rotating) is rotating
        for source in (key_source(key), keys, rotating, key_source(lambda header: key)):
            assert isinstance(source, KeySource)

    def test_bytes_become_a_key_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An oct secret given as bytes is imported when the verifier is built, not per
        token (one-shot decode included, through its kept verifier)."""
        secret = b"s" * 32
        token = raw_token({"iss": ISSUER, "aud": AUDIENCE}, Key.from_secret(secret))
        imported = []
        real = Key.from_secret.__func__  # type: ignore[attr-defined]

        def counting(cls: type[Key], /, material: bytes, **kwargs: Any) -> Key:
            imported.append(material)
            return real(cls, material, **kwargs)  # type: ignore[no-any-return]

        monkeypatch.setattr(Key, "from_secret", classmethod(counting))
        verifier = jwt.Verifier(secret, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE)
        for _ in range(5):
            verifier.decode(token)
        assert len(imported) == 1
        jwt._prepared.clear()
        for _ in range(5):
            jotkit.decode(token, secret, algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE)
        assert len(imported) == 2


class TestCachedVerifierAsksAgain:
    """``Verifier(cache=N)``: a hit is served only while the source yields the same key."""

    def test_revoked_kid_fails_the_next_decode(self) -> None:
        """A callable that starts refusing a kid makes a cached token fail."""
        key = _es256("k1")
        allowed = {"k1": key.public()}

        def lookup(header: Mapping[str, Any]) -> Key:
            found = allowed.get(header.get("kid", ""))
            if found is None:
                raise KeyNotFoundError("revoked", kid=header.get("kid"))
            return found

        verifier = jwt.Verifier(lookup, algorithms=["ES256"], cache=8, **POLICY)
        token = jwt.encode(CLAIMS, key)
        assert verifier.decode(token) == CLAIMS
        assert verifier.decode(token) == CLAIMS  # a hit
        del allowed["k1"]
        with pytest.raises(KeyNotFoundError):
            verifier.decode(token)

    def test_key_set_that_dropped_the_kid(self) -> None:
        """A source standing for a set that no longer has the kid refuses the hit."""
        key = _es256("k1")
        source = Rotating({"k1": key.public()})
        verifier = jwt.Verifier(source, algorithms=["ES256"], cache=8, **POLICY)
        token = jwt.encode(CLAIMS, key)
        verifier.decode(token)
        verifier.decode(token)
        assert source.sync_calls == 2  # asked on the hit too
        source.keys = {}
        with pytest.raises(KeyNotFoundError):
            verifier.decode(token)

    def test_another_key_under_the_same_kid_is_verified_afresh(self) -> None:
        """A new answer is not trusted on the cache's word: the signature is checked with
        it, and fails when that key did not sign the token."""
        key = _es256("k1")
        source = Rotating({"k1": key.public()})
        verifier = jwt.Verifier(source, algorithms=["ES256"], cache=8, **POLICY)
        token = jwt.encode(CLAIMS, key)
        verifier.decode_complete(token)
        source.keys = {"k1": _es256("k1").public()}
        with pytest.raises(InvalidSignatureError):
            verifier.decode_complete(token)

    def test_same_material_new_object_is_reverified_and_served(self) -> None:
        """A refreshed set whose key is equal but a new object: verified once more."""
        key = _es256("k1")
        source = Rotating({"k1": key.public()})
        verifier = jwt.Verifier(source, algorithms=["ES256"], cache=8, **POLICY)
        token = jwt.encode(CLAIMS, key)
        verifier.decode(token)
        source.keys = {"k1": Key.from_jwk(key.public().to_jwk())}
        assert verifier.decode_complete(token).key is source.keys["k1"]

    def test_fixed_sources_are_not_asked(self) -> None:
        """A Key or a KeySet cannot change its answer: hits skip the look-up."""
        key = _es256("k1")
        for given in (key.public(), KeySet([key.public()])):
            verifier = jwt.Verifier(given, algorithms=["ES256"], cache=8, **POLICY)
            assert verifier.decode(jwt.encode(CLAIMS, key)) == CLAIMS
            assert verifier._jws.answers_vary is False

    def test_source_sees_a_copy_of_the_cached_header(self) -> None:
        """A callable that changes the header it is given cannot change the cache."""
        key = _es256("k1")
        public = key.public()
        seen = []

        def meddling(header: Mapping[str, Any]) -> Key:
            seen.append(dict(header))
            header["kid"] = "evil"  # type: ignore[index]
            return public

        verifier = jwt.Verifier(meddling, algorithms=["ES256"], cache=8, **POLICY)
        token = jwt.encode(CLAIMS, key)
        for _ in range(3):
            assert verifier.decode_complete(token).header["kid"] == "k1"
        assert [h["kid"] for h in seen] == ["k1", "k1", "k1"]


class TestDecodeAsync:
    """``Verifier.decode_async`` awaits the source's awaitable look-up."""

    def test_awaits_the_async_face(self) -> None:
        """The async face is used, never the sync one; results equal decode's."""
        key = _es256("k1")
        source = Rotating({"k1": key.public()})
        verifier = jwt.Verifier(source, algorithms=["ES256"], **POLICY)
        token = jwt.encode(CLAIMS, key)
        assert asyncio.run(verifier.decode_async(token)) == CLAIMS
        result = asyncio.run(verifier.decode_complete_async(token))
        assert result.header["kid"] == "k1"
        assert (source.async_calls, source.sync_calls) == (2, 0)

    def test_many_tasks_interleave(self) -> None:
        """A thousand tasks decoding at once all succeed (the look-up yields to the loop)."""
        key = _es256("k1")
        source = Rotating({"k1": key.public()})
        verifier = jwt.Verifier(source, algorithms=["ES256"], cache=4, **POLICY)
        tokens = [jwt.encode({**CLAIMS, "n": n}, key) for n in range(8)]

        async def run() -> list[dict[str, Any]]:
            return await asyncio.gather(
                *(verifier.decode_async(tokens[n % 8]) for n in range(1000))
            )

        results = asyncio.run(run())
        assert [r["n"] for r in results] == [n % 8 for n in range(1000)]

    def test_cached_async_hit_asks_again(self) -> None:
        """With a cache, an async hit re-asks the source and obeys a revocation."""
        key = _es256("k1")
        source = Rotating({"k1": key.public()})
        verifier = jwt.Verifier(source, algorithms=["ES256"], cache=8, **POLICY)
        token = jwt.encode(CLAIMS, key)
        assert asyncio.run(verifier.decode_async(token)) == CLAIMS
        assert asyncio.run(verifier.decode_async(token)) == CLAIMS
        assert source.async_calls == 2
        source.keys = {}
        with pytest.raises(KeyNotFoundError):
            asyncio.run(verifier.decode_async(token))

    def test_unavailable_source(self) -> None:
        """A source that cannot answer refuses the token with its own error."""

        class Down(Rotating):
            async def key_for_async(self, *args: Any) -> Key:
                raise KeySetUnavailableError()

        key = _es256("k1")
        verifier = jwt.Verifier(Down({}), algorithms=["ES256"], **POLICY)
        with pytest.raises(KeySetUnavailableError):
            asyncio.run(verifier.decode_async(jwt.encode(CLAIMS, key)))

    @pytest.mark.parametrize("cache", [None, 8])
    @pytest.mark.parametrize(
        "token",
        [None, 123, 1.5, ["a.b.c"], {"token": "a.b.c"}, memoryview(b"a.b.c")],
        ids=["none", "int", "float", "list", "dict", "memoryview"],
    )
    def test_wrong_type_is_malformed(self, token: Any, cache: int | None) -> None:
        """A token of the wrong Python type is untrusted input: a MalformedError from
        every face (decode, decode_complete, decode_async; cached or not)."""
        verifier = jwt.Verifier(b"k" * 32, algorithms=["HS256"], cache=cache)
        for call in (verifier.decode, verifier.decode_complete):
            with pytest.raises(MalformedError):
                call(token)
        with pytest.raises(MalformedError):
            asyncio.run(verifier.decode_async(token))
        with pytest.raises(MalformedError):
            jotkit.decode(token, b"k" * 32, algorithms=["HS256"])
        with pytest.raises(MalformedError):
            jotkit.decode_complete(token, b"k" * 32, algorithms=["HS256"])


class TestEveryPathChecksTheKey:
    """The key fit check runs on every path: sync, cached and async (key confusion)."""

    @staticmethod
    def _confused(public: Key) -> str:
        """An HS256 token keyed with the RSA public key's PEM, the classic confusion."""
        import hashlib
        import hmac

        from jotkit._b64 import b64encode

        head = b64encode(b'{"alg":"HS256","typ":"JWT"}')
        body = b64encode(b'{"iss":"https://issuer.example"}')
        secret = public.to_pem()
        mac = hmac.new(secret, head + b"." + body, hashlib.sha256).digest()
        return (head + b"." + body + b"." + b64encode(mac)).decode()

    @pytest.mark.parametrize("cache", [None, 8])
    def test_rsa_key_never_serves_hs256(self, cache: int | None) -> None:
        """A Verifier bound to an RSA key with HS256 also allowed refuses an HS256
        token on every path, with a JotkitError (never a crash)."""
        rsa = signing_key("RS256").public()
        token = self._confused(rsa)
        verifier = jwt.Verifier(rsa, algorithms=["RS256", "HS256"], cache=cache)
        with pytest.raises(jotkit.JotkitError):
            verifier.decode(token)
        with pytest.raises(jotkit.JotkitError):
            asyncio.run(verifier.decode_async(token))

    def test_callable_bytes_are_checked_against_the_alg(self) -> None:
        """A callable that answers with bytes for an RS256 token is refused."""
        rsa = signing_key("RS256")
        token = jwt.encode({"iss": ISSUER}, rsa)
        verifier = jwt.Verifier(lambda header: b"s" * 32, algorithms=["RS256"])
        with pytest.raises(jotkit.errors.InvalidKeyError):
            verifier.decode(token)
