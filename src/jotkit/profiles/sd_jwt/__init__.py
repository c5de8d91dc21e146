"""Selective Disclosure JWT (RFC 9901) and SD-JWT VC: issue, present, verify.

``issue`` (the issuer: claims marked :class:`SD` become Disclosures), ``present`` (the
holder: Disclosures chosen by JSON pointer, and a key binding JWT), ``verify`` /
:class:`SDJWTVerifier` (the verifier: every rule of section 7.1, key binding by
section 7.3, then the claims policy on the processed claims). Compact and JSON
serializations (section 8), flattened and general. ``typ: dc+sd-jwt`` applies the
SD-JWT VC rules (``vct`` required; ``iss``, ``nbf``, ``exp``, ``cnf``, ``vct`` and
``status`` never selectively disclosable).
"""

from __future__ import annotations

from ._disclosure import SD
from ._issue import issue
from ._present import present
from ._verify import SDJWTVerifier, verify

__all__ = ["SD", "SDJWTVerifier", "issue", "present", "verify"]
