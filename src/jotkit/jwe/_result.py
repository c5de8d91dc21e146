"""The results of decrypting a JWE."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..jwk import Key

__all__ = ["DecryptedJWE", "DecryptedJWEJSON"]


@dataclass(frozen=True, slots=True)
class DecryptedJWE:
    """A decrypted JWE.

    Attributes:
        plaintext: the decrypted (and, with ``zip``, decompressed) bytes.
        header: the JOSE header: protected, shared unprotected and per-recipient members
            together.
        key: the key that decrypted it.
        protected: the integrity-protected header members only.
    """

    plaintext: bytes
    header: Mapping[str, Any]
    key: Key
    protected: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DecryptedJWEJSON(DecryptedJWE):
    """A decrypted JWE JSON Serialization.

    Attributes:
        recipient: the index of the recipient that was decrypted (0 when flattened).
        aad: the JWE AAD (``aad`` member), or None.
    """

    recipient: int = 0
    aad: bytes | None = None
