"""Keys and raw-token helpers shared by the JWT tests."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jotkit import Key, _json, jws

__all__ = ["AUDIENCE", "ISSUER", "NOW", "SECRET", "hs256", "raw_token", "signing_key"]

#: The fixed time every test checks against (2023-11-14T22:13:20Z).
NOW = 1_700_000_000
ISSUER = "https://issuer.example"
AUDIENCE = "https://api.example"
#: A 256-bit HMAC secret.
SECRET = b"k" * 32


@functools.cache
def signing_key(alg: str) -> Key:
    """A private key generated for ``alg`` (bound to it), with kid ``<alg>-key``."""
    return Key.generate(alg, kid=f"{alg}-key")


@functools.cache
def hs256() -> Key:
    """An HS256 key (not bound to an alg)."""
    return Key.from_secret(SECRET)


def raw_token(
    claims: Mapping[str, Any] | bytes,
    key: Key | None = None,
    *,
    alg: str = "HS256",
    headers: Mapping[str, Any] | None = None,
) -> str:
    """Sign any payload as a compact JWS, bypassing the JWT layer's own claim checks."""
    payload = claims if isinstance(claims, bytes) else _json.dumps(claims)
    return jws.sign_compact(payload, key or hs256(), alg=alg, headers=headers)
