"""Session fixtures of the interop suite: jotkit's keys and the matrix of peers.

Node.js and ``jose`` are set up on first use (``npm ci`` from the committed lock file).
If that is impossible the tests that need them fail rather than skip: CI must prove
interoperability, not assume it.
"""

from __future__ import annotations

import pytest

from ._keys import Keyring
from ._matrix import Matrix
from ._model import Peer
from ._node_peer import NodePeer, NodeSetupError, install
from ._python_peers import JoserfcPeer, JWCryptoPeer, PyJWTPeer


def _node_peer() -> Peer:
    try:
        return NodePeer(install())
    except NodeSetupError as exc:
        problem = str(exc)
    pytest.fail(f"cannot set up the Node peer: {problem}", pytrace=False)


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    """jotkit's keys, one per kind, for the whole session (RSA generation is slow)."""
    return Keyring()


@pytest.fixture(scope="session")
def matrix(keyring: Keyring) -> Matrix:
    """The interop matrix, computed on first use per section and peer."""
    return Matrix(
        {
            PyJWTPeer.name: PyJWTPeer,
            JWCryptoPeer.name: JWCryptoPeer,
            JoserfcPeer.name: JoserfcPeer,
            NodePeer.name: _node_peer,
        },
        keyring,
    )
