"""JSON Web Encryption (RFC 7516) with the algorithms of RFC 7518 and RFC 8037.

Both serializations: compact (``encrypt_compact`` / ``decrypt_compact``) and JSON,
general or flattened, with several recipients (``encrypt_json`` / ``decrypt_json``);
``zip: DEF``; and password-protected JWKs (RFC 7517 section 11: ``encrypt_key`` /
``decrypt_key``).
"""

from __future__ import annotations

from ._compact import CompactDecrypter, decrypt_compact, encrypt_compact
from ._jsonser import Recipient, decrypt_json, encrypt_json
from ._password import decrypt_key, encrypt_key
from ._result import DecryptedJWE, DecryptedJWEJSON

__all__ = [
    "CompactDecrypter",
    "DecryptedJWE",
    "DecryptedJWEJSON",
    "Recipient",
    "decrypt_compact",
    "decrypt_json",
    "decrypt_key",
    "encrypt_compact",
    "encrypt_json",
    "encrypt_key",
]
