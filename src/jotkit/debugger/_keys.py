"""Keys as the debugger page describes them: a secret, a PEM, a JWK, a JWKS or a JWKS URL.

The page sends a *key spec*, ``{"type": ..., "value": ..., ...}``; this module turns it into
a key source with the library's own importers (formats are explicit, never sniffed: the
page says which one the user pasted) and describes keys back (JWK, PEM, thumbprints of
RFC 7638 and RFC 9278).
"""

from __future__ import annotations

from typing import Any

from .. import _b64
from ..errors import InvalidKeyError, JotkitError, KeyNotFoundError, MalformedError
from ..jwk import Key, KeyLike, KeySet

__all__ = [
    "BadRequest",
    "convert",
    "describe_key",
    "error_dict",
    "generate_key",
    "key_from_spec",
    "text_field",
]

#: The largest key text accepted (a PEM of an RSA-16384 key is ~13 kB; a JWKS larger).
MAX_KEY_TEXT = 256 * 1024


class BadRequest(Exception):
    """The request itself is not what the page sends (a missing field, a wrong type)."""

    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_field(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    """``body[name]`` as a string (None when absent and not required).

    Raises:
        BadRequest: absent when required, or not a string.
    """
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"'{name}' is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string")
    return value


def _secret_bytes(value: str, encoding: str) -> bytes:
    if encoding == "utf8":
        return value.encode("utf-8")
    if encoding == "base64url":
        try:
            return _b64.b64decode(value.strip())
        except MalformedError:
            raise InvalidKeyError("the secret is not valid base64url") from None
    if encoding == "hex":
        try:
            return bytes.fromhex(value.strip())
        except ValueError:
            raise InvalidKeyError("the secret is not valid hex") from None
    raise BadRequest("secret encoding must be 'utf8', 'base64url' or 'hex'")


def _remote_key_set(url: str) -> KeyLike:
    # Only on the user's explicit request: the debugger itself fetches nothing.
    try:
        from ..remote import RemoteKeySet  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:  # the remote extra is missing: the error names it
        raise BadRequest(f"fetching a JWKS URL: {exc}") from None
    remote: KeyLike = RemoteKeySet(url)
    return remote


def key_from_spec(spec: Any) -> KeyLike:
    """The key source a key spec describes.

    A JWKS with ``kid`` set is narrowed to that one key, whatever the token's ``kid``
    says (the user chose it); without ``kid`` the set selects by the token's header.

    Raises:
        BadRequest: the spec is not an object of a known type.
        InvalidKeyError, MalformedError, KeyNotFoundError: the key text is refused.
    """
    if not isinstance(spec, dict):
        raise BadRequest("'key' must be an object with a 'type' and a 'value'")
    kind = spec.get("type")
    value = text_field(spec, "value")
    assert value is not None
    if len(value) > MAX_KEY_TEXT:
        raise BadRequest(f"the key text is larger than {MAX_KEY_TEXT} characters")
    if kind == "secret":
        encoding = spec.get("encoding", "utf8")
        return Key.from_secret(_secret_bytes(value, encoding if isinstance(encoding, str) else ""))
    if kind == "pem":
        password = text_field(spec, "password", required=False)
        return Key.from_pem(value, password)
    if kind == "jwk":
        return Key.from_jwk(value)
    if kind == "jwks":
        keys = KeySet.from_jwks(value)
        kid = text_field(spec, "kid", required=False)
        if kid is None:
            return keys
        found = keys.find(kid=kid)
        if len(found) != 1:
            raise KeyNotFoundError(f"the JWKS has {len(found)} keys with that kid", kid=kid)
        return found[0]
    if kind == "jwks_url":
        return _remote_key_set(value)
    raise BadRequest("key type must be 'secret', 'pem', 'jwk', 'jwks' or 'jwks_url'")


def describe_key(key: Key, *, private: bool = False) -> dict[str, Any]:
    """A key as JWK and PEM, with its RFC 7638 thumbprint and RFC 9278 URI.

    ``private`` adds the private JWK and PEM when the key has them.
    """
    out: dict[str, Any] = {
        "kty": key.kty,
        "crv": key.crv,
        "alg": key.alg,
        "kid": key.kid,
        "size": key.size,
        "is_private": key.is_private,
        "thumbprint": key.thumbprint(),
        "thumbprint_uri": key.thumbprint_uri(),
        "jwk": None if key.kty == "oct" else key.to_jwk(),
        "pem": None,
    }
    if key.kty != "oct":
        out["pem"] = key.to_pem().decode("ascii")
    if private and key.is_private:
        out["private_jwk"] = key.to_jwk(private=True)
        out["private_pem"] = None if key.kty == "oct" else key.to_pem(private=True).decode()
    return out


def convert(body: dict[str, Any]) -> dict[str, Any]:
    """PEM <-> JWK: the key of the spec in both formats, with its thumbprints.

    Raises:
        BadRequest, JotkitError: as :func:`key_from_spec`; a JWKS is not one key.
    """
    key = key_from_spec(body.get("key"))
    if not isinstance(key, Key):
        raise BadRequest("convert takes one key (a PEM, a JWK or a secret), not a set")
    return describe_key(key, private=body.get("private") is True)


def generate_key(body: dict[str, Any]) -> dict[str, Any]:
    """A new key fit for ``alg``, private and public.

    Raises:
        BadRequest: ``alg`` missing or unknown.
    """
    alg = text_field(body, "alg")
    assert alg is not None
    kid = text_field(body, "kid", required=False)
    try:
        key = Key.generate(alg, kid=kid)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return describe_key(key, private=True)


def error_dict(exc: JotkitError) -> dict[str, Any]:
    """The JSON form of a refusal: the stable code, the message, the claim if one."""
    out: dict[str, Any] = {"code": exc.code, "message": exc.message}
    claim = getattr(exc, "claim", None)
    if claim is not None:
        out["claim"] = claim
    return out
