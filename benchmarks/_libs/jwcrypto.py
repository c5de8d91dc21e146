"""jwcrypto: ``jwt.JWT`` with ``algs`` and ``check_claims``; ``jwe.JWE`` for JWE.

``check_claims`` requires ``iss`` and ``aud`` by value and ``exp`` present (jwcrypto then
checks it against the clock with its default 60 s leeway). ``expected_type="JWS"`` closes
token substitution. The claims come back as a JSON string, so the decode callable also
parses them, as every user must. PEM rows import with ``JWK.from_pem`` inside the call.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jwcrypto import jwe, jwk, jwt

from .._fixtures import KeyMaterial
from ._base import Decoder, Decrypter, Encoder, Library, Unsupported

__all__ = ["Jwcrypto"]


def _importer(km: KeyMaterial, private: bool) -> Callable[[], jwk.JWK]:
    if km.kty == "oct":
        key = km.private_jwk
        return lambda: jwk.JWK(**key)
    pem = km.private_pem if private else km.public_pem
    return lambda: jwk.JWK.from_pem(pem)


class Jwcrypto(Library):
    """jwcrypto adapter."""

    name = "jwcrypto"
    dist = "jwcrypto"
    import_stmt = "from jwcrypto import jwe, jwk, jwt"

    def encoder(self, alg: str, pem: bool) -> Encoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        load = _importer(km, private=True)
        header, claims = {"alg": alg, "typ": "JWT"}, self.fx.claims
        key = None if pem else load()

        def encode() -> str:
            token = jwt.JWT(header=header, claims=claims)
            token.make_signed_token(load() if key is None else key)
            return token.serialize()  # type: ignore[no-any-return]

        return encode

    def _decoder(self, key_fn: Callable[[], Any], alg: str) -> Decoder:
        algs = [alg]
        check = {"iss": self.fx.issuer, "aud": self.fx.audience, "exp": None}

        def decode(token: str) -> dict[str, Any]:
            parsed = jwt.JWT(
                jwt=token, key=key_fn(), algs=algs, check_claims=check, expected_type="JWS"
            )
            return json.loads(parsed.claims)  # type: ignore[no-any-return]

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
        key_set = jwk.JWKSet.from_json(json.dumps(self.fx.jwks))
        return self._decoder(lambda: key_set, "RS256")

    def encrypter(self, alg: str, enc: str) -> Encoder:
        km = self.fx.jwe_keys[alg]
        key = _importer(km, private=False)()
        protected = json.dumps({"alg": alg, "enc": enc})
        plaintext = self.fx.plaintext

        def encrypt() -> str:
            token = jwe.JWE(plaintext, protected=protected)
            token.add_recipient(key)
            return token.serialize(compact=True)  # type: ignore[no-any-return]

        return encrypt

    def decrypter(self, alg: str, enc: str) -> Decrypter:
        key = _importer(self.fx.jwe_keys[alg], private=True)()
        algs = [alg, enc]

        def decrypt(token: str) -> bytes:
            message = jwe.JWE(algs=algs)
            message.deserialize(token, key)
            return message.payload  # type: ignore[no-any-return]

        return decrypt

    def pem_importer(self, kty: str) -> Callable[[], object]:
        return _importer(self.fx.sig_keys["RS256" if kty == "RSA" else "ES256"], private=True)
