"""``Verifier``: a pre-bound JWT verifier, the server fast path (RFC 7519 section 7.2).

Everything that does not depend on the token is done once, at construction: the
algorithm allow-list is resolved to table entries, a single key is checked against
each allowed algorithm, and the claims policy is normalised. ``decode`` then does only
per-token work.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from .. import _json, jws
from .._json import copy_json
from .._limits import DEFAULT_LIMITS, Limits
from ..errors import MalformedJWSError, MalformedJWTError
from ..jwa import JWS_ALGORITHMS
from ..jwk import Key, KeyLike, KeySet
from ._parse import JWS_SEGMENTS, compact_text
from ._policy import ClaimsPolicy
from ._result import DecodedJWT

if TYPE_CHECKING:
    from datetime import timedelta

    from ._cache import Entry, TokenCache
    from ._numeric import Now

__all__ = ["Verifier", "signature_algorithms"]


def signature_algorithms(key: KeyLike, algorithms: Collection[str] | None) -> Collection[str]:
    """Return the allow-list: ``algorithms``, or the one ``alg`` each candidate key is bound to.

    Raises:
        ValueError: no ``algorithms`` and a candidate key bound to no JWS ``alg``.
    """
    if algorithms is not None:
        return algorithms
    if isinstance(key, Key) and key.alg is not None:
        return [key.alg]
    if isinstance(key, KeySet):
        # Keys meant for encryption are not candidates; every other key must be bound.
        candidates = [
            k for k in key if k.use != "enc" and (k.alg is None or k.alg in JWS_ALGORITHMS)
        ]
        if candidates and all(k.alg is not None for k in candidates):
            return sorted({k.alg for k in candidates if k.alg is not None})
    raise ValueError("pass algorithms=[...], or keys that are each bound to one alg")


class Verifier:
    """Verify JWS-signed JWTs against one key (or key set), allow-list and claims policy.

    Frozen: build one per (key, policy) at start-up and share it between threads.

    Args:
        key: a Key, a KeySet (selected by ``kid``), an oct secret as bytes, or a
            callable ``(header) -> Key``.
        algorithms: the JWS algorithms accepted; may be omitted only when every
            candidate key is bound to one ``alg``.
        issuer, audience, subject, leeway, max_age, required, typ, checks, now: the
            claims policy (see :class:`ClaimsPolicy`).
        limits: input size limits.
        cache: keep up to this many verified tokens (LRU); 0 or None (the default)
            for no cache. Time claims and custom checks are re-run on every hit.

    Raises:
        TypeError, ValueError: an invalid argument.
    """

    __slots__ = ("_cache", "_jws", "_limits", "_policy")

    _cache: TokenCache | None
    _jws: jws.CompactVerifier
    _limits: Limits
    _policy: ClaimsPolicy

    def __init__(
        self,
        key: KeyLike,
        *,
        algorithms: Collection[str] | None = None,
        issuer: str | Collection[str] | None = None,
        audience: str | Collection[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
        max_age: float | timedelta | None = None,
        required: Collection[str] = (),
        typ: str | None = None,
        checks: Mapping[str, Any] | None = None,
        now: Now | None = None,
        limits: Limits = DEFAULT_LIMITS,
        cache: int | None = None,
    ) -> None:
        policy = ClaimsPolicy(
            issuer=issuer,
            audience=audience,
            subject=subject,
            leeway=leeway,
            max_age=max_age,
            required=required,
            typ=typ,
            checks=checks,
            now=now,
        )
        allowed = signature_algorithms(key, algorithms)
        setattr_ = object.__setattr__
        setattr_(self, "_policy", policy)
        setattr_(self, "_limits", limits)
        setattr_(self, "_jws", jws.CompactVerifier(key, algorithms=allowed, limits=limits))
        setattr_(self, "_cache", _token_cache(cache) if cache else None)

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

    def decode(self, token: str | bytes) -> dict[str, Any]:
        """Verify ``token`` (a compact JWS) and validate its claims; return the claims.

        Raises:
            MalformedJWTError, MalformedJWSError, ExceededLimitError: not a well-formed
                compact JWS of a JSON object (JSON serializations, JWEs and unencoded
                payloads are refused).
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``alg`` is refused.
            KeyNotFoundError, InvalidKeyError: no fitting key.
            InvalidSignatureError: the signature does not verify.
            ClaimsError: a claim breaks the policy (only once the signature verified).
        """
        cache = self._cache
        if cache is None:
            return self._verify(token, None)[1]
        text = compact_text(token, self._limits, JWS_SEGMENTS)
        entry = self._hit(cache, text)
        if entry is None:
            return self._verify_and_store(cache, text)[1]
        return dict(entry.claims) if entry.flat else copy_json(entry.claims)

    def decode_complete(self, token: str | bytes) -> DecodedJWT:
        """Like :meth:`decode`, also returning the header and the key that verified it.

        Raises:
            JotkitError: as :meth:`decode`.
        """
        cache = self._cache
        if cache is None:
            return DecodedJWT(*self._verify(token, None))
        text = compact_text(token, self._limits, JWS_SEGMENTS)
        entry = self._hit(cache, text)
        if entry is None:
            return DecodedJWT(*self._verify_and_store(cache, text))
        return DecodedJWT(copy_json(entry.header), copy_json(entry.claims), entry.key)

    def _verify(
        self, token: str | bytes, now: float | None
    ) -> tuple[dict[str, Any], dict[str, Any], Key]:
        """Verify and check a token at ``now`` (None: the policy's own time).

        Raises:
            JotkitError: as :meth:`decode`.
        """
        try:
            payload, header, key = self._jws.verify_parts(token)
        except MalformedJWSError:
            # Name the substitution (a JWE or a JSON serialization) when that is what
            # failed to parse; compact_text raises for those and returns otherwise.
            compact_text(token, self._limits, JWS_SEGMENTS)
            raise
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
        return header, claims, key

    def _hit(self, cache: TokenCache, text: str) -> Entry | None:
        """A cached entry for ``text`` that passes the time and custom checks now, or None."""
        entry = cache.get(text)
        if entry is not None:
            policy = self._policy
            policy.check_dynamic(entry.claims, policy.current_time())
        return entry

    def _verify_and_store(
        self, cache: TokenCache, text: str
    ) -> tuple[dict[str, Any], dict[str, Any], Key]:
        header, claims, key = self._verify(text, None)
        cache.put(text, header, claims, key)
        return header, claims, key


def _token_cache(size: int) -> TokenCache:
    from ._cache import TokenCache  # deferred: only verifiers with a cache load it

    return TokenCache(size)
