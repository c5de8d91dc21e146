"""The result of verifying a JWS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..jwk import Key

__all__ = ["VerifiedJWS"]


@dataclass(frozen=True, slots=True)
class VerifiedJWS:
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
    protected: Mapping[str, Any] = field(default_factory=dict)
    index: int = 0
