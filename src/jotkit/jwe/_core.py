"""The steps both serializations share (RFC 7516 sections 5.1 and 5.2).

Encryption: build the header, wrap the CEK for each recipient, encrypt the content with
``AAD = ASCII(BASE64URL(protected) [ "." BASE64URL(aad) ])``. Decryption: unwrap the CEK,
decrypt and authenticate, inflate. Every failure after parsing is the one fixed
:class:`~jotkit.errors.DecryptionError` (padding and format oracles).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from .. import _json
from .._b64 import b64encode
from .._limits import Limits
from .._lru import LRU
from ..errors import DecryptionError
from ..jwa import ContentEncryption, KeyManagement
from ..jwk import Key
from ._header import PER_MESSAGE
from ._zip import inflate

__all__ = [
    "PROTECTED_CACHE_SIZE",
    "build_header",
    "encode_protected",
    "new_cek",
    "new_iv",
    "open_content",
    "place_params",
]

#: Header members whose value the caller fixes through an argument; ``headers`` may
#: repeat them only with the same value.
_FIXED_BY_ARGUMENT = ("alg", "enc", "zip")


def build_header(defaults: Mapping[str, Any], headers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge jotkit's header members with the caller's.

    The default order is jotkit's (``alg``, ``kid``, ``enc``, ``zip``, then the
    caller's members); when the caller's ``headers`` include ``alg`` the caller's order
    is kept, which is how published examples are reproduced byte for byte.

    Raises:
        ValueError: ``headers`` contradicts ``alg``, ``enc`` or ``zip``, or carries
            ``crit`` (no JWE extension is understood).
    """
    if not headers:
        return dict(defaults)
    for name in _FIXED_BY_ARGUMENT:
        if name in headers and headers[name] != defaults.get(name):
            raise ValueError(f"headers[{name!r}] contradicts the {name} argument")
    if "crit" in headers:
        raise ValueError("crit: jotkit understands no JWE extension")
    if "alg" in headers:
        merged = dict(headers)
        for name, value in defaults.items():
            merged.setdefault(name, value)
        return merged
    merged = dict(defaults)
    merged.update(headers)
    return merged


def place_params(
    params: Mapping[str, Any], existing: Iterable[Mapping[str, Any]], target: dict[str, Any]
) -> None:
    """Add the algorithm's header parameters (``epk``, ``iv``, ``tag``, ``p2s``...).

    A parameter already present in one of the ``existing`` headers must have the same
    value (``p2s``/``p2c`` the caller chose, or values reproduced through the test-only
    hook); otherwise it goes into ``target``.

    Raises:
        ValueError: a caller-supplied value differs from the one the algorithm produced.
    """
    headers = list(existing)
    for name, value in params.items():
        holder = next((h for h in headers if name in h), None)
        if holder is None:
            target[name] = value
        elif holder[name] != value:
            raise ValueError(f"header parameter {name!r} is set by the algorithm")


def new_iv(enc: ContentEncryption, fixed: bytes | None) -> bytes:
    """A fresh random IV of the enc's size (or the test-only fixed one)."""
    return os.urandom(enc.iv_bytes) if fixed is None else fixed


def new_cek(enc: ContentEncryption, fixed: bytes | None) -> bytes:
    """A fresh random CEK of the enc's size (or the test-only fixed one)."""
    return os.urandom(enc.cek_bits // 8) if fixed is None else fixed


# Protected headers of strings repeat from message to message: each is serialized once
# and kept in a small bounded LRU (headers with per-message values are never kept).
PROTECTED_CACHE_SIZE = 64
_PROTECTED: LRU[tuple[tuple[str, Any], ...], bytes] = LRU(PROTECTED_CACHE_SIZE)


def encode_protected(header: Mapping[str, Any]) -> bytes:
    """BASE64URL(UTF8(JSON(header))), computed once per distinct all-string header."""
    if not PER_MESSAGE.isdisjoint(header):  # unique per message: caching would only evict
        return b64encode(_json.dumps(header))
    items = tuple(header.items())
    try:
        cached = _PROTECTED.get(items)
    except TypeError:  # a nested value: unhashable, so never cached
        return b64encode(_json.dumps(header))
    if cached is not None:
        return cached
    encoded = b64encode(_json.dumps(header))
    # Only all-string headers are kept: 1 == True == 1.0 would let a cached serialization
    # of one stand for another, but no non-string ever equals a string.
    if all(type(value) is str for _, value in items):
        _PROTECTED.put(items, encoded)
    return encoded


def open_content(
    alg: KeyManagement,
    enc: ContentEncryption,
    key: Key,
    header: Mapping[str, Any],
    parts: tuple[bytes, bytes, bytes, bytes],
    aad: bytes,
    zipped: bool,
    limits: Limits,
) -> bytes:
    """Unwrap the CEK, decrypt and authenticate, then inflate when ``zip`` is set.

    ``parts`` is (encrypted key, IV, ciphertext, tag).

    Raises:
        DecryptionError: anything failed (same message whatever it was).
        ExceededLimitError: PBES2 ``p2c`` or the decompressed size is over the limit.
    """
    encrypted_key, iv, ciphertext, tag = parts
    cek = alg.unwrap(key.crypto, encrypted_key, header, enc, max_p2c=limits.max_pbes2_count)
    try:
        cipher = enc.cipher(cek)
    except ValueError:  # every unwrap checks the CEK length; this is a second guard
        raise DecryptionError() from None
    plaintext = cipher.decrypt(iv, ciphertext, aad, tag)
    if zipped:
        return inflate(plaintext, limits.max_decompressed_size)
    return plaintext
