"""The whole matrix: sections x peers, computed once per section and peer, and its document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path

from ._cases import JWE_CASES, JWS_CASES, KEY_FORMAT_KINDS
from ._keys import Keyring
from ._model import Cell, Peer
from ._node_peer import NODE_DIR, jose_version
from ._report import Section, render
from ._runner import run_keys, run_tokens

__all__ = ["DOCUMENT", "SECTION_PEERS", "Matrix", "peer_descriptions"]

#: Where the matrix is written: docs/interop.md in the repository.
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "interop.md"

ALL_PEERS = ("PyJWT", "jwcrypto", "joserfc", "jose (Node)")
#: Which peers take part in each section (PyJWT does JWS only).
SECTION_PEERS: Mapping[str, tuple[str, ...]] = {
    "JWS": ALL_PEERS,
    "JWE": ALL_PEERS[1:],
    "Keys": ALL_PEERS,
}

SECTIONS = (
    Section("JWS", ("alg", "key"), tuple(c.row for c in JWS_CASES), SECTION_PEERS["JWS"]),
    Section("JWE", ("alg", "key", "enc"), tuple(c.row for c in JWE_CASES), SECTION_PEERS["JWE"]),
    Section(
        "Keys",
        ("key", "format"),
        tuple(
            (kind, fmt)
            for kind in KEY_FORMAT_KINDS
            for fmt in (("JWK",) if kind.startswith("oct") else ("JWK", "PEM"))
        ),
        SECTION_PEERS["Keys"],
    ),
)


def _major(version: str | None) -> str:
    return "?" if version is None else version.split(".")[0] + ".x"


def peer_descriptions() -> list[str]:
    """The peers with their major versions, as named in the document."""
    python = [
        f"PyJWT {_major(metadata.version('pyjwt'))} (JWS only)",
        f"jwcrypto {_major(metadata.version('jwcrypto'))}",
        f"joserfc {_major(metadata.version('joserfc'))}",
    ]
    jose = jose_version(NODE_DIR / "package-lock.json")
    return [*python, f"jose {_major(jose)} on Node.js (from the npm registry)"]


class Matrix:
    """Computes each (section, peer) part of the matrix once, on first use."""

    def __init__(self, peers: Mapping[str, Callable[[], Peer]], keyring: Keyring) -> None:
        self._factories = peers
        self._peers: dict[str, Peer] = {}
        self._keyring = keyring
        self._cells: dict[tuple[str, str], list[Cell]] = {}

    def peer(self, name: str) -> Peer:
        """The peer called ``name``, set up on first use."""
        if name not in self._peers:
            self._peers[name] = self._factories[name]()
        return self._peers[name]

    def cells(self, section: str, peer: str) -> list[Cell]:
        """The cells of one peer in one section."""
        if (section, peer) not in self._cells:
            driver = self.peer(peer)
            if section == "JWS":
                cells = run_tokens(driver, JWS_CASES, self._keyring)
            elif section == "JWE":
                cells = run_tokens(driver, JWE_CASES, self._keyring)
            else:
                cells = run_keys(driver, KEY_FORMAT_KINDS, self._keyring)
            self._cells[section, peer] = cells
        return self._cells[section, peer]

    def everything(self) -> list[Cell]:
        """Every cell of every section and peer."""
        return [
            cell
            for section in SECTIONS
            for peer in section.peers
            for cell in self.cells(section.name, peer)
        ]

    def document(self) -> str:
        """The Markdown document of the whole matrix."""
        return render(SECTIONS, self.everything(), peer_descriptions())
