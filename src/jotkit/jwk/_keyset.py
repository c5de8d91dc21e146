"""``KeySet``: a JWK Set (RFC 7517 section 5), indexed by ``kid`` for selection."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NoReturn

from .. import _json
from .._frozen import Frozen
from ..errors import InvalidKeyError, KeyNotFoundError, MultipleKeysMatchedError
from ..jwa import Operation
from ._key import AlgorithmDescriptor, Key
from ._material import CURVES, KEY_TYPES

__all__ = ["KeySet", "Skipped"]


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


class Skipped(Frozen):
    """A member of a JWK Set that was not imported, and why.

    Attributes:
        index: its position in the set's ``keys`` list.
        kid: its ``kid`` when it has a string one, else None.
        reason: what is wrong with it (never key material).
    """

    index: int
    kid: str | None
    reason: str

    __slots__ = ("index", "kid", "reason")


def _akp_available() -> bool:
    from ._akp import available  # ML-DSA loads with the first AKP key, not with jotkit

    return available()


class KeySet:
    """An immutable set of keys; selection is by ``kid`` and then by fit, never by trial.

    Raises:
        TypeError: a member is not a Key.
        ValueError: the keys mix public keys with secret (oct or private) ones: a set of
            published keys with a secret in it publishes the secret.
    """

    __slots__ = ("_by_kid", "_keys", "_skipped")

    _by_kid: dict[str | None, tuple[Key, ...]]
    _keys: tuple[Key, ...]
    _skipped: tuple[Skipped, ...]

    def __init__(self, keys: Iterable[Key], *, skipped: Iterable[Skipped] = ()) -> None:
        members = tuple(keys)
        for key in members:
            if not isinstance(key, Key):
                raise TypeError("a KeySet holds Key objects")
        # As from_jwks: public keys are meant to be published, and a secret (an oct key,
        # or a private key) among them is one everyone may end up holding; with an oct
        # key there, a forged HS256 token verifies (Wycheproof MixedKeySet).
        if len({key.is_private for key in members}) > 1:
            raise ValueError(
                "a KeySet must not mix public keys with secrets (oct or private keys): "
                "keep them in two sets"
            )
        by_kid: dict[str | None, list[Key]] = {}
        for key in members:
            by_kid.setdefault(key.kid, []).append(key)
        setattr_ = object.__setattr__
        setattr_(self, "_keys", members)
        setattr_(self, "_skipped", tuple(skipped))
        setattr_(self, "_by_kid", {kid: tuple(group) for kid, group in by_kid.items()})

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("KeySet is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("KeySet is immutable")

    @classmethod
    def from_jwks(
        cls,
        jwks: Mapping[str, Any] | str | bytes,
        *,
        allow_weak: bool = False,
        strict: bool = False,
    ) -> KeySet:
        """Import a JWK Set. A member jotkit cannot use (an unknown type or curve, or an
        invalid key: a bad ``x5c``, an off-curve point) is skipped and listed in
        :attr:`skipped`, so that one odd key from an identity provider does not break
        every login; ``strict=True`` refuses the whole set for an invalid key instead.

        Raises:
            InvalidKeyError: not a JWK Set; the set mixes public keys with secret or
                private ones; or, with ``strict``, an invalid key of a supported type.
            MalformedError: the JSON text is not strict JSON.
        """
        if isinstance(jwks, str | bytes):
            jwks = _json.loads(jwks)
        if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
            raise InvalidKeyError("a JWK Set is an object with a 'keys' list")
        keys: list[Key] = []
        skipped: list[Skipped] = []
        for index, jwk in enumerate(jwks["keys"]):
            reason = _unsupported(jwk)
            if reason is None:
                try:
                    keys.append(Key.from_jwk(jwk, allow_weak=allow_weak))
                    continue
                except InvalidKeyError as exc:
                    if strict:
                        raise
                    reason = exc.message
            kid = jwk.get("kid") if isinstance(jwk, Mapping) else None
            skipped.append(Skipped(index, kid if isinstance(kid, str) else None, reason))
        # A set that holds public keys is one meant to be published; a secret in it is a
        # secret everyone knows, and anyone can forge HS256 tokens with a published oct key
        # (Wycheproof MixedKeySet). A set of secrets with public-only keys is mishandled
        # either way, so the whole document is refused rather than the odd key dropped.
        secrets = {key.is_private for key in keys}
        if len(secrets) > 1:
            raise InvalidKeyError("a JWK Set must not mix public keys with secret or private keys")
        return cls(keys, skipped=skipped)

    def to_jwks(self, *, private: bool = False) -> dict[str, Any]:
        """Export as a JWK Set dict."""
        return {"keys": [key.to_jwk(private=private) for key in self._keys]}

    @property
    def skipped(self) -> tuple[Skipped, ...]:
        """Each member skipped on import: ``.index``, ``.kid``, ``.reason``."""
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
                raise KeyNotFoundError(
                    f"no key has the token's kid {kid!r} ({self._kids()})", kid=kid
                )
        else:
            candidates = self._keys
        fitting = [key for key in candidates if key.fits(op, descriptor)]
        if not fitting:
            if len(candidates) == 1:
                candidates[0].check(op, descriptor)  # raises the precise reason
            raise KeyNotFoundError(f"no key fits {descriptor.name} ({self._kids()})", kid=kid)
        if len(fitting) > 1:
            if kid is None:
                raise MultipleKeysMatchedError(
                    f"the token has no kid, and {len(fitting)} keys fit {descriptor.name}: "
                    "sign with a kid, or pass the one key"
                )
            raise MultipleKeysMatchedError(kid=kid)
        return fitting[0]

    def _kids(self) -> str:
        """The set's kids, for an error message (a count when there are many)."""
        kids = sorted(kid for kid in self._by_kid if kid is not None)
        if not kids:
            return f"the set has {len(self._keys)} keys, none with a kid"
        if len(kids) > 5:
            return f"the set has {len(kids)} kids"
        return "the set has " + ", ".join(repr(kid) for kid in kids)

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
