"""RFC 7638 section 3.1 (JWK thumbprint) and RFC 8037 appendix A.1-A.5 (Ed25519)."""

from __future__ import annotations

import pytest

from jotkit._b64 import b64encode_str
from jotkit.errors import InvalidSignatureError
from jotkit.jwk import Key
from jotkit.jws import sign_compact, verify_compact
from tests._vectors import load_json, load_text

_RFC7638 = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def _cfrg(appendix: str) -> dict[str, str]:
    """The erlang-jose RFC 8037 values of one appendix, by name, as text."""
    entries = load_json(f"erlang-jose/json/jose_cfrg_curves/a.{appendix}.config.json")["entries"]
    return {name: value["utf8"] for name, value in entries.items()}


def _ed25519(private: bool = True) -> Key:
    name = "a.1.jwk+json" if private else "a.2.jwk+json"
    return Key.from_jwk(load_text(f"erlang-jose/jose_cfrg_curves/{name}"))


class TestRfc7638:
    """Section 3.1: the RSA example key's SHA-256 thumbprint."""

    def test_thumbprint(self) -> None:
        """The thumbprint is the one the RFC computes."""
        key = Key.from_jwk(load_text("latchset-jose/rfc7638_3.1.jwk"))
        assert load_text("latchset-jose/rfc7638_3.1.thp") == _RFC7638
        assert key.thumbprint() == _RFC7638
        assert key.thumbprint_uri() == f"urn:ietf:params:oauth:jwk-thumbprint:sha-256:{_RFC7638}"

    def test_only_required_members_count(self) -> None:
        """alg and kid are not hashed, nor private members (sections 3.2 and 3.2.1)."""
        jwk = load_json("latchset-jose/rfc7638_3.1.jwk")
        assert Key.from_jwk({m: jwk[m] for m in ("kty", "n", "e")}).thumbprint() == _RFC7638
        # RFC 7517 A.2 holds the private half of the same key.
        private = Key.from_jwk(load_json("latchset-jose/rfc7517_A.2.jwkset")["keys"][1])
        assert private.is_private
        assert private.thumbprint() == _RFC7638


class TestRfc8037:
    """A.1-A.5: the Ed25519 key, its thumbprint, signing and verification."""

    def test_a1_private_key(self) -> None:
        """The JWK's d and x are the RFC's secret and public key bytes."""
        values = _cfrg("1")
        key = _ed25519()
        assert (key.kty, key.crv, key.is_private) == ("OKP", "Ed25519", True)
        assert key.crypto.private_bytes_raw() == bytes.fromhex(values["a.1.secret"])
        assert key.public_crypto.public_bytes_raw() == bytes.fromhex(values["a.1.pk"])
        jwk = load_json("erlang-jose/jose_cfrg_curves/a.1.jwk+json")
        assert key.to_jwk(private=True) == jwk

    def test_a2_public_key(self) -> None:
        """A.2 is the public half of A.1."""
        public = _ed25519(private=False)
        assert not public.is_private
        assert public == _ed25519().public()
        assert public.to_jwk() == load_json("erlang-jose/jose_cfrg_curves/a.2.jwk+json")

    def test_a3_thumbprint(self) -> None:
        """The SHA-256 thumbprint, in hex and base64url, over the RFC's canonical JSON."""
        values = _cfrg("3")
        assert _ed25519().thumbprint() == values["a.3.thumbprint+b64"]
        assert Key.from_jwk(values["a.3.jwk+json"]).thumbprint() == values["a.3.thumbprint+b64"]
        assert _ed25519(private=False).thumbprint() == values["a.3.thumbprint+b64"]
        assert values["a.3.thumbprint+hex"] == (
            "90facafea9b1556698540f70c0117a22ea37bd5cf3ed3c47093c1707282b4b89"
        )

    def test_a4_signing_byte_for_byte(self) -> None:
        """Ed25519 is deterministic: the compact JWS is the RFC's."""
        values = _cfrg("4")
        token = sign_compact(values["a.4.txt"].encode("utf-8"), _ed25519(), alg="EdDSA")
        assert token == values["a.4.sig+compact"]
        assert token.split(".")[2] == values["a.4.sig+b64"]

    def test_a5_verification(self) -> None:
        """The A.4 token verifies with the public key."""
        values = _cfrg("5")
        token = values["a.5.sig+compact"]
        result = verify_compact(token, _ed25519(private=False), algorithms=["EdDSA"])
        assert result.payload == values["a.5.txt"].encode("utf-8")
        assert result.header == {"alg": "EdDSA"}

    def test_a5_tampered_payload_fails(self) -> None:
        """Another payload under the same signature does not verify."""
        head, _, sig = _cfrg("5")["a.5.sig+compact"].split(".")
        tampered = f"{head}.{b64encode_str(b'Example of Ed448 signing')}.{sig}"
        with pytest.raises(InvalidSignatureError):
            verify_compact(tampered, _ed25519(private=False), algorithms=["EdDSA"])
