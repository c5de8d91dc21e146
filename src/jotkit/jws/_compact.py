"""JWS Compact Serialization (RFC 7515 section 7.1), detached content (appendix F) and
unencoded payloads (RFC 7797)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .. import _json
from .._b64 import b64decode, b64encode
from .._limits import DEFAULT_LIMITS, Limits
from .._lru import LRU
from ..errors import (
    ExceededLimitError,
    InvalidSignatureError,
    MalformedJWSError,
)
from ..jwa import SignatureAlgorithm
from ..jwk import Key, KeyLike, select_key
from ._header import allowed_algorithms, check_crit, decode_header, resolve_alg
from ._result import VerifiedJWS
from ._sign import build_header, signing_key

__all__ = ["CompactVerifier", "sign_compact", "sign_encoded", "verify_compact"]


def sign_compact(
    payload: bytes,
    key: Key | bytes,
    *,
    alg: str | None = None,
    headers: Mapping[str, Any] | None = None,
    detached: bool = False,
    b64: bool = True,
) -> str:
    """Sign ``payload`` and return a compact JWS.

    Args:
        payload: the bytes to sign.
        key: a private Key (or an oct secret as bytes).
        alg: the JWS algorithm; defaults to the key's bound ``alg``.
        headers: extra protected header members.
        detached: leave the payload out of the token (RFC 7515 appendix F).
        b64: False for an unencoded payload (RFC 7797; adds ``b64`` and ``crit``).

    Raises:
        TypeError, ValueError: wrong argument types, no alg, contradictory headers, or an
            unencoded payload that contains '.'.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit the algorithm.
    """
    if not isinstance(payload, bytes | bytearray):
        raise TypeError("payload must be bytes")
    signer, descriptor = signing_key(key, alg)
    header = build_header(descriptor.name, signer, headers, b64=b64)
    protected = b64encode(_json.dumps(header))
    if b64:
        body = b64encode(bytes(payload))
    else:
        if b"." in payload and not detached:
            raise ValueError("an unencoded compact payload must not contain '.'")
        body = bytes(payload)
    signature = descriptor.sign(signer.crypto, protected + b"." + body)
    shown = b"" if detached else body
    return b".".join((protected, shown, b64encode(signature))).decode("utf-8")


def sign_encoded(protected: bytes, body: bytes, signer: Key, descriptor: SignatureAlgorithm) -> str:
    """Sign an already encoded protected header and base64url payload: the compact JWS.

    For callers that built the header with :func:`build_header` and checked the key with
    :func:`signing_key` (the JWT layer, which keeps encoded headers).
    """
    signature = descriptor.sign(signer.crypto, protected + b"." + body)
    return b".".join((protected, body, b64encode(signature))).decode("ascii")


#: Header segments kept per verifier, and the longest segment kept (a typical header is
#: under 200 characters; longer ones, with certificates say, are parsed every time).
HEADER_CACHE_SIZE = 32
HEADER_CACHE_MAX_SEGMENT = 512

# A parsed header: (header, its alg's table entry, the b64 value, no nested values).
_Parsed = tuple[dict[str, Any], SignatureAlgorithm, bool, bool]


class CompactVerifier:
    """A pre-bound compact JWS verifier: key, allow-list and limits resolved once.

    Tokens from one issuer share a handful of header segments, so each verifier keeps the
    parsed form of the last few it accepted (strict JSON, ``alg`` allowed, ``crit`` and
    ``b64`` checked), keyed by the exact segment text, and hands out a copy per token.
    Only headers that passed every check are kept; the signature is checked every time.
    """

    __slots__ = ("_allowed", "_bound", "_headers", "_key", "_limits")

    def __init__(
        self, key: KeyLike, *, algorithms: Collection[str] | None, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        if algorithms is None:
            bound = key.alg if isinstance(key, Key) else None
            if bound is None:
                raise ValueError("pass algorithms=[...], or a Key bound to one alg")
            algorithms = [bound]
        self._allowed = allowed_algorithms(algorithms)
        self._key = key
        self._limits = limits
        self._headers: LRU[str, _Parsed] = LRU(HEADER_CACHE_SIZE)
        # A single Key is checked against each allowed alg once, not per token.
        self._bound = {}
        if isinstance(key, Key):
            self._bound = {
                name: desc for name, desc in self._allowed.items() if key.fits("verify", desc)
            }

    def verify(self, token: str | bytes, detached_payload: bytes | None = None) -> VerifiedJWS:
        """Verify one compact JWS.

        Raises:
            MalformedJWSError, ExceededLimitError: the token is not a well-formed JWS.
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: its ``alg`` is not allowed.
            KeyNotFoundError, InvalidKeyError: no fitting key.
            InvalidSignatureError: the signature does not verify.
        """
        payload, header, key = self.verify_parts(token, detached_payload)
        return VerifiedJWS(payload, header, key, header)

    def verify_parts(
        self, token: str | bytes, detached_payload: bytes | None = None
    ) -> tuple[bytes, dict[str, Any], Key]:
        """Verify one compact JWS like :meth:`verify`; return ``(payload, header, key)``.

        The JWT layer's hot path: the same checks, without a result object per token.

        Raises:
            MalformedJWSError, ExceededLimitError: the token is not a well-formed JWS.
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: its ``alg`` is not allowed.
            KeyNotFoundError, InvalidKeyError: no fitting key.
            InvalidSignatureError: the signature does not verify.
        """
        if not isinstance(token, str):
            if not isinstance(token, bytes | bytearray):
                raise TypeError("token must be str or bytes")
            try:
                token = bytes(token).decode("utf-8")
            except UnicodeDecodeError:
                raise MalformedJWSError("the token is not UTF-8") from None
        if len(token) > self._limits.max_token_size:
            raise ExceededLimitError("the token is too large")
        parts = token.split(".")
        if len(parts) != 3:
            if len(parts) == 5:
                raise MalformedJWSError("this is a JWE (5 segments), not a JWS")
            raise MalformedJWSError("a compact JWS has 3 segments")
        head, body, sig = parts
        # Long segments are never kept: no need to hash one to look it up.
        cached = self._headers.get(head) if len(head) <= HEADER_CACHE_MAX_SEGMENT else None
        if cached is not None:
            stored, descriptor, b64, flat = cached
            # A copy per token: a caller (or a key callable) that changes its header
            # must not change what the next token's header says (cache poisoning).
            header = dict(stored) if flat else _json.copy_json(stored)
        else:
            header, descriptor, b64 = self._parse_header(head)
        if detached_payload is not None:
            if body:
                raise MalformedJWSError("a detached JWS must have an empty payload segment")
            if not isinstance(detached_payload, bytes | bytearray):
                raise TypeError("detached_payload must be bytes")
            payload = bytes(detached_payload)
            body = b64encode(payload).decode("ascii") if b64 else ""
            signing_input = (head + "." + body).encode("ascii")
            if not b64:
                signing_input += payload
        elif b64:
            payload = b64decode(body, MalformedJWSError)
            signing_input = (head + "." + body).encode("ascii")
        else:
            payload = _utf8(body)
            signing_input = head.encode("ascii") + b"." + payload
        if len(payload) > self._limits.max_payload_size:
            raise ExceededLimitError("the JWS payload is too large")
        signature = b64decode(sig, MalformedJWSError)
        key = self._key
        if isinstance(key, Key) and descriptor.name in self._bound:
            resolved = key
        else:
            resolved = select_key(key, header, "verify", descriptor)
        if not descriptor.verify(resolved.public_crypto, signing_input, signature):
            raise InvalidSignatureError()
        return payload, header, resolved

    def _parse_header(self, segment: str) -> tuple[dict[str, Any], SignatureAlgorithm, bool]:
        """Parse and check a protected header segment; keep a copy when it is short.

        Raises:
            MalformedJWSError, ExceededLimitError: not base64url of a strict JSON object,
                or a ``crit``/``b64`` rule is broken.
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: ``alg`` is not allowed.
        """
        header = decode_header(segment, self._limits)
        descriptor = resolve_alg(header, self._allowed)
        b64 = True if "b64" not in header and "crit" not in header else check_crit(header)
        if len(segment) <= HEADER_CACHE_MAX_SEGMENT:
            flat = _json.is_flat(header)
            stored = dict(header) if flat else _json.copy_json(header)
            self._headers.put(segment, (stored, descriptor, b64, flat))
        return header, descriptor, b64


def _utf8(text: str) -> bytes:
    """Encode an unencoded (b64:false) payload; a lone surrogate is not signable text."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedJWSError("the unencoded payload is not valid Unicode text") from None


def verify_compact(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    detached_payload: bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedJWS:
    """Verify a compact JWS against ``key`` and the ``algorithms`` allow-list.

    ``algorithms`` may be omitted only when ``key`` is a Key bound to one ``alg``.

    Raises:
        MalformedJWSError, ExceededLimitError: the token is not a well-formed JWS.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: its ``alg`` is not allowed.
        KeyNotFoundError, MultipleKeysMatchedError, InvalidKeyError: no single fitting key.
        InvalidSignatureError: the signature does not verify.
    """
    return CompactVerifier(key, algorithms=algorithms, limits=limits).verify(
        token, detached_payload
    )
