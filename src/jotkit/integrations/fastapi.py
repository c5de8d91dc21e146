"""FastAPI: :class:`BearerAuth`, a dependency that validates the request's access token
and returns its claims (extra ``fastapi``).

::

    auth = BearerAuth(AccessTokenVerifier(keys, issuer=..., audience=..., algorithms=...))

    @app.get("/messages")
    async def messages(claims: dict = Security(auth, scopes=["messages:read"])): ...

Refusals are ``HTTPException`` with the RFC 6750 / RFC 9449 status and
``WWW-Authenticate`` header (see :mod:`jotkit.integrations`). The check awaits the key
source (``decode_async``): with an ``AsyncRemoteKeySet`` a cold or refreshing set never
blocks the event loop; a warm set costs no I/O at all. The OpenAPI schema shows the
dependency as an HTTP bearer security scheme.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .._extras import missing_extra

try:
    from fastapi import HTTPException, Request, Response
    from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
    from fastapi.security import SecurityScopes
    from fastapi.security.base import SecurityBase
except ImportError as _missing:  # pragma: no cover - exercised in a fresh interpreter
    raise missing_extra("jotkit.integrations.fastapi", "fastapi", _missing) from _missing

from ..profiles.dpop import DPoPVerifier
from ._core import Authenticator, Challenge, TokenVerifier, asgi_path

__all__ = ["BearerAuth"]


class BearerAuth(SecurityBase):
    """A FastAPI dependency: the validated claims of the request's access token.

    Use it with ``Depends(auth)`` or ``Security(auth, scopes=[...])``; the principal
    (scheme, scopes, DPoP proof) is also kept on ``request.state.jotkit``.

    Args:
        verifier: validates the token (``Verifier`` or ``AccessTokenVerifier``).
        scopes: scopes every request must have; ``Security(..., scopes=)`` adds more.
        dpop: a ``DPoPVerifier`` to accept DPoP-bound tokens (RFC 9449).
        require_dpop: refuse the ``Bearer`` scheme.
        realm: the challenges' ``realm``.
        public_url: the API's public origin, which DPoP's ``htu`` is checked against
            (required with ``dpop``; never taken from ``Host``).
        scheme_name: the security scheme's name in the OpenAPI schema.

    Raises:
        TypeError, ValueError: invalid arguments.
    """

    authenticator: Authenticator
    model: HTTPBearerModel
    scheme_name: str

    def __init__(
        self,
        verifier: TokenVerifier,
        *,
        scopes: Collection[str] = (),
        dpop: DPoPVerifier | None = None,
        require_dpop: bool = False,
        realm: str = "api",
        public_url: str | None = None,
        scheme_name: str | None = None,
    ) -> None:
        self.authenticator = Authenticator(
            verifier, scopes=scopes, dpop=dpop, require_dpop=require_dpop, realm=realm,
            public_url=public_url,
        )  # fmt: skip
        self.model = HTTPBearerModel(bearerFormat="JWT")
        self.scheme_name = scheme_name or type(self).__name__

    async def __call__(
        self, request: Request, response: Response, security_scopes: SecurityScopes
    ) -> dict[str, Any]:
        try:
            principal = await self.authenticator.authenticate_async(
                request.method, asgi_path(request.scope), request.headers.getlist,
                scopes=security_scopes.scopes,
            )  # fmt: skip
        except Challenge as challenge:
            raise HTTPException(
                challenge.status, detail=challenge.body(), headers=challenge.headers
            ) from None
        request.state.jotkit = principal
        if principal.nonce is not None:
            response.headers["DPoP-Nonce"] = principal.nonce
        return principal.claims
