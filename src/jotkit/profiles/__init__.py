"""Token profiles on top of ``jotkit.jwt``: OIDC ID tokens (``oidc``), RFC 9068 access
tokens (``access_token``). Import the one you need: ``from jotkit.profiles import oidc``.
"""

from __future__ import annotations

__all__ = ["access_token", "oidc"]
