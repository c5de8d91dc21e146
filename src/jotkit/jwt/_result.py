"""What decoding a JWT returns besides the bare claims.

Headers and claims are ``dict[str, Any]``, not ``TypedDict``: every JWT carries members
its application defines, and with a ``TypedDict`` reading them would be a type error
(open ``TypedDict``s, PEP 728, are not in the ``typing`` of Python 3.10-3.12).
"""

from __future__ import annotations

from typing import Any

from .._frozen import Frozen
from ..jwk import Key

__all__ = ["DecodedJWT", "UnverifiedJWT"]


class DecodedJWT(Frozen):
    """A verified JWT whose claims passed the policy.

    Attributes:
        header: the protected header (JWS), or the JWE header for an encrypted JWT.
        claims: the claims set.
        key: the key that verified the signature (or decrypted the token).
    """

    header: dict[str, Any]
    claims: dict[str, Any]
    key: Key

    __slots__ = ("claims", "header", "key")

    def __init__(self, header: dict[str, Any], claims: dict[str, Any], key: Key) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "header", header)
        setattr_(self, "claims", claims)
        setattr_(self, "key", key)


class UnverifiedJWT(Frozen):
    """A JWT read WITHOUT checking its signature or claims: for debugging only.

    Attributes:
        header: the header, as the token claims it.
        claims: the claims set, as the token claims it. Nothing here is trustworthy.
    """

    header: dict[str, Any]
    claims: dict[str, Any]

    __slots__ = ("claims", "header")

    def __init__(self, header: dict[str, Any], claims: dict[str, Any]) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "header", header)
        setattr_(self, "claims", claims)
