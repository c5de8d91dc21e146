"""The floor: hand-written ``hmac``/``cryptography`` + ``base64`` + ``json``.

Pre-loaded key objects and the same checks the libraries make (RFC 7519 section 7.2):
split, decode header and payload JSON, check ``alg`` (and ``enc``), verify or decrypt,
check ``exp``/``iss``/``aud``. Nothing a library must do is skipped, and nothing is added:
this is what the cryptography itself plus the unavoidable parsing costs in Python.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from ._base import Decoder, Decrypter, Encoder, Library

__all__ = ["Floor"]

Signer = Callable[[bytes], bytes]
Checker = Callable[[bytes, bytes], None]

_SEP = (",", ":")
_SHA256 = hashes.SHA256()
_PKCS1 = padding.PKCS1v15()
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
_ECDSA = ec.ECDSA(hashes.SHA256())
_OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
_P256 = ec.SECP256R1()
_X962 = (serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


class Reject(Exception):
    """The floor refuses the token."""


def b64e(data: bytes) -> bytes:
    """Unpadded base64url."""
    return urlsafe_b64encode(data).rstrip(b"=")


def b64d(text: str) -> bytes:
    """Decode unpadded base64url."""
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signer(alg: str, key: Any) -> Signer:
    """The raw JWS signature function for ``alg`` (ECDSA as R||S)."""
    if alg == "HS256":
        return lambda data: hmac.digest(key, data, "sha256")
    if alg == "RS256":
        return lambda data: key.sign(data, _PKCS1, _SHA256)
    if alg == "PS256":
        return lambda data: key.sign(data, _PSS, _SHA256)
    if alg == "ES256":

        def es256(data: bytes) -> bytes:
            r, s = decode_dss_signature(key.sign(data, _ECDSA))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")

        return es256
    return key.sign  # type: ignore[no-any-return]


def checker(alg: str, key: Any) -> Checker:
    """The JWS signature check for ``alg``; raises on a bad signature."""
    if alg == "HS256":

        def hs256(data: bytes, sig: bytes) -> None:
            if not hmac.compare_digest(hmac.digest(key, data, "sha256"), sig):
                raise InvalidSignature

        return hs256
    if alg == "RS256":
        return lambda data, sig: key.verify(sig, data, _PKCS1, _SHA256)
    if alg == "PS256":
        return lambda data, sig: key.verify(sig, data, _PSS, _SHA256)
    if alg == "ES256":

        def es256(data: bytes, sig: bytes) -> None:
            if len(sig) != 64:  # raw R||S only (RFC 7518 section 3.4)
                raise InvalidSignature
            der = encode_dss_signature(
                int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
            )
            key.verify(der, data, _ECDSA)

        return es256
    return lambda data, sig: key.verify(sig, data)


def check_claims(claims: Any, issuer: str, audience: str) -> dict[str, Any]:
    """The JWT claim checks every column makes: object, exp, iss, aud."""
    if not isinstance(claims, dict):
        raise Reject("payload")
    exp = claims.get("exp")
    if exp is not None and (type(exp) not in (int, float) or time.time() >= exp):
        raise Reject("exp")
    if claims.get("iss") != issuer:
        raise Reject("iss")
    aud = claims.get("aud")
    if not (aud == audience if isinstance(aud, str) else isinstance(aud, list) and audience in aud):
        raise Reject("aud")
    return claims


def jws_header(token: str) -> tuple[dict[str, Any], bytes, str, str]:
    """Split a compact JWS: (header, signing input, payload b64, signature b64)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise Reject("segments")
    header = json.loads(b64d(parts[0]))
    if not isinstance(header, dict):
        raise Reject("header")
    return header, token.rpartition(".")[0].encode("ascii"), parts[1], parts[2]


