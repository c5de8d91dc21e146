"""Turn whatever the caller passed as ``key`` into the one ``Key`` for this token."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from ..jwa import Operation
from ._key import AlgorithmDescriptor, Key
from ._keyset import KeySet

__all__ = ["KeyLike", "select_key"]

#: What the public API accepts as a key.
KeyLike: TypeAlias = "Key | KeySet | bytes | Callable[[Mapping[str, Any]], Key | bytes]"


def select_key(
    key: KeyLike, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
) -> Key:
    """Resolve ``key`` for a token with ``header`` and check it fits ``op`` with ``descriptor``.

    Keys are never taken from the header itself (``jwk``, ``jku``, ``x5u``, ``x5c``):
    only ``kid`` is read, as an opaque look-up hint.

    Raises:
        KeyNotFoundError: no key in the set matches.
        MultipleKeysMatchedError: several keys match.
        InvalidKeyError: the key does not fit, or bytes are asymmetric key material.
        AlgorithmNotAllowedError: the key is bound to another algorithm.
        TypeError: ``key`` is of an unsupported type.
    """
    if isinstance(key, Key):
        key.check(op, descriptor)
        return key
    if isinstance(key, KeySet):
        return key.select(header, op, descriptor)
    if isinstance(key, bytes | bytearray):
        resolved = Key.from_secret(bytes(key))
        resolved.check(op, descriptor)
        return resolved
    if callable(key):
        result = key(header)
        if not isinstance(result, Key | bytes | bytearray):
            raise TypeError("a key callable must return a Key or bytes")
        return select_key(result, header, op, descriptor)
    raise TypeError(f"unsupported key type {type(key).__name__}: pass a Key, KeySet or bytes")
