"""Resource-server glue: protect an API with access tokens (bearer and DPoP).

- :mod:`jotkit.integrations.fastapi`: ``BearerAuth``, a FastAPI dependency (extra
  ``fastapi``);
- :mod:`jotkit.integrations.starlette`: ``TokenBackend``, an authentication backend
  for Starlette and other ASGI apps (extra ``fastapi``, which brings Starlette);
- :mod:`jotkit.integrations.flask`: ``@require_token`` (extra ``flask``).

All three are thin faces of one framework-free :class:`Authenticator`: the answers
follow RFC 6750 section 3 (``Bearer`` challenges, ``invalid_token``,
``insufficient_scope``) and RFC 9449 section 7 (``DPoP`` challenges,
``invalid_dpop_proof``, ``use_dpop_nonce`` with ``DPoP-Nonce``); a key set or replay
store that cannot answer gives 503, never an accept.
"""

from __future__ import annotations

from ._core import Authenticator, AuthOptions, Challenge, Principal, TokenVerifier

__all__ = ["AuthOptions", "Authenticator", "Challenge", "Principal", "TokenVerifier"]
