"""The fuzz targets by name, and which of them this checkout can run."""

from __future__ import annotations

import importlib
import importlib.util

from ._common import Target

__all__ = ["NAMES", "available", "load"]

#: Every target, in the order the runner fuzzes them.
NAMES = ("b64", "json", "jws_compact", "jws_json", "jwk", "jwe", "jwt", "dpop", "x5c", "sd_jwt")

# Targets whose jotkit layer may not exist yet in a checkout.
_NEEDS = {
    "jwe": "jotkit.jwe",
    "jwt": "jotkit.jwt",
    "dpop": "jotkit.profiles.dpop",
    "x5c": "jotkit.x509",
    "sd_jwt": "jotkit.profiles.sd_jwt",
}


def available(name: str) -> bool:
    """Whether the jotkit layer ``name`` fuzzes exists in this checkout."""
    if name not in NAMES:
        raise ValueError(f"unknown fuzz target {name!r}; choose from {', '.join(NAMES)}")
    module = _NEEDS.get(name)
    return module is None or importlib.util.find_spec(module) is not None


def load(name: str) -> Target:
    """Import the harness module of ``name`` and return its target.

    Raises:
        ValueError: an unknown name.
    """
    if name not in NAMES:
        raise ValueError(f"unknown fuzz target {name!r}; choose from {', '.join(NAMES)}")
    module = importlib.import_module(f"fuzz.fuzz_{name}")
    target = module.TARGET
    if not isinstance(target, Target):
        raise TypeError(f"fuzz.fuzz_{name}.TARGET is not a Target")
    return target
