"""Flask: :func:`require_token`, a view decorator that validates the request's access
token (extra ``flask``).

::

    @app.get("/messages")
    @require_token(verifier, scopes=["messages:read"])
    def messages():
        return {"for": g.token_claims["sub"]}

The claims are on ``flask.g.token_claims`` and the principal (scheme, scopes, DPoP
proof) on ``flask.g.token``; refusals are answered with the RFC 6750 / RFC 9449 status,
``WWW-Authenticate`` header and a JSON body (see :mod:`jotkit.integrations`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .._extras import missing_extra

try:
    from flask import g, jsonify, make_response, request
except ImportError as _missing:  # pragma: no cover - exercised in a fresh interpreter
    raise missing_extra("jotkit.integrations.flask", "flask", _missing) from _missing

from ._core import (
    Authenticator,
    Challenge,
    TokenVerifier,
    _scope_set,
    authenticator_for,
    wsgi_path,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._core import AuthOptions

__all__ = ["require_token"]

_View = TypeVar("_View", bound=Callable[..., Any])


def require_token(
    verifier: TokenVerifier | Authenticator,
    **options: Unpack[AuthOptions],
) -> Callable[[_View], _View]:
    """Decorate a view so that it runs only for a request with a valid access token.

    Args:
        verifier: validates the token (``Verifier`` or ``AccessTokenVerifier``), or an
            ``Authenticator`` shared by several views (``scopes`` then add to its own).
        **options: as :class:`Authenticator`: ``scopes`` this view needs (on top of a
            shared ``Authenticator``'s own), and ``dpop``, ``require_dpop``, ``realm``,
            ``public_url`` (not with an ``Authenticator``, which has its own).

    Raises:
        TypeError, ValueError: invalid arguments.
    """
    route_scopes = _scope_set(options.pop("scopes", ()))
    authenticator = authenticator_for(verifier, options)

    def decorate(view: _View) -> _View:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                principal = authenticator.authenticate(
                    request.method, wsgi_path(request.environ), request.headers.getlist,
                    scopes=route_scopes,
                )  # fmt: skip
            except Challenge as challenge:
                return jsonify(challenge.body()), challenge.status, challenge.headers
            g.token = principal
            g.token_claims = principal.claims
            response = make_response(view(*args, **kwargs))
            if principal.nonce is not None:
                response.headers["DPoP-Nonce"] = principal.nonce
            return response

        return guarded  # type: ignore[return-value]

    return decorate
