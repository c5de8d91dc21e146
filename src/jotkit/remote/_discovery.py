"""Provider discovery: OpenID Connect Discovery 1.0 and RFC 8414 metadata.

``discover(issuer)`` fetches ``{issuer}/.well-known/openid-configuration`` (OIDC
Discovery section 4), or, when that is not found, the RFC 8414 section 3 location
(``/.well-known/oauth-authorization-server`` inserted between the host and the path).
The document's ``issuer`` must be identical to the one asked for (OIDC Discovery 4.3,
RFC 8414 3.3): otherwise anyone able to serve a document at that URL could name another
issuer whose tokens would then be accepted. ``jwks_uri`` must be ``https``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .. import _time
from .._frozen import Frozen
from .._lru import LRU
from ..errors import KeySetUnavailableError
from ._async import AsyncRemoteKeySet
from ._base import DEFAULT_HEADERS
from ._document import JSON_TYPES, FetchError, check_url, parse_json
from ._http import fetch, fetch_async, httpx
from ._sync import RemoteKeySet

__all__ = ["Provider", "clear_discovery_cache", "discover", "discover_async", "metadata_urls"]

#: How long a discovered document is reused in this process (its keys refresh on their
#: own schedule); the largest discovery document accepted.
DISCOVERY_MAX_AGE = 86400.0
DISCOVERY_MAX_SIZE = 256 * 1024

_OIDC = "/.well-known/openid-configuration"
_OAUTH = "/.well-known/oauth-authorization-server"
# Members OIDC Discovery 3 requires (jwks_uri is required by jotkit for both kinds).
_REQUIRED_LISTS = ("response_types_supported",)
_OIDC_REQUIRED_LISTS = ("subject_types_supported", "id_token_signing_alg_values_supported")


class Provider(Frozen):
    """A discovered provider: its issuer, ``jwks_uri``, metadata and key set."""

    issuer: str
    jwks_uri: str
    metadata: Mapping[str, Any]
    keys: Any  # RemoteKeySet, or AsyncRemoteKeySet from discover_async
    __slots__ = ("issuer", "jwks_uri", "keys", "metadata")

    @property
    def id_token_algorithms(self) -> tuple[str, ...] | None:
        """``id_token_signing_alg_values_supported``, or None when not published."""
        values = self.metadata.get("id_token_signing_alg_values_supported")
        return tuple(values) if isinstance(values, list) else None

    def __repr__(self) -> str:
        return f"Provider({self.issuer!r}, jwks_uri={self.jwks_uri!r})"


def metadata_urls(issuer: str) -> tuple[str, str]:
    """The OIDC and the RFC 8414 metadata URLs of ``issuer``, in the order tried."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    oidc = issuer.rstrip("/") + _OIDC
    oauth = urlunsplit((parts.scheme, parts.netloc, _OAUTH + path, parts.query, ""))
    return oidc, oauth


def _validate(document: dict[str, Any], issuer: str, url: str, allow_http: bool) -> str:
    """The ``jwks_uri`` of a metadata document that passes every check.

    Raises:
        FetchError: a check fails, with its reason.
    """
    if document.get("issuer") != issuer:
        shown = str(document.get("issuer"))[:200]
        raise FetchError(f"the document's issuer {shown!r} is not {issuer!r}")
    jwks_uri = document.get("jwks_uri")
    try:
        check_url(jwks_uri, allow_http=allow_http, what="jwks_uri")
    except (TypeError, ValueError) as exc:
        raise FetchError(str(exc)) from None
    assert isinstance(jwks_uri, str)
    lists = _REQUIRED_LISTS + (_OIDC_REQUIRED_LISTS if url.endswith(_OIDC) else ())
    for name in lists:
        value = document.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FetchError(f"the document's {name!r} is missing or not a list of strings")
    for name, value in document.items():
        if name.endswith("_values_supported") and not isinstance(value, list):
            raise FetchError(f"the document's {name!r} is not a list")
    return jwks_uri


_cache: LRU[tuple[str, int, bool, bool], tuple[Provider, Any, float]] = LRU(64)


def clear_discovery_cache() -> None:
    """Forget discovered documents (the next ``discover`` fetches again)."""
    _cache.clear()


def _cached(key: tuple[str, int, bool, bool], client: Any) -> Provider | None:
    entry = _cache.get(key)
    if entry is not None and entry[1] is client and _time.now() < entry[2]:
        return entry[0]
    return None


def _check_issuer(issuer: object, allow_http: bool) -> str:
    return check_url(issuer, allow_http=allow_http, what="issuer")


