"""JSON Web Algorithms (RFC 7518): closed, read-only tables of algorithm descriptors.

Extending jotkit means passing your own table, never registering into a global one.
"""

from __future__ import annotations

from ._base import KeyRequirement, Operation
from ._content import CONTENT_ENCRYPTIONS, ContentCipher, ContentEncryption
from ._keymgmt import DEFAULT_MAX_P2C, KEY_MANAGEMENT, KeyManagement, Wrapped
from ._sig import JWS_ALGORITHMS, SignatureAlgorithm, constant_time_equal

__all__ = [
    "CONTENT_ENCRYPTIONS",
    "DEFAULT_MAX_P2C",
    "JWS_ALGORITHMS",
    "KEY_MANAGEMENT",
    "ContentCipher",
    "ContentEncryption",
    "KeyManagement",
    "KeyRequirement",
    "Operation",
    "SignatureAlgorithm",
    "Wrapped",
    "constant_time_equal",
]
