"""JSON Web Key (RFC 7517), thumbprints (RFC 7638, RFC 9278) and OKP keys (RFC 8037)."""

from __future__ import annotations

from ._key import AlgorithmDescriptor, Key
from ._keyset import KeySet
from ._source import FixedKey, KeyCallback, KeyLike, KeySource, key_source, select_key

__all__ = [
    "AlgorithmDescriptor",
    "FixedKey",
    "Key",
    "KeyCallback",
    "KeyLike",
    "KeySet",
    "KeySource",
    "key_source",
    "select_key",
]
