"""One-shot ``decode`` (RFC 7519 section 7.2, RFC 8725) and the verifiers behind it.

``decode`` verifies the signature and validates the claims in one call: there is no way
to skip the signature here (see :func:`~jotkit.jwt.unverified` for reading a token while
debugging), and no two-step decode-then-validate API that a caller could stop halfway
through. Both functions run through a :class:`Verifier`, built once, then reused: one
path down from ``key`` to the signature check.

Building a :class:`Verifier` (key source, allow-list, key fit, normalised policy) costs
more than the claim checks of a token, and a server that calls
``jotkit.decode(token, KEY, ...)`` per request passes the same key object and the same
policy every time. The verifiers are kept in a small LRU keyed by the key object's
identity (the entry holds the object, so its id cannot be reused while the entry lives,
and a hit is confirmed with ``is``) and by the policy arguments' values, in
:func:`verifier_for`, the one place that key is written. Only immutable arguments of exact
built-in types make a key, so that nothing a caller changes later, and no look-alike
value (``True`` for ``1``, a ``str`` subclass), can reach a verifier built for something
else; anything else (callables, predicates, mappings of values, ``Key`` subclasses)
builds a verifier for the call. ``now`` is never part of the key: it is applied per call.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, cast

from .._limits import DEFAULT_LIMITS, Limits
from .._lru import LRU
from ..jwk import Key, KeyLike, KeySet
from ._checks import number
from ._policy import ClaimsPolicy, with_policy_docs
from ._result import DecodedJWT
from ._verifier import Verifier

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._policy import PolicyArgs

__all__ = ["CACHE_SIZE", "clear", "decode", "decode_complete", "verifier_for"]

#: How many (key, policy) verifiers one-shot decoding keeps.
CACHE_SIZE = 64


class _Uncacheable(Exception):
    """An argument cannot take part in a cache key (raised and caught here only)."""


# Immutable key holders whose identity pins their meaning. A key source class may say
# the same of its instances with a class attribute ``pinned_source = True`` (the remote
# key sets): its configuration never changes, and a kept verifier asks it per token.
_KEY_TYPES = (Key, KeySet, bytes)
_CONTAINERS = (list, tuple, frozenset, set)
_SCALARS = (str, int, float, bool, type(None))

# cache key -> (key, limits, policy, verifier)
_VERIFIERS: LRU[tuple[Any, ...], tuple[object, Limits, object, Verifier]] = LRU(CACHE_SIZE)


def _names(value: object) -> Any:
    """A collection of exact strings, as a hashable value."""
    if type(value) not in _CONTAINERS:
        raise _Uncacheable
    items = tuple(cast("Iterable[object]", value))
    for item in items:
        if type(item) is not str:
            raise _Uncacheable
    return items


def _duration(value: object) -> Any:
    """A float or a ``timedelta`` (never a bool), as itself."""
    kind = type(value)
    if kind is float:
        return value
    from datetime import timedelta  # only reached when a caller passed one

    if kind is not timedelta:
        raise _Uncacheable
    return value


def _checks(checks: object) -> Any:
    """Checks of exact built-in scalars as (name, type, value) triples; not predicates."""
    if type(checks) is not dict:
        raise _Uncacheable
    items = []
    for name, value in checks.items():
        kind = type(value)
        # The type is part of the key: True == 1 and 1 == 1.0, yet each checks differently.
        if type(name) is not str or kind not in _SCALARS:
            raise _Uncacheable
        items.append((name, kind, value))
    return tuple(items)


# The hashable form of each policy keyword other than ``now`` (a str, an int or None
# is its own form and skips these). A keyword missing here (``subject`` or ``typ`` of
# another type, a misspelt one) is never cached: the Verifier raises its error.
_FORMS: dict[str, Callable[[object], Any]] = {
    "issuer": _names,
    "audience": _names,
    "leeway": _duration,
    "max_age": _duration,
    "required": _names,
    "checks": _checks,
}


def verifier_for(
    key: KeyLike,
    algorithms: Collection[str] | None,
    limits: Limits,
    policy: ClaimsPolicy | None,
    options: PolicyArgs,
) -> tuple[Verifier, float | None]:
    """The verifier for these ``decode`` arguments (kept for reuse when they allow), and
    the time to check at (None: the verifier's own clock).

    ``options`` is the caller's own keyword dict, and ``now`` is taken out of it: a kept
    verifier is built without ``now``, which is applied per call, never bound. The cache
    key is built here and only here (one function call less on every ``decode``).

    Raises:
        TypeError, ValueError: an invalid argument.
    """
    at = None
    if "now" in options:
        now = options["now"]
        if now is None:
            del options["now"]
        elif not callable(now):
            try:
                at = number(now, "now")
            except (TypeError, ValueError, OverflowError):
                pass  # left in: the uncached Verifier raises the error, in its usual order
            else:
                del options["now"]
    found: tuple[Any, ...] | None = None
    if (
        "now" not in options
        and type(limits) is Limits
        and (type(key) in _KEY_TYPES or getattr(type(key), "pinned_source", False) is True)
    ):
        try:
            # The common shape inline: a list of one name is keyed by that name; any other
            # allow-list by a tuple of exact strings (a bare string is a caller's mistake,
            # which must reach the Verifier's TypeError, never a verifier kept for a list).
            if type(algorithms) is list and len(algorithms) == 1 and type(algorithms[0]) is str:
                algs: Any = algorithms[0]
            elif algorithms is None:
                algs = None
            elif type(algorithms) is str:
                raise _Uncacheable
            else:
                algs = _names(algorithms)
            if policy is not None:
                # A ClaimsPolicy is frozen: its identity pins its meaning, as for the key.
                if options or type(policy) is not ClaimsPolicy:
                    raise _Uncacheable
                found = (id(key), id(limits), algs, id(policy))
            else:
                for value in options.values():
                    kind = type(value)
                    # An exact str or int (never a bool, never a look-alike subclass) or
                    # None is its own hashable form: the usual call takes only this loop.
                    if kind is not str and kind is not int and value is not None:
                        items = _general_items(options)
                        break
                else:
                    items = tuple(options.items())
                found = (id(key), id(limits), algs, items)
        except _Uncacheable:
            found = None
    if found is not None:
        entry = _VERIFIERS.get(found)
        if entry is not None and entry[0] is key and entry[1] is limits and entry[2] is policy:
            return entry[3], at
    verifier = Verifier(key, algorithms=algorithms, limits=limits, policy=policy, **options)
    if found is not None:
        _VERIFIERS.put(found, (key, limits, policy, verifier))
    return verifier, at


def _general_items(options: PolicyArgs) -> tuple[tuple[str, Any], ...]:
    """The policy keywords as hashable (name, form) pairs, for keywords that need their
    hashable form (lists, checks...).

    Raises:
        _Uncacheable: a keyword that cannot take part in a key.
    """
    found = []
    for name, value in options.items():
        kind = type(value)
        if kind is str or kind is int or value is None:
            found.append((name, value))
            continue
        form = _FORMS.get(name)
        if form is None:
            raise _Uncacheable
        found.append((name, form(value)))
    return tuple(found)


def clear() -> None:
    """Forget every verifier (tests, and callers that rotate keys in place)."""
    _VERIFIERS.clear()


@with_policy_docs
def decode(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    **options: Unpack[PolicyArgs],
) -> dict[str, Any]:
    """Verify a compact JWS JWT and validate its claims; return the claims.

    Args:
        token: the compact JWS.
        key: a key source: a Key, a KeySet, an oct secret as bytes, a callable
            ``(header) -> Key``, or a source such as ``jotkit.remote.RemoteKeySet``.
        algorithms: the accepted JWS algorithms; may be omitted only when every
            candidate key is bound to one ``alg``.
        limits: input size limits.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    Raises:
        TypeError, ValueError: invalid arguments (a caller's mistake).
        MalformedJWTError, MalformedJWSError, ExceededLimitError: not a well-formed
            compact JWS of a JSON object, or not a str or bytes.
        AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``alg`` is refused.
        KeyNotFoundError, InvalidKeyError, KeySetUnavailableError: no fitting key.
        InvalidSignatureError: the signature does not verify.
        ClaimsError: a claim breaks the policy (raised only after the signature passed).
    """
    verifier, at = verifier_for(key, algorithms, limits, policy, options)
    return verifier._verify(token, at)[1]


@with_policy_docs
def decode_complete(
    token: str | bytes,
    key: KeyLike,
    *,
    algorithms: Collection[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    policy: ClaimsPolicy | None = None,
    **options: Unpack[PolicyArgs],
) -> DecodedJWT:
    """Like :func:`decode`, returning the header and the verifying key with the claims.

    Args:
        token, key, algorithms, limits: as :func:`decode`.
        policy: a prepared :class:`ClaimsPolicy`, instead of its keywords.
        **options: the claims policy.

    Raises:
        JotkitError: as :func:`decode`; TypeError, ValueError for invalid arguments.
    """
    verifier, at = verifier_for(key, algorithms, limits, policy, options)
    return DecodedJWT(*verifier._verify(token, at))
