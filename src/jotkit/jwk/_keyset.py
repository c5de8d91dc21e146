"""``KeySet``: a JWK Set (RFC 7517 section 5), indexed by ``kid`` for selection."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .. import _json
from ..errors import InvalidKeyError, KeyNotFoundError, MultipleKeysMatchedError
from ..jwa import Operation
from ._key import AlgorithmDescriptor, Key
from ._material import CURVES, KEY_TYPES

__all__ = ["KeySet"]


def _unsupported(jwk: Any) -> str | None:
    """Why a set member is skipped rather than fatal, or None when jotkit can use it."""
    if not isinstance(jwk, Mapping):
        return "not a JSON object"
    # Type checks first: a list or object would make the set look-ups raise TypeError.
    kty = jwk.get("kty")
    if not isinstance(kty, str) or kty not in KEY_TYPES:
        return f"unsupported key type {kty!r}"
    crv = jwk.get("crv")
    if kty in ("EC", "OKP") and (not isinstance(crv, str) or crv not in CURVES):
        return f"unsupported curve {crv!r}"
    if kty == "AKP" and not _akp_available():
        return "unsupported key type 'AKP': ML-DSA needs cryptography>=48 on OpenSSL>=3.5"
    return None


def _akp_available() -> bool:
    from ._akp import available  # ML-DSA loads with the first AKP key, not with jotkit

    return available()


class KeySet:
    """An immutable set of keys; selection is by ``kid`` and then by fit, never by trial."""

    __slots__ = ("_by_kid", "_keys", "_skipped")

    def __init__(self, keys: Iterable[Key], *, skipped: Iterable[tuple[int, str]] = ()) -> None:
        self._keys = tuple(keys)
        for key in self._keys:
            if not isinstance(key, Key):
                raise TypeError("a KeySet holds Key objects")
        self._skipped = tuple(skipped)
        by_kid: dict[str | None, list[Key]] = {}
        for key in self._keys:
            by_kid.setdefault(key.kid, []).append(key)
        self._by_kid = {kid: tuple(keys) for kid, keys in by_kid.items()}

    @classmethod
    def from_jwks(
        cls, jwks: Mapping[str, Any] | str | bytes, *, allow_weak: bool = False
    ) -> KeySet:
        """Import a JWK Set. Keys of unknown types or curves are skipped and listed.

        Raises:
            InvalidKeyError: not a JWK Set, a key of a supported type is invalid, or the
                set mixes public keys with secret ones (oct or private keys).
            MalformedError: the JSON text is not strict JSON.
        """
        if isinstance(jwks, str | bytes):
            jwks = _json.loads(jwks)
        if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
            raise InvalidKeyError("a JWK Set is an object with a 'keys' list")
        keys, skipped = [], []
        for index, jwk in enumerate(jwks["keys"]):
            reason = _unsupported(jwk)
            if reason is None:
                keys.append(Key.from_jwk(jwk, allow_weak=allow_weak))
            else:
                skipped.append((index, reason))
        # A set that holds public keys is one meant to be published; a secret in it is a
        # secret everyone knows, and anyone can forge HS256 tokens with a published oct key
        # (Wycheproof MixedKeySet). A set of secrets with public-only keys is mishandled
        # either way, so the whole document is refused rather than the odd key dropped.
        secrets = {key.is_private for key in keys}
        if len(secrets) > 1:
            raise InvalidKeyError("a JWK Set must not mix public keys with secret or private keys")
        return cls(keys, skipped=skipped)

    def to_jwks(self, private: bool = False) -> dict[str, Any]:
        """Export as a JWK Set dict."""
        return {"keys": [key.to_jwk(private=private) for key in self._keys]}

    @property
    def skipped(self) -> tuple[tuple[int, str], ...]:
        """The (index, reason) of each member skipped on import."""
        return self._skipped

    def __iter__(self) -> Iterator[Key]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, index: int) -> Key:
        return self._keys[index]

    def __repr__(self) -> str:
        return f"KeySet({len(self._keys)} keys)"

    def find(
        self, *, kid: str | None = None, alg: str | None = None, use: str | None = None
    ) -> list[Key]:
        """Return the keys with this ``kid``, fit for ``alg``, and of this ``use``."""
        keys: Iterable[Key] = self._keys if kid is None else self._by_kid.get(kid, ())
        if use is not None:
            keys = [k for k in keys if k.use in (None, use)]
        if alg is not None:
            from ._generate import descriptors

            fitting = [d for d in descriptors() if d.name == alg]
            keys = [k for k in keys if any(_fits_any(k, d) for d in fitting)]
        return list(keys)

    def select(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """Select the one key for a token: by ``kid``, then by fit to the algorithm.

        Raises:
            KeyNotFoundError: no key matches.
            MultipleKeysMatchedError: several keys match (jotkit never tries them all).
        """
        kid = header.get("kid")
        if kid is not None:
            if not isinstance(kid, str):
                raise KeyNotFoundError("the token's kid is not a string")
            candidates = self._by_kid.get(kid, ())
            if not candidates:
                raise KeyNotFoundError("no key has the token's kid")
        else:
            candidates = self._keys
        fitting = [key for key in candidates if key.fits(op, descriptor)]
        if not fitting:
            if len(candidates) == 1:
                candidates[0].check(op, descriptor)  # raises the precise reason
            raise KeyNotFoundError(f"no key fits {descriptor.name}")
        if len(fitting) > 1:
            raise MultipleKeysMatchedError()
        return fitting[0]

    # A KeySet is a key source (DESIGN section 1): selection is its answer.
    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The one key for a token with ``header``: :meth:`select`."""
        return self.select(header, op, descriptor)

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """:meth:`select`, awaitable (a local set does no I/O)."""
        return self.select(header, op, descriptor)


def _fits_any(key: Key, descriptor: AlgorithmDescriptor) -> bool:
    return any(key.fits(op, descriptor) for op in ("verify", "sign", "encrypt", "decrypt"))
