"""JSON Web Token (RFC 7519) with the best current practices of RFC 8725.

``encode`` / ``decode`` (one call verifies the signature AND validates the claims),
``decode_complete`` (with the header and key), ``Verifier`` (pre-bound, the server fast
path), encrypted JWTs (``encrypt`` / ``decrypt``), nested JWTs (``encode_nested`` /
``decode_nested``), unsecured JWTs (``encode_unsecured`` / ``decode_unsecured``, the
only code that touches ``alg: none``) and ``unverified`` for debugging.

Encrypted, nested and unsecured JWTs load on first use, so that ``import jotkit`` stays
small for servers that only verify signed tokens.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._encode import encode
from ._parse import unverified
from ._policy import ClaimsPolicy
from ._prepared import decode, decode_complete
from ._result import DecodedJWT, UnverifiedJWT
from ._verifier import Verifier

if TYPE_CHECKING:
    from ._checks import Now
    from ._encrypted import decrypt, encrypt
    from ._nested import decode_nested, encode_nested
    from ._unsecured import decode_unsecured, encode_unsecured

__all__ = [
    "ClaimsPolicy",
    "DecodedJWT",
    "Now",
    "UnverifiedJWT",
    "Verifier",
    "decode",
    "decode_complete",
    "decode_nested",
    "decode_unsecured",
    "decrypt",
    "encode",
    "encode_nested",
    "encode_unsecured",
    "encrypt",
    "unverified",
]

_LAZY = {
    "Now": "._checks",
    "decrypt": "._encrypted",
    "encrypt": "._encrypted",
    "decode_nested": "._nested",
    "encode_nested": "._nested",
    "decode_unsecured": "._unsecured",
    "encode_unsecured": "._unsecured",
}


def __dir__() -> list[str]:
    # The lazily loaded functions too, so that dir() and help() show the whole API.
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
