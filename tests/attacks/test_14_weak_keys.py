"""Attack class 14: weak keys, and keys whose ``use``, ``key_ops`` or ``alg`` forbid the operation.

Pins: CVE-2019-20933 (InfluxDB: a JWT accepted with an empty shared secret), RFC 7518
section 3.2 (an HMAC key at least as long as the hash output), RFC 7518 section 3.3 and
NIST SP 800-131A (RSA 2048 bits or more), RFC 7517 sections 4.2-4.4 (``use``, ``key_ops``
and ``alg`` restrict a key), RFC 8725 section 3.5. Weak keys are errors, not warnings
(DESIGN section 3.2); opting out is explicit and emits ``SecurityWarning``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from jotkit import Key, KeySet, jwe, jws
from jotkit.errors import AlgorithmNotAllowedError, InvalidKeyError, JotkitError, SecurityWarning

from ._forge import SECRET, b64, b64json, ec_key, hs_token, rejects, rs_sign, rsa_key, signing_input

CLAIMS = b'{"sub":"admin"}'


class TestShortSecrets:
    """HMAC secrets shorter than the hash, or empty, are refused."""

    @pytest.mark.parametrize("secret", [b"", b"x", b"secret", b"s" * 31])
    def test_bytes_key_for_hs256(self, secret: bytes) -> None:
        """A short secret passed as bytes (the token is MACed with that same secret)."""
        token = hs_token({"alg": "HS256"}, CLAIMS, secret)
        rejects(InvalidKeyError, jws.verify_compact, token, secret, algorithms=["HS256"])

    @pytest.mark.parametrize(("bits", "length"), [(384, 47), (512, 32), (512, 63)])
    def test_longer_hashes(self, bits: int, length: int) -> None:
        """HS384 and HS512 need 48 and 64 bytes."""
        secret = b"k" * length
        token = hs_token({"alg": f"HS{bits}"}, CLAIMS, secret, bits)
        rejects(InvalidKeyError, jws.verify_compact, token, secret, algorithms=[f"HS{bits}"])

    def test_empty_secret_key(self) -> None:
        """Key.from_secret(b'') fails at once."""
        rejects(InvalidKeyError, Key.from_secret, b"")

    @pytest.mark.parametrize("k", ["", b64(b"short")], ids=["empty", "short"])
    def test_oct_jwk(self, k: str) -> None:
        """An empty oct JWK is invalid; a short one cannot verify HS256."""
        if not k:
            rejects(InvalidKeyError, Key.from_jwk, {"kty": "oct", "k": k})
            return
        key = Key.from_jwk({"kty": "oct", "k": k})
        token = hs_token({"alg": "HS256"}, CLAIMS, b"short")
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=["HS256"])

    def test_signing_with_a_short_secret(self) -> None:
        """jotkit refuses to make a token with a short secret, too."""
        rejects(InvalidKeyError, jws.sign_compact, CLAIMS, b"short", alg="HS256")

    def test_opting_out_warns(self) -> None:
        """allow_weak=True works, loudly."""
        with pytest.warns(SecurityWarning):
            key = Key.from_secret(b"short", allow_weak=True)
        token = hs_token({"alg": "HS256"}, CLAIMS, b"short")
        assert jws.verify_compact(token, key, algorithms=["HS256"]).payload == CLAIMS


@cache
def _small_rsa(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


class TestSmallRSA:
    """RSA keys under 2048 bits cannot verify."""

    @pytest.mark.parametrize("bits", [1024, 2040])
    @pytest.mark.parametrize("alg", ["RS256", "PS256"])
    def test_small_modulus(self, bits: int, alg: str) -> None:
        """A valid signature by a small key."""
        private = _small_rsa(bits)
        head = signing_input({"alg": alg}, CLAIMS)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        pad: Any = (
            padding.PKCS1v15()
            if alg == "RS256"
            else padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        )
        token = head + "." + b64(private.sign(head.encode(), pad, hashes.SHA256()))
        key = Key.from_cryptography(private.public_key())
        rejects(InvalidKeyError, jws.verify_compact, token, key, algorithms=[alg])

    def test_small_modulus_jwk(self) -> None:
        """The same key imported from a JWK."""
        private = _small_rsa(1024)
        jwk = Key.from_cryptography(private.public_key()).to_jwk()
        head = signing_input({"alg": "RS256"}, CLAIMS)
        token = head + "." + b64(rs_sign(private, head))
        rejects(InvalidKeyError, jws.verify_compact, token, Key.from_jwk(jwk), algorithms=["RS256"])

    @pytest.mark.parametrize("e", [1, 2, 4, 0], ids=["e1", "e2", "e4", "e0"])
    def test_degenerate_exponent(self, e: int) -> None:
        """e = 1 makes the 'signature' equal the padded message; even e is not RSA."""
        n = Key.from_cryptography(rsa_key().public_key()).to_jwk()["n"]
        rejects(InvalidKeyError, Key.from_jwk, {"kty": "RSA", "n": n, "e": b64(bytes([e]))})

    def test_exponent_not_below_modulus(self) -> None:
        """e >= n."""
        jwk = Key.from_cryptography(rsa_key().public_key()).to_jwk()
        rejects(InvalidKeyError, Key.from_jwk, {"kty": "RSA", "n": jwk["n"], "e": jwk["n"]})


def _jwk(**members: Any) -> dict[str, Any]:
    return {"kty": "oct", "k": b64(SECRET), **members}


class TestKeyRestrictions:
    """use, key_ops and alg members are honoured."""

    @pytest.mark.parametrize(
        ("members", "error"),
        [
            ({"use": "enc"}, InvalidKeyError),
            ({"use": "ENC"}, InvalidKeyError),
            ({"use": "Sig"}, InvalidKeyError),
            ({"key_ops": ["sign"]}, InvalidKeyError),
            ({"key_ops": ["encrypt", "decrypt"]}, InvalidKeyError),
            ({"key_ops": ["wrapKey"]}, InvalidKeyError),
            ({"alg": "HS512"}, AlgorithmNotAllowedError),
            ({"alg": "A256GCM"}, AlgorithmNotAllowedError),
            ({"alg": "hs256"}, AlgorithmNotAllowedError),
        ],
        ids=[
            "use-enc",
            "use-ENC",
            "use-Sig",
            "ops-sign",
            "ops-enc",
            "ops-wrap",
            "alg-hs512",
            "alg-aes",
            "alg-case",
        ],
    )
    def test_verify_forbidden(self, members: dict[str, Any], error: type[JotkitError]) -> None:
        """A key whose metadata forbids verifying HS256."""
        key = Key.from_jwk(_jwk(**members))
        token = hs_token({"alg": "HS256"}, CLAIMS)
        rejects(error, jws.verify_compact, token, key, algorithms=["HS256"])

    def test_in_a_key_set(self) -> None:
        """A set's only key is for encryption: the kid finds it, the use refuses it."""
        keys = KeySet.from_jwks({"keys": [_jwk(kid="k", use="enc")]})
        token = hs_token({"alg": "HS256", "kid": "k"}, CLAIMS)
        rejects(InvalidKeyError, jws.verify_compact, token, keys, algorithms=["HS256"])

    def test_sign_forbidden(self) -> None:
        """key_ops verify only: the key cannot sign."""
        key = Key.from_jwk(_jwk(key_ops=["verify"]))
        rejects(InvalidKeyError, jws.sign_compact, CLAIMS, key, alg="HS256")

    @pytest.mark.parametrize(
        "members",
        [
            {"use": "sig", "key_ops": ["encrypt"]},
            {"key_ops": "verify"},
            {"key_ops": ["verify", "verify"]},
            {"key_ops": [1]},
            {"use": 1},
            {"alg": ["HS256"]},
            {"kid": 7},
        ],
        ids=repr,
    )
    def test_inconsistent_metadata(self, members: dict[str, Any]) -> None:
        """Contradictory or ill-typed members make the JWK invalid."""
        rejects(InvalidKeyError, Key.from_jwk, _jwk(**members))

    def test_public_key_cannot_sign(self) -> None:
        """A public EC key asked to sign."""
        key = Key.from_cryptography(ec_key().public_key())
        rejects(InvalidKeyError, jws.sign_compact, CLAIMS, key, alg="ES256")


