"""What decoding a JWT returns besides the bare claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..jwk import Key

__all__ = ["DecodedJWT", "UnverifiedJWT"]


@dataclass(frozen=True, slots=True)
class DecodedJWT:
    """A verified JWT whose claims passed the policy.

    Attributes:
        header: the protected header (JWS), or the JWE header for an encrypted JWT.
        claims: the claims set.
        key: the key that verified the signature (or decrypted the token).
    """

    header: dict[str, Any]
    claims: dict[str, Any]
    key: Key


@dataclass(frozen=True, slots=True)
class UnverifiedJWT:
    """A JWT read WITHOUT checking its signature or claims: for debugging only.

    Attributes:
        header: the header, as the token claims it.
        claims: the claims set, as the token claims it. Nothing here is trustworthy.
    """

    header: dict[str, Any]
    claims: dict[str, Any]
