"""The package's shape: layering rules, public modules, typing marker, import side effects."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import jotkit

SRC = Path(jotkit.__file__).resolve().parent

# DESIGN section 1: lower layers never import higher ones; jws and jwe never import each other.
RANK = {
    "errors": 0,
    "_b64": 0,
    "_json": 0,
    "_time": 0,
    "_limits": 0,
    "_frozen": 0,
    "_lru": 0,
    "_lazy": 0,
    "_extras": 0,
    "_joined": 0,
    "jwa": 1,
    "jwk": 2,
    "x509": 2.5,  # above jwk, below jws and jwe (DESIGN section 1)
    "jws": 3,
    "jwe": 3,
    "jwt": 4,
    "replay": 5,
    "remote": 5,
    "profiles": 6,
    "integrations": 7,
    "cli": 7,
    "debugger": 7,
    "demo": 8,
    "__init__": 8,
    "__main__": 8,
}

# Pairs of layers that never import each other (DESIGN section 1).
APART = {
    ("jws", "jwe"),
    ("jwe", "jws"),
    ("remote", "jwt"),
    ("replay", "remote"),
    ("remote", "replay"),
}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imported_layers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package_depth = len(path.relative_to(SRC).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith("jotkit."):
                    found.add(node.module.split(".")[1])
                continue
            if node.level <= package_depth:
                continue  # within the same layer package
            target = (node.module or "").split(".")[0]
            if target:
                found.add(target)
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("jotkit."):
                    found.add(alias.name.split(".")[1])
    return {name for name in found if name in RANK}


MODULES = sorted(p for p in SRC.rglob("*.py"))


class TestLayers:
    """DESIGN section 1 layering."""

    @pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
    def test_no_upward_imports(self, path: Path) -> None:
        """A module imports only its own layer and lower ones; jws and jwe stay apart."""
        layer = _layer(path)
        rank = RANK[layer]
        for target in _imported_layers(path):
            assert RANK[target] <= rank, f"{layer} imports higher layer {target}"
            assert (layer, target) not in APART, f"{layer} imports {target}"


class TestPublicModules:
    """Every public module declares __all__ and every name in it exists."""

    @pytest.mark.parametrize(
        "name", ["jotkit", "jotkit.errors", "jotkit.jwa", "jotkit.jwk", "jotkit.jws"]
    )
    def test_all_is_complete(self, name: str) -> None:
        """__all__ lists only names the module has."""
        module = importlib.import_module(name)
        assert module.__all__
        for item in module.__all__:
            assert hasattr(module, item), f"{name}.{item}"

    def test_py_typed(self) -> None:
        """The package ships the PEP 561 marker."""
        assert (SRC / "py.typed").exists()

    def test_imported_from_where_expected(self) -> None:
        """The wheel run (JOTKIT_TEST_INSTALLED=1) tests the installed package, not src/.

        ``make wheel-test`` sets the variable; any other run tests the source tree (the
        editable install of ``make test``).
        """
        installed = SRC.is_relative_to(Path(sysconfig.get_paths()["purelib"]).resolve())
        source = SRC.is_relative_to(Path(__file__).resolve().parents[1] / "src")
        if os.environ.get("JOTKIT_TEST_INSTALLED") == "1":
            assert installed, f"jotkit imported from {SRC}, not from site-packages"
            assert not source
        else:
            assert source, f"jotkit imported from {SRC}: set JOTKIT_TEST_INSTALLED=1"

    def test_version(self) -> None:
        """The version is a dotted string."""
        assert jotkit.__version__.count(".") == 2

    def test_import_has_no_output(self) -> None:
        """Importing jotkit prints nothing and warns nothing."""
        done = subprocess.run(
            [sys.executable, "-W", "error", "-c", "import jotkit"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout == ""
        assert done.stderr == ""
