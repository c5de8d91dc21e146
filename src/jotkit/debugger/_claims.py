"""Explanations of registered claims and header members, and human-readable times.

Claim names from the IANA "JSON Web Token Claims" registry (RFC 7519 section 4.1,
OpenID Connect Core section 2, RFC 8693, RFC 7800, RFC 9068); header members from RFC 7515
section 4.1 and RFC 7516 section 4.1. The debugger shows them next to each value so that a
reader does not need the RFCs open.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

__all__ = ["CLAIMS", "HEADERS", "TIME_CLAIMS", "describe", "human_time"]

CLAIMS: dict[str, str] = {
    "iss": "Issuer: who issued the token (RFC 7519 4.1.1)",
    "sub": "Subject: whom the token is about (RFC 7519 4.1.2)",
    "aud": "Audience: the recipients the token is meant for (RFC 7519 4.1.3)",
    "exp": "Expiration time: not accepted on or after this time (RFC 7519 4.1.4)",
    "nbf": "Not before: not accepted before this time (RFC 7519 4.1.5)",
    "iat": "Issued at: when the token was issued (RFC 7519 4.1.6)",
    "jti": "JWT ID: a unique identifier, for replay detection (RFC 7519 4.1.7)",
    "azp": "Authorized party: the client the ID token was issued to (OIDC Core 2)",
    "nonce": "Nonce: binds an ID token to the client's authentication request (OIDC Core 2)",
    "auth_time": "Authentication time: when the user last authenticated (OIDC Core 2)",
    "acr": "Authentication context class reference (OIDC Core 2)",
    "amr": "Authentication methods references, e.g. pwd, otp, hwk (OIDC Core 2, RFC 8176)",
    "at_hash": "Access token hash: left half of the access token's hash (OIDC Core 3.1.3.6)",
    "c_hash": "Code hash: left half of the authorization code's hash (OIDC Core 3.3.2.11)",
    "sid": "Session ID (OIDC Front-Channel Logout 3)",
    "scope": "Scope: space-separated scopes granted (RFC 8693 4.2, RFC 9068 2.2.3)",
    "scp": "Scopes (a non-standard variant of scope, used by some providers)",
    "client_id": "Client identifier: the OAuth client the token was issued to (RFC 8693 4.3)",
    "cnf": "Confirmation: the key the presenter must prove possession of (RFC 7800)",
    "act": "Actor: who acts on behalf of the subject (RFC 8693 4.1)",
    "may_act": "Who may act on behalf of the subject (RFC 8693 4.4)",
    "roles": "Roles (RFC 7643 / RFC 9068 2.2.3.1)",
    "groups": "Groups (RFC 7643 / RFC 9068 2.2.3.1)",
    "entitlements": "Entitlements (RFC 7643 / RFC 9068 2.2.3.1)",
    "name": "Full name (OIDC Core 5.1)",
    "given_name": "Given name (OIDC Core 5.1)",
    "family_name": "Family name (OIDC Core 5.1)",
    "preferred_username": "Preferred username (OIDC Core 5.1)",
    "email": "E-mail address (OIDC Core 5.1)",
    "email_verified": "Whether the e-mail address was verified (OIDC Core 5.1)",
    "updated_at": "When the user's information was last updated (OIDC Core 5.1)",
    "htm": "DPoP: the HTTP method of the request (RFC 9449 4.2)",
    "htu": "DPoP: the HTTP URI of the request (RFC 9449 4.2)",
    "ath": "DPoP: hash of the access token (RFC 9449 4.2)",
    "_sd": "SD-JWT: digests of selectively disclosable claims (RFC 9901)",
    "_sd_alg": "SD-JWT: the hash algorithm of the disclosure digests (RFC 9901)",
}

HEADERS: dict[str, str] = {
    "alg": "Algorithm: how the token is signed or its key encrypted (RFC 7515 4.1.1)",
    "enc": "Content encryption algorithm (RFC 7516 4.1.2)",
    "zip": "Compression applied before encryption (RFC 7516 4.1.3)",
    "typ": "Type of the whole token, e.g. JWT, at+jwt, dpop+jwt (RFC 7515 4.1.9)",
    "cty": "Content type of the payload, e.g. JWT for a nested token (RFC 7515 4.1.10)",
    "kid": "Key ID: a hint of which key to use (RFC 7515 4.1.4)",
    "jku": "JWK Set URL: never fetched or trusted by jotkit (RFC 7515 4.1.2, RFC 8725)",
    "jwk": "An embedded public key: never trusted by jotkit (RFC 7515 4.1.3, RFC 8725)",
    "x5u": "X.509 URL: never fetched or trusted by jotkit (RFC 7515 4.1.5, RFC 8725)",
    "x5c": "X.509 certificate chain: trusted only against configured anchors (RFC 7515 4.1.6)",
    "x5t": "X.509 certificate SHA-1 thumbprint (RFC 7515 4.1.7)",
    "x5t#S256": "X.509 certificate SHA-256 thumbprint (RFC 7515 4.1.8)",
    "crit": "Extensions the recipient must understand (RFC 7515 4.1.11)",
    "b64": "Whether the payload is base64url-encoded (RFC 7797)",
    "epk": "Ephemeral public key of ECDH-ES (RFC 7518 4.6.1.1)",
    "apu": "Agreement PartyUInfo (RFC 7518 4.6.1.2)",
    "apv": "Agreement PartyVInfo (RFC 7518 4.6.1.3)",
    "iv": "Initialization vector of AES-GCM key wrapping (RFC 7518 4.7.1.1)",
    "tag": "Authentication tag of AES-GCM key wrapping (RFC 7518 4.7.1.2)",
    "p2s": "PBES2 salt input (RFC 7518 4.8.1.1)",
    "p2c": "PBES2 iteration count (RFC 7518 4.8.1.2)",
}

#: Claims whose value is a NumericDate (seconds since the epoch, UTC).
TIME_CLAIMS = frozenset({"exp", "nbf", "iat", "auth_time", "updated_at"})


def _span(seconds: float) -> str:
    """``seconds`` (non-negative) in the largest unit that keeps it readable."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    count = int(seconds)
    return f"{count} second{'s' if count != 1 else ''}"


def human_time(name: str, value: Any, now: float) -> dict[str, Any] | None:
    """An absolute UTC time, a relative phrase and a status for a NumericDate claim.

    Returns None when ``value`` is not a finite number (the claim table then shows the
    raw value; verifying reports the error).
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    try:
        absolute = datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    delta = value - now
    relative = f"in {_span(delta)}" if delta >= 0 else f"{_span(-delta)} ago"
    status = "ok"
    if name == "exp":
        status = "expired" if delta <= 0 else "ok"
        relative = f"expired {_span(-delta)} ago" if delta <= 0 else f"valid for {_span(delta)}"
    elif name == "nbf" and delta > 0:
        status = "not_yet_valid"
        relative = f"not valid for another {_span(delta)}"
    elif name in ("iat", "auth_time") and delta > 0:
        status = "future"
    return {
        "utc": absolute.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "relative": relative,
        "status": status,
    }


def describe(members: dict[str, Any], table: dict[str, str], now: float) -> list[dict[str, Any]]:
    """One row per member: name, value, the registry's explanation, and the time if any."""
    rows = []
    for name, value in members.items():
        row: dict[str, Any] = {"name": name, "value": value, "description": table.get(name)}
        if table is CLAIMS and name in TIME_CLAIMS:
            row["time"] = human_time(name, value, now)
        rows.append(row)
    return rows
