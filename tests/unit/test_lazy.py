"""``lazy_module``: a module global that imports its module on first attribute access."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from jotkit._lazy import lazy_module


class TestLazyModule:
    """The placeholder loads once, then is replaced by the real module."""

    def test_first_access_loads_and_replaces(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Nothing is imported until an attribute is read; then the global is the module."""
        monkeypatch.delitem(sys.modules, "colorsys", raising=False)
        namespace: dict[str, Any] = {}
        namespace["colorsys"] = lazy_module("colorsys", namespace)
        assert "colorsys" not in sys.modules
        assert "not loaded" in repr(namespace["colorsys"])
        assert namespace["colorsys"].rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
        assert isinstance(namespace["colorsys"], types.ModuleType)
        assert namespace["colorsys"] is sys.modules["colorsys"]

    def test_missing_attribute(self) -> None:
        """An attribute the module lacks is an AttributeError, as on the module."""
        namespace: dict[str, Any] = {}
        namespace["json"] = lazy_module("json", namespace)
        with pytest.raises(AttributeError):
            _ = namespace["json"].no_such_name

    def test_bound_under_last_name_part(self) -> None:
        """A dotted name is bound under its last part (``from . import x`` style)."""
        namespace: dict[str, Any] = {}
        placeholder = lazy_module("email.utils", namespace)
        assert callable(placeholder.formatdate)
        assert namespace["utils"] is sys.modules["email.utils"]
