"""OpenID Connect ID tokens: ``IDTokenVerifier`` (OIDC Core 1.0 with errata set 2).

Section 3.1.3.7 (ID token validation), 3.2.2.11 / 3.3.2.12 (implicit and hybrid flows),
3.1.3.6 / 3.3.2.11 (``at_hash``, ``c_hash``, ``s_hash``), 10.1 (HMAC with the client
secret), 10.2 (encrypted ID tokens). The signature, ``iss``, ``aud``, ``exp``, ``iat``
and the required claims are checked by :class:`jotkit.jwt.Verifier` and its
``ClaimsPolicy``; this module adds only what is particular to ID tokens.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from .._limits import DEFAULT_LIMITS, Limits
from ..errors import ExpiredError, InvalidClaimError, MissingClaimError
from ..jwa import JWS_ALGORITHMS, Operation
from ..jwk import AlgorithmDescriptor, FixedKey, Key, KeyLike, KeySource, key_source
from ..jwt import Verifier
from ..jwt._checks import seconds
from ._tokens import Decryption, header_typ, matches_hash, open_nested

if TYPE_CHECKING:
    from datetime import timedelta

    from ..jwt import Now

__all__ = ["IDTokenVerifier", "id_token_algorithms"]

#: The ``typ`` values of tokens that are not ID tokens (RFC 9068 access tokens, RFC 9449
#: DPoP proofs, back-channel logout tokens, security events): refused, so that one kind
#: of token cannot be replayed as another (RFC 8725 3.11).
_FOREIGN_TYPES = frozenset(
    ("at+jwt", "dpop+jwt", "logout+jwt", "secevent+jwt", "token-introspection+jwt")
)
_REQUIRED = ("iss", "sub", "aud", "exp", "iat")
_HMAC = frozenset(("HS256", "HS384", "HS512"))


def id_token_algorithms(
    app: Collection[str] | None, provider: Collection[str] | None, *, with_secret: bool
) -> list[str]:
    """The ID token algorithms to accept: the application's list intersected with the
    provider's ``id_token_signing_alg_values_supported``; RS256 when neither says
    (OIDC Core 3.1.3.7 step 7; Discovery 3).

    HMAC algorithms come from the provider's list only with a client secret.

    Raises:
        ValueError: the lists have nothing in common, or HMAC asked for without a secret.
    """
    if isinstance(app, str) or isinstance(provider, str):
        raise TypeError("algorithm lists must be collections of names, not a str")
    offered = None
    if provider is not None:
        offered = [a for a in provider if a in JWS_ALGORITHMS and (with_secret or a not in _HMAC)]
    if app is not None:
        chosen = list(app) if offered is None else [a for a in app if a in offered]
        if not chosen:
            raise ValueError(
                f"none of algorithms={list(app)} is in the provider's "
                f"id_token_signing_alg_values_supported {list(provider or ())}"
            )
    else:
        chosen = offered if offered else ["RS256"]
    if not with_secret and any(a in _HMAC for a in chosen):
        raise ValueError("HMAC ID tokens need client_secret=")
    return chosen


class _WithClientSecret:
    """A key source: the client secret for HMAC algorithms, the provider's keys else."""

    __slots__ = ("keys", "secret")

    def __init__(self, keys: KeySource, secret: FixedKey) -> None:
        self.keys = keys
        self.secret = secret

    def _source(self, descriptor: AlgorithmDescriptor) -> KeySource:
        return self.secret if descriptor.name in _HMAC else self.keys

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        return self._source(descriptor).key_for(header, op, descriptor)

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        return await self._source(descriptor).key_for_async(header, op, descriptor)