def jws_decoder(
    alg: str,
    check: Checker | None,
    issuer: str,
    audience: str,
    by_kid: dict[str, Checker] | None = None,
) -> Decoder:
    """A decoder with a fixed signature check, or one chosen by the header's ``kid``."""

    def decode(token: str) -> dict[str, Any]:
        header, signing_input, payload, signature = jws_header(token)
        if header.get("alg") != alg:
            raise Reject("alg")
        verify = check if by_kid is None else by_kid.get(header.get("kid", ""))
        if verify is None:
            raise Reject("kid")
        verify(signing_input, b64d(signature))
        return check_claims(json.loads(b64d(payload)), issuer, audience)

    return decode


def jws_encoder(alg: str, sign: Signer, claims: dict[str, Any], kid: str | None = None) -> Encoder:
    """An encoder that builds header and payload JSON each call."""
    fields = {"alg": alg, "typ": "JWT"} if kid is None else {"alg": alg, "typ": "JWT", "kid": kid}

    def encode() -> str:
        header = b64e(json.dumps(fields, separators=_SEP).encode())
        payload = b64e(json.dumps(claims, separators=_SEP).encode())
        signing_input = header + b"." + payload
        return (signing_input + b"." + b64e(sign(signing_input))).decode("ascii")

    return encode


def _kdf_info(header: dict[str, Any], alg: str) -> bytes:
    """Concat KDF OtherInfo (RFC 7518 section 4.6.2) for a 256-bit key."""
    parts = [alg.encode(), b64d(header.get("apu", "")), b64d(header.get("apv", ""))]
    info = b"".join(len(p).to_bytes(4, "big") + p for p in parts)
    return info + (256).to_bytes(4, "big")


def _ecdh_kek(private: Any, public: Any, header: dict[str, Any], alg: str) -> bytes:
    shared = private.exchange(ec.ECDH(), public)
    # One round of SHA-256 covers a 256-bit key: the Concat KDF needs no loop here.
    return hashlib.sha256(b"\x00\x00\x00\x01" + shared + _kdf_info(header, alg)).digest()


class _JweCek:
    """Per-algorithm CEK handling for the three JWE rows."""

    def __init__(self, alg: str, private: Any, public: Any) -> None:
        self.alg = alg
        self.private = private
        self.public = public
        # dir: the key object is pre-loaded like every other floor key.
        self.dir_aead = AESGCM(private) if alg == "dir" else None

    def aead(self, cek: bytes) -> AESGCM:
        """The AES-GCM object for ``cek`` (pre-built for ``dir``)."""
        return self.dir_aead if self.dir_aead is not None else AESGCM(cek)

    def wrap(self, header: dict[str, Any]) -> tuple[bytes, bytes]:
        """Return (cek, encrypted key); may add ``epk`` to ``header``."""
        if self.alg == "dir":
            return self.private, b""
        cek = os.urandom(32)
        if self.alg == "RSA-OAEP-256":
            return cek, self.public.encrypt(cek, _OAEP)
        ephemeral = ec.generate_private_key(_P256)
        point = ephemeral.public_key().public_bytes(*_X962)
        header["epk"] = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64e(point[1:33]).decode(),
            "y": b64e(point[33:]).decode(),
        }
        return cek, aes_key_wrap(_ecdh_kek(ephemeral, self.public, header, self.alg), cek)

    def unwrap(self, header: dict[str, Any], encrypted_key: bytes) -> bytes:
        """Recover the CEK; raises on any failure."""
        if self.alg == "dir":
            if encrypted_key:
                raise Reject("encrypted key with dir")
            return self.private  # type: ignore[no-any-return]
        if self.alg == "RSA-OAEP-256":
            cek = self.private.decrypt(encrypted_key, _OAEP)
        else:
            epk = header["epk"]
            if epk.get("kty") != "EC" or epk.get("crv") != "P-256":
                raise Reject("epk")
            # from_encoded_point checks the point is on the curve (invalid-curve attack).
            point = b"\x04" + b64d(epk["x"]) + b64d(epk["y"])
            public = ec.EllipticCurvePublicKey.from_encoded_point(_P256, point)
            cek = aes_key_unwrap(_ecdh_kek(self.private, public, header, self.alg), encrypted_key)
        if len(cek) != 32:
            raise Reject("cek")
        return cek  # type: ignore[no-any-return]


