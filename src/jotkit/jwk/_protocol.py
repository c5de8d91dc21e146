"""``KeySource``: the protocol behind every ``key=`` argument (DESIGN section 1).

A module of its own, loaded on first use of ``jotkit.jwk.KeySource``: creating a
runtime-checkable Protocol costs about a millisecond, and jotkit itself recognises key
sources by duck typing (:func:`jotkit.jwk.is_key_source`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from ..jwa import Operation
from ._key import AlgorithmDescriptor, Key

__all__ = ["KeySource"]


@runtime_checkable
class KeySource(Protocol):
    """Where the key for a token comes from: a sync and an awaitable look-up."""

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The one key for a token with ``header``, checked to fit ``op`` and ``descriptor``.

        Raises:
            KeyNotFoundError, MultipleKeysMatchedError: no single fitting key.
            InvalidKeyError, AlgorithmNotAllowedError: the key does not fit.
            KeySetUnavailableError: the source cannot answer now.
        """
        ...

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """:meth:`key_for` without blocking an event loop (sources doing I/O await it)."""
        ...
