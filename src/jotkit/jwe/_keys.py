"""Which key encrypts or decrypts for one recipient, and which descriptor it must fit.

Key checks go through :meth:`jotkit.jwk.Key.check` and :func:`jotkit.jwk.select_key`
(RFC 8725 section 3.1: kty/crv, size, public or private, ``use``, ``key_ops``, the
key's own ``alg``). For ``dir`` the key *is* the CEK, so it is checked against the
``enc``'s requirement (an oct key of exactly the CEK size).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..jwa import ContentEncryption, KeyManagement, KeyRequirement
from ..jwk import AlgorithmDescriptor, Key, KeyLike, select_key

__all__ = ["decryption_key", "descriptor_for", "encryption_key"]


@dataclass(frozen=True, slots=True)
class _Named:
    """A descriptor with another name: a ``dir`` key bound to ``alg: dir``."""

    name: str
    requirement: KeyRequirement


def descriptor_for(
    alg: KeyManagement, enc: ContentEncryption, key_alg: str | None = None
) -> AlgorithmDescriptor:
    """The descriptor a recipient key must fit: ``alg``'s, or for ``dir`` the ``enc``'s.

    A ``dir`` key may be bound to the ``enc`` (RFC 7520 5.6 binds it to ``A128GCM``) or
    to ``dir`` itself; either way its size must be the CEK's.
    """
    if alg.name != "dir":
        return alg
    if key_alg == "dir":
        return _Named("dir", enc.requirement)
    return enc


def encryption_key(key: Key | bytes, alg: KeyManagement, enc: ContentEncryption) -> Key:
    """Resolve and check the recipient key for encryption.

    Raises:
        TypeError: ``key`` is not a Key or bytes.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``.
    """
    if isinstance(key, bytes | bytearray):
        key = Key.from_secret(bytes(key))
    elif not isinstance(key, Key):
        raise TypeError("a JWE recipient key must be a Key or bytes")
    key.check("encrypt", descriptor_for(alg, enc, key.alg))
    return key


def decryption_key(
    key: KeyLike, header: Mapping[str, Any], alg: KeyManagement, enc: ContentEncryption
) -> Key:
    """Select and check the key that decrypts for a recipient with ``header``.

    Raises:
        KeyNotFoundError, MultipleKeysMatchedError, InvalidKeyError,
        AlgorithmNotAllowedError: no single fitting key.
        TypeError: ``key`` is of an unsupported type.
    """
    if isinstance(key, Key):
        key.check("decrypt", descriptor_for(alg, enc, key.alg))
        return key
    return select_key(key, header, "decrypt", descriptor_for(alg, enc))
