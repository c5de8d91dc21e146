"""Fixtures: one HTTPS identity provider per module, reset per test; keys and clients."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from jotkit import Key
from jotkit.remote import _registry, clear_discovery_cache

from ._server import CA, IdP


@pytest.fixture(scope="package")
def ca() -> CA:
    return CA()


@pytest.fixture(scope="package")
def _idp(ca: CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[IdP]:
    server = IdP(ca, str(tmp_path_factory.mktemp("idp")))
    yield server
    server.close()


@pytest.fixture
def idp(_idp: IdP) -> Iterator[IdP]:
    _idp.reset()
    clear_discovery_cache()
    _registry.clear()
    yield _idp
    _idp.reset()


@pytest.fixture
def client(ca: CA) -> Iterator[httpx.Client]:
    with httpx.Client(verify=ca.client_context()) as c:
        yield c


@pytest.fixture(scope="package")
def rsa_keys() -> list[Key]:
    return [Key.generate("RS256", kid=f"rsa-{i}") for i in range(3)]
