"""The verifiers behind one-shot ``decode`` (RFC 7519 section 7.2): built once, then reused.

Building a :class:`Verifier` (allow-list, key fit, normalised policy) costs more than the
claim checks of a token, and a server that calls ``jotkit.decode(token, KEY, ...)`` per
request passes the same key object and the same policy every time. The verifiers are
kept in a small LRU keyed by the key object's identity (the entry holds the object, so
its id cannot be reused while the entry lives, and a hit is confirmed with ``is``) and by
the policy arguments' values. Only immutable arguments of exact built-in types make a
key, so that nothing a caller changes later, and no look-alike value (``True`` for ``1``,
a ``str`` subclass), can reach a verifier built for something else; anything else
(callables, predicates, mappings of values, ``Key`` subclasses) builds a verifier for
the call, as before. ``now`` is never part of the key: it is applied per call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from .._limits import Limits
from .._lru import LRU
from ..jwk import Key, KeySet
from ._numeric import number
from ._verifier import Verifier

__all__ = [
    "CACHE_SIZE",
    "UNCACHEABLE",
    "cache_key",
    "cached",
    "clear",
    "fixed_time",
    "kept_simple",
    "store_verifier",
]

#: How many (key, policy) verifiers one-shot decoding keeps.
CACHE_SIZE = 64

#: What :func:`fixed_time` returns for a ``now`` that cannot be applied per call.
UNCACHEABLE: Any = object()


class _Uncacheable(Exception):
    """An argument cannot take part in a cache key (raised and caught here only)."""


# Immutable key holders whose identity pins their meaning.
_KEY_TYPES = (Key, KeySet, bytes)
_CONTAINERS = (list, tuple, frozenset, set)
_SCALARS = (str, int, float, bool, type(None))

# (id(key), id(limits), policy values...) -> (key, limits, verifier)
_VERIFIERS: LRU[tuple[Any, ...], tuple[object, Limits, Verifier]] = LRU(CACHE_SIZE)


def _names(value: object) -> Any:
    """A string, None, or a collection of exact strings, as a hashable value."""
    if value is None or type(value) is str:
        return value
    if type(value) not in _CONTAINERS:
        raise _Uncacheable
    items = tuple(cast("Iterable[object]", value))
    for item in items:
        if type(item) is not str:
            raise _Uncacheable
    return items


def _exact(value: object) -> Any:
    """None or an exact ``str`` (a subclass could compare equal to anything)."""
    if value is None or type(value) is str:
        return value
    raise _Uncacheable


def _duration(value: object) -> Any:
    """None, an int or float (never a bool), or a ``timedelta``, as itself."""
    kind = type(value)
    if value is None or kind is int or kind is float:
        return value
    from datetime import timedelta  # only reached when a caller passed one

    if kind is not timedelta:
        raise _Uncacheable
    return value


def _checks(checks: object) -> Any:
    """Checks of exact built-in scalars as (name, type, value) triples; not predicates."""
    if checks is None:
        return None
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


def fixed_time(now: object) -> Any:
    """``now`` as a NumericDate, None for the clock, or UNCACHEABLE (callable or invalid)."""
    if now is None:
        return None
    if callable(now):
        return UNCACHEABLE
    try:
        return number(now, "now")
    except (TypeError, ValueError, OverflowError):
        return UNCACHEABLE  # the uncached path raises the error, in its usual order


def cache_key(
    key: object,
    algorithms: object,
    issuer: object,
    audience: object,
    subject: object,
    leeway: object,
    max_age: object,
    required: object,
    typ: object,
    checks: object,
    limits: object,
) -> tuple[Any, ...] | None:
    """The cache key of these ``decode`` arguments, or None when they cannot make one."""
    if type(key) not in _KEY_TYPES or type(limits) is not Limits:
        return None
    try:
        # The common shapes inline (a list of one name, strings, zero leeway, nothing
        # else), each checked as strictly as the helpers check the general case.
        if type(algorithms) is list and len(algorithms) == 1 and type(algorithms[0]) is str:
            algs: Any = (algorithms[0],)
        else:
            algs = _names(algorithms)
        return (
            id(key),
            id(limits),
            algs,
            issuer if type(issuer) is str else _names(issuer),
            audience if type(audience) is str else _names(audience),
            subject if subject is None else _exact(subject),
            leeway if type(leeway) is int else _duration(leeway),
            max_age if max_age is None else _duration(max_age),
            () if type(required) is tuple and not required else _names(required),
            typ if typ is None else _exact(typ),
            checks if checks is None else _checks(checks),
        )
    except _Uncacheable:
        return None


def cached(found: tuple[Any, ...], key: object, limits: object) -> Verifier | None:
    """The verifier kept under ``found``, confirmed to be for this very key and limits."""
    entry = _VERIFIERS.get(found)
    if entry is not None and entry[0] is key and entry[1] is limits:
        return entry[2]
    return None


def kept_simple(
    key: object, alg: str, issuer: str | None, audience: str | None, leeway: int, limits: object
) -> Verifier | None:
    """The verifier kept for the usual call: one ``alg``, and only issuer, audience, leeway.

    The caller has checked the exact types (``str`` or None, ``int``) and that every other
    policy argument is at its default; the key is the one :func:`cache_key` builds then.
    """
    if type(key) not in _KEY_TYPES or type(limits) is not Limits:
        return None
    found = (id(key), id(limits), (alg,), issuer, audience, None, leeway, None, (), None, None)
    entry = _VERIFIERS.get(found)
    if entry is not None and entry[0] is key and entry[1] is limits:
        return entry[2]
    return None


def store_verifier(
    cache_key: tuple[Any, ...], key: object, limits: Limits, verifier: Verifier
) -> None:
    """Keep ``verifier`` (built with ``now=None``) for later calls with the same arguments."""
    _VERIFIERS.put(cache_key, (key, limits, verifier))


def clear() -> None:
    """Forget every verifier (tests, and callers that rotate keys in place)."""
    _VERIFIERS.clear()
