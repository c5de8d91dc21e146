"""A JWS JSON header as key sources see it: both headers joined, the unprotected marked.

RFC 7515 section 7.2.1 lets a JWS JSON signature carry an unprotected header, whose
members no signature covers. Key sources are handed the joined header (protected and
unprotected members are disjoint); one that must trust only signed members (``x5c`` in
:class:`jotkit.x509.CertificateTrust`) asks :func:`unprotected_names` which they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["JoinedHeader", "join", "unprotected_names"]


class JoinedHeader(dict[str, Any]):
    """Protected and unprotected members in one dict; ``unprotected`` names the latter."""

    __slots__ = ("unprotected",)

    unprotected: frozenset[str]


def join(protected: Mapping[str, Any], unprotected: Mapping[str, Any]) -> dict[str, Any]:
    """The header a key source sees: a plain dict when nothing is unprotected."""
    if not unprotected:
        return dict(protected)
    header = JoinedHeader(protected)
    header.update(unprotected)
    header.unprotected = frozenset(unprotected)
    return header


def unprotected_names(header: Mapping[str, Any]) -> frozenset[str]:
    """The members of ``header`` that came from an unprotected header (none for compact)."""
    if isinstance(header, JoinedHeader):
        return header.unprotected
    return frozenset()
