"""The result of verifying a JWS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._frozen import Frozen
from ..jwk import Key

__all__ = ["VerifiedJWS"]

# Stands for "no protected members given" (a fresh empty dict each time).
_NOT_GIVEN: Any = object()


class VerifiedJWS(Frozen):
    """A verified JWS.

    Attributes:
        payload: the payload bytes (what was signed).
        header: the joint header: protected and unprotected members together.
        key: the key that verified the signature.
        protected: the integrity-protected header members only.
        index: which signature verified (0 for compact and flattened serializations).
    """

    payload: bytes
    header: Mapping[str, Any]
    key: Key
    protected: Mapping[str, Any]
    index: int

    __slots__ = ("header", "index", "key", "payload", "protected")

    def __init__(
        self,
        payload: bytes,
        header: Mapping[str, Any],
        key: Key,
        protected: Mapping[str, Any] = _NOT_GIVEN,
        index: int = 0,
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "payload", payload)
        setattr_(self, "header", header)
        setattr_(self, "key", key)
        setattr_(self, "protected", {} if protected is _NOT_GIVEN else protected)
        setattr_(self, "index", index)
