"""What the token profiles share: opening an encrypted (nested) token, typ, hashes.

Nested tokens follow RFC 7519 section 5.2 (``cty: "JWT"``): the outer JWE is decrypted
with the caller's key and allow-lists, and the inner JWS is then verified by the
profile's own ``Verifier``, whose header the profile checks further (which
``jwt.decode_nested`` does not return).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping
from typing import Any

from .. import _b64
from .._limits import Limits
from ..errors import InvalidClaimError, MalformedJWTError
from ..jwk import Key, KeyLike
from ..jwt._checks import media_type
from ..jwt._encrypted import is_nested
from ..jwt._parse import JWE_SEGMENTS

__all__ = ["Decryption", "header_typ", "left_half_hash", "matches_hash", "open_nested"]


class Decryption:
    """The key and allow-lists for encrypted tokens (None: encrypted tokens refused)."""

    __slots__ = ("encryptions", "key", "key_algorithms")

    def __init__(
        self,
        key: KeyLike | None,
        key_algorithms: Collection[str] | None,
        encryptions: Collection[str] | None,
    ) -> None:
        if key is not None and (not key_algorithms or not encryptions):
            raise ValueError("a decryption_key needs key_algorithms=[...] and encryptions=[...]")
        self.key = key
        self.key_algorithms = tuple(key_algorithms or ())
        self.encryptions = tuple(encryptions or ())


def open_nested(token: object, decryption: Decryption, limits: Limits) -> object:
    """The inner JWS of an encrypted token, or ``token`` itself when it is a JWS.

    Raises:
        MalformedJWTError: an encrypted token without a decryption key, or whose
            ``cty`` is not ``JWT``.
        DecryptionError, MalformedJWEError, AlgorithmNotAllowedError: the JWE failed.
    """
    if not isinstance(token, str | bytes):
        return token  # untrusted input of any type: the verifier refuses it
    dots = token.count(".") if isinstance(token, str) else token.count(b".")
    if dots != JWE_SEGMENTS - 1:
        return token
    if decryption.key is None:
        raise MalformedJWTError("an encrypted token, and no decryption_key is configured")
    from .. import jwe  # deferred: JWE stays out of `import jotkit`

    outer = jwe.decrypt_compact(
        token,
        decryption.key,
        algorithms=decryption.key_algorithms,
        encryptions=decryption.encryptions,
        limits=limits,
    )
    if not is_nested(outer.header):
        raise MalformedJWTError("not a nested JWT: the JWE's cty is not 'JWT'")
    try:
        return outer.plaintext.decode("ascii")
    except UnicodeDecodeError:
        raise MalformedJWTError("the nested token is not ASCII text") from None


def header_typ(header: Mapping[str, Any]) -> str | None:
    """The header's ``typ``, normalised (``application/`` dropped, lower case), or None.

    Raises:
        InvalidClaimError: ``typ`` is not a string.
    """
    typ = header.get("typ")
    if typ is None:
        return None
    if not isinstance(typ, str):
        raise InvalidClaimError("the header's 'typ' is not a string", claim="typ")
    return media_type(typ)


def _digest(value: bytes, alg: str, key: Key) -> bytes:
    """The hash OIDC Core 3.1.3.6 / 3.3.2.11 pairs with ``alg`` (and an EdDSA key's curve)."""
    if alg in ("EdDSA", "Ed25519", "Ed448"):
        curve = alg if alg != "EdDSA" else key.crv
        if curve == "Ed448":
            return hashlib.shake_256(value).digest(114)
        return hashlib.sha512(value).digest()
    if alg == "ES256K":
        return hashlib.sha256(value).digest()
    bits = alg[2:]
    if alg[:2] in ("HS", "RS", "PS", "ES") and bits in ("256", "384", "512"):
        return hashlib.new(f"sha{bits}", value).digest()
    raise InvalidClaimError(f"no token hash is defined for alg {alg!r}", claim="alg")


def left_half_hash(value: str, alg: str, key: Key) -> str:
    """``at_hash`` / ``c_hash`` / ``s_hash`` of ``value``: base64url of the left half of
    its hash under ``alg`` (the octets of the ASCII text, OIDC Core 3.1.3.6)."""
    digest = _digest(value.encode("ascii", "strict"), alg, key)
    return _b64.b64encode_str(digest[: len(digest) // 2])


def matches_hash(claimed: object, value: str, alg: str, key: Key) -> bool:
    """Whether a token's hash claim is the hash of ``value`` (compared in constant time)."""
    if not isinstance(claimed, str) or not value.isascii():
        return False
    return hmac.compare_digest(claimed.encode(), left_half_hash(value, alg, key).encode())
