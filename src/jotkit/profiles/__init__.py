"""Token profiles on top of ``jotkit.jwt``: OIDC ID tokens (``oidc``), RFC 9068 access
tokens (``access_token``), DPoP (RFC 9449, ``dpop``), client assertions (RFC 7523,
``client_assertion``), request objects (RFC 9101, ``jar``) and selective disclosure
(RFC 9901, ``sd_jwt``).

Import the profile you use: ``from jotkit.profiles import oidc``. Each loads on first
import, so ``import jotkit`` pays for none of them.
"""

from __future__ import annotations

__all__ = ["access_token", "client_assertion", "dpop", "jar", "oidc", "sd_jwt"]
