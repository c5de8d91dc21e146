"""The claims policy: RFC 7519 section 4.1 claim rules and RFC 8725 explicit typing.

Every argument is normalised once, when the policy is built (allow-lists to frozensets,
durations to float seconds, ``now=`` to a fixed time or a clock), so that checking a
token does no work that does not depend on the token. Checks are split in two: the
static ones (types, ``typ``, ``iss``, ``aud``, ``sub``, required claims) hold for the
token's lifetime; the dynamic ones (time claims and the caller's own checks) are run
again on every use of a cached token.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from .. import _time
from .._frozen import Frozen
from ..errors import ExpiredError, InvalidClaimError, MissingClaimError, NotYetValidError
from ._checks import check_types, make_clock, media_type, run_checks, seconds

if TYPE_CHECKING:
    from datetime import timedelta
    from typing import TypedDict, TypeVar

    from typing_extensions import Unpack

    from ._checks import Now

    _T = TypeVar("_T")

    # A typing-only class: at run time a TypedDict costs a compile of each annotation
    # (about 1 ms of ``import jotkit``), and nothing but the type checker reads it.
    class PolicyArgs(TypedDict, total=False):
        """The claims-policy keywords every verifying entry point takes (``**PolicyArgs``).

        The one list of their names and types; :data:`POLICY_DOCS` says what each means
        and :class:`ClaimsPolicy` gives the defaults and validates them.
        """

        issuer: str | Collection[str] | None
        audience: str | Collection[str] | None
        subject: str | None
        leeway: float | timedelta
        max_age: float | timedelta | None
        required: Collection[str]
        typ: str | None
        checks: Mapping[str, Any] | None
        now: Now | None


__all__ = ["POLICY_DOCS", "ClaimsPolicy", "with_policy_docs"]


_EMPTY: frozenset[str] = frozenset()


#: What each policy keyword means, in :class:`PolicyArgs` order: the text ``help()`` shows
#: for every entry point that takes them (``tests/jwt/test_policy_args.py`` keeps the
#: two lists equal).
POLICY_DOCS: dict[str, str] = {
    "issuer": "the accepted ``iss`` (a string or a collection), compared for equality.",
    "audience": "the accepted audiences, one of which ``aud`` must hold (None: no aud).",
    "subject": "the exact ``sub`` required.",
    "leeway": "clock skew allowed, in seconds or as a ``timedelta`` (default 0).",
    "max_age": "the oldest ``iat`` accepted, in seconds or as a ``timedelta``.",
    "required": "claims that must be present.",
    "typ": "the header ``typ`` required (case-insensitive, ``application/`` optional).",
    "checks": "claim name -> expected value, or a predicate on the claim's value.",
    "now": "the time to check at (NumericDate, aware datetime, callable; None: clock).",
}

_MARKER = "**options: the claims policy."


def with_policy_docs(function: _T) -> _T:
    """Write the policy keywords, each with its meaning, where ``function``'s docstring
    says ``**options: the claims policy.``, so that ``help()`` lists every keyword."""
    doc = function.__doc__
    if doc is None:  # python -OO: no docstrings to complete
        return function
    lines = doc.splitlines(keepends=True)
    # Matched by its text, whatever its indentation: Python 3.13 compiles docstrings
    # with their common indentation removed, earlier versions keep it.
    found = [i for i, line in enumerate(lines) if line.strip() == _MARKER]
    if len(found) != 1:
        raise AssertionError(f"{function!r}: not one policy marker in the docstring")
    line = lines[found[0]]
    indent = line[: len(line) - len(line.lstrip())]
    head = f"{indent}**options: the claims-policy keywords (or ``policy=ClaimsPolicy(...)``):\n"
    entries = "".join(f"{indent}    {name}: {text}\n" for name, text in POLICY_DOCS.items())
    lines[found[0]] = head + entries
    function.__doc__ = "".join(lines)
    return function


def _names(value: object, what: str) -> frozenset[str]:
    """A collection of strings as a frozenset; a bare string is refused."""
    # A bare string would be read as a collection of one-letter names.
    if not isinstance(value, tuple | list | set | frozenset) and (
        isinstance(value, str | bytes | bytearray) or not isinstance(value, Collection)
    ):
        raise TypeError(f"{what} must be a collection of strings")
    if not value:
        return _EMPTY
    items = frozenset(value)
    if not all(isinstance(item, str) for item in items):
        raise TypeError(f"{what} must hold only strings")
    return items


def _strings(value: object, name: str) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset((value,))
    items = _names(value, name)
    if not items:
        raise ValueError(f"{name} must not be empty; pass None to skip the check")
    return items


def _checks(checks: Mapping[str, Any] | None) -> tuple[tuple[str, Any, bool], ...]:
    if checks is None:
        return ()
    if not isinstance(checks, Mapping):
        raise TypeError("checks must be a mapping of claim name to value or predicate")
    if not all(isinstance(name, str) for name in checks):
        raise TypeError("checks must be keyed by claim name")
    return tuple((name, expected, callable(expected)) for name, expected in checks.items())


class ClaimsPolicy(Frozen):
    """The rules a JWT's claims must meet, normalised at construction.

    Built from the keywords of :class:`PolicyArgs` (see :data:`POLICY_DOCS`); every
    verifying entry point takes the same keywords, or one ``policy=ClaimsPolicy(...)``.

    Attributes:
        issuer: accepted ``iss`` values (equality only), or None for no check.
        audience: accepted audiences; the token's ``aud`` must contain one. None means
            no audience is expected, and a token that carries ``aud`` is rejected.
        subject: the exact ``sub`` required, or None.
        leeway: clock skew allowed on ``exp``, ``nbf``, ``iat``, ``max_age`` (seconds).
        max_age: the oldest ``iat`` accepted (seconds), or None.
        required: claims that must be present.
        typ: the header ``typ`` required, normalised (lower case, no ``application/``).
        checks: (claim, expected value or predicate, is_predicate) triples.
        now: a fixed time, a clock, or None to read the system clock per token.
    """

    issuer: frozenset[str] | None
    audience: frozenset[str] | None
    subject: str | None
    leeway: float
    max_age: float | None
    required: frozenset[str]
    typ: str | None
    checks: tuple[tuple[str, Any, bool], ...]
    now: float | Callable[[], float] | None

    __slots__ = (
        "audience",
        "checks",
        "issuer",
        "leeway",
        "max_age",
        "now",
        "required",
        "subject",
        "typ",
    )

    def __init__(self, **options: Unpack[PolicyArgs]) -> None:
        """Normalise the policy keywords (:class:`PolicyArgs`); absent ones take defaults.

        Raises:
            TypeError, ValueError: an unknown keyword, or one of the wrong type or value.
        """
        for name in options:
            if name not in POLICY_DOCS:
                raise TypeError(f"unknown claims-policy argument {name!r}")
        subject = options.get("subject")
        if subject is not None and not isinstance(subject, str):
            raise TypeError("subject must be a string")
        typ = options.get("typ")
        if typ is not None and not isinstance(typ, str):
            raise TypeError("typ must be a string such as 'JWT' or 'at+jwt'")
        leeway = options.get("leeway", 0)
        max_age = options.get("max_age")
        required = options.get("required", ())
        checks = options.get("checks")
        now = options.get("now")
        # The usual values (a string, zero leeway, nothing else) skip the helpers.
        setattr_ = object.__setattr__
        setattr_(self, "issuer", _strings(options.get("issuer"), "issuer"))
        setattr_(self, "audience", _strings(options.get("audience"), "audience"))
        setattr_(self, "subject", subject)
        zero = type(leeway) is int and leeway == 0
        setattr_(self, "leeway", 0.0 if zero else seconds(leeway, "leeway"))
        setattr_(self, "max_age", None if max_age is None else seconds(max_age, "max_age"))
        empty = type(required) is tuple and not required
        setattr_(self, "required", _EMPTY if empty else _names(required, "required"))
        setattr_(self, "typ", None if typ is None else media_type(typ))
        setattr_(self, "checks", () if checks is None else _checks(checks))
        setattr_(self, "now", None if now is None else make_clock(now))

    @classmethod
    def of(cls, policy: ClaimsPolicy | None, options: PolicyArgs) -> ClaimsPolicy:
        """The policy an entry point was given: ``policy=`` or its keywords, not both.

        Raises:
            TypeError, ValueError: both given, or an invalid keyword.
        """
        if policy is None:
            return cls(**options)
        if not isinstance(policy, ClaimsPolicy):
            raise TypeError("policy must be a ClaimsPolicy")
        if options:
            raise TypeError("pass policy=ClaimsPolicy(...) or policy keywords, not both")
        return policy

    def current_time(self) -> float:
        """The time to check a token against, as a NumericDate."""
        now = self.now
        if now is None:
            return _time.now()
        if isinstance(now, float):
            return now
        return now()

    def check(self, claims: Mapping[str, Any], header: Mapping[str, Any]) -> None:
        """Apply every rule. Call only after the signature or decryption passed.

        Raises:
            ClaimsError: the first rule the token breaks (``.claim`` names it).
        """
        self.check_at(claims, header, None)

    def check_at(
        self, claims: Mapping[str, Any], header: Mapping[str, Any], now: float | None
    ) -> None:
        """Apply every rule at ``now`` (None: the policy's own time, :meth:`current_time`).

        Raises:
            ClaimsError: the first rule the token breaks (``.claim`` names it).
        """
        self.check_static(claims, header)
        if now is None:
            now = _time.now() if self.now is None else self.current_time()
        self.check_dynamic(claims, now)

    def check_static(self, claims: Mapping[str, Any], header: Mapping[str, Any]) -> None:
        """Apply the rules that do not depend on time: ``typ``, types, presence, values.

        Raises:
            MissingClaimError, InvalidClaimError: a claim (or ``typ``) is absent or wrong.
        """
        if self.typ is not None:
            self._check_typ(header)
        check_types(claims)
        if self.required:
            self._check_required(claims)
        get = claims.get
        # Equality with one of the accepted strings: never a prefix or substring test.
        if self.issuer is not None and get("iss") not in self.issuer:
            self._reject("iss", get("iss"))
        aud = get("aud")
        audience = self.audience
        if audience is None:
            # RFC 7519 4.1.3: a token meant for a named audience must be rejected by a
            # party that does not identify itself with it.
            if aud is not None:
                raise InvalidClaimError(
                    "the token has an 'aud' claim but no audience is configured", claim="aud"
                )
        else:
            # ``aud`` is a string or a list of strings here (check_types): one must match.
            if type(aud) is str:
                accepted = aud in audience
            else:
                accepted = aud is not None and not audience.isdisjoint(aud)
            if not accepted:
                self._reject("aud", aud)
        if self.subject is not None and get("sub") != self.subject:
            self._reject("sub", get("sub"))

    def _check_typ(self, header: Mapping[str, Any]) -> None:
        typ = header.get("typ")
        if typ is None:
            raise MissingClaimError("the header has no 'typ'", claim="typ")
        # RFC 8725 3.11: explicit typing keeps one kind of token (an ID token, say) from
        # being accepted as another (an access token).
        # The expected type as written passes without normalising it (the usual case).
        if typ != self.typ and (not isinstance(typ, str) or media_type(typ) != self.typ):
            raise InvalidClaimError("the header's 'typ' is not the expected type", claim="typ")

    def _check_required(self, claims: Mapping[str, Any]) -> None:
        required = self.required
        if claims.keys() >= required:  # every one present: no need to sort
            return
        # The first missing name in sorted order: the same report whatever set order.
        for name in sorted(required):
            if name not in claims:
                raise MissingClaimError(f"the {name!r} claim is required", claim=name)

    @staticmethod
    def _reject(name: str, value: Any) -> NoReturn:
        if value is None:
            raise MissingClaimError(f"the {name!r} claim is required", claim=name)
        raise InvalidClaimError(f"the {name!r} claim is not an accepted value", claim=name)

    def check_dynamic(self, claims: Mapping[str, Any], now: float) -> None:
        """Apply the rules that depend on time, then the caller's own checks.

        Raises:
            ExpiredError, NotYetValidError: ``exp``, ``nbf``, ``iat`` or ``max_age`` fail.
            MissingClaimError: ``max_age`` is set and there is no ``iat``.
            MissingClaimError, InvalidClaimError: a custom check fails.
        """
        # The arithmetic stays on the side of ``now`` (a float): a JSON integer can be too
        # large for a float, and int/float comparison is exact where addition overflows.
        leeway = self.leeway
        exp = claims.get("exp")
        if exp is not None and now - leeway >= exp:
            raise _expired("the token expired", "exp", exp, now, leeway)
        nbf = claims.get("nbf")
        if nbf is not None and now + leeway < nbf:
            raise NotYetValidError("the token is not valid yet", claim="nbf")
        iat = claims.get("iat")
        if iat is not None and iat > now + leeway:
            raise NotYetValidError("the token was issued in the future", claim="iat")
        if self.max_age is not None:
            if iat is None:
                raise MissingClaimError("max_age needs an 'iat' claim", claim="iat")
            if now - leeway - self.max_age > iat:
                raise _expired("the token passed max_age", "iat", iat, now, leeway, self.max_age)
        if self.checks:
            run_checks(claims, self.checks)


def _expired(
    what: str, claim: str, value: float, now: float, leeway: float, max_age: float = 0.0
) -> ExpiredError:
    """An ``ExpiredError`` that says by how much, and carries the figures.

    ``exp`` is ``value`` (the claim) plus ``max_age``; a JSON integer can be too large
    for a float (an ``iat`` of -10**400 is older than any max_age), hence the guard.
    """
    exp: float | None
    try:
        exp = float(value) + max_age
    except OverflowError:
        exp, late = None, "long ago"
    else:
        late = f"{now - leeway - exp:.0f} s ago"
    allowed = f" (beyond a leeway of {leeway:g} s)" if leeway else ""
    return ExpiredError(f"{what} {late}{allowed}", claim=claim, exp=exp, now=now, leeway=leeway)