def _provider(
    document: dict[str, Any],
    issuer: str,
    url: str,
    allow_http: bool,
    make_keys: Callable[[str], Any],
) -> Provider:
    try:
        jwks_uri = _validate(document, issuer, url, allow_http)
    except FetchError as exc:
        raise KeySetUnavailableError(f"discovery of {issuer}: {exc}") from None
    return Provider(issuer, jwks_uri, document, make_keys(jwks_uri))


def discover(
    issuer: str,
    client: httpx.Client | None = None,
    *,
    allow_http: bool = False,
    timeout: float = 5,
    **keyset_options: Any,
) -> Provider:
    """Fetch and check ``issuer``'s metadata; ``.keys`` is a ``RemoteKeySet`` for its
    ``jwks_uri`` using the same client. Results are cached in the process for a day.

    Args:
        issuer: the issuer identifier, exactly as tokens carry it in ``iss``.
        client: an ``httpx.Client`` of the application's (a custom CA, proxies, mTLS).
        allow_http: accept ``http`` issuer and ``jwks_uri`` (loopback tests only).
        timeout: seconds bounding each fetch.
        **keyset_options: more ``RemoteKeySet`` options (``cache_max_age``, ...).

    Raises:
        KeySetUnavailableError: the document could not be fetched, or fails a check
            (``issuer`` not identical, ``jwks_uri`` not https, a required member).
        TypeError, ValueError: an invalid argument.
    """
    issuer = _check_issuer(issuer, allow_http)
    key = (issuer, id(client), allow_http, False)
    found = _cached(key, client)
    if found is not None:
        return found
    owned = httpx.Client(timeout=timeout) if client is None else None
    http = client or owned
    assert http is not None
    try:
        document, url = _fetch_first(
            lambda url: fetch(http, url, **_options(timeout)), metadata_urls(issuer), issuer
        )
    finally:
        if owned is not None:
            owned.close()

    def make_keys(jwks_uri: str) -> RemoteKeySet:
        return RemoteKeySet(
            jwks_uri, client=client, allow_http=allow_http, timeout=timeout, **keyset_options
        )

    provider = _provider(document, issuer, url, allow_http, make_keys)
    _cache.put(key, (provider, client, _time.now() + DISCOVERY_MAX_AGE))
    return provider


async def discover_async(
    issuer: str,
    client: httpx.AsyncClient | None = None,
    *,
    allow_http: bool = False,
    timeout: float = 5,
    **keyset_options: Any,
) -> Provider:
    """:func:`discover` with an ``httpx.AsyncClient``; ``.keys`` is an
    ``AsyncRemoteKeySet``.

    Raises:
        KeySetUnavailableError, TypeError, ValueError: as :func:`discover`.
    """
    issuer = _check_issuer(issuer, allow_http)
    key = (issuer, id(client), allow_http, True)
    found = _cached(key, client)
    if found is not None:
        return found
    owned = httpx.AsyncClient(timeout=timeout) if client is None else None
    http = client or owned
    assert http is not None
    try:
        reason = "no metadata URL"
        for url in metadata_urls(issuer):
            try:
                document = parse_json((await fetch_async(http, url, **_options(timeout)))[1])
                break
            except FetchError as exc:
                reason = str(exc)
                if not _not_found(reason):
                    raise KeySetUnavailableError(f"discovery of {issuer}: {reason}") from None
        else:
            raise KeySetUnavailableError(f"discovery of {issuer}: {reason}")
    finally:
        if owned is not None:
            await owned.aclose()

    def make_keys(jwks_uri: str) -> AsyncRemoteKeySet:
        return AsyncRemoteKeySet(
            jwks_uri, client=client, allow_http=allow_http, timeout=timeout, **keyset_options
        )

    provider = _provider(document, issuer, url, allow_http, make_keys)
    _cache.put(key, (provider, client, _time.now() + DISCOVERY_MAX_AGE))
    return provider


def _options(timeout: float) -> dict[str, Any]:
    return {
        "headers": {**DEFAULT_HEADERS, "Accept": "application/json"},
        "timeout": timeout,
        "max_size": DISCOVERY_MAX_SIZE,
        "types": JSON_TYPES,
    }


def _fetch_first(
    get: Callable[[str], tuple[dict[str, str], bytes]], urls: tuple[str, ...], issuer: str
) -> tuple[dict[str, Any], str]:
    """The first metadata document found at ``urls`` (a 404 moves on to the next).

    Raises:
        KeySetUnavailableError: none could be fetched.
    """
    reason = "no metadata URL"
    for url in urls:
        try:
            return parse_json(get(url)[1]), url
        except FetchError as exc:  # noqa: PERF203 - two URLs at most
            reason = str(exc)
            if not _not_found(reason):
                break
    raise KeySetUnavailableError(f"discovery of {issuer}: {reason}")


def _not_found(reason: str) -> bool:
    """Whether a fetch failed with a 404 (the next metadata location is then tried)."""
    return reason == "HTTP 404"
