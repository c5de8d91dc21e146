"""The one error for a missing optional dependency: it names the extra to install.

The core needs ``cryptography`` only (DESIGN section 1). A layer that needs more imports
it at its top, inside the layer, and turns a failed import into this error::

    try:
        import httpx
    except ImportError as exc:
        raise missing_extra("jotkit.remote", "remote", exc) from exc

which reads ``jotkit.remote needs httpx, which is not installed: pip install
'jotkit[remote]'``. The layers and their extras:

=================================  ==========  ===========================
layer                              extra       imports
=================================  ==========  ===========================
``jotkit.remote``                  ``remote``  httpx
``jotkit.replay`` (Redis stores)   ``redis``   redis-py
``jotkit.cli`` (the command)       ``cli``     Click, rich (httpx)
``jotkit.integrations.fastapi``    ``fastapi`` FastAPI / Starlette (httpx)
``jotkit.integrations.flask``      ``flask``   Flask (httpx)
=================================  ==========  ===========================
"""

from __future__ import annotations

__all__ = ["missing_extra"]


def missing_extra(layer: str, extra: str, cause: ImportError) -> ImportError:
    """The error to raise when ``layer`` cannot import a dependency that ``extra`` installs.

    Args:
        layer: what the caller imported, as they wrote it (``"jotkit.remote"``).
        extra: the extra that installs the dependency (``"remote"``).
        cause: the failed import; its ``name`` (the missing module) is kept.

    Returns:
        An ``ImportError`` naming the missing module and the install command; raise it
        ``from cause``.
    """
    missing = cause.name or "a dependency"
    return ImportError(
        f"{layer} needs {missing}, which is not installed: pip install 'jotkit[{extra}]'",
        name=cause.name,
    )
