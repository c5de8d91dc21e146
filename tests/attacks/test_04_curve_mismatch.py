"""Attack class 4: a key of the wrong type or curve for the token's algorithm.

Pins: CVE-2022-23539 (jsonwebtoken: legacy and mismatched key types accepted for an
algorithm, e.g. a DSA key for RS256), RFC 8725 section 3.1 ("each key MUST be used with
exactly one algorithm") and RFC 7518 section 3.4 (ES256 is P-256 with SHA-256, ES384
P-384, ES512 P-521; RFC 8812: ES256K is secp256k1), RFC 8037 section 3.1 (EdDSA keys are
Ed25519 or Ed448, never the X25519/X448 key-agreement curves). jotkit checks kty and crv
against the algorithm before any signature is looked at: ``InvalidKeyError``.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import Key, KeySet, jws
from jotkit.errors import InvalidKeyError, KeyNotFoundError

from ._forge import (
    b64,
    b64json,
    ec_key,
    ed448_key,
    ed25519_key,
    es_sign,
    rejects,
    rs_sign,
    rsa_key,
    signing_input,
    x25519_key,
)

CLAIMS = b'{"sub":"admin"}'


def _public(obj: Any, **kwargs: Any) -> Key:
    return Key.from_cryptography(obj.public_key(), **kwargs)


def _es_token(alg: str, crv: str, bits: int) -> str:
    head = signing_input({"alg": alg}, CLAIMS)
    return head + "." + b64(es_sign(ec_key(crv), head, bits))


class TestECDSACurves:
    """Each ES* algorithm accepts its own curve only."""

    @pytest.mark.parametrize(
        ("alg", "key_crv", "sign_crv", "bits"),
        [
            ("ES256", "P-384", "P-384", 256),
            ("ES256", "P-521", "P-521", 256),
            ("ES256", "secp256k1", "secp256k1", 256),
            ("ES384", "P-256", "P-256", 384),
            ("ES512", "P-256", "P-256", 512),
            ("ES256K", "P-256", "P-256", 256),
        ],
    )
    def test_wrong_curve(self, alg: str, key_crv: str, sign_crv: str, bits: int) -> None:
        """The verifier's key is on another curve than the alg demands."""
        token = _es_token(alg, sign_crv, bits)
        key = _public(ec_key(key_crv))
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=[alg])

    def test_rsa_key_for_es256(self) -> None:
        """An RSA key is no ECDSA key, even with both algorithms allowed."""
        token = _es_token("ES256", "P-256", 256)
        key = _public(rsa_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["ES256", "RS256"])

    def test_ec_key_for_rs256(self) -> None:
        """And the reverse."""
        head = signing_input({"alg": "RS256"}, CLAIMS)
        token = head + "." + b64(rs_sign(rsa_key(), head))
        key = _public(ec_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["ES256", "RS256"])

    def test_jwk_claiming_another_curve(self) -> None:
        """A JWK whose crv says P-384 but whose coordinates are P-256 is invalid."""
        jwk = _public(ec_key()).to_jwk()
        rejects(InvalidKeyError, Key.from_jwk, dict(jwk, crv="P-384"))

    def test_jwk_point_from_another_curve(self) -> None:
        """P-256-sized coordinates that are not a P-256 point (taken from secp256k1)."""
        jwk = _public(ec_key("secp256k1")).to_jwk()
        rejects(InvalidKeyError, Key.from_jwk, dict(jwk, crv="P-256"))


class TestEdDSACurves:
    """EdDSA accepts Ed25519 and Ed448; the fully specified names accept one each."""

    def _token(self, alg: str, signer: Any) -> str:
        head = signing_input({"alg": alg}, CLAIMS)
        return head + "." + b64(signer.sign(head.encode("ascii")))

    def test_x25519_key_for_eddsa(self) -> None:
        """An X25519 (key agreement) key used to verify EdDSA."""
        token = self._token("EdDSA", ed25519_key())
        key = _public(x25519_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["EdDSA"])

    def test_x25519_jwk_with_ed25519_bytes(self) -> None:
        """The Ed25519 public bytes relabelled as an X25519 JWK still cannot verify EdDSA."""
        jwk = _public(ed25519_key()).to_jwk()
        key = Key.from_jwk(dict(jwk, crv="X25519"))
        token = self._token("EdDSA", ed25519_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["EdDSA"])

    def test_ed448_key_for_ed25519(self) -> None:
        """The fully specified Ed25519 alg refuses an Ed448 key (RFC 9864)."""
        token = self._token("Ed25519", ed448_key())
        key = _public(ed448_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["Ed25519"])

    def test_ec_key_for_eddsa(self) -> None:
        """An EC key for EdDSA."""
        token = self._token("EdDSA", ed25519_key())
        rejects(InvalidKeyError, jws.verify_compact, token, _public(ec_key()), algorithms=["EdDSA"])

    def test_okp_key_for_es256(self) -> None:
        """An OKP key for ES256."""
        token = _es_token("ES256", "P-256", 256)
        key = _public(ed25519_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["ES256"])


class TestOctKeys:
    """Symmetric keys never serve asymmetric algorithms and vice versa."""

    def test_oct_key_for_rs256(self) -> None:
        """An oct key for RS256."""
        head = signing_input({"alg": "RS256"}, CLAIMS)
        token = head + "." + b64(rs_sign(rsa_key(), head))
        key = Key.from_secret(b"s" * 32)
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["RS256"])

    def test_oct_key_in_set_for_es256(self) -> None:
        """A set with one oct key: its kid matches, its type does not."""
        token = signing_input({"alg": "ES256", "kid": "k"}, CLAIMS) + "." + b64(b"\x01" * 64)
        keys = KeySet([Key.from_secret(b"s" * 32, kid="k")])
        rejects(InvalidKeyError, jws.verify_compact, token, keys, algorithms=["ES256"])


class TestKeySets:
    """Key selection never falls back to a key of the wrong type."""

    def test_no_key_of_the_right_curve(self) -> None:
        """Two keys, none on P-256: no key found (never 'try them all')."""
        keys = KeySet([_public(ec_key("P-384")), _public(ec_key("P-521"))])
        rejects(
            KeyNotFoundError,
            jws.verify_compact,
            _es_token("ES256", "P-256", 256),
            keys,
            algorithms=["ES256"],
        )

    def test_kid_points_at_the_wrong_curve(self) -> None:
        """The token's kid selects a P-384 key for ES256: the precise reason is given."""
        keys = KeySet(
            [_public(ec_key("P-384"), kid="a"), _public(ec_key("P-256"), kid="b")],
        )
        head = b64json({"alg": "ES256", "kid": "a"}) + "." + b64(CLAIMS)
        token = head + "." + b64(es_sign(ec_key("P-256"), head))
        rejects(InvalidKeyError, jws.verify_compact, token, keys, algorithms=["ES256"])
