"""jotkit: a complete, fast, secure-by-default JOSE / JWT toolkit.

JWS (RFC 7515), JWE (RFC 7516), JWK (RFC 7517), JWA (RFC 7518), JWT (RFC 7519).
"""

from __future__ import annotations

from . import errors, jws
from .errors import JotkitError
from .jwk import Key, KeySet

__version__ = "0.1.0"

__all__ = ["JotkitError", "Key", "KeySet", "__version__", "errors", "jws"]
