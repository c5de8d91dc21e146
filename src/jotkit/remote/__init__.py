"""Remote key sets and provider discovery (extra ``remote``: ``pip install 'jotkit[remote]'``).

``RemoteKeySet`` / ``AsyncRemoteKeySet``: a provider's JWK Set (RFC 7517 section 5)
fetched over HTTPS, cached and refreshed, as a key source for ``jotkit.decode``,
``jotkit.Verifier`` and the profiles. ``discover`` / ``discover_async``: OpenID Connect
Discovery 1.0 and RFC 8414 metadata. Security rules: DESIGN section 3.9.

This layer depends on ``jwk`` and below, never on ``jwt``; httpx is imported here only.
"""

from __future__ import annotations

from ._async import AsyncRemoteKeySet
from ._discovery import Provider, clear_discovery_cache, discover, discover_async
from ._sync import RemoteKeySet

__all__ = [
    "AsyncRemoteKeySet",
    "Provider",
    "RemoteKeySet",
    "clear_discovery_cache",
    "discover",
    "discover_async",
]