class Floor(Library):
    """Hand-written pipeline; see the module docstring."""

    name = "floor"
    dist = "cryptography"
    import_stmt = (
        "import base64, hashlib, hmac, json, os, time; "
        "from cryptography.exceptions import InvalidSignature; "
        "from cryptography.hazmat.primitives import hashes, serialization, keywrap; "
        "from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils; "
        "from cryptography.hazmat.primitives.ciphers.aead import AESGCM"
    )

    def encoder(self, alg: str, pem: bool) -> Encoder:
        km = self.fx.sig_keys[alg]
        if not pem:
            return jws_encoder(alg, signer(alg, km.private), self.fx.claims)
        if km.kty == "oct":
            return super().encoder(alg, pem)
        load = serialization.load_pem_private_key
        return jws_encoder(
            alg, lambda data: signer(alg, load(km.private_pem, None))(data), self.fx.claims
        )

    def decoder(self, alg: str, pem: bool) -> Decoder:
        km = self.fx.sig_keys[alg]
        fx = self.fx
        if not pem:
            return jws_decoder(alg, checker(alg, km.public), fx.issuer, fx.audience)
        if km.kty == "oct":
            return super().decoder(alg, pem)
        load = serialization.load_pem_public_key

        def check(data: bytes, sig: bytes) -> None:
            checker(alg, load(km.public_pem))(data, sig)

        return jws_decoder(alg, check, fx.issuer, fx.audience)

    def jwks_decoder(self) -> Decoder:
        keys = zip(self.fx.jwks_kids, self.fx.jwks_keys, strict=True)
        by_kid = {kid: checker("RS256", km.public) for kid, km in keys}
        return jws_decoder("RS256", None, self.fx.issuer, self.fx.audience, by_kid)

    def encrypter(self, alg: str, enc: str) -> Encoder:
        km = self.fx.jwe_keys[alg]
        cek_handler = _JweCek(alg, km.private, km.public)
        plaintext = self.fx.plaintext

        def encrypt() -> str:
            header: dict[str, Any] = {"alg": alg, "enc": enc}
            cek, encrypted_key = cek_handler.wrap(header)
            protected = b64e(json.dumps(header, separators=_SEP).encode())
            iv = os.urandom(12)
            sealed = cek_handler.aead(cek).encrypt(iv, plaintext, protected)
            parts = (
                protected,
                b64e(encrypted_key),
                b64e(iv),
                b64e(sealed[:-16]),
                b64e(sealed[-16:]),
            )
            return b".".join(parts).decode("ascii")

        return encrypt

    def decrypter(self, alg: str, enc: str) -> Decrypter:
        km = self.fx.jwe_keys[alg]
        cek_handler = _JweCek(alg, km.private, km.public)

        def decrypt(token: str) -> bytes:
            parts = token.split(".")
            if len(parts) != 5:
                raise Reject("segments")
            header = json.loads(b64d(parts[0]))
            if not isinstance(header, dict) or header.get("alg") != alg or header.get("enc") != enc:
                raise Reject("alg/enc")
            cek = cek_handler.unwrap(header, b64d(parts[1]))
            iv, tag = b64d(parts[2]), b64d(parts[4])
            if len(iv) != 12 or len(tag) != 16:
                raise Reject("iv/tag length")
            return cek_handler.aead(cek).decrypt(iv, b64d(parts[3]) + tag, parts[0].encode("ascii"))

        return decrypt

    def pem_importer(self, kty: str) -> Callable[[], object]:
        pem = self.fx.sig_keys["RS256" if kty == "RSA" else "ES256"].private_pem
        return lambda: serialization.load_pem_private_key(pem, None)

    def verifier(self, alg: str, cache: bool) -> Decoder:
        # The floor has no cache: in the cache rows it shows the cost of doing the work.
        return self.decoder(alg, pem=False)
