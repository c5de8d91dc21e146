"""Where the shared test vectors live, and how tests read them.

The vectors sit beside the repository, in ``<repo>/../shared/vectors`` (see its README).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["VECTORS", "load_json", "load_text"]

#: The root of the shared vector folders.
VECTORS = Path(__file__).resolve().parents[1] / ".." / "shared" / "vectors"


def load_json(relpath: str) -> Any:
    """Load one JSON vector file, by its path relative to :data:`VECTORS`."""
    return json.loads(load_text(relpath))


def load_text(relpath: str) -> str:
    """Read one text vector file (a compact JWS, say), without surrounding whitespace."""
    return (VECTORS / relpath).read_text(encoding="utf-8").strip()
