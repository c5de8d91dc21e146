"""Attack class 1: ``alg: none`` and a missing or ill-typed ``alg`` (RFC 8725 section 3.1).

Pins: CVE-2015-2951 (``alg: none`` accepted as a valid signature), CVE-2022-23540
(jsonwebtoken defaulting to ``none`` when no algorithms are given), CVE-2020-28042
(ServiceStack: a token with an empty signature accepted). ``none`` is in no jotkit
algorithm table (DESIGN section 3.1), so every casing is an unknown algorithm, and a
caller cannot even ask for it; only ``jwt.decode_unsecured`` reads ``none``, and it
reads nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import Key, KeySet, jws, jwt
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExpiredError,
    MalformedJWSError,
    MalformedJWTError,
    UnsupportedAlgorithmError,
)

from ._forge import SECRET, b64, b64json, compact, hs_sign, hs_token, rejects, signing_input

CLAIMS = b'{"sub":"admin","admin":true}'
NONE_SPELLINGS = ["none", "None", "NONE", "nOnE", "noNe", "NoNe"]


def _oct() -> Key:
    return Key.from_secret(SECRET, kid="k1")


class TestCompactNone:
    """A compact JWS claiming ``alg: none`` never verifies."""

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_empty_signature(self, alg: str) -> None:
        """The classic forgery: header alg none, empty third segment."""
        token = signing_input({"alg": alg, "typ": "JWT"}, CLAIMS) + "."
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_with_a_signature(self, alg: str) -> None:
        """alg none with a (valid-looking) MAC attached is still alg none."""
        token = hs_token({"alg": alg}, CLAIMS)
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_against_a_key_bound_to_an_alg(self, alg: str) -> None:
        """A Key bound to HS256, no algorithms list: alg none is still refused."""
        key = Key.from_secret(SECRET, alg="HS256")
        token = signing_input({"alg": alg}, CLAIMS) + "."
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, key)

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_against_a_key_set(self, alg: str) -> None:
        """With a KeySet and a matching kid, alg none is refused before key selection."""
        token = signing_input({"alg": alg, "kid": "k1"}, CLAIMS) + "."
        keys = KeySet([_oct()])
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, keys, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_with_every_algorithm_allowed(self, alg: str) -> None:
        """Even an allow-list of every jotkit algorithm does not contain none."""
        from jotkit.jwa import JWS_ALGORITHMS

        token = signing_input({"alg": alg}, CLAIMS) + "."
        rejects(
            UnsupportedAlgorithmError,
            jws.verify_compact,
            token,
            SECRET,
            algorithms=list(JWS_ALGORITHMS),
        )

    def test_two_segments(self) -> None:
        """The signature segment dropped altogether (header.payload)."""
        token = signing_input({"alg": "none"}, CLAIMS)
        rejects(MalformedJWSError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    def test_none_with_detached_payload(self) -> None:
        """alg none on a detached JWS."""
        token = b64json({"alg": "none"}) + ".."
        rejects(
            UnsupportedAlgorithmError,
            jws.verify_compact,
            token,
            SECRET,
            algorithms=["HS256"],
            detached_payload=CLAIMS,
        )


class TestMissingOrIllTypedAlg:
    """``alg`` must be present and a string."""

    @pytest.mark.parametrize(
        "header",
        [
            {},
            {"typ": "JWT"},
            {"ALG": "HS256"},
            {"alg": None},
            {"alg": 256},
            {"alg": True},
            {"alg": ["HS256"]},
            {"alg": {"name": "HS256"}},
            {"alg": 2.56e2},
        ],
        ids=["empty", "typ-only", "uppercase-name", "null", "int", "bool", "list", "obj", "float"],
    )
    def test_rejected_as_malformed(self, header: dict[str, Any]) -> None:
        """A header without a string alg is malformed, even with a correct MAC."""
        token = hs_token(header, CLAIMS)
        rejects(MalformedJWSError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    def test_alg_empty_string(self) -> None:
        """An empty alg names no algorithm."""
        token = hs_token({"alg": ""}, CLAIMS)
        rejects(UnsupportedAlgorithmError, jws.verify_compact, token, SECRET, algorithms=["HS256"])


class TestJSONSerializationNone:
    """The JSON serializations refuse alg none in either header."""

    def test_flattened_protected(self) -> None:
        """Flattened JWS, alg none in the protected header, empty signature."""
        obj = {"payload": b64(CLAIMS), "protected": b64json({"alg": "none"}), "signature": ""}
        rejects(UnsupportedAlgorithmError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_flattened_unprotected_only(self) -> None:
        """Flattened JWS, alg none only in the unprotected header."""
        obj = {"payload": b64(CLAIMS), "header": {"alg": "None"}, "signature": ""}
        rejects(UnsupportedAlgorithmError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_general_every_signature_none(self) -> None:
        """General JWS whose signatures all claim none."""
        entries = [
            {"protected": b64json({"alg": spelling}), "signature": ""}
            for spelling in NONE_SPELLINGS[:3]
        ]
        obj = {"payload": b64(CLAIMS), "signatures": entries}
        rejects(UnsupportedAlgorithmError, jws.verify_json, obj, SECRET, algorithms=["HS256"])

    def test_general_none_next_to_a_bad_mac(self) -> None:
        """A none entry next to an HS256 entry with a wrong MAC: nothing verifies."""
        head = b64json({"alg": "HS256"})
        entries = [
            {"protected": b64json({"alg": "none"}), "signature": ""},
            {"protected": head, "signature": b64(hs_sign(b"x" * 32, head + "." + b64(CLAIMS)))},
        ]
        obj = {"payload": b64(CLAIMS), "signatures": entries}
        # The last entry's failure is what is reported.
        from jotkit.errors import InvalidSignatureError

        rejects(InvalidSignatureError, jws.verify_json, obj, SECRET, algorithms=["HS256"])


class TestCallerCannotAskForNone:
    """Asking for none is a programming mistake: ValueError, never a JotkitError."""

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_verify_compact(self, alg: str) -> None:
        """algorithms=['none'] is refused before the token is looked at."""
        token = signing_input({"alg": alg}, CLAIMS) + "."
        with pytest.raises(ValueError, match="unknown JWS algorithm"):
            jws.verify_compact(token, SECRET, algorithms=[alg])

    def test_verify_json(self) -> None:
        """The same for the JSON serialization."""
        obj = {"payload": b64(CLAIMS), "protected": b64json({"alg": "none"}), "signature": ""}
        with pytest.raises(ValueError, match="unknown JWS algorithm"):
            jws.verify_json(obj, SECRET, algorithms=["none"])

    def test_key_bound_to_none(self) -> None:
        """A key whose own alg is none cannot be used to verify anything."""
        key = Key.from_secret(SECRET, alg="none")
        token = compact({"alg": "none"}, CLAIMS, b"")
        with pytest.raises(ValueError, match="unknown JWS algorithm"):
            jws.verify_compact(token, key)

    def test_sign_with_none(self) -> None:
        """Nor can jws sign with none."""
        with pytest.raises(ValueError, match="unknown JWS algorithm"):
            jws.sign_compact(CLAIMS, SECRET, alg="none")


class TestJWTLayer:
    """jwt.decode never accepts none; decode_unsecured accepts nothing else."""

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_decode(self, alg: str) -> None:
        """jwt.decode of an unsecured JWT, any casing."""
        token = signing_input({"alg": alg, "typ": "JWT"}, CLAIMS) + "."
        rejects(UnsupportedAlgorithmError, jwt.decode, token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize("alg", NONE_SPELLINGS)
    def test_verifier_with_bound_key_set(self, alg: str) -> None:
        """A Verifier whose keys are each bound to an alg (no explicit list)."""
        keys = KeySet([Key.from_secret(SECRET, kid="k1", alg="HS256")])
        token = signing_input({"alg": alg, "kid": "k1"}, CLAIMS) + "."
        rejects(UnsupportedAlgorithmError, jwt.Verifier(keys).decode, token)

    @pytest.mark.parametrize("alg", ["None", "NONE", "HS256", ""])
    def test_decode_unsecured_refuses_other_algs(self, alg: str) -> None:
        """decode_unsecured takes exactly 'none'; a signed token is not half-checked."""
        token = hs_token({"alg": alg}, CLAIMS)
        rejects(AlgorithmNotAllowedError, jwt.decode_unsecured, token)

    def test_decode_unsecured_refuses_a_signature(self) -> None:
        """alg none with a non-empty signature segment."""
        token = hs_token({"alg": "none"}, CLAIMS)
        rejects(MalformedJWTError, jwt.decode_unsecured, token)

    def test_decode_unsecured_checks_claims(self) -> None:
        """Claims rules still apply to unsecured JWTs."""
        token = signing_input({"alg": "none"}, b'{"sub":"admin","exp":1}') + "."
        rejects(ExpiredError, jwt.decode_unsecured, token, now=1000)
