"""RFC 7517 appendix A (example public, private and symmetric key sets) and B (``x5c``)."""

from __future__ import annotations

from typing import Any

import pytest

from jotkit.errors import InvalidKeyError
from jotkit.jwk import Key, KeySet
from tests._vectors import load_json, load_text

_SETS = {"A.1": "public keys", "A.2": "private keys", "A.3": "symmetric keys"}


def _jwks(appendix: str) -> dict[str, Any]:
    jwks: dict[str, Any] = load_json(f"latchset-jose/rfc7517_{appendix}.jwkset")
    return jwks


class TestKeySets:
    """A.1-A.3: each set imports whole and exports back to the same members."""

    @pytest.mark.parametrize("appendix", list(_SETS), ids=[f"{a}-{d}" for a, d in _SETS.items()])
    def test_round_trip(self, appendix: str) -> None:
        """to_jwks(private=True) gives back the document; nothing is skipped."""
        jwks = _jwks(appendix)
        keys = KeySet.from_jwks(load_text(f"latchset-jose/rfc7517_{appendix}.jwkset"))
        assert keys.skipped == ()
        assert keys.to_jwks(private=True) == jwks
        assert [key.to_jwk(private=True) for key in keys] == jwks["keys"]

    def test_public_keys(self) -> None:
        """A.1: a P-256 encryption key and an RS256 key, both public."""
        ec, rsa = KeySet.from_jwks(_jwks("A.1"))
        assert (ec.kty, ec.crv, ec.use, ec.kid, ec.is_private) == ("EC", "P-256", "enc", "1", False)
        assert (rsa.kty, rsa.alg, rsa.kid, rsa.size, rsa.is_private) == (
            "RSA",
            "RS256",
            "2011-04-29",
            2048,
            False,
        )
        assert KeySet.from_jwks(_jwks("A.1")).to_jwks() == _jwks("A.1")

    def test_private_keys_are_the_public_ones(self) -> None:
        """A.2's keys are the private halves of A.1's, with the same metadata."""
        private = KeySet.from_jwks(_jwks("A.2"))
        assert all(key.is_private for key in private)
        assert [key.public() for key in private] == list(KeySet.from_jwks(_jwks("A.1")))
        assert private.to_jwks() == _jwks("A.1")

    def test_symmetric_keys(self) -> None:
        """A.3: an A128KW key and the HMAC key of RFC 7515 A.1."""
        kw, mac = KeySet.from_jwks(_jwks("A.3"))
        assert (kw.kty, kw.alg, kw.size) == ("oct", "A128KW", 128)
        assert mac.size == 512
        assert mac.crypto == Key.from_jwk(load_text("latchset-jose/rfc7515_A.1.jwk")).crypto
        assert KeySet.from_jwks(_jwks("A.3")).find(
            kid="HMACkeyusedinJWSspecAppendixA.1example"
        ) == [mac]


class TestCertificateChain:
    """B: an RSA public key with its X.509 certificate in ``x5c``."""

    def test_imports_with_its_certificate(self) -> None:
        """The certificate is kept on the key and holds the same public key."""
        jwk = load_json("latchset-jose/rfc7517_B.jwk")
        key = Key.from_jwk(jwk)
        assert key.certificate is not None
        assert Key.from_cryptography(key.certificate).to_jwk() == {
            m: jwk[m] for m in ("kty", "n", "e")
        }
        assert key.to_jwk() == jwk
        assert (key.kid, key.use, key.size) == ("1b94c", "sig", 2048)

    def test_certificate_for_another_key_is_refused(self) -> None:
        """An x5c that does not hold the JWK's key is an inconsistent key, not a detail."""
        jwk = dict(load_json("latchset-jose/rfc7517_B.jwk"))
        jwk["n"] = load_json("latchset-jose/rfc7638_3.1.jwk")["n"]
        with pytest.raises(InvalidKeyError, match="x5c"):
            Key.from_jwk(jwk)
