"""JSON Web Signature (RFC 7515), unencoded payloads (RFC 7797), detached content.

Both serializations: compact (``sign_compact`` / ``verify_compact``) and JSON, general or
flattened (``sign_json`` / ``verify_json``).
"""

from __future__ import annotations

from ._compact import CompactVerifier, sign_compact, verify_compact
from ._jsonser import Signer, sign_json, verify_json
from ._result import VerifiedJWS

__all__ = [
    "CompactVerifier",
    "Signer",
    "VerifiedJWS",
    "sign_compact",
    "sign_json",
    "verify_compact",
    "verify_json",
]
