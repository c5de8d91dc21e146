"""JSON Web Algorithms (RFC 7518): closed, read-only tables of algorithm descriptors.

Extending jotkit means passing your own table, never registering into a global one.

The JWS table loads with the package; the JWE tables (key management, content
encryption) load on first access, so that verifying signatures does not import them.

Algorithm names are typed ``str`` in the public API, not ``Literal``: they usually come
from configuration, where a ``Literal`` parameter would make every configured value a
type error. An unknown name is refused at run time (``UnsupportedAlgorithmError`` for a
token, ``ValueError`` for a caller), and the tables are the list of what exists.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._base import KeyRequirement, Operation
from ._sig import JWS_ALGORITHMS, SignatureAlgorithm, constant_time_equal

if TYPE_CHECKING:
    from ._content import CONTENT_ENCRYPTIONS, ContentCipher, ContentEncryption
    from ._keymgmt import DEFAULT_MAX_P2C, KEY_MANAGEMENT, KeyManagement, Wrapped

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

_LAZY = {
    "CONTENT_ENCRYPTIONS": "._content",
    "ContentCipher": "._content",
    "ContentEncryption": "._content",
    "DEFAULT_MAX_P2C": "._keymgmt",
    "KEY_MANAGEMENT": "._keymgmt",
    "KeyManagement": "._keymgmt",
    "Wrapped": "._keymgmt",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
