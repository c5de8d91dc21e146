"""Input limits applied before any parsing or cryptography (RFC 8725 section 3.x, DoS).

Every limit is a field of the frozen :class:`Limits`; pass your own instance to any
parsing function to change them.
"""

from __future__ import annotations

from ._frozen import Frozen

__all__ = ["DEFAULT_LIMITS", "Limits"]


class Limits(Frozen):
    """Caps on untrusted input.

    Attributes:
        max_token_size: characters in a whole compact token or JSON serialization.
        max_header_size: bytes of one decoded header.
        max_payload_size: bytes of a decoded payload (JWS) or plaintext (JWE).
        max_depth: nesting depth of header and payload JSON.
        max_signatures: signatures (JWS) or recipients (JWE) in a JSON serialization.
        max_decompressed_size: bytes a ``zip: DEF`` plaintext may inflate to.
        max_pbes2_count: the largest PBES2 ``p2c`` accepted.
        max_disclosures: SD-JWT Disclosures in one presentation (RFC 9901); the whole
            presentation is also capped by ``max_token_size`` and each Disclosure's JSON
            (and the claims they build, nested) by ``max_depth``.
    """

    __slots__ = (
        "max_decompressed_size",
        "max_depth",
        "max_disclosures",
        "max_header_size",
        "max_payload_size",
        "max_pbes2_count",
        "max_signatures",
        "max_token_size",
    )

    max_token_size: int
    max_header_size: int
    max_payload_size: int
    max_depth: int
    max_signatures: int
    max_decompressed_size: int
    max_pbes2_count: int
    max_disclosures: int

    def __init__(
        self,
        *,
        max_token_size: int = 256 * 1024,
        max_header_size: int = 8 * 1024,
        max_payload_size: int = 256 * 1024,
        max_depth: int = 32,
        max_signatures: int = 16,
        max_decompressed_size: int = 250 * 1000,
        max_pbes2_count: int = 10_000,
        max_disclosures: int = 1000,
    ) -> None:
        values = locals()
        for name in self._fields:
            value = values[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive int")
            object.__setattr__(self, name, value)

    def replace(self, **changes: int) -> Limits:
        """Return a copy with some limits changed (like ``dataclasses.replace``).

        Raises:
            TypeError: an unknown limit name.
            ValueError: a value that is not a positive int.
        """
        values = {name: getattr(self, name) for name in self._fields}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"unknown limits: {sorted(unknown)}")
        return Limits(**{**values, **changes})


DEFAULT_LIMITS = Limits()
