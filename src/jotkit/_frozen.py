"""``Frozen``: the base of jotkit's small immutable records: the algorithm descriptors of
RFC 7518, JWS results (RFC 7515) and JWT claims policies (RFC 7519 section 4.1).

It gives what ``@dataclass(frozen=True, slots=True)`` gives (slots, value equality and
hashing, a dataclass-style ``repr``, ``FrozenInstanceError`` on assignment, copying and
pickling) without generating and compiling methods when the class is created: that costs
about 0.8 ms per class, and ``import jotkit`` creates a handful of them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

__all__ = ["Frozen"]

if TYPE_CHECKING:
    from typing import TypeVar

    from typing_extensions import dataclass_transform

    # Only the type checker needs these: a TypeVar bound by name compiles a ForwardRef,
    # the process's first call to the compiler, which costs about 1.2 ms at import.
    _T = TypeVar("_T")
    _F = TypeVar("_F", bound="Frozen")
elif sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10: the decorator only informs type checkers

    def dataclass_transform(**_: Any) -> Callable[[_T], _T]:
        return lambda cls: cls


def _rebuild(cls: type[_F], values: tuple[Any, ...]) -> _F:
    """Recreate a record from its field values (copy and pickle support)."""
    self = object.__new__(cls)
    for name, value in zip(cls._fields, values, strict=True):
        object.__setattr__(self, name, value)
    return self


@dataclass_transform(frozen_default=True)
class Frozen:
    """An immutable record whose fields are its annotations, in order, like a dataclass's.

    A subclass annotates its fields and names the same fields in ``__slots__``. The
    inherited ``__init__`` takes every field, in order, positionally or by name; a
    subclass that normalises its arguments writes its own and stores each field with
    ``object.__setattr__``. After that, assigning or deleting any attribute raises
    ``dataclasses.FrozenInstanceError``. (jotkit's one record style: every small
    immutable record in the package is a ``Frozen``.)
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if not kwargs and len(args) == len(fields):
            # Every field by position: the common case, and on hot paths (results).
            for name, value in zip(fields, args):  # noqa: B905 - lengths checked above
                object.__setattr__(self, name, value)
            return
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} fields")
        values = dict(zip(fields, args, strict=False))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated field {name!r}")
            values[name] = value
        if len(values) != len(fields):
            missing = [name for name in fields if name not in values]
            raise TypeError(f"{type(self).__name__}: missing fields {missing}")
        for name in fields:
            object.__setattr__(self, name, values[name])

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The class's own annotations, as written (``inspect`` would cost ~7 ms to import).
        fields = tuple(cls.__dict__.get("__annotations__", {}))  # noqa: RUF063
        if set(fields) != set(cls.__dict__.get("__slots__", ())):
            raise TypeError(f"{cls.__name__}: __slots__ must name exactly the annotated fields")
        cls._fields = fields
        type.__setattr__(cls, "__match_args__", fields)

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __setattr__(self, name: str, value: object) -> NoReturn:
        # dataclasses (with inspect and ast) costs ~10 ms to import: only on this path.
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self._values())
