"""jotkit: a complete, fast, secure-by-default JOSE / JWT toolkit.

JWS (RFC 7515), JWE (RFC 7516), JWK (RFC 7517), JWA (RFC 7518), JWT (RFC 7519).

``import jotkit`` loads keys, JWS and JWT. JWE loads on first use of ``jotkit.jwe`` (or
``import jotkit.jwe``), so that servers that only verify signatures do not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors, jwa, jwk, jws, jwt
from ._limits import Limits
from .errors import JotkitError
from .jwk import Key, KeySet
from .jwt import Verifier, decode, decode_complete, encode, unverified

if TYPE_CHECKING:
    from . import jwe

__version__ = "0.1.0"

__all__ = [
    "JotkitError",
    "Key",
    "KeySet",
    "Limits",
    "Verifier",
    "__version__",
    "decode",
    "decode_complete",
    "encode",
    "errors",
    "jwa",
    "jwe",
    "jwk",
    "jws",
    "jwt",
    "unverified",
]


def __getattr__(name: str) -> Any:
    if name == "jwe":
        import importlib

        return importlib.import_module(".jwe", __name__)
    raise AttributeError(f"module 'jotkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The lazily loaded names too (``jwe``), so that dir() and help() show the whole API.
    return sorted(set(globals()) | set(__all__))