class TestJWEKeys:
    """The same rules for JWE recipient keys."""

    @pytest.mark.parametrize("size", [15, 17, 24, 32])
    def test_a128kw_wrong_size(self, size: int) -> None:
        """A128KW needs exactly 128 bits."""
        token = jwe.encrypt_compact(CLAIMS, bytes(16), alg="A128KW", enc="A128GCM")
        rejects(
            InvalidKeyError,
            jwe.decrypt_compact,
            token,
            bytes(size),
            algorithms=["A128KW"],
            encryptions=["A128GCM"],
        )

    def test_small_rsa_for_oaep(self) -> None:
        """A 1024-bit RSA key cannot decrypt RSA-OAEP."""
        private = _small_rsa(1024)
        cek = bytes(16)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
        header = b64json({"alg": "RSA-OAEP", "enc": "A128GCM"})
        token = ".".join(
            (
                header,
                b64(private.public_key().encrypt(cek, oaep)),
                b64(bytes(12)),
                "",
                b64(bytes(16)),
            )
        )
        rejects(
            InvalidKeyError,
            jwe.decrypt_compact,
            token,
            Key.from_cryptography(private),
            algorithms=["RSA-OAEP"],
            encryptions=["A128GCM"],
        )

    def test_signing_restricted_key_cannot_unwrap(self) -> None:
        """key_ops sign/verify forbid unwrapKey."""
        key = Key.from_jwk({"kty": "oct", "k": b64(bytes(16)), "key_ops": ["verify"]})
        token = jwe.encrypt_compact(CLAIMS, bytes(16), alg="A128KW", enc="A128GCM")
        rejects(
            InvalidKeyError,
            jwe.decrypt_compact,
            token,
            key,
            algorithms=["A128KW"],
            encryptions=["A128GCM"],
        )

    def test_empty_pbes2_password(self) -> None:
        """An empty password is an empty secret."""
        token = jwe.encrypt_compact(CLAIMS, b"password", alg="PBES2-HS256+A128KW", enc="A128GCM")
        rejects(
            InvalidKeyError,
            jwe.decrypt_compact,
            token,
            b"",
            algorithms=["PBES2-HS256+A128KW"],
            encryptions=["A128GCM"],
        )
