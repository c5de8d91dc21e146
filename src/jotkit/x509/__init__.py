"""X.509 certificates for JOSE: ``x5c`` chains validated against trust anchors.

:class:`CertificateTrust` is a key source (DESIGN section 1): pass it as ``key=`` to
``jotkit.decode``, a ``Verifier`` or ``jws.verify_compact``, and the key that verifies a
token is the leaf of the token's protected ``x5c`` chain, once that chain validates
against the configured anchors (RFC 7515 section 4.1.6, RFC 5280 section 6).
"""

from __future__ import annotations

from ._trust import DEFAULT_MAX_DEPTH, DEFAULT_MAX_X5C_SIZE, CertificateTrust

__all__ = ["DEFAULT_MAX_DEPTH", "DEFAULT_MAX_X5C_SIZE", "CertificateTrust"]
