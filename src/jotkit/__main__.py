"""``python -m jotkit``: the ``jotkit`` command."""

from __future__ import annotations

from .cli import main

main()
