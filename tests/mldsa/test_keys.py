"""AKP keys (RFC 9964 sections 2-4): import, export, generation and the key checks."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import jotkit
from jotkit import jws
from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import (
    AlgorithmNotAllowedError,
    InvalidKeyError,
    InvalidSignatureError,
    UnsupportedAlgorithmError,
)
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key, KeySet, _akp, _material
from tests._vectors import load_json

_ALGS = ("ML-DSA-44", "ML-DSA-65", "ML-DSA-87")
_SIG_LENGTHS = {"ML-DSA-44": 2420, "ML-DSA-65": 3309, "ML-DSA-87": 4627}


def _jwk(alg: str = "ML-DSA-44") -> dict[str, Any]:
    jwk: dict[str, Any] = load_json(f"cose-wg-mldsa/{alg.replace('-', '_')}.jose.json")["jwk"]
    return jwk


class TestImport:
    """Key.from_jwk for AKP: every member rule of RFC 9964."""

    def test_alg_is_required(self) -> None:
        """Without alg the parameter set is unknown: refused."""
        jwk = _jwk()
        del jwk["alg"]
        with pytest.raises(InvalidKeyError, match="alg"):
            Key.from_jwk(jwk)

    @pytest.mark.parametrize("alg", ["ES256", "ML-DSA-99", 44, None])
    def test_alg_must_name_a_parameter_set(self, alg: Any) -> None:
        """An alg that is no ML-DSA parameter set is refused."""
        with pytest.raises(InvalidKeyError):
            Key.from_jwk({**_jwk(), "alg": alg})

    def test_alg_of_another_parameter_set_is_refused(self) -> None:
        """An ML-DSA-44 pub labelled ML-DSA-65 has the wrong length."""
        with pytest.raises(InvalidKeyError, match="1952 bytes"):
            Key.from_jwk({**_jwk("ML-DSA-44"), "alg": "ML-DSA-65"})

    @pytest.mark.parametrize("delta", [-1, 1])
    def test_pub_of_wrong_length(self, delta: int) -> None:
        """pub one byte short or long is refused."""
        raw = b64decode(_jwk()["pub"])
        raw = raw[:-1] if delta < 0 else raw + b"\0"
        jwk = {"kty": "AKP", "alg": "ML-DSA-44", "pub": b64encode_str(raw)}
        with pytest.raises(InvalidKeyError, match="1312 bytes"):
            Key.from_jwk(jwk)

    @pytest.mark.parametrize("value", [None, 7, "not base64!", "AA=="])
    def test_pub_not_base64url(self, value: Any) -> None:
        """pub must be a strict base64url string."""
        with pytest.raises(InvalidKeyError):
            Key.from_jwk({"kty": "AKP", "alg": "ML-DSA-44", "pub": value})

    @pytest.mark.parametrize("length", [0, 31, 33, 2560])
    def test_priv_must_be_the_seed(self, length: int) -> None:
        """priv of any length but 32 (an expanded private key, say) is refused."""
        jwk = {**_jwk(), "priv": b64encode_str(b"\1" * length)}
        with pytest.raises(InvalidKeyError, match="32-byte seed"):
            Key.from_jwk(jwk)

    def test_priv_whose_pub_differs_is_refused(self) -> None:
        """A seed that derives another public key is refused."""
        jwk = {**_jwk(), "priv": b64encode_str(b"\1" * 32)}
        with pytest.raises(InvalidKeyError, match="does not derive 'pub'"):
            Key.from_jwk(jwk)

    def test_pub_and_priv_are_material_not_metadata(self) -> None:
        """A public key's members hold no priv, and pub is not kept as metadata."""
        key = Key.from_jwk(_jwk()).public()
        assert "pub" not in key.members
        assert "priv" not in key.members
        assert "priv" not in key.to_jwk(private=True)

    def test_properties(self) -> None:
        """kty AKP, no curve, bound to its alg, private when it has the seed."""
        key = Key.from_jwk(_jwk("ML-DSA-87"))
        assert (key.kty, key.crv, key.alg, key.is_private) == ("AKP", None, "ML-DSA-87", True)
        assert "crv" not in repr(key)
        assert "ML-DSA-87" in repr(key)
        assert key.size == 2592 * 8


