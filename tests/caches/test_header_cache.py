"""``CompactVerifier``'s parsed-header cache: keyed by the exact segment, bounded, copied out,
and never a way around a check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pytest

from jotkit import Key, KeySet, _json, jws
from jotkit._b64 import b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    InvalidSignatureError,
    MalformedJWSError,
)
from jotkit.jws._compact import HEADER_CACHE_MAX_SEGMENT, HEADER_CACHE_SIZE

from ._helpers import hs256

PAYLOAD = b'{"sub":"alice"}'


def _sign(headers: dict[str, Any] | None = None, key: Key | None = None, alg: str = "HS256") -> str:
    return jws.sign_compact(PAYLOAD, key or hs256(), alg=alg, headers=headers)


def _verifier(**kwargs: Any) -> jws.CompactVerifier:
    kwargs.setdefault("algorithms", ["HS256"])
    return jws.CompactVerifier(kwargs.pop("key", hs256()), **kwargs)


def _cached(verifier: jws.CompactVerifier) -> int:
    return len(verifier._headers)


class TestHeaderCache:
    """Repeated headers are parsed once; everything else is checked per token."""

    def test_hit_equals_miss(self) -> None:
        """A cached header gives the same result as the first parse."""
        verifier = _verifier()
        tok = _sign({"kid": "k1", "typ": "JWT"})
        first, second = verifier.verify(tok), verifier.verify(tok)
        assert first.header == second.header == {"alg": "HS256", "kid": "k1", "typ": "JWT"}
        assert first.payload == second.payload == PAYLOAD
        assert _cached(verifier) == 1

    def test_copies_are_handed_out(self) -> None:
        """Mutating a returned header (flat or nested) does not change the next one."""
        verifier = _verifier()
        tok = _sign({"ext": {"a": [1, 2]}, "typ": "JWT"})
        first = verifier.verify(tok)
        header = first.header
        assert isinstance(header, dict)
        header["alg"] = "none"
        header["ext"]["a"].append(3)
        assert verifier.verify(tok).header == {"alg": "HS256", "ext": {"a": [1, 2]}, "typ": "JWT"}
        flat = verifier.verify_parts(_sign({"typ": "JWT"}))[1]
        flat["typ"] = "evil"
        assert verifier.verify_parts(_sign({"typ": "JWT"}))[1] == {"alg": "HS256", "typ": "JWT"}

    def test_one_level_copies_are_handed_out(self) -> None:
        """A header one level deep (a DPoP ``jwk``) is copied member by member too."""
        verifier = _verifier()
        tok = _sign({"jwk": {"kty": "EC", "crv": "P-256"}, "typ": "dpop+jwt"})
        expected = {"alg": "HS256", "jwk": {"kty": "EC", "crv": "P-256"}, "typ": "dpop+jwt"}
        for _ in range(3):  # a miss, then hits
            header = verifier.verify(tok).header
            assert header == expected
            cast("dict[str, Any]", header)["jwk"]["crv"] = "P-384"

    def test_key_callable_cannot_poison(self) -> None:
        """A key callable that edits the header it is given does not change later tokens."""

        seen: list[dict[str, Any]] = []

        def pick(header: Mapping[str, Any]) -> Key:
            seen.append(dict(header))
            cast("dict[str, Any]", header)["kid"] = "poisoned"
            return hs256()

        verifier = jws.CompactVerifier(pick, algorithms=["HS256"])
        tok = _sign({"kid": "k1"})
        verifier.verify(tok)
        verifier.verify(tok)
        assert seen == [{"alg": "HS256", "kid": "k1"}] * 2

    def test_signature_checked_on_every_hit(self) -> None:
        """A cached header never stands for a verified token."""
        verifier = _verifier()
        tok = _sign()
        verifier.verify(tok)
        head, body, _ = tok.split(".")
        forged = f"{head}.{body}.{b64encode_str(bytes(32))}"
        with pytest.raises(InvalidSignatureError):
            verifier.verify(forged)

    def test_refused_headers_are_refused_every_time(self) -> None:
        """Headers that fail a check are not kept, and fail again."""
        verifier = _verifier()
        refused = [
            _sign(key=Key.from_secret(b"s" * 48), alg="HS384"),  # alg not allowed
            "eyJhbGciOiJIUzI1NiIsImFsZyI6IkhTMjU2In0" + ".e30.AAAA",  # duplicate alg
        ]
        for tok in refused:
            for _ in range(2):
                with pytest.raises((AlgorithmNotAllowedError, MalformedJWSError)):
                    verifier.verify(tok)
        assert _cached(verifier) == 0

    def test_per_verifier(self) -> None:
        """Each verifier keeps its own headers: another allow-list re-checks ``alg``."""
        tok = _sign()
        _verifier().verify(tok)
        other = _verifier(algorithms=["HS384"], key=Key.from_secret(b"s" * 48))
        with pytest.raises(AlgorithmNotAllowedError):
            other.verify(tok)

    def test_limits_still_apply(self) -> None:
        """A verifier with a small header limit refuses a header another verifier cached."""
        tok = _sign({"pad": "x" * 100})
        _verifier().verify(tok)
        small = _verifier(limits=Limits(max_header_size=64))
        with pytest.raises(ExceededLimitError):
            small.verify(tok)

    def test_bounded_against_many_headers(self) -> None:
        """An attacker's stream of distinct headers fills at most the bound."""
        verifier = _verifier()
        for n in range(HEADER_CACHE_SIZE * 4):
            verifier.verify(_sign({"n": n}))
            assert _cached(verifier) <= HEADER_CACHE_SIZE
        assert _cached(verifier) == HEADER_CACHE_SIZE

    def test_long_headers_not_kept(self) -> None:
        """Headers longer than the segment bound are parsed every time, never kept."""
        verifier = _verifier()
        tok = _sign({"pad": "x" * HEADER_CACHE_MAX_SEGMENT})
        assert len(tok.split(".")[0]) > HEADER_CACHE_MAX_SEGMENT
        verifier.verify(tok)
        assert verifier.verify(tok).header["pad"] == "x" * HEADER_CACHE_MAX_SEGMENT
        assert _cached(verifier) == 0

    def test_exact_segment_is_the_key(self) -> None:
        """Equal JSON with other bytes is another entry, parsed (and checked) on its own."""
        verifier = _verifier()
        a = _sign({"typ": "JWT"})
        verifier.verify(a)
        head = b64encode_str(_json.dumps({"typ": "JWT", "alg": "HS256"}))
        signing_input = f"{head}.{a.split('.')[1]}"
        from jotkit.jwa import JWS_ALGORITHMS

        mac = JWS_ALGORITHMS["HS256"].sign(hs256().crypto, signing_input.encode())
        assert verifier.verify(f"{signing_input}.{b64encode_str(mac)}").header == {
            "typ": "JWT",
            "alg": "HS256",
        }
        assert _cached(verifier) == 2

    def test_key_set_selection_per_token(self) -> None:
        """With a key set, the kid of the cached header still selects the key per token."""
        one, two = Key.from_secret(b"1" * 32, kid="one"), Key.from_secret(b"2" * 32, kid="two")
        verifier = jws.CompactVerifier(KeySet([one, two]), algorithms=["HS256"])
        for key in (one, two, one):
            assert verifier.verify(_sign(key=key)).key is key

    def test_unencoded_payload_flag_is_kept_with_the_header(self) -> None:
        """The b64/crit outcome is part of the entry: b64=false tokens verify on a hit."""
        verifier = _verifier()
        tok = jws.sign_compact(b"raw text", hs256(), alg="HS256", b64=False)
        assert verifier.verify(tok).payload == b"raw text"
        assert verifier.verify(tok).payload == b"raw text"
