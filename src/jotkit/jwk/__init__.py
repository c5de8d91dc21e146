"""JSON Web Key (RFC 7517), thumbprints (RFC 7638, RFC 9278) and OKP keys (RFC 8037)."""

from __future__ import annotations

from ._key import AlgorithmDescriptor, Key
from ._keyset import KeySet
from ._select import KeyLike, select_key

__all__ = ["AlgorithmDescriptor", "Key", "KeyLike", "KeySet", "select_key"]
