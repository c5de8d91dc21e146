"""Key sources: the one answer to "which key verifies (or decrypts) this token?" (DESIGN 1).

Anything passed as ``key=`` is resolved through :func:`key_source` into an object with
two methods, ``key_for(header, op, descriptor)`` and its awaitable twin
``key_for_async``. A source returns a ``Key`` that fits the operation and algorithm
(it has run :meth:`Key.check`), or raises a ``JotkitError``; it never takes a key from
the header itself (``jwk``, ``jku``, ``x5u``), and it never tries several keys.

The built-in sources: a ``Key`` (always itself), a ``KeySet`` (by ``kid``, then by fit),
``bytes`` (an oct secret, imported once when the source is built, not per token) and a
callable ``(header) -> Key | bytes``. The remote key sets (``jotkit.remote``) and the
certificate trust (``jotkit.x509``) implement the same two methods; verifiers build the
source once and ask it per token, so a source that changes its answer (a rotated or
revoked key) is obeyed at its next answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from .. import _json
from ..jwa import Operation
from ._key import AlgorithmDescriptor, Key
from ._keyset import KeySet

if TYPE_CHECKING:
    from ._protocol import KeySource

__all__ = ["FixedKey", "KeyCallback", "KeyLike", "is_key_source", "key_source", "select_key"]


#: What the public API accepts as a key.
KeyLike: TypeAlias = "Key | KeySet | bytes | Callable[[Mapping[str, Any]], Key | bytes] | KeySource"


class FixedKey:
    """A source that always answers with one key (a ``Key``, or bytes imported once)."""

    __slots__ = ("key",)

    def __init__(self, key: Key) -> None:
        self.key: Key = key

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The key, checked to fit ``op`` and ``descriptor``.

        Raises:
            InvalidKeyError, AlgorithmNotAllowedError: it does not fit (:meth:`Key.check`).
        """
        self.key.check(op, descriptor)
        return self.key

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """:meth:`key_for`, awaitable."""
        return self.key_for(header, op, descriptor)

    def __repr__(self) -> str:
        return f"FixedKey({self.key!r})"


class KeyCallback:
    """A source that asks a caller's function ``(header) -> Key | bytes`` per token.

    The function runs synchronously in both look-ups; a function that does I/O belongs
    in a source of its own with a real ``key_for_async``. It is given a copy of the
    header: a function that changes what it was given cannot change the token's header
    as the verifier returns or caches it.
    """

    __slots__ = ("function",)

    def __init__(self, function: Callable[[Mapping[str, Any]], Key | bytes]) -> None:
        self.function: Callable[[Mapping[str, Any]], Key | bytes] = function

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The function's key for a copy of ``header``, checked to fit ``op`` and ``descriptor``.

        Raises:
            InvalidKeyError, AlgorithmNotAllowedError: the key (or secret) does not fit.
            TypeError: the function returned neither a ``Key`` nor bytes.
        """
        result = self.function(_json.copy_json(header))
        if isinstance(result, Key):
            result.check(op, descriptor)
            return result
        if isinstance(result, bytes | bytearray):
            return FixedKey(Key.from_secret(bytes(result))).key_for(header, op, descriptor)
        raise TypeError("a key callable must return a Key or bytes")

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """:meth:`key_for`, awaitable (the function itself runs synchronously)."""
        return self.key_for(header, op, descriptor)

    def __repr__(self) -> str:
        return f"KeyCallback({self.function!r})"


def key_source(key: KeyLike) -> KeySource:
    """Turn what a caller passed as ``key`` into a :class:`KeySource`, once.

    Raises:
        TypeError: ``key`` is none of the accepted kinds (a ``str`` is never a key: see
            ``Key.from_secret`` and ``Key.from_pem``).
        InvalidKeyError: ``bytes`` that are not a usable HMAC secret.
    """
    if isinstance(key, Key):
        return FixedKey(key)
    if isinstance(key, KeySet):
        return key
    if isinstance(key, bytes | bytearray):
        return FixedKey(Key.from_secret(bytes(key)))
    if is_key_source(key):
        return key  # type: ignore[return-value]
    if callable(key):
        return KeyCallback(key)
    raise TypeError(_unsupported(key))


def is_key_source(obj: object) -> bool:
    """Whether ``obj`` offers both look-ups of :class:`KeySource` (duck typing: a
    runtime-checkable Protocol would cost ``import jotkit`` a millisecond)."""
    return callable(getattr(obj, "key_for", None)) and callable(getattr(obj, "key_for_async", None))


def _unsupported(key: object) -> str:
    """What to do instead of passing ``key``: the message names the way out."""
    if isinstance(key, str):
        if "-----BEGIN" in key:
            return "a PEM key given as str: load it with Key.from_pem(pem) and pass the Key"
        return (
            "a str is not a key: pass Key.from_secret(secret.encode()) for an HMAC secret "
            "(Key.from_secret(..., allow_weak=True) for a short test secret), "
            "or Key.from_pem / Key.from_jwk for other keys"
        )
    return f"unsupported key type {type(key).__name__}: pass a Key, KeySet, bytes or a key source"


def select_key(
    key: KeyLike, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
) -> Key:
    """Resolve ``key`` for one token (building its source for this call only).

    Raises:
        KeyNotFoundError, MultipleKeysMatchedError: no single fitting key.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit.
        TypeError: ``key`` is of an unsupported type.
    """
    return key_source(key).key_for(header, op, descriptor)
