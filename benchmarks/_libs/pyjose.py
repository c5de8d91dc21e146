"""python-jose: ``jose.jwt.encode`` / ``jose.jwt.decode``; ``jose.jwe`` for JWE.

Pre-loaded keys are ``jose.jwk`` key objects; PEM rows pass PEM bytes, parsed per call.
python-jose has no PS256, EdDSA or ECDH-ES. Given a JWKS it would try every key, so the
JWKS row selects by ``kid`` first (as for PyJWT). ``jwe.decrypt`` takes no allow-list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jose import jwe, jwk, jwt

from ._base import Decoder, Decrypter, Encoder, Library, Unsupported

__all__ = ["PythonJose"]

_SUPPORTED = frozenset({"HS256", "RS256", "ES256", "dir", "RSA-OAEP-256"})


class PythonJose(Library):
    """python-jose adapter."""

    name = "python-jose"
    dist = "python-jose"
    import_stmt = "from jose import jwe, jwt"

    def _need(self, alg: str, pem: bool = False) -> None:
        if alg not in _SUPPORTED:
            raise Unsupported(f"{alg} not supported")
        if pem and alg == "HS256":
            raise Unsupported("no PEM for oct")

    def encoder(self, alg: str, pem: bool) -> Encoder:
        self._need(alg, pem)
        km = self.fx.sig_keys[alg]
        key = km.private_pem if pem else jwk.construct(km.private_pem or km.private, alg)
        claims = self.fx.claims
        return lambda: jwt.encode(claims, key, algorithm=alg)

    def _decode_with(self, key_fn: Callable[[str], Any], alg: str) -> Decoder:
        algorithms = [alg]
        iss, aud = self.fx.issuer, self.fx.audience

        def decode(token: str) -> dict[str, Any]:
            key = key_fn(token)
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=algorithms, issuer=iss, audience=aud
            )
            return claims

        return decode

    def decoder(self, alg: str, pem: bool) -> Decoder:
        self._need(alg, pem)
        km = self.fx.sig_keys[alg]
        key = km.public_pem if pem else jwk.construct(km.public_pem or km.public, alg)
        return self._decode_with(lambda _token: key, alg)

    def jwks_decoder(self) -> Decoder:
        keys = {
            kid: jwk.construct(km.public_pem, "RS256")
            for kid, km in zip(self.fx.jwks_kids, self.fx.jwks_keys, strict=True)
        }
        return self._decode_with(
            lambda token: keys[jwt.get_unverified_header(token)["kid"]], "RS256"
        )

    def _jwe_key(self, alg: str, private: bool) -> Any:
        self._need(alg)
        km = self.fx.jwe_keys[alg]
        return km.private if private else km.public

    def encrypter(self, alg: str, enc: str) -> Encoder:
        key, plaintext = self._jwe_key(alg, private=False), self.fx.plaintext
        return lambda: jwe.encrypt(plaintext, key, encryption=enc, algorithm=alg).decode()

    def decrypter(self, alg: str, enc: str) -> Decrypter:
        key = self._jwe_key(alg, private=True)
        return lambda token: jwe.decrypt(token, key)

    def pem_importer(self, kty: str) -> Callable[[], object]:
        alg = "RS256" if kty == "RSA" else "ES256"
        pem = self.fx.sig_keys[alg].private_pem
        return lambda: jwk.construct(pem, alg)
