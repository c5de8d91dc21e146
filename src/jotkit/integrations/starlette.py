"""Starlette and other ASGI apps: :class:`TokenBackend`, an authentication backend that
validates the request's access token (extra ``fastapi``, which brings Starlette).

::

    app = Starlette(routes=..., middleware=[token_middleware(TokenBackend(verifier))])

A request without an ``Authorization`` header is anonymous (``request.user`` is not
authenticated; guard routes with ``starlette.authentication.requires``); one with a
token that fails is answered by :func:`on_error` with the RFC 6750 / RFC 9449 status
and ``WWW-Authenticate`` header. ``request.auth.scopes`` are the token's scopes, so
``@requires("messages:read")`` checks them; ``request.user.claims`` are its claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._extras import missing_extra

try:
    import starlette  # noqa: F401 - first, so that a missing Starlette is named as such
    from starlette.authentication import (
        AuthCredentials,
        AuthenticationBackend,
        AuthenticationError,
        BaseUser,
    )
    from starlette.middleware import Middleware
    from starlette.middleware.authentication import AuthenticationMiddleware
    from starlette.requests import HTTPConnection
    from starlette.responses import JSONResponse, PlainTextResponse, Response
except ImportError as _missing:  # pragma: no cover - exercised in a fresh interpreter
    raise missing_extra("jotkit.integrations.starlette", "fastapi", _missing) from _missing

from ._core import (
    Authenticator,
    Challenge,
    Principal,
    TokenVerifier,
    asgi_path,
    authenticator_for,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._core import AuthOptions

__all__ = ["TokenBackend", "TokenUser", "on_error", "token_middleware"]


class TokenUser(BaseUser):
    """The user of a request whose access token passed: its claims and principal."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.claims: dict[str, Any] = principal.claims

    @property
    def is_authenticated(self) -> bool:
        """Always: a user exists only for a request whose token passed."""
        return True

    @property
    def display_name(self) -> str:
        """The token's ``sub``, or an empty string without one."""
        sub = self.claims.get("sub")
        return sub if isinstance(sub, str) else ""

    @property
    def identity(self) -> str:
        """The token's ``sub``, as :attr:`display_name`."""
        return self.display_name


class ChallengeError(AuthenticationError):
    """A refused token, carried to :func:`on_error`."""

    def __init__(self, challenge: Challenge) -> None:
        super().__init__(challenge.error or "unauthorized")
        self.challenge = challenge


class TokenBackend(AuthenticationBackend):
    """Validate the ``Authorization`` header (bearer or DPoP) of each request.

    Args:
        verifier: validates the token (``Verifier`` or ``AccessTokenVerifier``), or an
            :class:`~jotkit.integrations.Authenticator` shared with other apps.
        **options: as :class:`~jotkit.integrations.Authenticator`.

    Raises:
        TypeError, ValueError: invalid arguments.
    """

    authenticator: Authenticator

    def __init__(
        self, verifier: TokenVerifier | Authenticator, **options: Unpack[AuthOptions]
    ) -> None:
        self.authenticator = authenticator_for(verifier, options)

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        """The credentials and user of a request with a valid token; None without an
        ``Authorization`` header (anonymous).

        Raises:
            ChallengeError: the token is refused (answered by :func:`on_error`).
        """
        if not conn.headers.getlist("authorization"):
            return None
        method = conn.scope.get("method", "GET")
        try:
            principal = await self.authenticator.authenticate_async(
                method, asgi_path(conn.scope), conn.headers.getlist
            )
        except Challenge as challenge:
            raise ChallengeError(challenge) from None
        return AuthCredentials(sorted(principal.scopes)), TokenUser(principal)


def on_error(conn: HTTPConnection, exc: Exception) -> Response:
    """The answer to a refused token: status, ``WWW-Authenticate`` and a JSON body."""
    if isinstance(exc, ChallengeError):
        challenge = exc.challenge
        return JSONResponse(challenge.body(), challenge.status, headers=challenge.headers)
    return PlainTextResponse("authentication failed", 400)


def token_middleware(backend: TokenBackend) -> Middleware:
    """Starlette's ``AuthenticationMiddleware`` with ``backend`` and :func:`on_error`."""
    return Middleware(AuthenticationMiddleware, backend=backend, on_error=on_error)
