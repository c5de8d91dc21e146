"""Signing helpers shared by both serializations (RFC 7515 section 5.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..jwa import JWS_ALGORITHMS, SignatureAlgorithm
from ..jwk import Key
from ._header import UNDERSTOOD_CRITICAL

__all__ = ["build_header", "signing_key"]


def signing_key(key: Key | bytes, alg: str | None) -> tuple[Key, SignatureAlgorithm]:
    """Resolve the signing key and algorithm (``alg`` defaults to the key's bound ``alg``).

    Raises:
        TypeError: ``key`` is not a Key or bytes.
        ValueError: no ``alg`` given or bound, or an unknown ``alg``.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``.
    """
    if isinstance(key, bytes | bytearray):
        key = Key.from_secret(bytes(key))
    elif not isinstance(key, Key):
        raise TypeError("a signing key must be a Key or bytes")
    name = alg if alg is not None else key.alg
    if name is None:
        raise ValueError("pass alg=..., or use a key bound to an alg")
    descriptor = JWS_ALGORITHMS.get(name)
    if descriptor is None:
        raise ValueError(f"unknown JWS algorithm {name!r}")
    key.check("sign", descriptor)
    return key, descriptor


def build_header(
    alg: str, key: Key, headers: Mapping[str, Any] | None, *, b64: bool = True
) -> dict[str, Any]:
    """Build a protected header: ``alg`` first, the key's ``kid``, then the caller's members.

    Raises:
        ValueError: ``headers`` contradicts ``alg`` or carries ``crit``/``b64`` jotkit
            would itself reject.
    """
    header: dict[str, Any] = {"alg": alg}
    if key.kid is not None:
        header["kid"] = key.kid
    if headers:
        if headers.get("alg", alg) != alg:
            raise ValueError("headers['alg'] contradicts alg")
        # Otherwise the header would say b64=false over a base64url-encoded payload, and
        # verifiers would return the encoded text as the payload.
        if headers.get("b64", b64) is not b64:
            raise ValueError("headers['b64'] contradicts b64=; pass b64=False instead")
        header.update(headers)
    if not b64:
        header["b64"] = False
        listed = list(header.get("crit", ()))
        header["crit"] = [*listed, "b64"] if "b64" not in listed else listed
    crit = header.get("crit")
    if crit is not None and (
        not isinstance(crit, list) or not crit or not UNDERSTOOD_CRITICAL.issuperset(crit)
    ):
        raise ValueError(f"crit may list only {sorted(UNDERSTOOD_CRITICAL)}")
    if "b64" in header and "b64" not in (crit or ()):
        raise ValueError("b64 must be listed in crit; use b64=False instead")
    return header
