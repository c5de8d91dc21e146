"""``Verifier``: a pre-bound JWT verifier, the server fast path (RFC 7519 section 7.2).

Everything that does not depend on the token is done once, at construction: the key
is turned into its key source (an oct secret given as bytes is imported here, not per
token), the algorithm allow-list is resolved to table entries, a single key is checked
against each allowed algorithm, and the claims policy is normalised. ``decode`` then
does only per-token work; ``decode_async`` is the same with the key source's awaitable
look-up, for sources that fetch keys (``jotkit.remote``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, NoReturn

from .. import _json, jws
from .._json import copy_json, copy_shaped, shape
from .._limits import DEFAULT_LIMITS, Limits
from .._lru import LRU
from ..errors import MalformedJWSError, MalformedJWTError
from ..jwa import JWS_ALGORITHMS, SignatureAlgorithm
from ..jwk import FixedKey, Key, KeyLike, KeySet, key_source
from ._parse import JWS_SEGMENTS, compact_text
from ._policy import ClaimsPolicy, with_policy_docs
from ._result import DecodedJWT

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..jwk import KeySource
    from ._policy import PolicyArgs

__all__ = ["Verifier", "signature_algorithms"]

# A verified token kept by a Verifier's cache: (header, claims, key, the alg's table
# entry, the claims' _json.shape: how to copy them per hit).
_Entry = tuple[dict[str, Any], dict[str, Any], Key, SignatureAlgorithm, tuple[str, ...] | None]
_Verified = tuple[dict[str, Any], dict[str, Any], Key]


def signature_algorithms(source: KeySource, algorithms: Collection[str] | None) -> Collection[str]:
    """Return the allow-list: ``algorithms``, or the one ``alg`` each candidate key is bound to.

    Raises:
        ValueError: no ``algorithms`` and a candidate key bound to no JWS ``alg``.
    """
    if algorithms is not None:
        return algorithms
    if isinstance(source, FixedKey) and source.key.alg is not None:
        return [source.key.alg]
    if isinstance(source, KeySet):
        # Keys meant for encryption are not candidates; every other key must be bound.
        candidates = [
            k for k in source if k.use != "enc" and (k.alg is None or k.alg in JWS_ALGORITHMS)
        ]
        if candidates and all(k.alg is not None for k in candidates):
            return sorted({k.alg for k in candidates if k.alg is not None})
    raise ValueError("pass algorithms=[...], or keys that are each bound to one alg")


@with_policy_docs
class Verifier:
    """Verify JWS-signed JWTs against one key source, allow-list and claims policy.

    Frozen: build one per (key, policy) at start-up and share it between threads.

    Args:
        key: a key source: a Key, a KeySet (selected by ``kid``), an oct secret as bytes,
            a callable ``(header) -> Key``, or a source such as ``jotkit.remote.RemoteKeySet``.
        algorithms: the JWS algorithms accepted; may be omitted only when every
            candidate key is bound to one ``alg``.
        limits: input size limits.
        cache: keep up to this many verified tokens (LRU); 0 or None (the default)
            for no cache. Time claims and custom checks are re-run on every hit, and a
            key source that can change its answer is asked again: a token is served
            from the cache only while the source still yields the key that verified it.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    Raises:
        TypeError, ValueError: an invalid argument.
    """

    __slots__ = ("_cache", "_jws", "_limits", "_policy", "_reconsult")

    _cache: LRU[str, _Entry] | None
    _jws: jws.CompactVerifier
    _limits: Limits
    _policy: ClaimsPolicy
    _reconsult: bool

    def __init__(
        self,
        key: KeyLike,
        *,
        algorithms: Collection[str] | None = None,
        limits: Limits = DEFAULT_LIMITS,
        cache: int | None = None,
        policy: ClaimsPolicy | None = None,
        **options: Unpack[PolicyArgs],
    ) -> None:
        claims_policy = ClaimsPolicy.of(policy, options)
        if cache is not None and (type(cache) is not int or cache < 0):
            raise ValueError("cache must be a positive number of tokens (or 0/None for none)")
        source = key_source(key)
        allowed = signature_algorithms(source, algorithms)
        compact = jws.CompactVerifier(source, algorithms=allowed, limits=limits)
        setattr_ = object.__setattr__
        setattr_(self, "_policy", claims_policy)
        setattr_(self, "_limits", limits)
        setattr_(self, "_jws", compact)
        setattr_(self, "_cache", LRU(cache) if cache else None)
        setattr_(self, "_reconsult", compact.answers_vary)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Verifier is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Verifier is immutable")

    def __repr__(self) -> str:
        size = self._cache.size if self._cache is not None else 0
        return f"Verifier(policy={self._policy!r}, cache={size})"

    @property
    def policy(self) -> ClaimsPolicy:
        """The normalised claims policy."""
        return self._policy

    @property
    def key_source(self) -> KeySource:
        """The key source tokens are verified against."""
        return self._jws.source

    def decode(self, token: str | bytes) -> dict[str, Any]:
        """Verify ``token`` (a compact JWS) and validate its claims; return the claims.

        Raises:
            MalformedJWTError, MalformedJWSError, ExceededLimitError: not a well-formed
                compact JWS of a JSON object (JSON serializations, JWEs and unencoded
                payloads are refused), or not a str or bytes.
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``alg`` is refused.
            KeyNotFoundError, InvalidKeyError, KeySetUnavailableError: no fitting key.
            InvalidSignatureError: the signature does not verify.
            ClaimsError: a claim breaks the policy (only once the signature verified).
        """
        if self._cache is None:
            return self._verify(token, None)[1]
        return self._cached(token)[1]

    def decode_complete(self, token: str | bytes) -> DecodedJWT:
        """Like :meth:`decode`, also returning the header and the key that verified it.

        Raises:
            JotkitError: as :meth:`decode`.
        """
        if self._cache is None:
            return DecodedJWT(*self._verify(token, None))
        header, claims, key = self._cached(token)
        return DecodedJWT(copy_json(header), claims, key)

    async def decode_async(self, token: str | bytes) -> dict[str, Any]:
        """:meth:`decode` for an event loop: a key source that fetches (an
        ``AsyncRemoteKeySet``) is awaited, never blocking the loop.

        Raises:
            JotkitError: as :meth:`decode`.
        """
        return (await self._verify_async(token))[1]

    async def decode_complete_async(self, token: str | bytes) -> DecodedJWT:
        """:meth:`decode_complete` for an event loop.

        Raises:
            JotkitError: as :meth:`decode`.
        """
        header, claims, key = await self._verify_async(token)
        return DecodedJWT(copy_json(header) if self._cache else header, claims, key)

    def _verify(self, token: object, now: float | None) -> _Verified:
        """Verify and check a token at ``now`` (None: the policy's own time).

        Raises:
            JotkitError: as :meth:`decode`.
        """
        try:
            payload, header, key = self._jws.verify_parts(token)  # type: ignore[arg-type]
        except MalformedJWSError:
            _substitution(token, self._limits)
            raise
        return header, self._claims(payload, header, now), key

    async def _verify_async(self, token: object) -> _Verified:
        """:meth:`_cached` or :meth:`_verify`, awaiting the key source."""
        cache = self._cache
        if cache is not None:
            token = compact_text(token, self._limits, JWS_SEGMENTS)
            entry = cache.get(token)
            if entry is not None and (
                not self._reconsult or await self._jws.resolve_async(entry[0], entry[3]) is entry[2]
            ):
                return self._serve(entry)
        try:
            payload, header, key = await self._jws.verify_parts_async(token)  # type: ignore[arg-type]
        except MalformedJWSError:
            _substitution(token, self._limits)
            raise
        verified = header, self._claims(payload, header, None), key
        if cache is not None:
            self._store(cache, token, verified)  # type: ignore[arg-type]
        return verified

    def _claims(self, payload: bytes, header: dict[str, Any], now: float | None) -> dict[str, Any]:
        """The claims of a verified token, checked against the policy at ``now``.

        Raises:
            MalformedJWTError, ExceededLimitError: not a JSON object, or too large.
            ClaimsError: a claim breaks the policy.
        """
        # RFC 7797 payloads are not JWTs; accepting one would let a token verified as
        # raw bytes elsewhere be read here as claims (token substitution).
        if header.get("b64", True) is not True:
            raise MalformedJWTError("a JWT payload must be base64url-encoded (b64: false)")
        limits = self._limits
        claims = _json.loads(
            payload,
            max_size=limits.max_payload_size,
            max_depth=limits.max_depth,
            error=MalformedJWTError,
        )
        if type(claims) is not dict:
            raise MalformedJWTError("the JWT claims set is not a JSON object")
        self._policy.check_at(claims, header, now)
        return claims

    def _cached(self, token: object) -> _Verified:
        """Verify through the token cache: a hit re-runs the time and custom checks and,
        for a source whose answer can change, asks it again for the key."""
        cache = self._cache
        assert cache is not None
        text = compact_text(token, self._limits, JWS_SEGMENTS)
        entry = cache.get(text)
        # A revoked or rotated-out key stops verifying at the source's next answer,
        # cached or not (DESIGN section 1): a new answer is verified afresh. Sources do
        # not change the header they read (a caller's callable is given a copy).
        if entry is not None and (
            not self._reconsult or self._jws.resolve(entry[0], entry[3]) is entry[2]
        ):
            return self._serve(entry)
        verified = self._verify(text, None)
        self._store(cache, text, verified)
        return verified

    def _serve(self, entry: _Entry) -> _Verified:
        """A cached token's result, after the checks that depend on time."""
        header, claims, key, _, nested = entry
        policy = self._policy
        policy.check_dynamic(claims, policy.current_time())
        # A copy per hit: a caller that mutates its result must not change what the
        # next caller sees (cache poisoning).
        return header, copy_shaped(claims, nested), key

    def _store(self, cache: LRU[str, _Entry], text: str, verified: _Verified) -> None:
        header, claims, key = verified
        descriptor = self._jws.allowed[header["alg"]]
        nested = shape(claims)
        cache.put(text, (copy_json(header), copy_shaped(claims, nested), key, descriptor, nested))


def _substitution(token: object, limits: Limits) -> None:
    """Name the substitution (a JWE or a JSON serialization) when that is what failed
    to parse as a compact JWS; returns for anything else.

    Raises:
        MalformedJWTError: the token is another serialization.
    """
    compact_text(token, limits, JWS_SEGMENTS)
