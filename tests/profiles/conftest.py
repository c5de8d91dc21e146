"""The HTTPS identity provider fixtures of tests/remote, for the discovery-based tests."""

from __future__ import annotations

from tests.remote.conftest import _idp, ca, client, idp, rsa_keys

__all__ = ["_idp", "ca", "client", "idp", "rsa_keys"]
