"""The key of a DPoP proof: the public JWK in its own header (RFC 9449 section 4.3).

A DPoP proof is self-signed by design: it proves possession of the key it carries,
and binding that key to anything (an access token's ``cnf.jkt``) is checked after. This
is the one place jotkit takes a key from a header, and only for the proof itself
(DESIGN section 3.3 still holds for every other token). The same parse reads the
holder key of an SD-JWT (``cnf.jwk``, RFC 7800 section 3.2) once its issuer's
signature verified: a key the issuer vouched for, never one a token offers itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._lru import LRU
from ..errors import InvalidKeyError
from ..jwa import Operation
from ..jwk import AlgorithmDescriptor, Key

__all__ = ["HeaderKey"]

# JWK members that carry private or symmetric key material (RFC 7518 section 6).
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
#: Parsed proof keys kept (clients reuse one key for many proofs).
KEY_CACHE_SIZE = 256

# A parsed key: (key, its RFC 7638 thumbprint, the checks it passed: (op, id of the
# algorithm's table entry) -> that entry). A key is immutable, so a check it passed
# passes again; the entry is compared by identity (table entries are not hashable).
_Parsed = tuple[Key, str, dict[tuple[Operation, int], AlgorithmDescriptor]]


class HeaderKey:
    """A key source answering with the public key in the proof's ``jwk`` header.

    Parsed keys are kept by their exact members (an LRU), with their thumbprint and the
    checks they passed: a key is derived only from those members, so a kept key is the
    key any parse would give.
    """

    __slots__ = ("_keys", "_label", "_missing", "_thumbprints")

    def __init__(
        self,
        label: str = "the DPoP proof's 'jwk'",
        missing: str = "a DPoP proof must carry its public key as a 'jwk' header",
    ) -> None:
        self._label = label
        self._missing = missing
        self._keys: LRU[tuple[tuple[str, Any], ...], _Parsed] = LRU(KEY_CACHE_SIZE)
        self._thumbprints: LRU[int, _Parsed] = LRU(KEY_CACHE_SIZE)

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The proof's public key, checked to fit ``descriptor``.

        Raises:
            InvalidKeyError: no ``jwk``, private or symmetric members, or an invalid key.
            AlgorithmNotAllowedError: the key is bound to another ``alg``.
        """
        key, _, passed = self.parse(header.get("jwk"))
        use = (op, id(descriptor))
        if passed.get(use) is not descriptor:
            key.check(op, descriptor)
            passed[use] = descriptor
        return key

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        return self.key_for(header, op, descriptor)

    def parse(self, jwk: object) -> _Parsed:
        """The key, its RFC 7638 thumbprint and the checks it passed, for a header's
        ``jwk`` member.

        Raises:
            InvalidKeyError: as :meth:`key_for`.
        """
        if type(jwk) is not dict:
            raise InvalidKeyError(self._missing)
        if not _PRIVATE_MEMBERS.isdisjoint(jwk):
            # A private key in a header is a leaked key: whoever saw the proof can sign.
            raise InvalidKeyError(f"{self._label} must hold no private key material")
        # Members in the order the client sent them: a client reuses one header, so the
        # same key hits; another order of the same key only misses. The header comes from
        # jotkit's strict JSON (plain str, numbers, lists), and only a jwk that imported
        # is kept, so an equal tuple is the same key material; lists are unhashable and
        # never kept.
        items: tuple[tuple[str, Any], ...] | None = tuple(jwk.items())
        try:
            kept = self._keys.get(items) if items is not None else None
        except TypeError:
            items = kept = None
        if kept is not None:
            return kept
        key = Key.from_jwk(jwk)
        if key.is_private or key.kty == "oct":
            raise InvalidKeyError(f"{self._label} must be an asymmetric public key")
        parsed: _Parsed = (key, key.thumbprint(), {})
        if items is not None:
            self._keys.put(items, parsed)
        self._thumbprints.put(id(key), parsed)
        return parsed

    def thumbprint(self, key: Key) -> str:
        """The RFC 7638 thumbprint of a key this source answered with."""
        # Keyed by identity: the entry holds the key, so its id is not reused meanwhile.
        kept = self._thumbprints.get(id(key))
        if kept is not None and kept[0] is key:
            return kept[1]
        return key.thumbprint()
