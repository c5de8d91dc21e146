"""PyJWT: ``jwt.encode`` / ``jwt.decode`` with algorithms, issuer and audience.

Pre-loaded keys are ``cryptography`` objects (PyJWT uses them as they are) and the raw
secret for HS256. PEM rows pass the PEM bytes, which PyJWT parses on every call. PyJWT
has no JWE. For a JWKS it selects by ``kid`` the way ``PyJWKClient`` does: read the
unverified header, look the key up, decode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jwt

from ._base import Decoder, Encoder, Library, Unsupported

__all__ = ["PyJWT"]


class PyJWT(Library):
    """PyJWT adapter."""

    name = "PyJWT"
    dist = "PyJWT"
    import_stmt = "import jwt"

    def encoder(self, alg: str, pem: bool) -> Encoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        key = km.private_pem if pem else km.private
        claims = self.fx.claims
        return lambda: jwt.encode(claims, key, algorithm=alg)

    def decoder(self, alg: str, pem: bool) -> Decoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        key = km.public_pem if pem else km.public
        algorithms = [alg]
        iss, aud = self.fx.issuer, self.fx.audience
        return lambda token: jwt.decode(token, key, algorithms=algorithms, issuer=iss, audience=aud)

    def jwks_decoder(self) -> Decoder:
        key_set = jwt.PyJWKSet.from_dict(self.fx.jwks)
        algorithms = ["RS256"]
        iss, aud = self.fx.issuer, self.fx.audience

        def decode(token: str) -> dict[str, Any]:
            key = key_set[jwt.get_unverified_header(token)["kid"]]
            return jwt.decode(token, key, algorithms=algorithms, issuer=iss, audience=aud)

        return decode

    def pem_importer(self, kty: str) -> Callable[[], object]:
        alg = "RS256" if kty == "RSA" else "ES256"
        algorithm = jwt.get_algorithm_by_name(alg)
        pem = self.fx.sig_keys[alg].private_pem
        return lambda: algorithm.prepare_key(pem)
