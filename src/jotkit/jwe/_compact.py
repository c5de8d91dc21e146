"""JWE Compact Serialization (RFC 7516 sections 3.1 and 7.1).

``BASE64URL(protected) . BASE64URL(encrypted key) . BASE64URL(iv) .
BASE64URL(ciphertext) . BASE64URL(tag)``; the first segment, exactly as received, is the
AAD, so the header is never re-serialized (and cannot be altered by re-encoding).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .._b64 import b64decode, b64encode
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import ExceededLimitError, MalformedJWEError
from ..jwa import CONTENT_ENCRYPTIONS, KEY_MANAGEMENT, ContentEncryption, KeyManagement
from ..jwk import Key, KeyLike
from ._core import (
    build_header,
    encode_protected,
    new_cek,
    new_iv,
    open_content,
    place_params,
)
from ._fixed import FixedRandomness
from ._header import (
    allow_lists,
    check_crit,
    decode_protected,
    is_zipped,
    resolve,
)
from ._keys import decryption_key, encryption_key
from ._result import DecryptedJWE
from ._zip import deflate

__all__ = ["CompactDecrypter", "decrypt_compact", "encrypt_compact", "resolve_names"]

_NO_FIXED = FixedRandomness()


def resolve_names(alg: str, enc: str, zip: str | None) -> tuple[KeyManagement, ContentEncryption]:
    """Resolve the caller's ``alg``/``enc`` names for encryption.

    Raises:
        ValueError: an unknown ``alg``, ``enc`` or ``zip``.
    """
    descriptor = KEY_MANAGEMENT.get(alg)
    content = CONTENT_ENCRYPTIONS.get(enc)
    if descriptor is None:
        raise ValueError(f"unknown JWE alg {alg!r}")
    if content is None:
        raise ValueError(f"unknown JWE enc {enc!r}")
    if zip not in (None, "DEF"):
        raise ValueError("zip must be None or 'DEF'")
    return descriptor, content


def encrypt_compact(
    plaintext: bytes,
    key: Key | bytes,
    *,
    alg: str,
    enc: str,
    headers: Mapping[str, Any] | None = None,
    zip: str | None = None,
    _fixed: FixedRandomness | None = None,
) -> str:
    """Encrypt ``plaintext`` to one recipient and return a compact JWE.

    Args:
        plaintext: the bytes to encrypt.
        key: the recipient's key: a public key (RSA, EC, OKP), an oct Key, or ``bytes``
            (an AES key, a ``dir`` CEK, or a PBES2 password).
        alg: the key management algorithm.
        enc: the content encryption algorithm.
        headers: extra protected header members (``kid``, ``cty``, ``apu``, ``apv``,
            ``p2s``, ``p2c``...).
        zip: ``"DEF"`` to compress the plaintext first.
        _fixed: TEST ONLY, see :class:`~jotkit.jwe._fixed.FixedRandomness`.

    Raises:
        TypeError, ValueError: bad arguments or contradictory headers.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``/``enc``.
    """
    if not isinstance(plaintext, bytes | bytearray):
        raise TypeError("plaintext must be bytes")
    descriptor, content = resolve_names(alg, enc, zip)
    fixed = _fixed or _NO_FIXED
    recipient = encryption_key(key, descriptor, content)
    defaults: dict[str, Any] = {"alg": alg}
    if recipient.kid is not None:
        defaults["kid"] = recipient.kid
    defaults["enc"] = enc
    if zip is not None:
        defaults["zip"] = zip
    header = build_header(defaults, headers)
    cek = None if descriptor.direct else new_cek(content, fixed.cek)
    wrapped = descriptor.wrap(
        recipient.public_crypto,
        content,
        cek,
        header,
        ephemeral=fixed.ephemeral_for(0),
        iv=fixed.wrap_iv_for(0),
    )
    if wrapped.header:
        place_params(wrapped.header, [header], header)
    protected = encode_protected(header)
    body = deflate(bytes(plaintext)) if zip else bytes(plaintext)
    iv = new_iv(content, fixed.iv)
    ciphertext, tag = content.cipher(wrapped.cek).encrypt(iv, body, protected)
    segments = (protected, b64encode(wrapped.encrypted_key), b64encode(iv))
    return b".".join((*segments, b64encode(ciphertext), b64encode(tag))).decode("ascii")


def _text(token: object, limits: Limits) -> str:
    if isinstance(token, bytes | bytearray):
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedJWEError("a compact JWE is ASCII") from None
    elif not isinstance(token, str):
        # The token's type is the sender's choice too (a JSON body's number), so this is
        # a rejection, not a caller's TypeError. memoryview is refused like any other.
        raise MalformedJWEError(f"a token is a str or bytes, not {type(token).__name__}")
    if len(token) > limits.max_token_size:
        raise ExceededLimitError("the token is too large")
    return token


def _decrypt(
    token: object,
    key: KeyLike,
    algorithms: Mapping[str, KeyManagement],
    encryptions: Mapping[str, ContentEncryption],
    limits: Limits,
    checked: dict[tuple[str, str], Key] | None = None,
) -> DecryptedJWE:
    parts = _text(token, limits).split(".")
    if len(parts) != 5:
        if len(parts) == 3:
            raise MalformedJWEError("this is a JWS (3 segments), not a JWE")
        raise MalformedJWEError("a compact JWE has 5 segments")
    head = parts[0]
    header = decode_protected(head, limits)
    if "crit" in header:
        check_crit(header)
    alg, enc = resolve(header, algorithms, encryptions)
    zipped = "zip" in header and is_zipped(header)
    encrypted_key = b64decode(parts[1], MalformedJWEError)
    iv = b64decode(parts[2], MalformedJWEError)
    ciphertext = b64decode(parts[3], MalformedJWEError)
    tag = b64decode(parts[4], MalformedJWEError)
    if checked is None:
        resolved = decryption_key(key, header, alg, enc)
    else:
        # A single Key is checked once per (alg, enc) pair, not once per token.
        resolved = checked.get((alg.name, enc.name)) or decryption_key(key, header, alg, enc)
        checked[(alg.name, enc.name)] = resolved
    binary = (encrypted_key, iv, ciphertext, tag)
    plaintext = open_content(
        alg, enc, resolved, header, binary, head.encode("ascii"), zipped, limits
    )
    return DecryptedJWE(plaintext, header, resolved, header)


class CompactDecrypter:
    """A pre-bound compact JWE decrypter: key, allow-lists and limits resolved once."""

    __slots__ = ("_algorithms", "_checked", "_encryptions", "_key", "_limits")

    def __init__(
        self,
        key: KeyLike,
        *,
        algorithms: Collection[str],
        encryptions: Collection[str],
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self._algorithms, self._encryptions = allow_lists(algorithms, encryptions)
        self._key = key
        self._limits = limits
        self._checked: dict[tuple[str, str], Key] | None = {} if isinstance(key, Key) else None

    def decrypt(self, token: str | bytes) -> DecryptedJWE:
        """Decrypt one compact JWE.

        Raises:
            MalformedJWEError, ExceededLimitError: the token is not a well-formed JWE
                (nor str or bytes: its type is untrusted input too).
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: its alg/enc/zip is not
                allowed.
            KeyNotFoundError, MultipleKeysMatchedError, InvalidKeyError: no fitting key.
            DecryptionError: decryption failed (one message, whatever the cause).
            ExceededLimitError: PBES2 ``p2c`` or the decompressed size is over the limit.
        """
        return _decrypt(
            token, self._key, self._algorithms, self._encryptions, self._limits, self._checked
        )


def decrypt_compact(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str],
    encryptions: Collection[str],
    limits: Limits = DEFAULT_LIMITS,
) -> DecryptedJWE:
    """Decrypt a compact JWE with ``key`` and the ``algorithms``/``encryptions`` allow-lists.

    Both allow-lists are required: ``RSA1_5`` and PBES2 are used only when named there.
    ``limits`` caps the token size, the header, PBES2 ``p2c`` (``max_pbes2_count``,
    default 10,000) and the decompressed size (``max_decompressed_size``, 250 kB).
    For many tokens with the same key, :class:`CompactDecrypter` does the set-up once.

    Raises:
        MalformedJWEError, ExceededLimitError: the token is not a well-formed JWE (nor str
            or bytes: its type is untrusted input too).
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: its alg/enc/zip is not allowed.
        KeyNotFoundError, MultipleKeysMatchedError, InvalidKeyError: no single fitting key.
        DecryptionError: decryption failed (one message, whatever the cause).
        ExceededLimitError: PBES2 ``p2c`` or the decompressed size is over the limit.
    """
    return _decrypt(token, key, *allow_lists(algorithms, encryptions), limits)
