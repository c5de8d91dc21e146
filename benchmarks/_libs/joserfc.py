"""joserfc: ``jwt.encode`` / ``jwt.decode`` plus ``JWTClaimsRegistry.validate``.

Registries (allowed algorithms, required claims) are built once, which is joserfc's
fastest documented usage. joserfc takes no PEM in ``decode``: the PEM rows import the key
with ``*Key.import_key`` inside the call. Its ``EdDSA`` emits a ``SecurityWarning`` on
each use (RFC 9864 deprecates the name); the harness ignores that warning category, the
``warnings.warn`` call itself is part of the measured cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joserfc import jwe, jwt
from joserfc.jwk import ECKey, KeySet, OctKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from .._fixtures import KeyMaterial
from ._base import Decoder, Decrypter, Encoder, Library, Unsupported

__all__ = ["Joserfc"]

_KEY_CLASSES: dict[str, Any] = {"oct": OctKey, "RSA": RSAKey, "EC": ECKey, "OKP": OKPKey}


def _importer(km: KeyMaterial, private: bool) -> Callable[[], Any]:
    cls = _KEY_CLASSES[km.kty]
    if km.kty == "oct":
        secret = km.private
        return lambda: cls.import_key(secret)
    pem = km.private_pem if private else km.public_pem
    return lambda: cls.import_key(pem)


class Joserfc(Library):
    """joserfc adapter."""

    name = "joserfc"
    dist = "joserfc"
    import_stmt = "from joserfc import jwt, jwe, jwk"

    def _claims_registry(self) -> jwt.JWTClaimsRegistry:
        return jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.fx.issuer},
            aud={"essential": True, "value": self.fx.audience},
        )

    def encoder(self, alg: str, pem: bool) -> Encoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        load = _importer(km, private=True)
        registry = JWSRegistry(algorithms=[alg])
        header, claims = {"alg": alg}, self.fx.claims
        if pem:
            return lambda: jwt.encode(header, claims, load(), registry=registry)
        key = load()
        return lambda: jwt.encode(header, claims, key, registry=registry)

    def _decoder(self, key_fn: Callable[[], Any], alg: str) -> Decoder:
        registry = JWSRegistry(algorithms=[alg])
        claims_registry = self._claims_registry()

        def decode(token: str) -> dict[str, Any]:
            claims = jwt.decode(token, key_fn(), registry=registry).claims
            claims_registry.validate(claims)
            return claims

        return decode

    def decoder(self, alg: str, pem: bool) -> Decoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        load = _importer(km, private=False)
        if pem:
            return self._decoder(load, alg)
        key = load()
        return self._decoder(lambda: key, alg)

    def jwks_decoder(self) -> Decoder:
        key_set = KeySet.import_key_set(self.fx.jwks)  # type: ignore[arg-type]
        return self._decoder(lambda: key_set, "RS256")

    def encrypter(self, alg: str, enc: str) -> Encoder:
        km = self.fx.jwe_keys[alg]
        key = _KEY_CLASSES[km.kty].import_key(km.public_pem or km.private)
        registry = jwe.JWERegistry(algorithms=[alg, enc])
        header, plaintext = {"alg": alg, "enc": enc}, self.fx.plaintext
        return lambda: jwe.encrypt_compact(header, plaintext, key, registry=registry)

    def decrypter(self, alg: str, enc: str) -> Decrypter:
        km = self.fx.jwe_keys[alg]
        key = _importer(km, private=True)()
        registry = jwe.JWERegistry(algorithms=[alg, enc])

        def decrypt(token: str) -> bytes:
            plaintext = jwe.decrypt_compact(token, key, registry=registry).plaintext
            assert plaintext is not None
            return plaintext

        return decrypt

    def pem_importer(self, kty: str) -> Callable[[], object]:
        return _importer(self.fx.sig_keys["RS256" if kty == "RSA" else "ES256"], private=True)