class TestFormats:
    """PEM and DER: PKCS#8 in the seed form and SubjectPublicKeyInfo."""

    @pytest.mark.parametrize("alg", _ALGS)
    def test_pkcs8_is_the_seed_form_and_round_trips(self, alg: str) -> None:
        """The private PEM holds the seed and imports back to the same key, bound to alg."""
        key = Key.from_jwk(_jwk(alg))
        der = key.to_der(private=True)
        # OneAsymmetricKey with privateKey = [0] seed (RFC 9881 section 6): the 32 seed
        # bytes end the structure.
        assert der.endswith(b"\x80\x20" + b"\0" * 32)
        again = Key.from_der(der)
        assert again.alg == alg
        assert again.to_jwk(private=True) == {
            k: v for k, v in key.to_jwk(private=True).items() if k != "kid"
        }
        assert Key.from_pem(key.to_pem(private=True)).thumbprint() == key.thumbprint()

    @pytest.mark.parametrize("alg", _ALGS)
    def test_spki_round_trips(self, alg: str) -> None:
        """The public PEM/DER is SPKI and imports to the same public key."""
        key = Key.from_jwk(_jwk(alg))
        assert Key.from_pem(key.to_pem()).to_jwk()["pub"] == key.to_jwk()["pub"]
        assert not Key.from_der(key.to_der()).is_private

    def test_encrypted_pkcs8(self) -> None:
        """An encrypted PKCS#8 ML-DSA key imports with its password."""
        key = Key.generate("ML-DSA-44")
        pem = key.to_pem(private=True, password="pw")
        assert Key.from_pem(pem, "pw").to_jwk(private=True) == key.to_jwk(private=True)

    def test_from_cryptography(self) -> None:
        """A cryptography ML-DSA object the application holds is wrapped as AKP."""
        from cryptography.hazmat.primitives.asymmetric import mldsa

        obj = mldsa.MLDSA65PrivateKey.generate()
        key = Key.from_cryptography(obj, kid="app")
        assert (key.kty, key.alg, key.kid) == ("AKP", "ML-DSA-65", "app")
        assert Key.from_cryptography(obj.public_key()).alg == "ML-DSA-65"


class TestChecks:
    """key_ops, use and alg rules, as for the other families."""

    def test_other_parameter_set_does_not_fit(self) -> None:
        """An ML-DSA-44 key is bound to ML-DSA-44: ML-DSA-65 is refused."""
        key = Key.from_jwk(_jwk("ML-DSA-44"))
        with pytest.raises(InvalidKeyError, match="ML-DSA-44 key cannot be used with ML-DSA-65"):
            key.check("verify", JWS_ALGORITHMS["ML-DSA-65"])
        # A PEM key the caller labelled with another ML-DSA alg: its parameter set decides.
        relabelled = Key.from_pem(key.to_pem(), alg="ML-DSA-65")
        with pytest.raises(InvalidKeyError):
            relabelled.check("verify", JWS_ALGORITHMS["ML-DSA-65"])
        with pytest.raises(AlgorithmNotAllowedError):
            relabelled.check("verify", JWS_ALGORITHMS["ML-DSA-44"])

    def test_other_families_do_not_fit(self) -> None:
        """An AKP key serves no ES256/EdDSA, and an EC key no ML-DSA."""
        akp = Key.from_jwk(_jwk())
        assert not akp.fits("verify", JWS_ALGORITHMS["ES256"])
        assert not akp.fits("verify", JWS_ALGORITHMS["EdDSA"])
        assert not Key.generate("ES256").fits("verify", JWS_ALGORITHMS["ML-DSA-44"])

    def test_public_key_cannot_sign(self) -> None:
        """Signing needs the seed."""
        with pytest.raises(InvalidKeyError, match="private key"):
            Key.from_jwk(_jwk()).public().check("sign", JWS_ALGORITHMS["ML-DSA-44"])

    def test_use_and_key_ops(self) -> None:
        """use 'enc' and key_ops without 'verify' forbid verification."""
        public = Key.from_jwk(_jwk()).to_jwk()
        descriptor = JWS_ALGORITHMS["ML-DSA-44"]
        with pytest.raises(InvalidKeyError, match="use"):
            Key.from_jwk({**public, "use": "enc"}).check("verify", descriptor)
        with pytest.raises(InvalidKeyError, match="key_ops"):
            Key.from_jwk({**public, "key_ops": ["sign"]}).check("verify", descriptor)
        Key.from_jwk({**public, "use": "sig", "key_ops": ["verify"]}).check("verify", descriptor)


