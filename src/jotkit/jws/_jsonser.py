"""JWS JSON Serialization, general and flattened (RFC 7515 section 7.2).

Protected and unprotected header members must be disjoint (7.2.1), so an unprotected
header can never override a protected ``alg``. ``crit`` and ``b64`` must be protected,
and every signature must agree on ``b64`` (RFC 7797 section 3).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _json
from .._b64 import b64decode, b64encode, b64encode_str
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import (
    ExceededLimitError,
    InvalidSignatureError,
    JotkitError,
    MalformedJWSError,
)
from ..jwk import Key, KeyLike, select_key
from ._header import allowed_algorithms, check_crit, decode_header, resolve_alg
from ._result import VerifiedJWS
from ._sign import build_header, signing_key

__all__ = ["Signer", "sign_json", "verify_json"]


@dataclass(frozen=True, slots=True)
class Signer:
    """One signature to make: the key, its alg, and protected / unprotected header members."""

    key: Key | bytes
    alg: str | None = None
    protected: Mapping[str, Any] | None = None
    unprotected: Mapping[str, Any] = field(default_factory=dict)


def sign_json(
    payload: bytes,
    signers: Iterable[Signer],
    *,
    flattened: bool = False,
    detached: bool = False,
    b64: bool = True,
) -> dict[str, Any]:
    """Sign ``payload`` with each signer; return the general (or flattened) JSON object.

    Raises:
        TypeError, ValueError: bad arguments, overlapping protected and unprotected
            members, or several signers with ``flattened=True``.
        InvalidKeyError, AlgorithmNotAllowedError: a key does not fit its algorithm.
    """
    if not isinstance(payload, bytes | bytearray):
        raise TypeError("payload must be bytes")
    signers = list(signers)
    if not signers or (flattened and len(signers) != 1):
        raise ValueError("flattened needs exactly one signer; general at least one")
    body = b64encode(bytes(payload)) if b64 else bytes(payload)
    entries = [_sign_entry(signer, body, b64) for signer in signers]
    result: dict[str, Any] = {} if detached else {"payload": body.decode("utf-8")}
    if flattened:
        result.update(entries[0])
    else:
        result["signatures"] = entries
    return result


def _sign_entry(signer: Signer, body: bytes, b64: bool) -> dict[str, Any]:
    """Make one signature entry; raises like :func:`sign_json`."""
    key, descriptor = signing_key(signer.key, signer.alg)
    unprotected = dict(signer.unprotected)
    if "crit" in unprotected or "b64" in unprotected:
        raise ValueError("crit and b64 must be in the protected header")
    if unprotected.get("alg", descriptor.name) != descriptor.name:
        raise ValueError("unprotected['alg'] contradicts alg")
    protected = build_header(descriptor.name, key, signer.protected, b64=b64)
    # alg and kid go where the caller put them: one given only in the unprotected header
    # leaves the protected one (RFC 7520 4.6 and 4.7), as the two must be disjoint.
    asked = signer.protected or {}
    for name in ("alg", "kid"):
        if name in unprotected and name not in asked:
            protected.pop(name, None)
    overlap = protected.keys() & unprotected.keys()
    if overlap:
        raise ValueError(f"members in both headers: {sorted(overlap)}")
    # An empty protected header is left out, and signed as the empty string (7.2.1).
    protected_b64 = b64encode(_json.dumps(protected)) if protected else b""
    signature = descriptor.sign(key.crypto, protected_b64 + b"." + body)
    entry: dict[str, Any] = {"protected": protected_b64.decode("ascii")} if protected else {}
    if unprotected:
        entry["header"] = unprotected
    entry["signature"] = b64encode_str(signature)
    return entry


def _entries(obj: Mapping[str, Any], limits: Limits) -> list[Mapping[str, Any]]:
    if "signatures" in obj:
        if "signature" in obj or "protected" in obj or "header" in obj:
            raise MalformedJWSError("mixes the general and flattened JSON serializations")
        entries = obj["signatures"]
        if not isinstance(entries, list) or not entries:
            raise MalformedJWSError("'signatures' must be a non-empty list")
        if len(entries) > limits.max_signatures:
            raise ExceededLimitError("too many signatures")
        return entries
    if "signature" not in obj:
        raise MalformedJWSError("a JWS JSON object needs 'signatures' or 'signature'")
    return [obj]


def _parse_entry(entry: Any, limits: Limits) -> tuple[str, dict[str, Any], dict[str, Any], bytes]:
    if not isinstance(entry, Mapping):
        raise MalformedJWSError("a signature entry must be an object")
    protected_b64 = entry.get("protected", "")
    unprotected = entry.get("header", {})
    signature = entry.get("signature")
    if not isinstance(protected_b64, str) or not isinstance(signature, str):
        raise MalformedJWSError("'protected' and 'signature' must be strings")
    if not isinstance(unprotected, dict):
        raise MalformedJWSError("'header' must be an object")
    protected = decode_header(protected_b64, limits) if protected_b64 else {}
    if unprotected:
        _json.check_parsed(
            unprotected, limits.max_header_size, limits.max_depth, "an unprotected JWS header"
        )
    if protected.keys() & unprotected.keys():
        raise MalformedJWSError("protected and unprotected headers share a member")
    if not protected and not unprotected:
        raise MalformedJWSError("a signature has no header")
    return protected_b64, protected, unprotected, b64decode(signature, MalformedJWSError)


def verify_json(
    jws: Mapping[str, Any] | str | bytes | bytearray,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    detached_payload: bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedJWS:
    """Verify a general or flattened JWS JSON Serialization; one valid signature suffices.

    Every entry must be well-formed; entries whose ``alg`` is not allowed or that no key
    fits are skipped. The result's ``index`` says which signature verified.

    ``jws`` is the JSON text (``str``, ``bytes``, ``bytearray``) or the object a caller
    parsed. ``limits`` caps the text (``max_token_size``, ``max_depth``), each protected
    header, each unprotected ``header`` (``max_header_size`` bytes as compact JSON,
    ``max_depth`` deep, also in an object the caller parsed), the number of signatures
    (``max_signatures``) and the payload.

    Raises:
        MalformedJWSError, ExceededLimitError: not a well-formed JWS JSON serialization
            (``jws`` of another type included: it is untrusted input too).
        AlgorithmNotAllowedError, KeyNotFoundError, InvalidKeyError: no signature could be
            checked (the error of the last one).
        InvalidSignatureError: no signature verified.
    """
    if algorithms is None:
        bound = key.alg if isinstance(key, Key) else None
        if bound is None:
            raise ValueError("pass algorithms=[...], or a Key bound to one alg")
        algorithms = [bound]
    allowed = allowed_algorithms(algorithms)
    if isinstance(jws, str | bytes | bytearray):
        if len(jws) > limits.max_token_size:
            raise ExceededLimitError("the JWS is too large")
        jws = _json.loads(
            jws if isinstance(jws, str) else bytes(jws),
            max_size=limits.max_token_size,
            max_depth=limits.max_depth,
            error=MalformedJWSError,
        )
    if not isinstance(jws, Mapping):
        # The token's type is the sender's choice too (a JSON body's number): a rejection.
        raise MalformedJWSError(f"a JWS JSON serialization is an object, not {type(jws).__name__}")
    parsed = [_parse_entry(entry, limits) for entry in _entries(jws, limits)]
    b64_values = {check_crit(protected, unprotected) for _, protected, unprotected, _ in parsed}
    if len(b64_values) != 1:
        raise MalformedJWSError("signatures disagree on 'b64'")
    b64 = b64_values.pop()
    payload, body = _payload(jws, detached_payload, b64, limits)
    failure: JotkitError = InvalidSignatureError()
    for index, (protected_b64, protected, unprotected, signature) in enumerate(parsed):
        header = {**protected, **unprotected}
        try:
            descriptor = resolve_alg(header, allowed)
            resolved = select_key(key, header, "verify", descriptor)
        except JotkitError as exc:
            failure = exc
            continue
        signing_input = protected_b64.encode("ascii") + b"." + body
        if descriptor.verify(resolved.public_crypto, signing_input, signature):
            return VerifiedJWS(payload, header, resolved, protected, index)
        failure = InvalidSignatureError()
    raise failure


def _payload(
    jws: Mapping[str, Any], detached: bytes | None, b64: bool, limits: Limits
) -> tuple[bytes, bytes]:
    """Return (payload, the bytes that were signed for it)."""
    if detached is not None:
        if "payload" in jws:
            raise MalformedJWSError("a detached JWS must not carry 'payload'")
        if not isinstance(detached, bytes | bytearray):
            raise TypeError("detached_payload must be bytes")
        payload = bytes(detached)
        if len(payload) > limits.max_payload_size:
            raise ExceededLimitError("the JWS payload is too large")
        return payload, (b64encode(payload) if b64 else payload)
    body = jws.get("payload")
    if not isinstance(body, str):
        raise MalformedJWSError("'payload' is missing or not a string")
    try:
        signed = body.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape: no signer made it
        raise MalformedJWSError("'payload' is not valid Unicode text") from None
    payload = b64decode(body, MalformedJWSError) if b64 else signed
    if len(payload) > limits.max_payload_size:
        raise ExceededLimitError("the JWS payload is too large")
    return payload, signed
