"""Token profiles built on JWT: DPoP (RFC 9449), client assertions (RFC 7523), request
objects (RFC 9101), and the others of DESIGN section 2.

Import the profile you use: ``from jotkit.profiles import dpop``. Each loads on first
import, so ``import jotkit`` pays for none of them.
"""

from __future__ import annotations

__all__ = ["client_assertion", "dpop", "jar"]