class TestSignVerify:
    """JWS and JWT with generated ML-DSA keys."""

    @pytest.mark.parametrize("alg", _ALGS)
    def test_jws_round_trip(self, alg: str) -> None:
        """A generated key signs; its public half verifies; the signature has its length."""
        key = Key.generate(alg, kid="pq")
        assert key.alg == alg
        token = jws.sign_compact(b"payload", key)
        result = jws.verify_compact(token, key.public(), algorithms=[alg])
        assert result.payload == b"payload"
        assert result.header["kid"] == "pq"
        assert len(b64decode(token.split(".")[2])) == _SIG_LENGTHS[alg]

    def test_signatures_are_randomized_and_all_verify(self) -> None:
        """Two signatures of one input differ (hedged signing) and both verify."""
        key = Key.generate("ML-DSA-65")
        first, second = (jws.sign_compact(b"x", key) for _ in range(2))
        assert first != second
        for token in (first, second):
            jws.verify_compact(token, key.public())

    def test_jwt_round_trip_and_json(self) -> None:
        """jotkit.encode/decode and the JWS JSON serialization work with ML-DSA-87."""
        key = Key.generate("ML-DSA-87")
        token = jotkit.encode({"sub": "a"}, key)
        assert jotkit.decode(token, key.public(), algorithms=["ML-DSA-87"])["sub"] == "a"
        signed = jws.sign_json(b"p", [jws.Signer(key)], flattened=True)
        assert jws.verify_json(signed, key.public(), algorithms=["ML-DSA-87"]).payload == b"p"

    def test_other_key_signature_fails(self) -> None:
        """A token signed by another ML-DSA key does not verify."""
        token = jws.sign_compact(b"x", Key.generate("ML-DSA-44"))
        with pytest.raises(InvalidSignatureError):
            jws.verify_compact(token, Key.generate("ML-DSA-44").public())

    @pytest.mark.parametrize("cut", [1, -1])
    def test_signature_of_wrong_length_is_refused(self, cut: int) -> None:
        """The verifier refuses a signature a byte short or long before the library sees it."""
        key = Key.generate("ML-DSA-44")
        descriptor = JWS_ALGORITHMS["ML-DSA-44"]
        sig = descriptor.sign(key.crypto, b"m")
        bad = sig[:-1] if cut > 0 else sig + b"\0"
        assert descriptor.verify(key.public_crypto, b"m", sig)
        assert not descriptor.verify(key.public_crypto, b"m", bad)

    def test_keyset_selects_by_kid(self) -> None:
        """A JWKS with AKP keys beside EC keys imports and selects by kid."""
        pq, ec = Key.generate("ML-DSA-65", kid="pq"), Key.generate("ES256", kid="ec")
        keys = KeySet.from_jwks({"keys": [pq.public().to_jwk(), ec.public().to_jwk()]})
        token = jws.sign_compact(b"x", pq)
        assert jws.verify_compact(token, keys, algorithms=["ML-DSA-65", "ES256"]).key.kid == "pq"


class TestWithoutMLDSA:
    """Where `cryptography` lacks ML-DSA: a clear error, and the rest keeps working."""

    @pytest.fixture
    def missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # The import of cryptography's mldsa module fails, as on cryptography < 48.
        monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.asymmetric.mldsa", None)
        monkeypatch.setattr(_akp, "_classes", {})
        monkeypatch.setattr(_material, "_KINDS", {})

    @pytest.mark.usefixtures("missing")
    def test_import_names_what_is_needed(self) -> None:
        """Importing an AKP JWK raises UnsupportedAlgorithmError naming the requirement."""
        assert not _akp.available()
        with pytest.raises(UnsupportedAlgorithmError, match=r"cryptography>=48.*OpenSSL>=3\.5"):
            Key.from_jwk(_jwk())

    @pytest.mark.usefixtures("missing")
    def test_generate_names_what_is_needed(self) -> None:
        """Key.generate('ML-DSA-65') raises the same error."""
        with pytest.raises(UnsupportedAlgorithmError, match="ML-DSA-65"):
            Key.generate("ML-DSA-65")

    @pytest.mark.usefixtures("missing")
    def test_keyset_skips_akp_keys(self) -> None:
        """A JWKS with an AKP key still imports: the AKP key is skipped and listed."""
        ec = Key.generate("ES256", kid="ec")
        public = dict(_jwk())
        del public["priv"]
        keys = KeySet.from_jwks({"keys": [public, ec.public().to_jwk()]})
        assert [k.kid for k in keys] == ["ec"]
        assert keys.skipped
        assert "ML-DSA" in keys.skipped[0].reason

    @pytest.mark.usefixtures("missing")
    def test_other_algorithms_keep_working(self) -> None:
        """ES256 and EdDSA sign and verify; an ML-DSA token against an EC key is refused."""
        for alg in ("ES256", "EdDSA", "RS256", "HS256"):
            key = Key.generate(alg)
            token = jotkit.encode({"sub": "a"}, key)
            verifier = key if alg == "HS256" else key.public()
            assert jotkit.decode(token, verifier, algorithms=[alg])["sub"] == "a"
        example = load_json("cose-wg-mldsa/ML_DSA_44.jose.json")
        with pytest.raises(InvalidKeyError):
            jws.verify_compact(example["jws"], Key.generate("ES256"), algorithms=["ML-DSA-44"])
