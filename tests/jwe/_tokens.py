"""Helpers to take compact JWEs apart and put altered ones back together."""

from __future__ import annotations

from typing import Any

from jotkit import _json
from jotkit._b64 import b64decode, b64encode_str

__all__ = ["header_of", "segment", "with_header", "with_segment"]


def header_of(token: str) -> dict[str, Any]:
    """The decoded protected header of a compact JWE."""
    header: dict[str, Any] = _json.loads(b64decode(token.split(".")[0]))
    return header


def with_segment(token: str, index: int, value: bytes) -> str:
    """Replace segment ``index`` (0 header, 1 key, 2 iv, 3 ciphertext, 4 tag)."""
    parts = token.split(".")
    parts[index] = b64encode_str(value)
    return ".".join(parts)


def with_header(token: str, **changes: Any) -> str:
    """Re-encode the protected header with ``changes`` (which breaks the tag, on purpose)."""
    header = {**header_of(token), **changes}
    return with_segment(token, 0, _json.dumps(header))


def segment(token: str, index: int) -> bytes:
    """Decode segment ``index``."""
    return b64decode(token.split(".")[index])
