"""JWS Compact Serialization (RFC 7515 section 7.1), detached content (appendix F) and
unencoded payloads (RFC 7797)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

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
from ..jwk import FixedKey, Key, KeyLike, KeySet, key_source

if TYPE_CHECKING:
    from ..jwk import KeySource

from ._header import allowed_algorithms, check_crit, decode_header, resolve_alg
from ._result import VerifiedJWS
from ._sign import build_header, signing_key

__all__ = ["CompactVerifier", "Signed", "hint", "sign_compact", "sign_encoded", "verify_compact"]


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

# A parsed header: (header, its alg's table entry, the b64 value, its _json.shape).
_Parsed = tuple[dict[str, Any], SignatureAlgorithm, bool, tuple[str, ...] | None]

#: A parsed token, before its key is known: (payload, header, alg's table entry, signing
#: input, signature). A plain tuple: the hot path makes one per token.
Signed = tuple[bytes, dict[str, Any], SignatureAlgorithm, bytes, bytes]


class CompactVerifier:
    """A pre-bound compact JWS verifier: key source, allow-list and limits resolved once.

    Verification is three steps, so that the async face shares everything but the key
    look-up: :meth:`parse` (the token and its header, no key), :meth:`resolve` (the key
    source's answer for that header) and :meth:`check` (the signature).

    Tokens from one issuer share a handful of header segments, so each verifier keeps the
    parsed form of the last few it accepted (strict JSON, ``alg`` allowed, ``crit`` and
    ``b64`` checked), keyed by the exact segment text, and hands out a copy per token.
    Only headers that passed every check are kept; the signature is checked every time.
    """

    __slots__ = ("_allowed", "_bound", "_fixed", "_headers", "_limits", "_source")

    def __init__(
        self, key: KeyLike, *, algorithms: Collection[str] | None, limits: Limits = DEFAULT_LIMITS
    ) -> None:
        source = key_source(key)
        fixed = source.key if isinstance(source, FixedKey) else None
        if algorithms is None:
            bound = fixed.alg if fixed is not None else None
            if bound is None:
                raise ValueError("pass algorithms=[...], or a Key bound to one alg")
            algorithms = [bound]
        self._allowed = allowed_algorithms(algorithms)
        self._source = source
        self._fixed = fixed
        self._limits = limits
        self._headers: LRU[str, _Parsed] = LRU(HEADER_CACHE_SIZE)
        # A single Key is checked against each allowed alg once, not per token.
        self._bound = {}
        if fixed is not None:
            self._bound = {
                name: desc for name, desc in self._allowed.items() if fixed.fits("verify", desc)
            }

    @property
    def source(self) -> KeySource:
        """The key source, built once from the ``key`` given."""
        return self._source

    @property
    def allowed(self) -> Mapping[str, SignatureAlgorithm]:
        """The allow-list, resolved: each accepted ``alg`` name and its table entry."""
        return self._allowed

    @property
    def answers_vary(self) -> bool:
        """Whether the source may answer differently later (False for a Key or a KeySet)."""
        return self._fixed is None and not isinstance(self._source, KeySet)

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
        # parse, resolve and check, with the two small calls written in (the hot path).
        payload, header, descriptor, signing_input, signature = self.parse(token, detached_payload)
        key = self._fixed if descriptor.name in self._bound else None
        if key is None:
            key = self._source.key_for(header, "verify", descriptor)
        if not descriptor.verify(key.public_crypto, signing_input, signature):
            raise InvalidSignatureError()
        return payload, header, key

    async def verify_parts_async(
        self, token: str | bytes, detached_payload: bytes | None = None
    ) -> tuple[bytes, dict[str, Any], Key]:
        """:meth:`verify_parts` with the key source's awaitable look-up.

        Raises:
            JotkitError: as :meth:`verify_parts`.
        """
        signed = self.parse(token, detached_payload)
        key = await self.resolve_async(signed[1], signed[2])
        self.check(signed, key)
        return signed[0], signed[1], key

    def resolve(self, header: dict[str, Any], descriptor: SignatureAlgorithm) -> Key:
        """The key source's answer for ``header``, checked to fit ``descriptor``.

        Raises:
            KeyNotFoundError, KeySetUnavailableError: no single fitting key.
            InvalidKeyError, AlgorithmNotAllowedError: the key does not fit.
        """
        key = self._bound_key(descriptor)
        if key is None:
            key = self._source.key_for(header, "verify", descriptor)
        return key

    async def resolve_async(self, header: dict[str, Any], descriptor: SignatureAlgorithm) -> Key:
        """:meth:`resolve` with the key source's awaitable look-up.

        Raises:
            JotkitError: as :meth:`resolve`.
        """
        key = self._bound_key(descriptor)
        if key is None:
            key = await self._source.key_for_async(header, "verify", descriptor)
        return key

    def _bound_key(self, descriptor: SignatureAlgorithm) -> Key | None:
        # The one key, already checked for this alg at construction (or None: ask).
        if descriptor.name in self._bound:
            return self._fixed
        return None

    @staticmethod
    def check(signed: Signed, key: Key) -> None:
        """Check the signature of a parsed token with ``key``.

        Raises:
            InvalidSignatureError: the signature does not verify.
        """
        if not signed[2].verify(key.public_crypto, signed[3], signed[4]):
            raise InvalidSignatureError()

    def parse(self, token: object, detached_payload: bytes | None = None) -> Signed:
        """Parse a compact JWS and its header (allow-list, ``crit``, limits): no key yet.

        Raises:
            MalformedJWSError, ExceededLimitError: the token is not a well-formed JWS.
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: its ``alg`` is not allowed.
        """
        if not isinstance(token, str):
            token = _text(token)
        if len(token) > self._limits.max_token_size:
            raise ExceededLimitError("the token is too large")
        parts = token.split(".")
        if len(parts) != 3:
            if len(parts) == 5:
                raise MalformedJWSError("this is a JWE (5 segments), not a JWS")
            raise MalformedJWSError(hint(token) or "a compact JWS has 3 segments")
        head, body, sig = parts
        try:
            # Long segments are never kept: no need to hash one to look it up.
            cached = self._headers.get(head) if len(head) <= HEADER_CACHE_MAX_SEGMENT else None
            if cached is not None:
                stored, descriptor, b64, nested = cached
                # A copy per token: a caller (or a key callable) that changes its header
                # must not change what the next token's header says (cache poisoning).
                # (inline for a flat header, the usual case: a call costs more than dict())
                header = dict(stored) if nested == () else _json.copy_shaped(stored, nested)
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
        except MalformedJWSError:
            found = hint(token)
            if found is not None:
                raise MalformedJWSError(found) from None
            raise
        return payload, header, descriptor, signing_input, signature

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
            nested = _json.shape(header)
            self._headers.put(segment, (_json.copy_shaped(header, nested), descriptor, b64, nested))
        return header, descriptor, b64


def _text(token: object) -> str:
    """A token given as bytes, as text; any other type is untrusted input of the wrong type.

    Raises:
        MalformedJWSError: neither str nor bytes (a JSON body chooses its value's type), or
            bytes that are not UTF-8.
    """
    if not isinstance(token, bytes | bytearray):
        raise MalformedJWSError(f"a token is a str or bytes, not {type(token).__name__}")
    try:
        return bytes(token).decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedJWSError("the token is not UTF-8") from None


_SCHEMES = ("bearer ", "dpop ")


def hint(token: str) -> str | None:
    """What is wrong with a token that did not parse, when it is a common slip, or None.

    Called only on the error path: an ``Authorization`` scheme left in front of the
    token, or white space (a newline read from a file) around it.
    """
    lowered = token[:7].lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            word = token[: len(scheme) - 1]
            return (
                f"the token starts with {word!r}: pass only the token, without the "
                "Authorization scheme"
            )
    if token != token.strip():
        return "the token has white space around it (a newline from a file?): strip it"
    return None


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