class IDTokenVerifier:
    """Validate ID tokens of one provider for one client (OIDC Core 3.1.3.7).

    Args:
        keys_or_provider: the provider's keys (a key source: a ``RemoteKeySet``, a
            ``KeySet``...), or a discovered provider (``jotkit.remote.discover``), whose
            issuer, keys and ``id_token_signing_alg_values_supported`` are then used.
        issuer: the exact ``iss`` (required unless a provider is given; if both, equal).
        client_id: this client's id: ``aud`` must contain it; ``azp``, when present (and
            required when ``aud`` has several entries), must equal it.
        algorithms: the algorithms the application accepts, intersected with the
            provider's; RS256 when neither says.
        client_secret: the client secret, for providers that sign with HS256/384/512.
        decryption_key, key_algorithms, encryptions: for encrypted ID tokens (section
            10.2): the client's private key and the JWE allow-lists.
        acr_values: accepted ``acr`` values; when given, ``acr`` is required.
        max_age: the default ``max_age`` of :meth:`decode`.
        reject_unexpected_nonce: refuse a ``nonce`` when :meth:`decode` was given none.
        require_hashes: require ``at_hash`` / ``c_hash`` / ``s_hash`` whenever the access
            token, code or state is passed (the implicit and hybrid flows); otherwise
            they are checked when present (the code flow makes ``at_hash`` optional).
        leeway, now, checks: as the claims policy of ``jotkit.decode``.
        limits: input size limits.

    Raises:
        TypeError, ValueError: an invalid argument.
    """

    def __init__(
        self,
        keys_or_provider: Any,
        *,
        issuer: str | None = None,
        client_id: str,
        algorithms: Collection[str] | None = None,
        client_secret: str | bytes | None = None,
        decryption_key: KeyLike | None = None,
        key_algorithms: Collection[str] | None = None,
        encryptions: Collection[str] | None = None,
        acr_values: Collection[str] | None = None,
        max_age: float | timedelta | None = None,
        reject_unexpected_nonce: bool = False,
        require_hashes: bool = False,
        leeway: float | timedelta = 0,
        now: Now | None = None,
        checks: Mapping[str, Any] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if not isinstance(client_id, str) or not client_id:
            raise TypeError("client_id must be a non-empty string")
        keys: KeyLike = keys_or_provider
        provider_algorithms = None
        if _is_provider(keys_or_provider):
            if issuer is not None and issuer != keys_or_provider.issuer:
                raise ValueError("issuer differs from the discovered provider's issuer")
            issuer = keys_or_provider.issuer
            keys = keys_or_provider.keys
            provider_algorithms = keys_or_provider.metadata.get(
                "id_token_signing_alg_values_supported"
            )
            if not isinstance(provider_algorithms, list):
                provider_algorithms = None
        if not isinstance(issuer, str):
            raise TypeError("issuer must be the provider's issuer string")
        allowed = id_token_algorithms(
            algorithms, provider_algorithms, with_secret=client_secret is not None
        )
        source = key_source(keys)
        if client_secret is not None:
            secret = client_secret.encode() if isinstance(client_secret, str) else client_secret
            source = _WithClientSecret(source, FixedKey(Key.from_secret(secret)))
        if acr_values is not None and (isinstance(acr_values, str) or not acr_values):
            raise TypeError("acr_values must be a non-empty collection of strings")
        self.client_id = client_id
        self.issuer = issuer
        self.algorithms: tuple[str, ...] = tuple(allowed)
        self.acr_values: frozenset[str] | None = (
            None if acr_values is None else frozenset(acr_values)
        )
        self.max_age: float | None = None if max_age is None else _seconds(max_age)
        self.reject_unexpected_nonce = reject_unexpected_nonce
        self.require_hashes = require_hashes
        self._decryption = Decryption(decryption_key, key_algorithms, encryptions)
        self._limits = limits
        self._verifier = Verifier(
            source,
            algorithms=allowed,
            limits=limits,
            issuer=issuer,
            audience=client_id,
            required=_REQUIRED,
            leeway=leeway,
            now=now,
            checks=checks,
        )

    def __repr__(self) -> str:
        return f"IDTokenVerifier(issuer={self.issuer!r}, client_id={self.client_id!r})"

    def decode(
        self,
        id_token: str | bytes,
        nonce: str | None = None,
        access_token: str | None = None,
        code: str | None = None,
        state: str | None = None,
        max_age: float | timedelta | None = None,
    ) -> dict[str, Any]:
        """Validate an ID token; return its claims.

        Args:
            id_token: the compact JWS (or, with a decryption key, the nested JWE).
            nonce: the nonce sent in the authentication request: required and equal.
            access_token, code, state: issued with the ID token: checked against
                ``at_hash``, ``c_hash``, ``s_hash``.
            max_age: the ``max_age`` sent: ``auth_time`` is then required, and no older.

        Raises:
            MalformedError, AlgorithmNotAllowedError: the token.
            KeyNotFoundError, KeySetUnavailableError, VerificationError: its signature.
            ClaimsError: a claim fails a rule (``.claim`` names it).
        """
        inner = open_nested(id_token, self._decryption, self._limits)
        result = self._verifier.decode_complete(inner)  # type: ignore[arg-type]
        header, claims, key = result.header, result.claims, result.key
        self._check(header, claims, key, nonce, access_token, code, state, max_age)
        return claims

    async def decode_async(
        self,
        id_token: str | bytes,
        nonce: str | None = None,
        access_token: str | None = None,
        code: str | None = None,
        state: str | None = None,
        max_age: float | timedelta | None = None,
    ) -> dict[str, Any]:
        """:meth:`decode` awaiting the key source (an ``AsyncRemoteKeySet``).

        Raises:
            JotkitError: as :meth:`decode`.
        """
        inner = open_nested(id_token, self._decryption, self._limits)
        result = await self._verifier.decode_complete_async(inner)  # type: ignore[arg-type]
        header, claims, key = result.header, result.claims, result.key
        self._check(header, claims, key, nonce, access_token, code, state, max_age)
        return claims

    def _check(
        self,
        header: Mapping[str, Any],
        claims: dict[str, Any],
        key: Key,
        nonce: str | None,
        access_token: str | None,
        code: str | None,
        state: str | None,
        max_age: float | timedelta | None,
    ) -> None:
        if header_typ(header) in _FOREIGN_TYPES:
            raise InvalidClaimError("the token's typ says it is not an ID token", claim="typ")
        self._check_azp(claims)
        self._check_nonce(claims, nonce)
        limit = self.max_age if max_age is None else _seconds(max_age)
        self._check_auth_time(claims, limit)
        if self.acr_values is not None and claims.get("acr") not in self.acr_values:
            _refuse("acr", claims.get("acr"))
        for value, name in ((access_token, "at_hash"), (code, "c_hash"), (state, "s_hash")):
            if value is None:
                continue
            claimed = claims.get(name)
            if claimed is None:
                if self.require_hashes:
                    raise MissingClaimError(f"the {name!r} claim is required", claim=name)
                continue
            if not matches_hash(claimed, value, header["alg"], key):
                raise InvalidClaimError(f"the {name!r} claim does not match", claim=name)

    def _check_azp(self, claims: Mapping[str, Any]) -> None:
        aud, azp = claims.get("aud"), claims.get("azp")
        if azp is None:
            # Errata 2: with several audiences, azp says which one the token is for.
            if isinstance(aud, list) and len(aud) > 1:
                raise MissingClaimError("an ID token with several audiences needs azp", claim="azp")
        elif azp != self.client_id:
            raise InvalidClaimError("the 'azp' claim is not this client", claim="azp")

    def _check_nonce(self, claims: Mapping[str, Any], nonce: str | None) -> None:
        claimed = claims.get("nonce")
        if nonce is None:
            if claimed is not None and self.reject_unexpected_nonce:
                raise InvalidClaimError("a nonce was not expected", claim="nonce")
            return
        if claimed is None:
            raise MissingClaimError("the 'nonce' claim is required", claim="nonce")
        # Replay of an ID token issued for another authentication request.
        if not isinstance(claimed, str) or not hmac.compare_digest(
            claimed.encode(), nonce.encode()
        ):
            raise InvalidClaimError("the 'nonce' claim does not match", claim="nonce")

    def _check_auth_time(self, claims: Mapping[str, Any], limit: float | None) -> None:
        auth_time = claims.get("auth_time")
        if auth_time is not None and (
            isinstance(auth_time, bool) or not isinstance(auth_time, int | float)
        ):
            raise InvalidClaimError("'auth_time' must be a number", claim="auth_time")
        if limit is None:
            return
        if auth_time is None:
            raise MissingClaimError("max_age needs an 'auth_time' claim", claim="auth_time")
        policy = self._verifier.policy
        now = policy.current_time()
        if now - policy.leeway - limit > auth_time:
            raise ExpiredError(
                "the authentication is older than max_age",
                claim="auth_time",
                exp=auth_time + limit,
                now=now,
                leeway=policy.leeway,
            )


def _is_provider(value: object) -> bool:
    return all(hasattr(value, name) for name in ("issuer", "jwks_uri", "metadata", "keys"))


def _seconds(value: float | timedelta) -> float:
    return seconds(value, "max_age")


def _refuse(name: str, value: object) -> NoReturn:
    if value is None:
        raise MissingClaimError(f"the {name!r} claim is required", claim=name)
    raise InvalidClaimError(f"the {name!r} claim is not an accepted value", claim=name)
