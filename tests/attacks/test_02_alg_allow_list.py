"""Attack class 2: an ``alg`` outside the allow-list, or a near-miss spelling of an allowed one.

Pins: CVE-2022-23541 (jsonwebtoken: the verifying algorithm taken from the token, not from
the application), CVE-2023-48238 (json-web-token: alg read from the unverified header),
RFC 8725 section 3.1 ("libraries MUST enable the caller to specify a supported set of
algorithms and MUST NOT use any other algorithms"). jotkit compares algorithm names
byte for byte: no case folding, trimming or Unicode normalisation, so a look-alike is an
unknown algorithm and never reaches a table entry.
"""

from __future__ import annotations

import pytest

from jotkit import Key, KeySet, jws, jwt
from jotkit.errors import AlgorithmNotAllowedError, UnsupportedAlgorithmError

from ._forge import SECRET, b64, b64json, compact, ec_key, es_sign, hs_token, rejects
from ._forge import signing_input as sig_input

CLAIMS = b'{"sub":"admin"}'

LOOK_ALIKES = [
    "hs256",
    "Hs256",
    "hS256",
    "HS256 ",
    " HS256",
    "HS256\t",
    "HS256\n",
    "HS256\x00",
    "HS 256",
    "HS-256",
    "HS256\u200b",  # zero-width space
    "\ufeffHS256",  # byte-order mark
    "ＨＳ２５６",  # fullwidth: NFKC-normalises to HS256
    "HS２５６",  # fullwidth digits
    "\u041dS256",  # Cyrillic capital EN
    "H\u0405256",  # Cyrillic DZE (looks like S)
    "HS256\u0301",  # combining accent
    "HS2560",
    "HS25",
]


class TestOutsideTheAllowList:
    """A known algorithm the caller did not allow is refused before any key is used."""

    @pytest.mark.parametrize("alg", ["HS384", "HS512", "RS256", "ES256", "EdDSA", "PS256"])
    def test_known_but_not_allowed(self, alg: str) -> None:
        """Allow-list HS256; the token names another algorithm jotkit knows."""
        token = hs_token({"alg": alg}, CLAIMS)
        rejects(AlgorithmNotAllowedError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    def test_hmac_downgrade_of_an_es256_verifier(self) -> None:
        """The verifier expects ES256; an HS256 token is refused whatever its MAC."""
        key = Key.from_cryptography(ec_key().public_key())
        token = hs_token({"alg": "HS256"}, CLAIMS)
        rejects(AlgorithmNotAllowedError, jws.verify_compact, token, key, algorithms=["ES256"])

    def test_key_bound_alg_is_the_allow_list(self) -> None:
        """Without algorithms=, a key bound to ES256 allows ES256 only."""
        key = Key.from_cryptography(ec_key().public_key(), alg="ES256")
        head = sig_input({"alg": "ES384"}, CLAIMS)
        token = head + "." + b64(es_sign(ec_key("P-384"), head, 384))
        rejects(AlgorithmNotAllowedError, jws.verify_compact, token, key)

    def test_key_bound_to_another_allowed_alg(self) -> None:
        """Both HS256 and HS384 allowed, but the key itself is bound to HS256."""
        key = Key.from_secret(SECRET * 2, alg="HS256")
        token = hs_token({"alg": "HS384"}, CLAIMS, SECRET * 2, bits=384)
        rejects(
            AlgorithmNotAllowedError,
            jws.verify_compact,
            token,
            key,
            algorithms=["HS256", "HS384"],
        )

    def test_key_set_member_bound_to_another_alg(self) -> None:
        """A JWKS key with alg HS256 chosen by kid cannot verify an HS512 token."""
        key = Key.from_jwk({"kty": "oct", "k": b64(SECRET * 2), "kid": "a", "alg": "HS256"})
        token = hs_token({"alg": "HS512", "kid": "a"}, CLAIMS, SECRET * 2, bits=512)
        rejects(
            AlgorithmNotAllowedError,
            jws.verify_compact,
            token,
            KeySet([key]),
            algorithms=["HS256", "HS512"],
        )

    def test_json_serialization(self) -> None:
        """A flattened JWS naming an algorithm outside the list."""
        head = b64json({"alg": "HS512"})
        token = hs_token({"alg": "HS512"}, CLAIMS, SECRET * 2, bits=512)
        obj = {"payload": b64(CLAIMS), "protected": head, "signature": token.split(".")[2]}
        rejects(AlgorithmNotAllowedError, jws.verify_json, obj, SECRET, algorithms=["HS256"])


class TestNearMissSpellings:
    """Case, whitespace and Unicode look-alikes of an allowed name are unknown algorithms."""

    @pytest.mark.parametrize("alg", LOOK_ALIKES, ids=ascii)
    def test_compact(self, alg: str) -> None:
        """A correct HS256 MAC under a look-alike alg name is still refused."""
        token = hs_token({"alg": alg}, CLAIMS)
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", LOOK_ALIKES, ids=ascii)
    def test_against_bound_key(self, alg: str) -> None:
        """The same against a key bound to HS256 and no explicit list."""
        token = hs_token({"alg": alg}, CLAIMS)
        key = Key.from_secret(SECRET, alg="HS256")
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, key)

    @pytest.mark.parametrize("alg", LOOK_ALIKES[:6], ids=ascii)
    def test_json_unprotected(self, alg: str) -> None:
        """A look-alike alg carried in the unprotected header of a flattened JWS."""
        head = b64json({"kid": "k"})
        token = hs_token({"kid": "k"}, CLAIMS)
        obj = {
            "payload": b64(CLAIMS),
            "protected": head,
            "header": {"alg": alg},
            "signature": token.split(".")[2],
        }
        rejects(UnsupportedAlgorithmError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_caller_look_alike_is_a_mistake(self) -> None:
        """A caller listing 'hs256' gets ValueError, not a silently fixed-up list."""
        token = compact({"alg": "HS256"}, CLAIMS, b"")
        with pytest.raises(ValueError, match="unknown JWS algorithm"):
            jws.verify_compact(token, SECRET, algorithms=["hs256"])

    def test_caller_passing_a_bare_string(self) -> None:
        """algorithms='HS256' would be a set of characters to a naive `in`: TypeError."""
        token = hs_token({"alg": "H"}, CLAIMS)
        with pytest.raises(TypeError):
            jws.verify_compact(token, SECRET, algorithms="HS256")


class TestJWTLayer:
    """jwt.decode and Verifier apply the same allow-list."""

    def test_decode_outside_the_list(self) -> None:
        """An HS512 JWT against an HS256-only decode."""
        token = hs_token({"alg": "HS512"}, CLAIMS, SECRET * 2, bits=512)
        rejects(AlgorithmNotAllowedError, jwt.decode, token, SECRET * 2, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", LOOK_ALIKES[:8], ids=ascii)
    def test_decode_look_alike(self, alg: str) -> None:
        """Look-alike names in a JWT header."""
        token = hs_token({"alg": alg}, CLAIMS)
        rejects(UnsupportedAlgorithmError, jwt.decode, token, SECRET, algorithms=["HS256"])

    def test_verifier_keys_bound_to_their_algs(self) -> None:
        """A Verifier over keys bound to ES256: an HS256 token is not in the derived list."""
        keys = KeySet([Key.from_cryptography(ec_key().public_key(), kid="e", alg="ES256")])
        token = hs_token({"alg": "HS256", "kid": "e"}, CLAIMS)
        rejects(AlgorithmNotAllowedError, jwt.Verifier(keys).decode, token)
