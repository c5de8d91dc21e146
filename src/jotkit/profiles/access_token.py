"""JWT access tokens: ``AccessTokenVerifier`` (RFC 9068, for resource servers).

Section 4 (validation): ``typ`` must be ``at+jwt`` (``application/at+jwt`` is the same
type), so that an ID token or any other JWT of the same issuer cannot be replayed as an
access token (RFC 8725 3.11); ``iss`` exact, ``aud`` containing this resource, the
claims of section 2.2 required; scopes (section 2.2.3) from ``scope``, a space-delimited
string, or ``scp``, a list some providers send. The signature and claim rules are those
of :class:`jotkit.jwt.Verifier` and its ``ClaimsPolicy``; this module adds the typing
and scope rules only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .._frozen import Frozen
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import InvalidClaimError
from ..jwk import KeyLike
from ..jwt import Verifier
from ._tokens import Decryption, header_typ, open_nested

if TYPE_CHECKING:
    from datetime import timedelta

    from ..jwt import Now

__all__ = ["AccessToken", "AccessTokenVerifier"]

#: RFC 9068 section 2.2: the claims every JWT access token carries.
REQUIRED_CLAIMS = ("iss", "exp", "aud", "sub", "client_id", "iat", "jti")
#: What ``allow_untyped`` accepts besides ``at+jwt``: no ``typ``, or the generic ``JWT``.
_UNTYPED = frozenset((None, "jwt", "at+jwt"))


class AccessToken(Frozen):
    """A validated access token: its claims, granted scopes, client and header."""

    claims: dict[str, Any]
    scopes: frozenset[str]
    client_id: str
    header: dict[str, Any]
    __slots__ = ("claims", "client_id", "header", "scopes")

    def __repr__(self) -> str:
        return f"AccessToken(client_id={self.client_id!r}, scopes={sorted(self.scopes)})"


def granted_scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    """The scopes a token grants: ``scope`` (space-delimited, RFC 9068 2.2.3 / RFC 8693
    4.2) and ``scp`` (a list, or a string, as some providers send).

    Raises:
        InvalidClaimError: ``scope`` or ``scp`` of the wrong type.
    """
    scopes: set[str] = set()
    scope = claims.get("scope")
    if scope is not None:
        if not isinstance(scope, str):
            raise InvalidClaimError("'scope' must be a space-delimited string", claim="scope")
        scopes.update(scope.split())
    scp = claims.get("scp")
    if scp is not None:
        if isinstance(scp, str):
            scopes.update(scp.split())
        elif isinstance(scp, list) and all(isinstance(s, str) for s in scp):
            scopes.update(scp)
        else:
            raise InvalidClaimError("'scp' must be a list of strings", claim="scp")
    return frozenset(scopes)


class AccessTokenVerifier:
    """Validate RFC 9068 access tokens for one resource server.

    Args:
        keys: the authorization server's keys (any key source: ``RemoteKeySet``,
            ``discover(...).keys``, a ``KeySet``...).
        issuer: the exact ``iss``.
        audience: this resource's identifier(s); ``aud`` must contain one.
        algorithms: the JWS algorithms accepted.
        scopes: scopes every token must grant (all of them).
        allow_untyped: also accept tokens with no ``typ`` or ``typ: JWT``, for providers
            that send them (Entra ID, PingFederate). Weaker: such a token cannot be told
            from an ID token or another JWT of the same issuer by its type, and is then
            kept apart only by its audience and required claims.
        decryption_key, key_algorithms, encryptions: for encrypted access tokens.
        leeway, now, checks: as the claims policy of ``jotkit.decode``.
        limits: input size limits.

    Raises:
        TypeError, ValueError: an invalid argument.
    """

    def __init__(
        self,
        keys: KeyLike,
        *,
        issuer: str | Collection[str],
        audience: str | Collection[str],
        algorithms: Collection[str],
        scopes: Collection[str] = (),
        allow_untyped: bool = False,
        decryption_key: KeyLike | None = None,
        key_algorithms: Collection[str] | None = None,
        encryptions: Collection[str] | None = None,
        leeway: float | timedelta = 0,
        now: Now | None = None,
        checks: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if isinstance(scopes, str) or not all(isinstance(s, str) for s in scopes):
            raise TypeError("scopes must be a collection of scope names")
        self.scopes: frozenset[str] = frozenset(scopes)
        self.allow_untyped = allow_untyped
        self._decryption = Decryption(decryption_key, key_algorithms, encryptions)
        self._limits = limits
        self._verifier = Verifier(
            keys,
            algorithms=algorithms,
            limits=limits,
            issuer=issuer,
            audience=audience,
            required=REQUIRED_CLAIMS,
            typ=None if allow_untyped else "at+jwt",
            leeway=leeway,
            now=now,
            checks=checks,
        )

    def __repr__(self) -> str:
        return f"AccessTokenVerifier(policy={self._verifier.policy!r})"

    def decode(self, token: str | bytes) -> AccessToken:
        """Validate an access token.

        Raises:
            MalformedError, AlgorithmNotAllowedError: the token.
            KeyNotFoundError, KeySetUnavailableError, VerificationError: its signature.
            ClaimsError: ``typ``, a required claim, ``iss``, ``aud``, time, or a scope
                not granted (``.claim`` is ``"scope"``).
        """
        inner = open_nested(token, self._decryption, self._limits)
        result = self._verifier.decode_complete(inner)  # type: ignore[arg-type]
        return self._result(result.header, result.claims)

    async def decode_async(self, token: str | bytes) -> AccessToken:
        """:meth:`decode` awaiting the key source (an ``AsyncRemoteKeySet``).

        Raises:
            JotkitError: as :meth:`decode`.
        """
        inner = open_nested(token, self._decryption, self._limits)
        result = await self._verifier.decode_complete_async(inner)  # type: ignore[arg-type]
        return self._result(result.header, result.claims)

    def _result(self, header: dict[str, Any], claims: dict[str, Any]) -> AccessToken:
        if self.allow_untyped and header_typ(header) not in _UNTYPED:
            raise InvalidClaimError("the token's typ says it is not an access token", claim="typ")
        client_id = claims["client_id"]
        if not isinstance(client_id, str):
            raise InvalidClaimError("'client_id' must be a string", claim="client_id")
        granted = granted_scopes(claims)
        missing = self.scopes - granted
        if missing:
            raise InvalidClaimError(
                f"the token does not grant the scopes {sorted(missing)}", claim="scope"
            )
        return AccessToken(claims, granted, client_id, header)
