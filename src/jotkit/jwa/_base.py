"""What every algorithm descriptor tells the key layer about the keys it accepts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from .._frozen import Frozen

__all__ = ["KeyRequirement", "Operation"]

#: The JOSE-level operations. Each descriptor maps them to the JWK ``key_ops`` values
#: (RFC 7517 section 4.3) that permit them.
Operation = Literal["sign", "verify", "encrypt", "decrypt"]


class KeyRequirement(Frozen):
    """The keys an algorithm accepts (RFC 8725 section 3.1: the key must fit the alg).

    Attributes:
        ktys: accepted JWK ``kty`` values.
        crvs: accepted ``crv`` values; empty means the key type has no curve.
        min_bits: minimum key size in bits (RSA modulus, HMAC secret); 0 for none.
        exact_bits: an oct key must be exactly this many bits (AES); 0 for any.
        use: the JWK ``use`` value that permits the algorithm (``sig`` or ``enc``).
        key_ops: for each operation, the ``key_ops`` values that permit it.
        private_for: the operations that need a private key (asymmetric keys only).
        bound_aliases: other ``alg`` values a key may be bound to and still fit: a ``dir``
            key (RFC 7518 4.5) is bound to ``dir``, and serves the content encryption.
    """

    ktys: frozenset[str]
    crvs: frozenset[str]
    min_bits: int
    exact_bits: int
    use: Literal["sig", "enc"]
    key_ops: Mapping[Operation, frozenset[str]]
    private_for: frozenset[Operation]
    bound_aliases: frozenset[str]

    __slots__ = (
        "bound_aliases",
        "crvs",
        "exact_bits",
        "key_ops",
        "ktys",
        "min_bits",
        "private_for",
        "use",
    )

    def __init__(
        self,
        ktys: frozenset[str],
        crvs: frozenset[str],
        min_bits: int,
        exact_bits: int,
        use: Literal["sig", "enc"],
        key_ops: Mapping[Operation, frozenset[str]],
        private_for: frozenset[Operation],
        bound_aliases: frozenset[str] = frozenset(),
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "ktys", ktys)
        setattr_(self, "crvs", crvs)
        setattr_(self, "min_bits", min_bits)
        setattr_(self, "exact_bits", exact_bits)
        setattr_(self, "use", use)
        setattr_(self, "key_ops", key_ops)
        setattr_(self, "private_for", private_for)
        setattr_(self, "bound_aliases", bound_aliases)


SIGNATURE_OPS: Mapping[Operation, frozenset[str]] = {
    "sign": frozenset({"sign"}),
    "verify": frozenset({"verify"}),
}
