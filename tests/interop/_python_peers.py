"""The Python peers: PyJWT (JWS only), jwcrypto and joserfc, behind one batch interface.

Each adapter calls the library's public API the way its users do, names the algorithm
in the library's allow-list where it has one (jwcrypto refuses RSA1_5 unless listed,
joserfc every algorithm it does not recommend), and says which of its errors mean "this
library does not support that algorithm": its other errors are failures to explain.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import joserfc.errors
import jwt.algorithms  # also binds `jwt`; ruff would sort a bare `import jwt` as local
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x448, x25519
from joserfc import jwe as rfc_jwe
from joserfc import jwk as rfc_jwk
from joserfc import jws as rfc_jws
from jwcrypto import common as jwc_common
from jwcrypto import jwe as jwc_jwe
from jwcrypto import jwk as jwc_jwk
from jwcrypto import jws as jwc_jws

from ._keys import KINDS, KeyKind
from ._model import ImportRequest, Outcome, Request, TokenRequest, describe

__all__ = ["JWCryptoPeer", "JoserfcPeer", "PyJWTPeer"]

Exported = dict[str, Any]


class PythonPeer:
    """Runs requests one by one and turns every exception into an :class:`Outcome`."""

    name = ""
    #: Warnings the library emits on purpose for deprecated algorithms (the test suite
    #: turns warnings into errors; the library still does the operation).
    quiet: tuple[type[Warning], ...] = ()

    def run(self, requests: Sequence[Request]) -> list[Outcome]:
        """Run each request; never raise for a request that fails."""
        return [self._attempt(request) for request in requests]

    def _attempt(self, request: Request) -> Outcome:
        try:
            with warnings.catch_warnings():
                for category in self.quiet:
                    warnings.simplefilter("ignore", category)
                value = self._dispatch(request)
        except Exception as exc:
            return Outcome(error=describe(exc), unsupported=self.unsupported(exc))
        return Outcome(value=value)

    def _dispatch(self, request: Request) -> bytes | Exported:
        if isinstance(request, TokenRequest):
            operation = getattr(self, request.op)
            result: bytes = operation(request)
            return result
        if isinstance(request, ImportRequest):
            return self.import_key(request)
        return self.generate(KINDS[request.kind])

    def unsupported(self, exc: Exception) -> bool:
        """Whether ``exc`` is the library saying it does not support the algorithm or key."""
        raise NotImplementedError

    def import_key(self, request: ImportRequest) -> Exported:
        """Import a jotkit key and export it again as the library's own JWK."""
        raise NotImplementedError

    def generate(self, kind: KeyKind) -> Exported:
        """Generate a key and export it: ``jwk``, and for key pairs ``public_jwk``,
        ``pkcs8`` and ``spki``."""
        raise NotImplementedError


def _crypto_private_key(kind: KeyKind) -> Any:
    """A new ``cryptography`` private key of ``kind`` (how PyJWT users make keys)."""
    if kind.kty == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=kind.bits)
    curves: dict[str, Any] = {
        "P-256": ec.SECP256R1,
        "P-384": ec.SECP384R1,
        "P-521": ec.SECP521R1,
        "secp256k1": ec.SECP256K1,
    }
    if kind.crv in curves:
        return ec.generate_private_key(curves[kind.crv]())
    okp: dict[str, Any] = {
        "Ed25519": ed25519.Ed25519PrivateKey,
        "Ed448": ed448.Ed448PrivateKey,
        "X25519": x25519.X25519PrivateKey,
        "X448": x448.X448PrivateKey,
    }
    return okp[str(kind.crv)].generate()


def _pem(key: Any, private: bool) -> bytes:
    if private:
        return bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


