"""JSON Web Key (RFC 7517), thumbprints (RFC 7638, RFC 9278) and OKP keys (RFC 8037)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._key import AlgorithmDescriptor, Key
from ._keyset import KeySet
from ._source import FixedKey, KeyCallback, KeyLike, is_key_source, key_source, select_key

if TYPE_CHECKING:
    from ._protocol import KeySource

__all__ = [
    "AlgorithmDescriptor",
    "FixedKey",
    "Key",
    "KeyCallback",
    "KeyLike",
    "KeySet",
    "KeySource",
    "is_key_source",
    "key_source",
    "select_key",
]


def __getattr__(name: str) -> Any:
    if name == "KeySource":  # loaded on first use: see _protocol
        from ._protocol import KeySource

        globals()["KeySource"] = KeySource
        return KeySource
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
