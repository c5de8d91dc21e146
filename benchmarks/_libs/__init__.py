"""Library adapters, in table column order (the floor first)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from .._fixtures import Fixtures
from ._base import Library, Unsupported

__all__ = ["COLUMNS", "Absent", "Library", "Unsupported", "load_libraries"]

#: (column title, adapter module, adapter class), in table order.
COLUMNS = (
    ("floor", "floor", "Floor"),
    ("jotkit", "jotkit", "Jotkit"),
    ("PyJWT", "pyjwt", "PyJWT"),
    ("joserfc", "joserfc", "Joserfc"),
    ("jwcrypto", "jwcrypto", "Jwcrypto"),
    ("python-jose", "pyjose", "PythonJose"),
    ("sd-jwt", "sdjwt", "SdJwt"),
)


@dataclass(frozen=True)
class Absent:
    """A column whose library could not be imported."""

    name: str
    reason: str


def load_libraries(fx: Fixtures, names: set[str] | None = None) -> list[Library | Absent]:
    """Instantiate each selected adapter; a missing peer becomes an :class:`Absent` column."""
    found: list[Library | Absent] = []
    for title, module, cls_name in COLUMNS:
        if names is not None and title not in names and title != "floor":
            continue
        try:
            adapter = importlib.import_module(f"{__name__}.{module}")
        except ImportError as exc:
            found.append(Absent(title, f"not installed ({exc.name or exc})"))
            continue
        found.append(getattr(adapter, cls_name)(fx))
    return found