class PyJWTPeer(PythonPeer):
    """PyJWT: JWS only; JWK through ``PyJWK`` and PEM through its algorithm objects."""

    name = "PyJWT"

    def __init__(self) -> None:
        self._jws = jwt.PyJWS()

    @staticmethod
    def _algorithm(alg: str) -> Any:
        # The same registry look-up PyJWK and PyJWS.encode do, with the same error.
        found = jwt.algorithms.get_default_algorithms().get(alg)
        if found is None:
            raise jwt.exceptions.PyJWKError(f"Unable to find an algorithm for {alg}")
        return found

    def sign(self, request: TokenRequest) -> bytes:
        key = jwt.PyJWK(dict(request.jwk), algorithm=request.alg).key
        return self._jws.encode(request.data, key, algorithm=request.alg).encode("ascii")

    def verify(self, request: TokenRequest) -> bytes:
        key = jwt.PyJWK(dict(request.jwk), algorithm=request.alg).key
        payload: bytes = self._jws.decode(request.data, key, algorithms=[request.alg])
        return payload

    def import_key(self, request: ImportRequest) -> Exported:
        algorithm = self._algorithm(KINDS[request.kind].alg)
        if isinstance(request.key, bytes):
            key = algorithm.prepare_key(request.key)
        else:
            key = jwt.PyJWK(dict(request.key), algorithm=KINDS[request.kind].alg).key
        exported: Exported = algorithm.to_jwk(key, as_dict=True)
        return exported

    def generate(self, kind: KeyKind) -> Exported:
        algorithm = self._algorithm(kind.alg)
        if kind.kty == "oct":
            return {"jwk": algorithm.to_jwk(os.urandom(kind.bits // 8), as_dict=True)}
        private = _crypto_private_key(kind)
        return {
            "jwk": algorithm.to_jwk(private, as_dict=True),
            "public_jwk": algorithm.to_jwk(private.public_key(), as_dict=True),
            "pkcs8": _pem(private, True),
            "spki": _pem(private.public_key(), False),
        }

    def unsupported(self, exc: Exception) -> bool:
        message = str(exc)
        if isinstance(exc, jwt.exceptions.PyJWKError):
            return message.startswith("Unable to find an algorithm")
        if isinstance(exc, NotImplementedError | jwt.exceptions.InvalidAlgorithmError):
            return message == "Algorithm not supported"
        return False


class JWCryptoPeer(PythonPeer):
    """jwcrypto: JWS and JWE, every algorithm allowed explicitly (RSA1_5 is off by default)."""

    name = "jwcrypto"

    def sign(self, request: TokenRequest) -> bytes:
        token = jwc_jws.JWS(request.data)
        token.allowed_algs = [request.alg]
        token.add_signature(
            jwc_jwk.JWK(**request.jwk), alg=request.alg, protected={"alg": request.alg}
        )
        return str(token.serialize(compact=True)).encode("ascii")

    def verify(self, request: TokenRequest) -> bytes:
        token = jwc_jws.JWS()
        token.allowed_algs = [request.alg]
        token.deserialize(request.data.decode("ascii"))
        token.verify(jwc_jwk.JWK(**request.jwk), alg=request.alg)
        return bytes(token.payload)

    def encrypt(self, request: TokenRequest) -> bytes:
        header = json.dumps({"alg": request.alg, "enc": request.enc})
        token = jwc_jwe.JWE(request.data, protected=header)
        token.allowed_algs = [request.alg, str(request.enc)]
        token.add_recipient(jwc_jwk.JWK(**request.jwk))
        return str(token.serialize(compact=True)).encode("ascii")

    def decrypt(self, request: TokenRequest) -> bytes:
        token = jwc_jwe.JWE()
        token.allowed_algs = [request.alg, str(request.enc)]
        token.deserialize(request.data.decode("ascii"), key=jwc_jwk.JWK(**request.jwk))
        return bytes(token.payload)

    def import_key(self, request: ImportRequest) -> Exported:
        if isinstance(request.key, bytes):
            key = jwc_jwk.JWK.from_pem(request.key)
        else:
            key = jwc_jwk.JWK(**request.key)
        if request.private:  # export(), not export_private(): that refuses secrets
            exported: Exported = key.export(private_key=True, as_dict=True)
        else:
            exported = key.export_public(as_dict=True)
        return exported

    def generate(self, kind: KeyKind) -> Exported:
        if kind.kty in ("RSA", "oct"):
            key = jwc_jwk.JWK.generate(kty=kind.kty, size=kind.bits)
        elif kind.kty == "AKP":  # the parameter set is the alg (RFC 9964)
            key = jwc_jwk.JWK.generate(kty=kind.kty, alg=kind.alg)
        else:
            key = jwc_jwk.JWK.generate(kty=kind.kty, crv=kind.crv)
        exported: Exported = {"jwk": key.export(private_key=True, as_dict=True)}
        if kind.kty != "oct":
            exported["public_jwk"] = key.export_public(as_dict=True)
            exported["pkcs8"] = key.export_to_pem(private_key=True, password=None)
            exported["spki"] = key.export_to_pem()
        return exported

    def unsupported(self, exc: Exception) -> bool:
        return isinstance(exc, jwc_common.InvalidJWAAlgorithm)


# joserfc's key classes by kty (typed Any: its overloads want literal arguments).
_RFC_KEYS: dict[str, Any] = {
    "RSA": rfc_jwk.RSAKey,
    "EC": rfc_jwk.ECKey,
    "OKP": rfc_jwk.OKPKey,
    "oct": rfc_jwk.OctKey,
}
# joserfc's module-level import and generate, for key types it has no class for (AKP).
_RFC_ANY_KEY: Any = rfc_jwk


class JoserfcPeer(PythonPeer):
    """joserfc: JWS and JWE, with the algorithms listed (it refuses unlisted ones)."""

    name = "joserfc"
    quiet = (joserfc.errors.SecurityWarning,)

    @staticmethod
    def _key(jwk: Mapping[str, Any]) -> Any:
        kty = str(jwk["kty"])
        if kty not in _RFC_KEYS:  # e.g. AKP (ML-DSA): joserfc's own import says so
            return _RFC_ANY_KEY.import_key(dict(jwk))
        return _RFC_KEYS[kty].import_key(dict(jwk))

    def sign(self, request: TokenRequest) -> bytes:
        key = self._key(request.jwk)
        token: str = rfc_jws.serialize_compact(
            {"alg": request.alg}, request.data, key, algorithms=[request.alg]
        )
        return token.encode("ascii")

    def verify(self, request: TokenRequest) -> bytes:
        key = self._key(request.jwk)
        result = rfc_jws.deserialize_compact(request.data, key, algorithms=[request.alg])
        return bytes(result.payload)

    def encrypt(self, request: TokenRequest) -> bytes:
        key = self._key(request.jwk)
        header = {"alg": request.alg, "enc": request.enc}
        allowed = [request.alg, str(request.enc)]
        token: str = rfc_jwe.encrypt_compact(header, request.data, key, algorithms=allowed)
        return token.encode("ascii")

    def decrypt(self, request: TokenRequest) -> bytes:
        key = self._key(request.jwk)
        allowed = [request.alg, str(request.enc)]
        result = rfc_jwe.decrypt_compact(request.data, key, algorithms=allowed)
        return bytes(result.plaintext or b"")

    def import_key(self, request: ImportRequest) -> Exported:
        kind = KINDS[request.kind]
        data = request.key if isinstance(request.key, bytes) else dict(request.key)
        if kind.kty not in _RFC_KEYS:  # e.g. AKP (ML-DSA): joserfc's own import says so
            key = _RFC_ANY_KEY.import_key(data, kind.kty)
        else:
            key = _RFC_KEYS[kind.kty].import_key(data)
        exported: Exported = key.as_dict(private=request.private)
        return exported

    def generate(self, kind: KeyKind) -> Exported:
        size: str | int | None = kind.bits if kind.kty in ("RSA", "oct") else kind.crv
        if kind.kty not in _RFC_KEYS:  # e.g. AKP (ML-DSA): joserfc's own generate says so
            key = _RFC_ANY_KEY.generate_key(kind.kty)
        else:
            key = _RFC_KEYS[kind.kty].generate_key(size)
        exported: Exported = {"jwk": key.as_dict(private=True)}
        if kind.kty != "oct":
            exported["public_jwk"] = key.as_dict(private=False)
            exported["pkcs8"] = key.as_pem(private=True)
            exported["spki"] = key.as_pem(private=False)
        return exported

    def unsupported(self, exc: Exception) -> bool:
        if isinstance(exc, joserfc.errors.InvalidKeyTypeError):  # a kty it has no class for
            return True
        return isinstance(exc, joserfc.errors.UnsupportedAlgorithmError)
