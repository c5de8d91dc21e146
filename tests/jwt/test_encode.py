"""``encode``: claims to a compact JWS (RFC 7519 section 7.1)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from jotkit import Key, jwt
from jotkit.errors import InvalidKeyError

from ._helpers import NOW, SECRET, hs256, signing_key

UTC = timezone.utc


class TestEncode:
    """Header, algorithm and claim handling of ``encode``."""

    def test_header(self) -> None:
        """``alg`` first, the key's ``kid``, then ``typ: JWT`` by default."""
        token = jwt.encode({"sub": "a"}, signing_key("ES256"))
        assert jwt.unverified(token).header == {"alg": "ES256", "kid": "ES256-key", "typ": "JWT"}

    def test_typ_none_and_custom(self) -> None:
        """``typ=None`` leaves it out; another value replaces it; ``headers`` wins."""
        assert "typ" not in jwt.unverified(jwt.encode({}, hs256(), alg="HS256", typ=None)).header
        custom = jwt.encode({}, hs256(), alg="HS256", typ="at+jwt")
        assert jwt.unverified(custom).header["typ"] == "at+jwt"
        override = jwt.encode({}, hs256(), alg="HS256", headers={"typ": "dpop+jwt"})
        assert jwt.unverified(override).header["typ"] == "dpop+jwt"

    def test_alg_from_key(self) -> None:
        """A key bound to an alg needs no ``alg=``."""
        token = jwt.encode({"a": 1}, Key.generate("HS384"))
        assert jwt.unverified(token).header["alg"] == "HS384"

    def test_alg_unknown_is_value_error(self) -> None:
        """No alg given and none bound: ValueError, not a guess."""
        with pytest.raises(ValueError, match="alg"):
            jwt.encode({"a": 1}, hs256())
        with pytest.raises(ValueError, match="alg"):
            jwt.encode({"a": 1}, SECRET)

    def test_bytes_secret(self) -> None:
        """An oct secret may be passed as bytes."""
        token = jwt.encode({"a": 1}, SECRET, alg="HS256")
        assert jwt.decode(token, SECRET, algorithms=["HS256"]) == {"a": 1}

    def test_weak_secret(self) -> None:
        """A secret shorter than the hash is refused (RFC 7518 3.2)."""
        with pytest.raises(InvalidKeyError):
            jwt.encode({"a": 1}, b"short", alg="HS256")

    def test_none_is_not_an_alg(self) -> None:
        """``encode`` cannot make an unsecured token."""
        with pytest.raises(ValueError, match="none"):
            jwt.encode({"a": 1}, hs256(), alg="none")
        with pytest.raises(ValueError, match="alg"):
            jwt.encode({"a": 1}, hs256(), alg="HS256", headers={"alg": "none"})

    @pytest.mark.parametrize("member", ["b64", "crit"])
    def test_no_extensions(self, member: str) -> None:
        """A JWT payload is always base64url: no ``b64``/``crit`` in the header."""
        headers: dict[str, Any] = {"b64": False, "crit": ["b64"]}
        with pytest.raises(ValueError, match=member):
            jwt.encode({"a": 1}, hs256(), alg="HS256", headers={member: headers[member]})


class TestClaims:
    """Claims are serialised as they will be checked."""

    def test_datetimes_become_numeric_dates(self) -> None:
        """Aware ``datetime`` values of exp/nbf/iat become NumericDates, whole seconds."""
        now = datetime.fromtimestamp(NOW, UTC)
        exp = now + timedelta(minutes=5, microseconds=900_000)
        other_zone = timezone(timedelta(hours=-5))
        claims = {"iat": now, "nbf": now.astimezone(other_zone), "exp": exp}
        token = jwt.encode(claims, hs256(), alg="HS256")
        assert jwt.unverified(token).claims == {"iat": NOW, "nbf": NOW, "exp": NOW + 300}
        assert claims["iat"] == now  # the caller's mapping is not modified

    def test_naive_datetime(self) -> None:
        """A naive datetime is ambiguous: ValueError."""
        naive = datetime(2024, 1, 1)
        with pytest.raises(ValueError, match="naive"):
            jwt.encode({"exp": naive}, hs256(), alg="HS256")

    @pytest.mark.parametrize(
        "claims",
        [
            {"exp": "1700000000"},
            {"nbf": True},
            {"iat": None},
            {"iss": 1},
            {"sub": None},
            {"jti": 1},
            {"aud": [1]},
        ],
        ids=str,
    )
    def test_registered_claim_types(self, claims: dict[str, Any]) -> None:
        """jotkit never issues a token it would itself reject for a claim's type."""
        with pytest.raises(TypeError):
            jwt.encode(claims, hs256(), alg="HS256")

    def test_not_json(self) -> None:
        """Values JSON cannot hold are a TypeError or ValueError."""
        with pytest.raises(TypeError):
            jwt.encode({"x": object()}, hs256(), alg="HS256")
        with pytest.raises(ValueError, match="JSON"):
            jwt.encode({"x": float("nan")}, hs256(), alg="HS256")

    def test_claims_shape(self) -> None:
        """Claims are a mapping with string names (JSON would silently turn 1 into "1")."""
        with pytest.raises(TypeError):
            jwt.encode([("a", 1)], hs256(), alg="HS256")  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            jwt.encode({1: "a"}, hs256(), alg="HS256")  # type: ignore[dict-item]

    def test_headers_shape(self) -> None:
        """``headers`` must be a mapping and ``typ`` a string."""
        with pytest.raises(TypeError):
            jwt.encode({}, hs256(), alg="HS256", headers=[("kid", "a")])  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            jwt.encode({}, hs256(), alg="HS256", typ=5)  # type: ignore[arg-type]
