"""JSON Web Signature (RFC 7515), unencoded payloads (RFC 7797), detached content.

Both serializations: compact (``sign_compact`` / ``verify_compact``) and JSON, general or
flattened (``sign_json`` / ``verify_json``). The JSON serialization loads on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._compact import CompactVerifier, sign_compact, verify_compact
from ._result import VerifiedJWS

if TYPE_CHECKING:
    from ._jsonser import Signer, sign_json, verify_json

__all__ = [
    "CompactVerifier",
    "Signer",
    "VerifiedJWS",
    "sign_compact",
    "sign_json",
    "verify_compact",
    "verify_json",
]

_LAZY = frozenset({"Signer", "sign_json", "verify_json"})


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("._jsonser", __name__), name)
    globals()[name] = value
    return value
