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

from typing import TYPE_CHECKING, Any

from .._extras import missing_extra

try:
    from fastapi import HTTPException, Request, Response
    from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
    from fastapi.security import SecurityScopes
    from fastapi.security.base import SecurityBase
except ImportError as _missing:  # pragma: no cover - exercised in a fresh interpreter
    raise missing_extra("jotkit.integrations.fastapi", "fastapi", _missing) from _missing

from ._core import Authenticator, Challenge, TokenVerifier, asgi_path, authenticator_for

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._core import AuthOptions

__all__ = ["BearerAuth"]


class BearerAuth(SecurityBase):
    """A FastAPI dependency: the validated claims of the request's access token.

    Use it with ``Depends(auth)`` or ``Security(auth, scopes=[...])``; the principal
    (scheme, scopes, DPoP proof) is also kept on ``request.state.jotkit``.

    Args:
        verifier: validates the token (``Verifier`` or ``AccessTokenVerifier``), or an
            :class:`~jotkit.integrations.Authenticator` shared with other routes.
        scheme_name: the security scheme's name in the OpenAPI schema.
        **options: as :class:`~jotkit.integrations.Authenticator` (``scopes`` every
            request must have, ``Security(..., scopes=)`` adding more; ``dpop``,
            ``require_dpop``, ``realm``, ``public_url``).

    Raises:
        TypeError, ValueError: invalid arguments.
    """

    authenticator: Authenticator
    model: HTTPBearerModel
    scheme_name: str

    def __init__(
        self,
        verifier: TokenVerifier | Authenticator,
        *,
        scheme_name: str | None = None,
        **options: Unpack[AuthOptions],
    ) -> None:
        self.authenticator = authenticator_for(verifier, options)
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
