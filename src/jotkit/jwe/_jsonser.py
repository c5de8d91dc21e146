"""JWE JSON Serialization, general and flattened (RFC 7516 sections 3.2 and 7.2).

Several recipients share one CEK, IV and ciphertext; each has its own encrypted key and
per-recipient header. Protected, shared unprotected (``unprotected``) and per-recipient
(``header``) members must be disjoint. Unprotected members are not authenticated: an
attacker can change them, so ``zip`` and ``crit`` must be protected and jotkit never
lets an unprotected member shadow a protected one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _json
from .._b64 import b64decode, b64encode, b64encode_str
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import (
    DecryptionError,
    ExceededLimitError,
    JotkitError,
    MalformedJWEError,
)
from ..jwk import Key, KeyLike
from ._compact import resolve_names
from ._core import new_cek, new_iv, open_content, place_params
from ._fixed import FixedRandomness
from ._header import (
    allow_lists,
    check_crit,
    decode_protected,
    is_zipped,
    merge_disjoint,
    resolve,
)
from ._keys import decryption_key, encryption_key
from ._result import DecryptedJWEJSON
from ._zip import deflate

__all__ = ["Recipient", "decrypt_json", "encrypt_json"]

_NO_FIXED = FixedRandomness()


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient to encrypt to: its key, its ``alg``, and its per-recipient header."""

    key: Key | bytes
    alg: str
    header: Mapping[str, Any] = field(default_factory=dict)


def _aad(protected_b64: bytes, aad: bytes | None) -> bytes:
    return protected_b64 if aad is None else protected_b64 + b"." + b64encode(aad)


