"""What an HMAC secret must never be: public key material, or a secret the world knows.

A public key given where an HMAC secret is expected becomes the key that forges HS256
tokens, since everyone has it (PyJWT CVE-2022-29217, python-jose CVE-2024-33663, the
"key confusion" attack of RFC 8725 section 2.1). Key material is recognised in every form
an application is known to hold it: PEM (with or without armour), DER (with stray white
space or a NUL around it), hex-encoded DER, OpenSSH and RFC 4716 public keys,
``authorized_keys`` lines with options, the bare base64 body of an OpenSSH key, and JWK
or JWK Set JSON (parsed, so that escaped member names are seen too).

Secrets on the published list of real-world JWT secrets that attack tools try first
(``published-secrets.bin``, see :func:`is_published`) are refused like short ones.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

__all__ = ["PUBLISHED_DIGEST_BYTES", "is_asymmetric_material", "is_published"]

_SSH_KEY_TYPES = (b"ssh-", b"ecdsa-sha2-", b"sk-ssh-", b"sk-ecdsa-")
_LOAD_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm)
_BOM = b"\xef\xbb\xbf"
# White space and NUL bytes that files and copy-paste leave around a key.
_STRAY = b" \t\r\n\x00\x0b\x0c"
# Base64 text (standard or URL-safe, padded or not, wrapped or not) of a DER SEQUENCE:
# a PEM body without its armour. Tag 0x30 always encodes to a leading "M".
_ARMOURLESS = re.compile(rb"M[A-Za-z0-9+/_\-]+={0,2}\Z")
_HEX_DER = re.compile(rb"30(?:[0-9a-fA-F]{2})+\Z")
# An OpenSSH public key anywhere in a line (authorized_keys options come first).
_SSH_LINE = re.compile(rb"(?:\A|\s)(?:ssh-|ecdsa-sha2-|sk-ssh-|sk-ecdsa-)\S+\s+AAAA[A-Za-z0-9+/]")
_SSH_BODY = re.compile(rb"AAAA[A-Za-z0-9+/]+={0,2}\Z")

#: The bytes of SHA-256 kept per published secret (2**-64 false positives per secret).
PUBLISHED_DIGEST_BYTES = 8
_published: frozenset[bytes] | None = None


def is_asymmetric_material(secret: bytes) -> bool:
    """Whether ``secret`` is recognisably an asymmetric key or certificate, in any of the
    forms the module docstring lists."""
    stripped = secret.strip(_STRAY).removeprefix(_BOM).strip(_STRAY)
    if b"-----BEGIN" in stripped or b"---- BEGIN SSH2" in stripped:
        return True
    if stripped.startswith(_SSH_KEY_TYPES) or _SSH_LINE.search(stripped):
        return True
    # DER is binary: only what comes before it is stray (its last byte may be a NUL).
    lead = secret.lstrip(_STRAY)
    if lead[:1] == b"\x30" and _is_der_key(_der_prefix(lead)):
        return True
    first = stripped[:1]
    if first == b"{":
        return _is_jwk_json(stripped)
    if first == b"M":
        return _is_armourless_der_key(stripped)
    if first == b"3" and _HEX_DER.match(stripped):
        return _is_der_key(_der_prefix(binascii.unhexlify(stripped)))
    if first == b"A" and _SSH_BODY.match(b"".join(stripped.split())):
        return _is_ssh_body(b"".join(stripped.split()))
    return False


def is_published(secret: bytes) -> bool:
    """Whether ``secret`` is on the published list of real-world JWT secrets.

    The list (``published-secrets.bin`` beside this module) holds the first
    :data:`PUBLISHED_DIGEST_BYTES` bytes of the SHA-256 of every entry of 32 bytes or more
    of the wallarm ``jwt-secrets`` list (MIT licence; ``scripts/make-published-secrets.py``
    builds it); shorter entries already fail every HMAC length check. Loaded on first use.
    """
    global _published
    if _published is None:
        path = os.path.join(os.path.dirname(__file__), "published-secrets.bin")
        with open(path, "rb") as file:
            data = file.read()
        size = PUBLISHED_DIGEST_BYTES
        _published = frozenset(data[i : i + size] for i in range(0, len(data), size))
    return hashlib.sha256(secret).digest()[:PUBLISHED_DIGEST_BYTES] in _published


def _der_prefix(raw: bytes) -> bytes:
    """The one DER TLV at the start of ``raw`` (trailing bytes, a newline say, cut off)."""
    if len(raw) < 2:
        return raw
    length = raw[1]
    if length < 0x80:
        return raw[: 2 + length]
    count = length & 0x7F
    if count == 0 or count > 4 or len(raw) < 2 + count:
        return raw
    return raw[: 2 + count + int.from_bytes(raw[2 : 2 + count], "big")]


def _is_der_key(raw: bytes) -> bool:
    from cryptography import x509

    for loader in (serialization.load_der_public_key, x509.load_der_x509_certificate):
        try:
            loader(raw)
        except x509.InvalidVersion:  # a certificate all the same, of an unknown version
            return True
        except _LOAD_ERRORS:
            continue
        return True
    try:
        serialization.load_der_private_key(raw, None)
    except TypeError:  # encrypted: it is a private key all the same
        return True
    except _LOAD_ERRORS:
        return False
    return True


def _is_armourless_der_key(text: bytes) -> bool:
    """Whether ``text`` is the base64 body of a PEM key or certificate, without armour.

    Keycloak publishes a realm's key this way ("public_key"), and applications keep such
    strings in configuration: they are as public as the PEM they come from.
    """
    compact = b"".join(text.split())
    if not _ARMOURLESS.match(compact):
        return False
    compact = compact.rstrip(b"=").replace(b"-", b"+").replace(b"_", b"/")
    try:
        der = base64.b64decode(compact + b"=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False
    return _is_der_key(_der_prefix(der))


def _is_ssh_body(body: bytes) -> bool:
    """Whether ``body`` is the base64 of an SSH public key blob (``string`` key type,
    then the key), as found after the key type in an OpenSSH public key line."""
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return False
    size = int.from_bytes(blob[:4], "big")
    return 0 < size <= 64 and blob[4 : 4 + size].startswith(_SSH_KEY_TYPES)


def _is_jwk_json(text: bytes) -> bool:
    """Whether ``text`` parses as a JWK or a JWK Set (member names unescaped by the
    parser: a substring search misses ``"k\\u0074y"``)."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return b'"kty"' in text  # a damaged JWK is still one

    if not isinstance(value, dict):
        return False
    keys = value.get("keys")
    return "kty" in value or (
        isinstance(keys, list) and any(isinstance(k, dict) and "kty" in k for k in keys)
    )
