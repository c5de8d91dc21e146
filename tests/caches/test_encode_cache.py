"""``encode``: the protected headers it keeps by (alg, kid, typ), and the checks it keeps doing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import jotkit
from jotkit import Key, _b64, _json, jws
from jotkit.errors import AlgorithmNotAllowedError, InvalidKeyError
from jotkit.jwt import _encode

from ._helpers import es256, hs256


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    _encode._HEADERS.clear()
    yield
    _encode._HEADERS.clear()


def _header(token: str) -> dict[str, object]:
    parsed: dict[str, object] = _json.loads(_b64.b64decode(token.split(".")[0]))
    return parsed


class TestEncodedHeaders:
    """Same header bytes as without the cache; separate entries per (alg, kid, typ)."""

    def test_same_bytes_as_jws_layer(self) -> None:
        """A cached header is byte for byte the header sign_compact builds."""
        for _ in range(2):
            token = jotkit.encode({"sub": "a"}, es256())
            reference = jws.sign_compact(b'{"sub":"a"}', es256(), headers={"typ": "JWT"})
            assert token.split(".")[0] == reference.split(".")[0]
            assert jotkit.decode(token, es256().public(), algorithms=["ES256"]) == {"sub": "a"}

    def test_kid_alg_typ_are_the_key(self) -> None:
        """Another kid, alg or typ never reuses a header."""
        other = Key.from_secret(b"s" * 64, kid="other")
        tokens = [
            jotkit.encode({}, hs256(), alg="HS256"),
            jotkit.encode({}, hs256(), alg="HS256", typ=None),
            jotkit.encode({}, other, alg="HS256"),
            jotkit.encode({}, other, alg="HS512"),
            jotkit.encode({}, other, alg="HS512", typ="at+jwt"),
        ]
        assert [_header(t) for t in tokens] == [
            {"alg": "HS256", "typ": "JWT"},
            {"alg": "HS256"},
            {"alg": "HS256", "kid": "other", "typ": "JWT"},
            {"alg": "HS512", "kid": "other", "typ": "JWT"},
            {"alg": "HS512", "kid": "other", "typ": "at+jwt"},
        ]
        assert len(_encode._HEADERS) == 5

    def test_bounded(self) -> None:
        """Many kids fill at most the bound."""
        for n in range(_encode._HEADERS.size * 2):
            jotkit.encode({}, Key.from_secret(b"s" * 32, kid=f"k{n}"), alg="HS256")
            assert len(_encode._HEADERS) <= _encode._HEADERS.size

    def test_key_checked_every_call(self) -> None:
        """The key is checked against alg on every call, cached header or not."""
        jotkit.encode({}, hs256(), alg="HS256")
        with pytest.raises(InvalidKeyError):
            jotkit.encode({}, Key.from_secret(b"s" * 16), alg="HS256")
        bound = Key.from_secret(b"s" * 48, alg="HS256")
        jotkit.encode({}, bound)
        with pytest.raises(AlgorithmNotAllowedError):
            jotkit.encode({}, bound, alg="HS384")

    def test_str_subclass_kid_not_cached(self) -> None:
        """A kid of a str subclass (which may compare equal to another kid) is not cached."""

        class Kid(str):
            __slots__ = ()

        key = Key.from_secret(b"s" * 32, kid=Kid("x"))
        assert _header(jotkit.encode({}, key, alg="HS256")) == {
            "alg": "HS256",
            "kid": "x",
            "typ": "JWT",
        }
        assert len(_encode._HEADERS) == 0

    def test_extra_headers_bypass(self) -> None:
        """Extra header members take the general path, with its checks."""
        token = jotkit.encode({}, hs256(), alg="HS256", headers={"cty": "x"})
        assert _header(token) == {"alg": "HS256", "typ": "JWT", "cty": "x"}
        with pytest.raises(ValueError, match="crit"):
            jotkit.encode({}, hs256(), alg="HS256", headers={"crit": ["b64"], "b64": False})
        with pytest.raises(TypeError):
            jotkit.encode({}, hs256(), alg="HS256", typ=1)  # type: ignore[arg-type]
        assert len(_encode._HEADERS) == 0
