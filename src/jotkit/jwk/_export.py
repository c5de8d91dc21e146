"""Key export: PEM/DER (PKCS#8, SubjectPublicKeyInfo) and thumbprints (RFC 7638, RFC 9278)."""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives import serialization

from .. import _json
from .._b64 import b64encode_str

__all__ = ["THUMBPRINT_HASHES", "serialize", "thumbprint"]

#: Supported thumbprint hashes and their RFC 9278 names.
THUMBPRINT_HASHES = {"sha256": "sha-256", "sha384": "sha-384", "sha512": "sha-512"}


def serialize(
    public: Any,
    private: Any | None,
    encoding: serialization.Encoding,
    password: bytes | str | None,
) -> bytes:
    """PKCS#8 of ``private`` (encrypted when ``password``), else SPKI of ``public``."""
    if private is None:
        return bytes(public.public_bytes(encoding, serialization.PublicFormat.SubjectPublicKeyInfo))
    if isinstance(password, str):
        password = password.encode("utf-8")
    algorithm: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return bytes(private.private_bytes(encoding, serialization.PrivateFormat.PKCS8, algorithm))


def thumbprint(required: dict[str, Any], hash_name: str) -> str:
    """RFC 7638: the hash of the required members, sorted, as compact JSON.

    Raises:
        ValueError: an unsupported hash name.
    """
    if hash_name not in THUMBPRINT_HASHES:
        raise ValueError(f"unsupported thumbprint hash {hash_name!r}")
    canonical = _json.dumps(dict(sorted(required.items())))
    return b64encode_str(hashlib.new(hash_name, canonical).digest())
