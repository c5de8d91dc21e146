"""Password-protected JWKs and JWK Sets (RFC 7517 section 11, example in appendix C).

A key (or key set) is serialized as JSON and encrypted with PBES2 into a compact JWE
whose ``cty`` is ``jwk+json`` (or ``jwk-set+json``). This lives in :mod:`jotkit.jwe`
because :mod:`jotkit.jwk` sits below it and must not import it.

Key files come from the application, not from an attacker, so they may use a higher
PBES2 iteration count than tokens do; ``decrypt_key`` still caps it (``max_p2c``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .. import _json
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import InvalidKeyError, MalformedError
from ..jwa import CONTENT_ENCRYPTIONS
from ..jwk import Key, KeySet
from ._compact import decrypt_compact, encrypt_compact

__all__ = ["KEY_FILE_P2C", "PBES2_ALGORITHMS", "decrypt_key", "encrypt_key"]

#: The PBES2 iteration count used for key files by default (and the default cap).
KEY_FILE_P2C = 100_000
#: The algorithms a password-protected key may use.
PBES2_ALGORITHMS = ("PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW")
_CTY = {"jwk+json": False, "jwk-set+json": True}


def _password(password: bytes | str) -> bytes:
    if isinstance(password, str):
        password = password.encode("utf-8")
    if not isinstance(password, bytes | bytearray) or not password:
        raise ValueError("the password must be non-empty bytes or str")
    return bytes(password)


def encrypt_key(
    key: Key | KeySet,
    password: bytes | str,
    *,
    alg: str = "PBES2-HS512+A256KW",
    enc: str = "A256GCM",
    p2c: int = KEY_FILE_P2C,
    headers: Mapping[str, Any] | None = None,
) -> str:
    """Export ``key`` (private members included) as a PBES2-encrypted compact JWE.

    Raises:
        TypeError, ValueError: not a Key or KeySet, an empty password, a non-PBES2
            ``alg``, or ``p2c`` under 1,000.
    """
    if alg not in PBES2_ALGORITHMS:
        raise ValueError(f"alg must be one of {PBES2_ALGORITHMS}")
    if isinstance(key, KeySet):
        document: dict[str, Any] = key.to_jwks(private=True)
        cty = "jwk-set+json"
    elif isinstance(key, Key):
        document = key.to_jwk(private=True)
        cty = "jwk+json"
    else:
        raise TypeError("key must be a Key or a KeySet")
    header = {"p2c": p2c, "cty": cty, **(headers or {})}
    return encrypt_compact(
        _json.dumps(document), _password(password), alg=alg, enc=enc, headers=header
    )


def decrypt_key(
    token: str | bytes,
    password: bytes | str,
    *,
    algorithms: Collection[str] = PBES2_ALGORITHMS,
    encryptions: Collection[str] = tuple(CONTENT_ENCRYPTIONS),
    max_p2c: int = KEY_FILE_P2C,
    limits: Limits = DEFAULT_LIMITS,
    allow_weak: bool = False,
) -> Key | KeySet:
    """Import a password-protected JWK (a Key) or JWK Set (a KeySet).

    ``algorithms`` defaults to the PBES2 family: that is what this function is for.

    Raises:
        MalformedJWEError, ExceededLimitError: as for :func:`~jotkit.jwe.decrypt_compact`.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: as for ``decrypt_compact``.
        DecryptionError: as for ``decrypt_compact`` (a wrong password is one).
        InvalidKeyError: the plaintext is not a JWK or JWK Set, or disagrees with ``cty``.
    """
    decrypted = decrypt_compact(
        token,
        _password(password),
        algorithms=algorithms,
        encryptions=encryptions,
        limits=limits.replace(max_pbes2_count=max_p2c),
    )
    try:
        document = _json.loads(decrypted.plaintext, max_depth=limits.max_depth)
    except MalformedError:
        raise InvalidKeyError("the decrypted content is not a JWK") from None
    cty = decrypted.header.get("cty")
    if isinstance(cty, str) and cty.lower().startswith("application/"):
        cty = cty[len("application/") :]
    is_set = isinstance(document, dict) and "keys" in document
    if cty is not None and _CTY.get(cty.lower() if isinstance(cty, str) else cty) != is_set:
        raise InvalidKeyError("the decrypted content does not match its cty")
    if is_set:
        return KeySet.from_jwks(document, allow_weak=allow_weak)
    return Key.from_jwk(document, allow_weak=allow_weak)
