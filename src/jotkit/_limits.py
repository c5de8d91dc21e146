"""Input limits applied before any parsing or cryptography (RFC 8725 section 3.x, DoS).

Every limit is a field of the frozen :class:`Limits`; pass your own instance to any
parsing function to change them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on untrusted input.

    Attributes:
        max_token_size: characters in a whole compact token or JSON serialization.
        max_header_size: bytes of one decoded header.
        max_payload_size: bytes of a decoded payload (JWS) or plaintext (JWE).
        max_depth: nesting depth of header and payload JSON.
        max_signatures: signatures (JWS) or recipients (JWE) in a JSON serialization.
        max_decompressed_size: bytes a ``zip: DEF`` plaintext may inflate to.
        max_pbes2_count: the largest PBES2 ``p2c`` accepted.
    """

    max_token_size: int = 256 * 1024
    max_header_size: int = 8 * 1024
    max_payload_size: int = 256 * 1024
    max_depth: int = 32
    max_signatures: int = 16
    max_decompressed_size: int = 250 * 1000
    max_pbes2_count: int = 10_000

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int")


DEFAULT_LIMITS = Limits()
