"""Module globals that load their module on first use, for import time (DESIGN 5).

``import jotkit`` should cost little more than the ``cryptography`` modules it needs, yet
an import statement inside a hot function costs about a microsecond on every call. A
``lazy_module`` placeholder costs nothing per call after the first: its first attribute
access imports the module and puts the real module in the caller's globals in its place.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["lazy_module"]


class _LazyModule:
    __slots__ = ("_alias", "_name", "_namespace")

    def __init__(self, name: str, namespace: dict[str, Any], alias: str) -> None:
        self._name = name
        self._namespace = namespace
        self._alias = alias

    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self._name)
        self._namespace[self._alias] = module
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r} (not loaded yet)>"


def lazy_module(name: str, namespace: dict[str, Any]) -> Any:
    """A placeholder for module ``name`` bound in ``namespace`` (the caller's ``globals()``)
    under the last part of its name; typed ``Any``, so callers import the real module under
    ``TYPE_CHECKING`` for the type checker."""
    return _LazyModule(name, namespace, name.rpartition(".")[2])
