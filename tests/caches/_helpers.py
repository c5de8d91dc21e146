"""Keys, tokens and a cache reset shared by the cache tests."""

from __future__ import annotations

import functools
from typing import Any

from jotkit import Key, jwt

__all__ = ["AUDIENCE", "ISSUER", "NOW", "claims", "es256", "hs256", "token"]

#: The fixed time the tests check against (2023-11-14T22:13:20Z).
NOW = 1_700_000_000
ISSUER = "https://issuer.example"
AUDIENCE = "https://api.example"


@functools.cache
def hs256() -> Key:
    """An HS256 secret, not bound to an alg."""
    return Key.from_secret(b"s" * 32)


@functools.cache
def es256() -> Key:
    """A P-256 private key bound to ES256, kid ``es``."""
    return Key.generate("ES256", kid="es")


def claims(**extra: Any) -> dict[str, Any]:
    """Claims valid at NOW for ISSUER and AUDIENCE, plus ``extra``."""
    return {"iss": ISSUER, "aud": AUDIENCE, "iat": NOW - 10, "exp": NOW + 60, **extra}


def token(key: Key | None = None, *, alg: str = "HS256", **extra: Any) -> str:
    """A JWT of :func:`claims` signed with ``key`` (the HS256 secret by default)."""
    return jwt.encode(claims(**extra), key or hs256(), alg=alg)
