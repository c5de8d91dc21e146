"""jotkit: ``jotkit.encode`` / ``jotkit.decode``, ``Verifier``, ``jotkit.jwe``.

Every name is resolved lazily (the top-level name first, then its home module, e.g.
``jotkit.jwt.decode``): a module or attribute that does not exist yet makes that
cell "n/a" instead of failing the run. Pre-loaded keys are ``Key`` objects; the PEM rows
call ``Key.from_pem`` inside the timed call (jotkit takes no PEM in ``decode``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .._fixtures import KeyMaterial
from ._base import Decoder, Decrypter, Encoder, Library, Unsupported

__all__ = ["Jotkit", "api"]

#: Sizes tried, in order, for the Verifier's ``cache=`` argument.
_CACHE_ARGS: tuple[Any, ...] = (1024, True)


def _resolve(dotted: str) -> Any:
    module_name, _, attr = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == "jotkit" or exc.name.startswith("jotkit.")):
            raise Unsupported(f"{dotted} not implemented yet") from None
        raise
    try:
        return getattr(module, attr)
    except AttributeError:
        raise Unsupported(f"{dotted} not implemented yet") from None


def api(dotted: str, *fallbacks: str) -> Any:
    """Resolve ``jotkit.x.y`` (else the first fallback that exists).

    Raises:
        Unsupported: none of the names exists yet.
    """
    for name in (dotted, *fallbacks):
        try:
            return _resolve(name)
        except Unsupported:
            continue
    raise Unsupported(f"{dotted} not implemented yet")


def _key_loader(km: KeyMaterial, private: bool) -> Callable[[], Any]:
    key_cls = api("jotkit.Key")
    if km.kty == "oct":
        secret = km.private
        return lambda: key_cls.from_secret(secret)
    pem = km.private_pem if private else km.public_pem
    return lambda: key_cls.from_pem(pem)


class Jotkit(Library):
    """jotkit adapter."""

    name = "jotkit"
    dist = "jotkit"
    import_stmt = "import jotkit"

    def encoder(self, alg: str, pem: bool) -> Encoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        encode, load, claims = (
            api("jotkit.encode", "jotkit.jwt.encode"),
            _key_loader(km, private=True),
            self.fx.claims,
        )
        if pem:
            return lambda: encode(claims, load(), alg=alg)
        key = load()
        return lambda: encode(claims, key, alg=alg)

    def _decoder(self, key_fn: Callable[[], Any], alg: str) -> Decoder:
        decode, algorithms = api("jotkit.decode", "jotkit.jwt.decode"), [alg]
        iss, aud = self.fx.issuer, self.fx.audience
        return lambda token: decode(
            token, key_fn(), algorithms=algorithms, issuer=iss, audience=aud
        )

    def decoder(self, alg: str, pem: bool) -> Decoder:
        km = self.fx.sig_keys[alg]
        if pem and km.kty == "oct":
            raise Unsupported("no PEM for oct")
        load = _key_loader(km, private=False)
        if pem:
            return self._decoder(load, alg)
        key = load()
        return self._decoder(lambda: key, alg)

    def jwks_decoder(self) -> Decoder:
        key_set = api("jotkit.KeySet").from_jwks(self.fx.jwks)
        return self._decoder(lambda: key_set, "RS256")

    def encrypter(self, alg: str, enc: str) -> Encoder:
        encrypt = api("jotkit.jwe.encrypt_compact")
        key = _key_loader(self.fx.jwe_keys[alg], private=False)()
        plaintext = self.fx.plaintext
        return lambda: encrypt(plaintext, key, alg=alg, enc=enc)

    def decrypter(self, alg: str, enc: str) -> Decrypter:
        decrypt = api("jotkit.jwe.decrypt_compact")
        key = _key_loader(self.fx.jwe_keys[alg], private=True)()
        algorithms, encryptions = [alg], [enc]
        return lambda token: (
            decrypt(token, key, algorithms=algorithms, encryptions=encryptions).plaintext
        )

    def pem_importer(self, kty: str) -> Callable[[], object]:
        return _key_loader(self.fx.sig_keys["RS256" if kty == "RSA" else "ES256"], private=True)

    def verifier(self, alg: str, cache: bool) -> Decoder:
        verifier_cls = api("jotkit.Verifier", "jotkit.jwt.Verifier")
        key = _key_loader(self.fx.sig_keys[alg], private=False)()
        policy: dict[str, Any] = {
            "algorithms": [alg],
            "issuer": self.fx.issuer,
            "audience": self.fx.audience,
        }
        if not cache:
            return verifier_cls(key, **policy).decode  # type: ignore[no-any-return]
        for size in _CACHE_ARGS:
            try:
                return verifier_cls(key, **policy, cache=size).decode  # type: ignore[no-any-return]
            except TypeError:
                continue
        raise Unsupported("Verifier has no cache= option yet")
