"""Issuing SD-JWTs (RFC 9901 sections 4 and 5.1).

Claims marked :class:`SD` become Disclosures with 128-bit salts; their digests go in
the object's ``_sd`` array (sorted, so that their order says nothing about the claims',
section 4.2.4.1) or replace the array element as ``{"...": digest}`` (4.2.4.2).
Markers may nest: the inner value is blinded first, and its Disclosure carries the
blinded form (recursive disclosures, section 6.3). Decoy digests (4.2.5) hide how many
claims an object has. The holder's public key goes in ``cnf.jwk`` (RFC 7800).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ... import _json, jws
from ..._limits import Limits
from ...jwk import Key
from ...jwt import encode
from ...jwt._encode import claims_payload, jwt_header
from ._disclosure import DEFAULT_SD_ALG, SD, Digester, encode_disclosure, hash_for, new_salt
from ._format import Serialization, join_compact, parse, to_json
from ._vc import check_issued, is_vc

__all__ = ["issue"]

_RESERVED = frozenset({"_sd", "...", "_sd_alg"})
# An issuer's own output is not untrusted input: no cap short of what it makes.
_UNLIMITED = Limits(max_disclosures=2**31, max_token_size=2**31, max_depth=2**31)


class _Blinder:
    """Turns ``SD`` markers into digests, collecting the Disclosures in order."""

    __slots__ = ("decoys", "digest", "disclosures", "salt")

    def __init__(self, digest: Digester, salt: Callable[[], str], decoys: int) -> None:
        self.digest = digest
        self.salt = salt
        self.decoys = decoys
        self.disclosures: list[str] = []

    def disclose(self, items: list[Any]) -> str:
        disclosure = encode_disclosure(items)
        self.disclosures.append(disclosure)
        return self.digest(disclosure)

    def value(self, value: Any) -> Any:
        if isinstance(value, SD):
            raise ValueError("SD() marks an object member's value or an array element")
        if isinstance(value, Mapping):
            return self.object(value)
        if isinstance(value, list | tuple):
            return [
                {"...": self.disclose([self.salt(), self.value(item.value)])}
                if isinstance(item, SD)
                else self.value(item)
                for item in value
            ]
        return value

    def object(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        digests: list[str] = []
        for name, member in obj.items():
            if not isinstance(name, str):
                raise TypeError("claim names must be strings")
            if name in _RESERVED:
                raise ValueError(f"{name!r} is reserved by SD-JWT and cannot be a claim name")
            if isinstance(member, SD):
                digests.append(self.disclose([self.salt(), name, self.value(member.value)]))
            else:
                result[name] = self.value(member)
        if digests:
            digests.extend(self.decoy() for _ in range(self.decoys))
            result["_sd"] = sorted(digests)
        return result

    def decoy(self) -> str:
        # Section 4.2.5: the digest of random bytes, indistinguishable from a real one.
        return self.digest(secrets.token_urlsafe(16))


def issue(
    claims: Mapping[str, Any],
    key: Key | Sequence[Key],
    *,
    holder_key: Key | None = None,
    decoys: int = 0,
    typ: str | None = None,
    alg: str | None = None,
    sd_alg: str = DEFAULT_SD_ALG,
    headers: Mapping[str, Any] | None = None,
    serialization: Serialization = "compact",
    salts: Iterable[str] | None = None,
) -> str:
    """Sign ``claims`` as an SD-JWT; members and elements marked :class:`SD` are disclosable.

    Args:
        claims: the claims, with ``SD(...)`` markers at any depth.
        key: the issuer's private key; for ``serialization="general"``, a sequence of
            keys (one signature each).
        holder_key: the holder's key; its public JWK goes in ``cnf.jwk`` (RFC 7800), and
            presentations must then carry a KB-JWT signed with it.
        decoys: decoy digests added to each ``_sd`` array (section 4.2.5).
        typ: the header ``typ`` (``"dc+sd-jwt"`` applies the SD-JWT VC rules; RFC 9901
            section 9.11 recommends an application-specific type).
        alg: the JWS algorithm (default: the key's bound ``alg``).
        sd_alg: ``sha-256`` (the default), ``sha-384`` or ``sha-512``.
        headers: extra protected header members.
        serialization: ``compact`` (``~``-joined, the default) or the JSON
            serialization of section 8, ``flattened`` or ``general``.
        salts: for reproducible tests only (fixed values of the RFC): the salts to use,
            in the order Disclosures are made. Real salts come from ``secrets``.

    Returns:
        The SD-JWT: compact text ending in ``~``, or JSON text.

    Raises:
        TypeError, ValueError: bad claims (a reserved name, an SD-JWT VC rule broken,
            ``cnf`` given with ``holder_key``), arguments or keys.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``.
    """
    if not isinstance(claims, Mapping):
        raise TypeError("claims must be a mapping")
    if type(decoys) is not int or decoys < 0:
        raise ValueError("decoys must be a non-negative int")
    if sd_alg not in ("sha-256", "sha-384", "sha-512"):
        raise ValueError("sd_alg must be 'sha-256', 'sha-384' or 'sha-512'")
    if is_vc(typ):
        check_issued(claims)
    salt: Callable[[], str] = new_salt if salts is None else _fixed(iter(salts))
    blinder = _Blinder(hash_for(sd_alg), salt, decoys)
    payload = blinder.object(claims)
    if "_sd" not in payload and decoys:
        payload["_sd"] = sorted(blinder.decoy() for _ in range(decoys))
    payload["_sd_alg"] = sd_alg
    if holder_key is not None:
        if not isinstance(holder_key, Key) or holder_key.kty == "oct":
            raise ValueError("holder_key must be an asymmetric Key")
        if "cnf" in payload:
            raise ValueError("pass holder_key or a 'cnf' claim, not both")
        payload["cnf"] = {"jwk": holder_key.public().to_jwk()}
    jwt = _sign(payload, key, alg, headers, typ, serialization)
    if isinstance(jwt, str):
        return join_compact(jwt, blinder.disclosures, None)
    return _as_json(jwt, blinder.disclosures, serialization)


def _fixed(salts: Iterator[str]) -> Callable[[], str]:
    def salt() -> str:
        try:
            value = next(salts)
        except StopIteration:
            raise ValueError("salts= ran out: give one per Disclosure") from None
        if not isinstance(value, str):
            raise TypeError("salts must be strings")
        return value

    return salt


def _sign(
    payload: dict[str, Any],
    key: Key | Sequence[Key],
    alg: str | None,
    headers: Mapping[str, Any] | None,
    typ: str | None,
    serialization: Serialization,
) -> str | dict[str, Any]:
    """The Issuer-signed JWT: compact text, or the JWS JSON object (general: one
    signature per key)."""
    if serialization == "compact":
        if not isinstance(key, Key):
            raise TypeError("key must be a Key (several keys need serialization='general')")
        return encode(payload, key, alg=alg, headers=headers, typ=typ)
    if serialization not in ("flattened", "general"):
        raise ValueError("serialization must be 'compact', 'flattened' or 'general'")
    keys = [key] if isinstance(key, Key) else list(key)
    if not keys or not all(isinstance(k, Key) for k in keys):
        raise TypeError("key must be a Key or a sequence of Keys")
    if serialization == "flattened" and len(keys) != 1:
        raise ValueError("the flattened serialization has one signature: pass one key")
    protected = jwt_header(headers, typ)
    signers = [jws.Signer(k, alg=alg, protected=protected) for k in keys]
    return jws.sign_json(claims_payload(payload), signers, flattened=serialization == "flattened")


def _as_json(jwt: dict[str, Any], disclosures: list[str], serialization: str) -> str:
    """The JSON serialization text of a JWS JSON object and its Disclosures."""
    parts = parse(jwt, _UNLIMITED)
    parts = type(parts)(parts.jwt, tuple(disclosures), None, parts.json, parts.serialization)
    return _json.dumps(to_json(parts, serialization, None)).decode("utf-8")  # type: ignore[arg-type]
