"""Unsecured JWTs (``alg: none``, RFC 7519 section 6) and reading a JWT unverified."""

from __future__ import annotations

import pytest

from jotkit import _b64, jwt
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    ExpiredError,
    MalformedJWTError,
    UnsupportedAlgorithmError,
)

from ._helpers import ISSUER, NOW, hs256, raw_token, signing_key


class TestUnsecured:
    """``encode_unsecured`` / ``decode_unsecured``: the only path for ``alg: none``."""

    def test_round_trip(self) -> None:
        """An unsecured token has ``alg: none`` and an empty signature."""
        token = jwt.encode_unsecured({"iss": ISSUER, "exp": NOW + 1})
        assert token.endswith(".")
        assert jwt.unverified(token).header == {"alg": "none", "typ": "JWT"}
        claims = jwt.decode_unsecured(token, issuer=ISSUER, now=NOW)
        assert claims == {"iss": ISSUER, "exp": NOW + 1}

    def test_policy_applies(self) -> None:
        """The claims policy applies to unsecured tokens too."""
        token = jwt.encode_unsecured({"exp": NOW}, typ=None, headers={"cty": "x"})
        with pytest.raises(ExpiredError):
            jwt.decode_unsecured(token, now=NOW)

    def test_signed_token_refused(self) -> None:
        """A signed token is not half-checked by the unsecured path."""
        with pytest.raises(AlgorithmNotAllowedError):
            jwt.decode_unsecured(jwt.encode({"a": 1}, hs256(), alg="HS256"))

    @pytest.mark.parametrize("alg", ["None", "NONE", "nOnE", " none"])
    def test_none_spellings_elsewhere(self, alg: str) -> None:
        """Case variants of ``none`` are unknown algorithms to ``decode``."""
        head = _b64.b64encode_str(f'{{"alg":"{alg}"}}'.encode())
        token = f"{head}.{_b64.b64encode_str(b'{}')}."
        with pytest.raises(UnsupportedAlgorithmError):
            jwt.decode(token, hs256(), algorithms=["HS256"])
        with pytest.raises(AlgorithmNotAllowedError):
            jwt.decode_unsecured(token)

    def test_signature_must_be_empty(self) -> None:
        """``alg: none`` with a signature attached is malformed."""
        token = jwt.encode_unsecured({"a": 1}) + "c2ln"
        with pytest.raises(MalformedJWTError):
            jwt.decode_unsecured(token)

    def test_no_extensions(self) -> None:
        """No ``crit`` or ``b64`` in an unsecured token."""
        head = _b64.b64encode_str(b'{"alg":"none","crit":["b64"],"b64":true}')
        with pytest.raises(MalformedJWTError):
            jwt.decode_unsecured(f"{head}.{_b64.b64encode_str(b'{}')}.")

    @pytest.mark.parametrize("member", ["alg", "kid", "b64"])
    def test_encode_headers(self, member: str) -> None:
        """``alg``, ``kid``, ``b64`` cannot be set on an unsecured token."""
        with pytest.raises(ValueError, match=member):
            jwt.encode_unsecured({}, headers={member: "x"})

    def test_jwe_refused(self) -> None:
        """Only the compact JWS shape."""
        with pytest.raises(MalformedJWTError):
            jwt.decode_unsecured("a.b.c.d.e")


class TestUnverified:
    """``unverified``: header and claims WITHOUT any check, for debugging."""

    def test_reads_any_signed_token(self) -> None:
        """Nothing is verified: a token signed by anyone is read."""
        token = jwt.encode({"sub": "a", "exp": 1}, signing_key("RS384"))
        result = jwt.unverified(token)
        assert result.header == {"alg": "RS384", "kid": "RS384-key", "typ": "JWT"}
        assert result.claims == {"sub": "a", "exp": 1}

    def test_bytes(self) -> None:
        """Bytes tokens work too."""
        assert jwt.unverified(raw_token({"a": 1}).encode()).claims == {"a": 1}

    @pytest.mark.parametrize(
        "token",
        [
            "a.b.c.d.e",
            "{}",
            "eyJ9.e30.",
            f"{_b64.b64encode_str(b'[]')}.e30.",
            f"{_b64.b64encode_str(b'{}')}.{_b64.b64encode_str(b'[1]')}.",
            f"{_b64.b64encode_str(b'{}')}.not base64.",
        ],
        ids=["jwe", "json", "bad-header", "header-array", "claims-array", "bad-payload"],
    )
    def test_malformed(self, token: str) -> None:
        """It still refuses what is not a compact JWS of a JSON object."""
        with pytest.raises(MalformedJWTError):
            jwt.unverified(token)

    def test_unencoded_payload(self) -> None:
        """A ``b64: false`` token is not a JWT."""
        head = _b64.b64encode_str(b'{"alg":"HS256","b64":false,"crit":["b64"]}')
        with pytest.raises(MalformedJWTError, match="b64"):
            jwt.unverified(f"{head}.{{}}.c2ln")


class TestLimits:
    """The unverified and unsecured paths parse under the same limits."""

    def test_token_type_and_encoding(self) -> None:
        """Not str/bytes, or non-ASCII bytes: malformed (untrusted input)."""
        with pytest.raises(MalformedJWTError):
            jwt.unverified(12)  # type: ignore[arg-type]
        with pytest.raises(MalformedJWTError):
            jwt.unverified(b"\xff.a.b")

    def test_sizes(self) -> None:
        """Token, header and payload sizes are capped before decoding."""
        big_header = jwt.encode_unsecured({}, headers={"x": "y" * 200})
        big_payload = jwt.encode_unsecured({"x": "y" * 200})
        with pytest.raises(ExceededLimitError):
            jwt.unverified(big_payload, limits=Limits(max_token_size=100))
        with pytest.raises(ExceededLimitError):
            jwt.unverified(big_header, limits=Limits(max_header_size=64))
        with pytest.raises(ExceededLimitError):
            jwt.decode_unsecured(big_payload, limits=Limits(max_payload_size=64))
