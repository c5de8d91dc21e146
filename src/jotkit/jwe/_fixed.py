"""TEST ONLY: injected "random" values, to reproduce published JWE examples byte for byte.

RFC 7520 section 5 gives, for each example, the CEK, the IV, the ephemeral ECDH key and
the AES-GCM key-wrap IV it used. Encrypting with them must give the RFC's output. Nothing
else may use this: a fixed CEK or IV destroys JWE's security (nonce reuse in AES-GCM
reveals the authentication key and the XOR of the plaintexts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FixedRandomness"]


@dataclass(frozen=True, slots=True)
class FixedRandomness:
    """TEST ONLY: values to use instead of fresh randomness, passed as ``_fixed=``.

    Attributes:
        cek: the content encryption key (not for ``dir`` or ``ECDH-ES``, which derive it).
        iv: the content encryption IV.
        ephemeral: per recipient (by index), the ECDH ephemeral private key, as a
            ``Key`` or a ``cryptography`` object; ``None`` for a fresh one.
        wrap_iv: per recipient (by index), the AES-GCM key-wrap IV; ``None`` for a fresh one.
    """

    cek: bytes | None = None
    iv: bytes | None = None
    ephemeral: Sequence[Any] = ()
    wrap_iv: Sequence[bytes | None] = ()

    def ephemeral_for(self, index: int) -> Any:
        """The injected ephemeral key of recipient ``index``, or None."""
        value = self.ephemeral[index] if index < len(self.ephemeral) else None
        return getattr(value, "crypto", value)

    def wrap_iv_for(self, index: int) -> bytes | None:
        """The injected key-wrap IV of recipient ``index``, or None."""
        return self.wrap_iv[index] if index < len(self.wrap_iv) else None