def _shared_headers(
    enc: str,
    protected: Mapping[str, Any] | None,
    unprotected: Mapping[str, Any] | None,
    zip: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    shared = dict(unprotected or {})
    head = dict(protected or {})
    if "crit" in head or "crit" in shared:
        raise ValueError("crit: jotkit understands no JWE extension")
    if "zip" in shared or head.get("zip", zip) != zip:
        raise ValueError("zip is set by the zip argument, in the protected header")
    if head.get("enc", shared.get("enc", enc)) != enc:
        raise ValueError("a header's enc contradicts the enc argument")
    if "enc" not in head and "enc" not in shared:
        head = {"enc": enc, **head}
    if zip is not None:
        head["zip"] = zip
    return head, shared


def encrypt_json(
    plaintext: bytes,
    recipients: Iterable[Recipient],
    *,
    enc: str,
    protected: Mapping[str, Any] | None = None,
    unprotected: Mapping[str, Any] | None = None,
    aad: bytes | None = None,
    zip: str | None = None,
    flattened: bool = False,
    _fixed: FixedRandomness | None = None,
) -> dict[str, Any]:
    """Encrypt ``plaintext`` to each recipient; return the general (or flattened) JSON object.

    ``alg`` and the key's ``kid`` go into each recipient's header unless the caller put
    them in ``protected`` or ``unprotected``; so do the algorithm's own parameters
    (``epk``, ``iv``, ``tag``, ``p2s``, ``p2c``).

    Raises:
        TypeError, ValueError: bad arguments, overlapping headers, ``dir``/``ECDH-ES``
            with several recipients, or several recipients with ``flattened=True``.
        InvalidKeyError, AlgorithmNotAllowedError: a key does not fit its algorithm.
    """
    if not isinstance(plaintext, bytes | bytearray):
        raise TypeError("plaintext must be bytes")
    targets = list(recipients)
    if not targets or (flattened and len(targets) != 1):
        raise ValueError("flattened needs exactly one recipient; general at least one")
    fixed = _fixed or _NO_FIXED
    head, shared = _shared_headers(enc, protected, unprotected, zip)
    resolved = [(r, *resolve_names(r.alg, enc, zip)) for r in targets]
    direct = any(descriptor.direct for _, descriptor, _ in resolved)
    if direct and len(targets) != 1:
        raise ValueError("dir and ECDH-ES determine the CEK: use them with one recipient only")
    cek = None if direct else new_cek(resolved[0][2], fixed.cek)
    entries = []
    for index, (target, descriptor, content) in enumerate(resolved):
        key = encryption_key(target.key, descriptor, content)
        own = dict(target.header)
        place_params({"alg": target.alg}, [head, shared, own], own)
        if key.kid is not None and not any("kid" in h for h in (head, shared, own)):
            own["kid"] = key.kid
        merge_json_headers(head, shared, own)
        wrapped = descriptor.wrap(
            key.public_crypto,
            content,
            cek,
            {**head, **shared, **own},
            ephemeral=fixed.ephemeral_for(index),
            iv=fixed.wrap_iv_for(index),
        )
        place_params(wrapped.header, [head, shared, own], own)
        cek = wrapped.cek
        entry: dict[str, Any] = {"header": own} if own else {}
        if wrapped.encrypted_key:
            entry["encrypted_key"] = b64encode_str(wrapped.encrypted_key)
        entries.append(entry)
    assert cek is not None  # every path above set it
    content = resolved[0][2]
    protected_b64 = b64encode(_json.dumps(head)) if head else b""
    iv = new_iv(content, fixed.iv)
    body = deflate(bytes(plaintext)) if zip else bytes(plaintext)
    ciphertext, tag = content.encrypt(cek, iv, body, _aad(protected_b64, aad))
    out: dict[str, Any] = {}
    if protected_b64:
        out["protected"] = protected_b64.decode("ascii")
    if shared:
        out["unprotected"] = shared
    if flattened:
        out.update(entries[0])
    else:
        out["recipients"] = entries
    if aad is not None:
        out["aad"] = b64encode_str(aad)
    out.update(iv=b64encode_str(iv), ciphertext=b64encode_str(ciphertext), tag=b64encode_str(tag))
    return out


def merge_json_headers(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a recipient's headers, which must be disjoint, for the encrypt side.

    Raises:
        ValueError: two headers share a member.
    """
    try:
        return merge_disjoint(parts)
    except MalformedJWEError:
        raise ValueError("protected, unprotected and recipient headers share a member") from None


@dataclass(frozen=True, slots=True)
class _Parsed:
    protected_b64: str
    protected: dict[str, Any]
    shared: dict[str, Any]
    aad: bytes | None
    iv: bytes
    ciphertext: bytes
    tag: bytes
    recipients: list[tuple[dict[str, Any], bytes]]


def _member(obj: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise MalformedJWEError(f"the JWE JSON object has no {name!r}")
        return None
    if not isinstance(value, str):
        raise MalformedJWEError(f"{name!r} must be a string")
    return value


def _unprotected(obj: Mapping[str, Any], name: str, limits: Limits) -> dict[str, Any]:
    """The shared (``unprotected``) or a per-recipient (``header``) unprotected header."""
    value = obj.get(name, {})
    if not isinstance(value, dict):
        raise MalformedJWEError(f"{name!r} must be a JSON object")
    # Capped like a protected header, also when the caller parsed the JSON itself.
    if value:
        _json.check_parsed(value, limits.max_header_size, limits.max_depth, f"the JWE's {name!r}")
    return value


def _recipients(obj: Mapping[str, Any], limits: Limits) -> list[tuple[dict[str, Any], bytes]]:
    if "recipients" in obj:
        if "header" in obj or "encrypted_key" in obj:
            raise MalformedJWEError("mixes the general and flattened JSON serializations")
        entries = obj["recipients"]
        if not isinstance(entries, list) or not entries:
            raise MalformedJWEError("'recipients' must be a non-empty list")
        if len(entries) > limits.max_signatures:
            raise ExceededLimitError("too many recipients")
    else:
        entries = [obj]
    parsed = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise MalformedJWEError("a recipient must be a JSON object")
        encrypted_key = _member(entry, "encrypted_key") or ""
        own = _unprotected(entry, "header", limits)
        parsed.append((own, b64decode(encrypted_key, MalformedJWEError)))
    return parsed


def _parse(jwe: object, limits: Limits) -> _Parsed:
    if isinstance(jwe, str | bytes | bytearray):
        if len(jwe) > limits.max_token_size:
            raise ExceededLimitError("the JWE is too large")
        jwe = _json.loads(
            jwe if isinstance(jwe, str) else bytes(jwe),
            max_size=limits.max_token_size,
            max_depth=limits.max_depth,
            error=MalformedJWEError,
        )
    if not isinstance(jwe, Mapping):
        # The token's type is the sender's choice too (a JSON body's number): a rejection.
        raise MalformedJWEError(
            f"a JWE JSON serialization is a JSON object, not {type(jwe).__name__}"
        )
    protected_b64 = _member(jwe, "protected") or ""
    aad = _member(jwe, "aad")
    return _Parsed(
        protected_b64=protected_b64,
        protected=decode_protected(protected_b64, limits) if protected_b64 else {},
        shared=_unprotected(jwe, "unprotected", limits),
        aad=None if aad is None else b64decode(aad, MalformedJWEError),
        iv=b64decode(_member(jwe, "iv") or "", MalformedJWEError),
        ciphertext=b64decode(_member(jwe, "ciphertext", required=True) or "", MalformedJWEError),
        tag=b64decode(_member(jwe, "tag") or "", MalformedJWEError),
        recipients=_recipients(jwe, limits),
    )


def decrypt_json(
    jwe: Mapping[str, Any] | str | bytes | bytearray,
    key: KeyLike,
    *,
    algorithms: Collection[str],
    encryptions: Collection[str],
    limits: Limits = DEFAULT_LIMITS,
) -> DecryptedJWEJSON:
    """Decrypt a general or flattened JWE JSON Serialization for one of its recipients.

    Every recipient must be well-formed. Recipients whose ``alg`` is not allowed or that
    no key fits are skipped; the first that decrypts wins and its index is the result's
    ``recipient``. A recipient that fits a key but fails to decrypt does not stop the
    others (RFC 7516 5.2 step 6), and never tells why it failed.

    ``jwe`` is the JSON text (``str``, ``bytes``, ``bytearray``) or the object a caller
    parsed. ``limits`` caps the text (``max_token_size``, ``max_depth``), the protected
    header, and the shared ``unprotected`` and each per-recipient ``header``
    (``max_header_size`` bytes as compact JSON, ``max_depth`` deep, also in an object
    the caller parsed), the number of recipients (``max_signatures``), PBES2 ``p2c`` and
    the decompressed size.

    Raises:
        MalformedJWEError, ExceededLimitError: not a well-formed JWE JSON serialization
            (``jwe`` of another type included: it is untrusted input too).
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``enc``, or every
            recipient's ``alg``, is not allowed.
        KeyNotFoundError, InvalidKeyError: no recipient had a fitting key.
        DecryptionError: no recipient decrypted (one message, whatever the cause).
        ExceededLimitError: PBES2 ``p2c`` or the decompressed size is over the limit.
    """
    allowed_algs, allowed_encs = allow_lists(algorithms, encryptions)
    parsed = _parse(jwe, limits)
    recipients = []
    for own, encrypted_key in parsed.recipients:
        unprotected = (parsed.shared, own)
        header = merge_disjoint((parsed.protected, *unprotected))
        check_crit(parsed.protected, unprotected)
        recipients.append((header, is_zipped(parsed.protected, unprotected), encrypted_key))
    # Compared by equality, not through a set: a forged enc may be an unhashable list.
    first_enc = recipients[0][0].get("enc")
    if any(header.get("enc") != first_enc for header, _, _ in recipients):
        raise MalformedJWEError("the recipients disagree on 'enc'")
    aad = _aad(parsed.protected_b64.encode("ascii"), parsed.aad)
    failure: JotkitError | None = None
    for index, (header, zipped, encrypted_key) in enumerate(recipients):
        try:
            alg, enc = resolve(header, allowed_algs, allowed_encs)
            resolved = decryption_key(key, header, alg, enc)
        except JotkitError as exc:
            # A recipient that is not for us: remember why, unless a decryption failed.
            failure = failure if isinstance(failure, DecryptionError) else exc
            continue
        parts = (encrypted_key, parsed.iv, parsed.ciphertext, parsed.tag)
        try:
            plaintext = open_content(alg, enc, resolved, header, parts, aad, zipped, limits)
        except DecryptionError:
            failure = DecryptionError()
            continue
        return DecryptedJWEJSON(
            plaintext, header, resolved, parsed.protected, recipient=index, aad=parsed.aad
        )
    assert failure is not None  # there is at least one recipient
    raise failure
