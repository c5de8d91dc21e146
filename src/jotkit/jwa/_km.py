"""The JWE key-management descriptor and the helpers its implementations share.

RFC 7516 section 5.1 steps 2-6 (encryption) and section 5.2 steps 9-10 (decryption) as
a descriptor: ``wrap`` produces the CEK, the JWE Encrypted Key and the header parameters
the algorithm defines; ``unwrap`` recovers the CEK. Key objects are ``cryptography``
objects (or the secret ``bytes`` for oct keys): this layer knows nothing of JWKs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol

from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from .._b64 import b64decode
from .._frozen import Frozen
from ..errors import DecryptionError, MalformedError
from ._base import KeyRequirement, Operation
from ._content import ContentEncryption

__all__ = [
    "DEFAULT_MAX_P2C",
    "KeyManagement",
    "UnwrapFunction",
    "WrapFunction",
    "Wrapped",
]

#: Default cap on the PBES2 iteration count a token may demand (a DoS lever otherwise).
DEFAULT_MAX_P2C = 10_000

WRAP_OPS: Mapping[Operation, frozenset[str]] = MappingProxyType(
    {"encrypt": frozenset({"wrapKey"}), "decrypt": frozenset({"unwrapKey"})}
)
DERIVE_OPS: Mapping[Operation, frozenset[str]] = MappingProxyType(
    {
        "encrypt": frozenset({"deriveKey", "deriveBits"}),
        "decrypt": frozenset({"deriveKey", "deriveBits"}),
    }
)


class Wrapped(Frozen):
    """What key management produced for one recipient.

    Attributes:
        cek: the content encryption key.
        encrypted_key: the JWE Encrypted Key (empty for ``dir`` and ``ECDH-ES``).
        header: the header parameters the algorithm defines (``epk``, ``iv``, ``tag``,
            ``p2s``, ``p2c``), to be added to the recipient's header.
    """

    cek: bytes
    encrypted_key: bytes
    header: Mapping[str, Any]

    __slots__ = ("cek", "encrypted_key", "header")

    def __init__(self, cek: bytes, encrypted_key: bytes, header: Mapping[str, Any]) -> None:
        # Written out: one is made per encryption, and the generic __init__ costs 3x this.
        setattr_ = object.__setattr__
        setattr_(self, "cek", cek)
        setattr_(self, "encrypted_key", encrypted_key)
        setattr_(self, "header", header)


class WrapFunction(Protocol):
    """Encrypt side: ``(key, enc, cek, header, *, ephemeral, iv) -> Wrapped``.

    ``key`` is the recipient's key (public, or the secret bytes). ``cek`` is ``None`` to
    have one generated; it must be ``None`` for the direct algorithms. ``header`` is the
    recipient's JOSE header as built so far (``apu``, ``apv``, ``p2s``, ``p2c`` are read
    from it). ``ephemeral`` (an ECDH private key) and ``iv`` (the AES-GCM key-wrap IV)
    exist to reproduce published test vectors only; leave them ``None``.
    Raises ``ValueError``/``TypeError`` on a caller's mistake.
    """

    def __call__(
        self,
        key: Any,
        enc: ContentEncryption,
        cek: bytes | None,
        header: Mapping[str, Any],
        *,
        ephemeral: Any = None,
        iv: bytes | None = None,
    ) -> Wrapped: ...


class UnwrapFunction(Protocol):
    """Decrypt side: ``(key, encrypted_key, header, enc, *, max_p2c) -> cek``.

    ``key`` is the private key (or the secret bytes); ``header`` the merged JOSE header.
    Raises :class:`~jotkit.errors.DecryptionError` on any failure, and
    :class:`~jotkit.errors.ExceededLimitError` when a PBES2 ``p2c`` exceeds ``max_p2c``.
    """

    def __call__(
        self,
        key: Any,
        encrypted_key: bytes,
        header: Mapping[str, Any],
        enc: ContentEncryption,
        *,
        max_p2c: int,
    ) -> bytes: ...


class KeyManagement(Frozen):
    """One JWE ``alg``: how the CEK reaches the recipient, and which keys fit.

    Attributes:
        name: the ``alg`` header value.
        requirement: the keys accepted (``private_for={"decrypt"}`` for asymmetric ones).
        opt_in: True for algorithms no default may allow (``RSA1_5``, PBES2): they are
            used only when the caller names them.
        direct: True when the CEK is the key itself or the agreed key (``dir``,
            ``ECDH-ES``): no encrypted key, and a single recipient.
        wrap: the encrypt side, see :class:`WrapFunction`.
        unwrap: the decrypt side, see :class:`UnwrapFunction`.
    """

    name: str
    requirement: KeyRequirement
    opt_in: bool
    direct: bool
    wrap: WrapFunction
    unwrap: UnwrapFunction

    __slots__ = ("direct", "name", "opt_in", "requirement", "unwrap", "wrap")


def requirement(
    ktys: frozenset[str],
    *,
    crvs: frozenset[str] = frozenset(),
    min_bits: int = 0,
    exact_bits: int = 0,
    key_ops: Mapping[Operation, frozenset[str]] = WRAP_OPS,
    asymmetric: bool = False,
) -> KeyRequirement:
    """Build the :class:`KeyRequirement` of a key-management algorithm (``use`` is enc)."""
    return KeyRequirement(
        ktys=ktys,
        crvs=crvs,
        min_bits=min_bits,
        exact_bits=exact_bits,
        use="enc",
        key_ops=key_ops,
        private_for=frozenset({"decrypt"}) if asymmetric else frozenset(),
    )


def new_cek(enc: ContentEncryption, cek: bytes | None) -> bytes:
    """Return ``cek`` (checked against ``enc``) or a fresh random one."""
    if cek is None:
        return os.urandom(enc.cek_bits // 8)
    if len(cek) != enc.cek_bits // 8:
        raise ValueError(f"{enc.name} needs a {enc.cek_bits}-bit CEK")
    return cek


def header_bytes(header: Mapping[str, Any], name: str) -> bytes | None:
    """Decode the base64url header parameter ``name`` of a token, or None when absent.

    Raises:
        DecryptionError: the parameter is not a base64url string.
    """
    value = header.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DecryptionError()
    try:
        return b64decode(value)
    except MalformedError:
        raise DecryptionError() from None


def caller_header_bytes(header: Mapping[str, Any], name: str) -> bytes | None:
    """Decode the base64url header parameter ``name`` a caller set, or None when absent."""
    value = header.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"header parameter {name!r} must be a base64url string")
    try:
        return b64decode(value)
    except MalformedError:
        raise ValueError(f"header parameter {name!r} is not base64url") from None


def kw_wrap(kek: bytes, cek: bytes) -> bytes:
    """AES key wrap (RFC 3394) of ``cek`` under ``kek``."""
    return aes_key_wrap(kek, cek)


def kw_unwrap(kek: bytes, wrapped: bytes, cek_len: int) -> bytes:
    """AES key unwrap (RFC 3394), requiring a result of exactly ``cek_len`` bytes.

    Raises:
        DecryptionError: the integrity check failed or the length is wrong.
    """
    # 8 bytes of IV plus the CEK: checked first so no other length reaches the unwrap.
    if len(wrapped) != cek_len + 8:
        raise DecryptionError()
    try:
        return aes_key_unwrap(kek, wrapped)
    except (InvalidUnwrap, ValueError):
        raise DecryptionError() from None
