"""The framework-free core of the integrations: from a request's method, path and
headers to the validated claims, or to the HTTP answer that refuses it.

RFC 6750 section 3 (the ``Bearer`` challenge and its error codes) and RFC 9449
section 7 (the ``DPoP`` scheme, its challenge and ``use_dpop_nonce``). The faces for
FastAPI, Starlette and Flask only read their request and write their response; every
decision is made here, once.

What an answer says is fixed text chosen by the error's code: nothing of the request
(token, claims, ``kid``, header values) is echoed back, so a client cannot inject
into the ``WWW-Authenticate`` header or learn more than the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypedDict
from urllib.parse import quote

from .._frozen import Frozen
from ..errors import (
    DPoPProofError,
    JotkitError,
    KeySetUnavailableError,
    ReplayStoreUnavailableError,
    UseDPoPNonceError,
)
from ..profiles.access_token import AccessToken, granted_scopes
from ..profiles.dpop import DPoPProof, DPoPVerifier, check_bearer

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "AuthOptions", "Authenticator", "Challenge", "Principal", "TokenVerifier",
    "asgi_path", "authenticator_for", "wsgi_path",
]  # fmt: skip

#: RFC 6750 section 2.1: the token68-like syntax of a bearer token.
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
#: A realm goes inside a quoted-string: plain visible characters, no quote or backslash.
_QUOTABLE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e ]*")
#: RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
_SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")
#: Each refusal's description, by its error code: fixed text, never the request's.
_DESCRIPTIONS = {
    "invalid_request": "the request's Authorization header is malformed",
    "invalid_token": "the access token is invalid, expired or revoked",
    "insufficient_scope": "the access token does not grant the scope this request needs",
    "invalid_dpop_proof": "the DPoP proof is invalid",
    "use_dpop_nonce": "the DPoP proof must carry the server's current nonce",
    "temporarily_unavailable": "the token cannot be checked now; retry later",
}


class TokenVerifier(Protocol):
    """What validates the access token: a :class:`jotkit.jwt.Verifier` (the claims) or
    an :class:`~jotkit.profiles.access_token.AccessTokenVerifier` (an ``AccessToken``)."""

    def decode(self, token: str) -> Any:
        """Validate ``token``; return its claims (or an ``AccessToken``)."""
        ...

    async def decode_async(self, token: str) -> Any:
        """:meth:`decode`, awaiting the key source."""
        ...


class Challenge(Exception):
    """The HTTP answer that refuses a request: status, headers and a JSON body.

    Attributes:
        status: 400, 401, 403 or 503.
        error: the RFC 6750 / RFC 9449 error code, or None when the request carried no
            credentials (a plain challenge).
        headers: ``WWW-Authenticate`` (and ``DPoP-Nonce``, ``Retry-After``) to send.
        cause: the ``JotkitError`` behind it, for the application's logs (never sent).
    """

    def __init__(
        self,
        status: int,
        error: str | None,
        headers: dict[str, str],
        cause: JotkitError | None = None,
    ) -> None:
        super().__init__(error or "authentication required")
        self.status = status
        self.error = error
        self.headers = headers
        self.cause = cause

    @property
    def description(self) -> str:
        """The fixed text for :attr:`error`."""
        return _DESCRIPTIONS.get(self.error or "", "authentication required")

    def body(self) -> dict[str, str]:
        """The JSON body: the error code and its fixed description."""
        if self.error is None:
            return {"error": "unauthorized", "error_description": self.description}
        return {"error": self.error, "error_description": self.description}


class Principal(Frozen):
    """A request that passed: the token's claims and how it was presented.

    Attributes:
        claims: the validated access token's claims.
        scopes: the scopes the token grants.
        scheme: ``"Bearer"`` or ``"DPoP"``.
        token: the access token.
        proof: the verified DPoP proof (``.jkt``), or None for a bearer token.
        nonce: the ``DPoP-Nonce`` to send with the response, when nonces are on.
    """

    claims: dict[str, Any]
    scopes: frozenset[str]
    scheme: str
    token: str
    proof: DPoPProof | None
    nonce: str | None
    __slots__ = ("claims", "nonce", "proof", "scheme", "scopes", "token")

    def __repr__(self) -> str:
        return f"Principal(scheme={self.scheme!r}, scopes={sorted(self.scopes)})"


#: Reads every value of one request header (case-insensitive name).
HeaderValues = Callable[[str], list[str]]


class AuthOptions(TypedDict, total=False):
    """The keywords of :class:`Authenticator` besides the verifier (``**AuthOptions``).

    The one list of their names and types: every face (``BearerAuth``, ``TokenBackend``,
    ``@require_token``) takes the same keywords and hands them on. What each means, and
    its default, is in :class:`Authenticator`.
    """

    scopes: Collection[str]
    dpop: DPoPVerifier | None
    require_dpop: bool
    realm: str
    public_url: str | None


class Authenticator:
    """Check a request's access token (and DPoP proof); one per protected API.

    Args:
        verifier: validates the access token (``Verifier`` or ``AccessTokenVerifier``).
        **options: the keywords of :class:`AuthOptions`:

            - ``scopes``: scopes every request must have (more per route through
              ``authenticate``); none by default.
            - ``dpop``: a :class:`~jotkit.profiles.dpop.DPoPVerifier` to accept the
              ``DPoP`` scheme; None (the default) accepts bearer tokens only.
            - ``require_dpop``: refuse the ``Bearer`` scheme altogether (needs ``dpop``);
              False by default.
            - ``realm``: the ``realm`` of the challenges, ``"api"`` by default.
            - ``public_url``: the API's public origin (``https://api.example.com``),
              which ``htu`` is checked against: required with ``dpop``, never taken from
              ``Host``.

    Raises:
        TypeError, ValueError: invalid arguments (an unknown keyword too).
    """

    __slots__ = ("_dpop", "_origin", "_realm", "_require_dpop", "_scopes", "_verifier")

    def __init__(self, verifier: TokenVerifier, **options: Unpack[AuthOptions]) -> None:
        unknown = options.keys() - AuthOptions.__optional_keys__
        if unknown:
            raise TypeError(f"unknown Authenticator keyword {sorted(unknown)[0]!r}")
        scopes = options.get("scopes", ())
        dpop = options.get("dpop")
        require_dpop = options.get("require_dpop", False)
        realm = options.get("realm", "api")
        public_url = options.get("public_url")
        if not callable(getattr(verifier, "decode", None)):
            raise TypeError("verifier must be a jotkit Verifier or AccessTokenVerifier")
        if dpop is not None and not isinstance(dpop, DPoPVerifier):
            raise TypeError("dpop must be a jotkit.profiles.dpop.DPoPVerifier")
        if not isinstance(require_dpop, bool):
            raise TypeError("require_dpop must be a bool")
        if require_dpop and dpop is None:
            raise ValueError("require_dpop needs dpop=DPoPVerifier(...)")
        if not isinstance(realm, str) or not _QUOTABLE.fullmatch(realm):
            raise ValueError("realm must be plain printable text without quotes or backslashes")
        if dpop is not None and not (
            isinstance(public_url, str) and public_url.startswith(("https://", "http://"))
        ):
            raise ValueError(
                "pass public_url='https://api.example.com': DPoP checks htu against the "
                "API's configured public URL, never against the Host header"
            )
        self._verifier = verifier
        self._scopes = _scope_set(scopes)
        self._dpop = dpop
        self._require_dpop = require_dpop
        self._realm = realm
        self._origin = (public_url or "").rstrip("/")

    def __repr__(self) -> str:
        return f"Authenticator(scopes={sorted(self._scopes)}, dpop={self._dpop is not None})"

    def authenticate(
        self,
        method: str,
        path: str,
        headers: HeaderValues,
        *,
        scopes: Collection[str] = (),
    ) -> Principal:
        """Validate one request.

        Args:
            method: the HTTP method.
            path: the request's path as sent (percent-encoded; the query is ignored).
            headers: every value of a header, by name.
            scopes: scopes this route needs besides the authenticator's.

        Raises:
            Challenge: the request is refused; send its status, headers and body.
        """
        scheme, token, proof = self._credentials(headers)
        try:
            claims = self._claims(self._verifier.decode(token))
        except JotkitError as error:
            raise self._refusal(scheme, error, proof=False) from None
        if proof is None:
            return self._principal(claims, scheme, token, None, scopes)
        assert self._dpop is not None
        try:
            checked = self._dpop.verify(
                proof, htm=method, htu=self._origin + path, access_token=token,
                token_claims=claims,
            )  # fmt: skip
        except JotkitError as error:
            raise self._refusal(scheme, error, proof=True) from None
        return self._principal(claims, scheme, token, checked, scopes)

    async def authenticate_async(
        self,
        method: str,
        path: str,
        headers: HeaderValues,
        *,
        scopes: Collection[str] = (),
    ) -> Principal:
        """:meth:`authenticate`, awaiting the key source and the replay store.

        Raises:
            Challenge: as :meth:`authenticate`.
        """
        scheme, token, proof = self._credentials(headers)
        try:
            claims = self._claims(await self._verifier.decode_async(token))
        except JotkitError as error:
            raise self._refusal(scheme, error, proof=False) from None
        if proof is None:
            return self._principal(claims, scheme, token, None, scopes)
        assert self._dpop is not None
        try:
            checked = await self._dpop.verify_async(
                proof, htm=method, htu=self._origin + path, access_token=token,
                token_claims=claims,
            )  # fmt: skip
        except JotkitError as error:
            raise self._refusal(scheme, error, proof=True) from None
        return self._principal(claims, scheme, token, checked, scopes)

    def _credentials(self, headers: HeaderValues) -> tuple[str, str, str | None]:
        """The scheme, the token and the DPoP proof (None for Bearer) of a request."""
        values = headers("authorization")
        if not values:
            raise self._challenge(401, None, None)
        if len(values) > 1:
            raise self._challenge(400, "invalid_request", None)
        scheme, _, token = values[0].strip().partition(" ")
        scheme = scheme.lower()
        token = token.strip()
        if scheme == "bearer" and not self._require_dpop:
            if not _TOKEN.fullmatch(token):
                raise self._challenge(400, "invalid_request", "Bearer")
            return "Bearer", token, None
        if scheme == "dpop" and self._dpop is not None:
            if not _TOKEN.fullmatch(token):
                raise self._challenge(400, "invalid_request", "DPoP")
            proofs = headers("dpop")
            if len(proofs) != 1:
                # RFC 9449 section 4.3 check 1: exactly one DPoP header.
                raise self._challenge(401, "invalid_dpop_proof", "DPoP")
            return "DPoP", token, proofs[0].strip()
        # An unsupported scheme is no credentials at all (RFC 6750 section 3).
        raise self._challenge(401, None, None)

    @staticmethod
    def _claims(result: object) -> dict[str, Any]:
        if isinstance(result, AccessToken):
            return result.claims
        if isinstance(result, dict):
            return result
        raise TypeError("the verifier must return the claims or an AccessToken")

    def _principal(
        self,
        claims: dict[str, Any],
        scheme: str,
        token: str,
        proof: DPoPProof | None,
        scopes: Collection[str],
    ) -> Principal:
        try:
            if proof is None:
                check_bearer(claims)
            granted = granted_scopes(claims)
        except JotkitError as error:
            raise self._refusal(scheme, error, proof=False) from None
        needed = self._scopes | _scope_set(scopes)
        if not needed <= granted:
            raise self._challenge(403, "insufficient_scope", scheme, scope=sorted(needed))
        nonces = self._dpop.nonces if self._dpop is not None else None
        return Principal(
            claims, granted, scheme, token, proof, None if nonces is None else nonces.current()
        )

    def _refusal(self, scheme: str, error: JotkitError, *, proof: bool) -> Challenge:
        """The answer to the token (or, with ``proof``, the DPoP proof) refused with
        ``error``."""
        if isinstance(error, KeySetUnavailableError | ReplayStoreUnavailableError):
            # Fail closed, but say it is the server's trouble: 503, not 401.
            return Challenge(503, "temporarily_unavailable", {"Retry-After": "5"}, error)
        if isinstance(error, UseDPoPNonceError):
            challenge = self._challenge(401, "use_dpop_nonce", "DPoP", cause=error)
            if error.nonce is not None:
                challenge.headers["DPoP-Nonce"] = error.nonce
            return challenge
        if proof and not (isinstance(error, DPoPProofError) and error.claim == "cnf"):
            # Only a binding failure says the token is wrong: it names another key.
            return self._challenge(401, "invalid_dpop_proof", "DPoP", cause=error)
        return self._challenge(401, "invalid_token", scheme, cause=error)

    def _challenge(
        self,
        status: int,
        error: str | None,
        scheme: str | None,
        *,
        scope: list[str] | None = None,
        cause: JotkitError | None = None,
    ) -> Challenge:
        """A refusal with the challenges of every scheme this API accepts; the error
        code goes on the scheme the client used."""
        if error is not None and scheme is None:
            # A malformed request of no known scheme: the code goes on the main scheme.
            scheme = "DPoP" if self._require_dpop else "Bearer"
        challenges = []
        if not self._require_dpop:
            challenges.append(self._one("Bearer", error if scheme == "Bearer" else None, scope))
        if self._dpop is not None:
            params = self._one("DPoP", error if scheme == "DPoP" else None, scope)
            algs = " ".join(self._dpop.algorithms)
            challenges.append(f'{params}, algs="{algs}"')
        return Challenge(status, error, {"WWW-Authenticate": ", ".join(challenges)}, cause)

    def _one(self, scheme: str, error: str | None, scope: list[str] | None) -> str:
        parts = [f'realm="{self._realm}"']
        if error is not None:
            parts.append(f'error="{error}"')
            parts.append(f'error_description="{_DESCRIPTIONS[error]}"')
            if scope:
                parts.append(f'scope="{" ".join(scope)}"')
        return f"{scheme} {', '.join(parts)}"


def authenticator_for(
    verifier: TokenVerifier | Authenticator, options: AuthOptions
) -> Authenticator:
    """What a face checks requests with: ``verifier`` itself when it is an
    :class:`Authenticator` (shared by several routes or apps), else one built from it and
    ``options``.

    Raises:
        TypeError: an ``Authenticator`` with options too (they would be ignored), or an
            invalid argument.
        ValueError: an invalid argument.
    """
    if isinstance(verifier, Authenticator):
        if options:
            raise TypeError(
                "pass the options to the Authenticator itself: "
                f"{', '.join(sorted(options))} would be ignored here"
            )
        return verifier
    return Authenticator(verifier, **options)


def _scope_set(scopes: Collection[str]) -> frozenset[str]:
    if isinstance(scopes, str) or not all(
        isinstance(s, str) and _SCOPE.fullmatch(s) for s in scopes
    ):
        raise TypeError("scopes must be a collection of scope names")
    return frozenset(scopes)


#: Characters a request path keeps as they are when it is re-encoded.
_PATH_SAFE = "/!$&'()*+,;=:@-._~"


def asgi_path(scope: Mapping[str, Any]) -> str:
    """The path an ASGI request was sent to, as sent (``raw_path``, else re-encoded)."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes) and raw:
        return raw.split(b"?", 1)[0].decode("latin-1")
    return quote(str(scope.get("root_path", "")) + str(scope.get("path", "/")), safe=_PATH_SAFE)


def wsgi_path(environ: Mapping[str, Any]) -> str:
    """The path a WSGI request was sent to, as sent (``RAW_URI``/``REQUEST_URI`` when the
    server gives one, else ``SCRIPT_NAME`` + ``PATH_INFO`` re-encoded)."""
    for name in ("RAW_URI", "REQUEST_URI"):
        raw = environ.get(name)
        if isinstance(raw, str) and raw.startswith("/"):
            return raw.split("?", 1)[0]
    path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", "/"))
    return quote(path.encode("latin-1", "replace"), safe=_PATH_SAFE)
