"""What a fetched document must be, without I/O: URL rules, response checks, JWKS import.

RFC 7517 section 5 (JWK Set), RFC 8259 (JSON), RFC 9111 section 5.2.2.1 (``max-age``).
Shared by both faces and by discovery, so that the sync and async paths refuse the same
responses for the same reasons.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .. import _json
from ..errors import JotkitError
from ..jwk import Key, KeySet, Skipped

__all__ = [
    "JSON_TYPES",
    "JWKS_TYPES",
    "FetchError",
    "check_response",
    "check_url",
    "max_age_of",
    "parse_json",
    "parse_jwks",
]

logger = logging.getLogger("jotkit.remote")

#: Media types accepted for a JWK Set (RFC 7517 section 8.5) and for metadata.
JWKS_TYPES = frozenset(("application/json", "application/jwk-set+json"))
JSON_TYPES = frozenset(("application/json",))


class FetchError(Exception):
    """A fetch failed (network, status, type, size, JSON, shape): the reason, no more.

    Internal: the faces record it and raise ``KeySetUnavailableError`` only when no
    usable set is left; discovery raises ``KeySetUnavailableError`` with the reason.
    """


def check_url(url: object, *, allow_http: bool, what: str = "url") -> str:
    """A URL to fetch from: absolute, ``https`` (``http`` only with ``allow_http``).

    Raises:
        TypeError, ValueError: the caller's URL is not acceptable (a configuration
            mistake, raised at construction).
    """
    if not isinstance(url, str):
        raise TypeError(f"{what} must be a str")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        hint = "" if allow_http else " (allow_http=True for a loopback test server)"
        raise ValueError(f"{what} must be an https URL{hint}: {url!r}")
    if not parts.hostname:
        raise ValueError(f"{what} has no host: {url!r}")
    if parts.fragment:
        raise ValueError(f"{what} must not have a fragment: {url!r}")
    return url


def check_response(status: int, headers: Mapping[str, str], types: frozenset[str]) -> None:
    """Refuse a response that is not a 200 of an accepted media type.

    Redirects are refused rather than followed: a redirect to another host would let
    whoever controls that host supply the keys.

    Raises:
        FetchError: the status or the media type.
    """
    if 300 <= status < 400:
        where = headers.get("location", "")
        raise FetchError(f"HTTP {status} redirect to {where[:200]!r} (redirects are not followed)")
    if status != 200:
        raise FetchError(f"HTTP {status}")
    content_type = headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in types:
        raise FetchError(f"unexpected content type {content_type[:100]!r}")


def max_age_of(headers: Mapping[str, str]) -> float | None:
    """The ``Cache-Control`` freshness a response asks for, in seconds, or None.

    ``no-cache`` / ``no-store`` count as 0 (the caller's lower bound then applies).
    """
    value = headers.get("cache-control")
    if not value:
        return None
    result: float | None = None
    for directive in value.lower().split(","):
        name, _, argument = directive.strip().partition("=")
        if name in ("no-cache", "no-store"):
            return 0.0
        if name == "max-age":
            argument = argument.strip().strip('"')
            if argument.isdigit() and len(argument) <= 12:
                result = float(argument)
    return result


def parse_json(body: bytes) -> dict[str, Any]:
    """A JSON object from a response body (strict JSON, jotkit's depth limits).

    Raises:
        FetchError: not strict JSON, or not an object.
    """
    try:
        document = _json.loads(body)
    except JotkitError as exc:
        raise FetchError(f"invalid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise FetchError("the document is not a JSON object")
    return document


def parse_jwks(body: bytes | Mapping[str, Any], source: str) -> KeySet:
    """A published JWK Set as a ``KeySet``; a member jotkit cannot use is skipped.

    Each member is imported on its own: an invalid key (bad parameters, a weak RSA key,
    an unknown type) is skipped, logged on ``jotkit.remote`` and listed in
    ``.skipped``, and never makes the set unusable. A secret (``oct``) or private key is
    skipped too: a key published at a URL is known to everyone, and accepting it would
    let anyone forge tokens (Wycheproof MixedKeySet).

    Raises:
        FetchError: not a JSON object with a ``keys`` list.
    """
    document = parse_json(body) if isinstance(body, bytes) else body
    members = document.get("keys")
    if not isinstance(members, list):
        raise FetchError("a JWK Set is an object with a 'keys' list")
    keys: list[Key] = []
    skipped: list[Skipped] = []
    for index, member in enumerate(members):
        reason = None
        try:
            one = KeySet.from_jwks({"keys": [member]})
        except JotkitError as exc:
            reason = str(exc)
        else:
            if one.skipped:
                reason = one.skipped[0].reason
            elif one[0].is_private:
                reason = "a published key set must not hold secret or private keys"
            else:
                keys.append(one[0])
        if reason is not None:
            kid = member.get("kid") if isinstance(member, Mapping) else None
            skipped.append(Skipped(index, kid if isinstance(kid, str) else None, reason))
            logger.warning("key set %s: key %d skipped: %s", source, index, reason)
    return KeySet(keys, skipped=skipped)
