"""Interoperability, both directions, with PyJWT, jwcrypto, joserfc and jose on Node.

Every JWS algorithm (RFC 7518 section 3, RFC 8037, RFC 8812, RFC 9864) and every JWE
``alg`` x ``enc`` pair (RFC 7518 sections 4 and 5, RFC 8037 section 3.2): tokens made by
jotkit are accepted by each peer that supports the algorithm, and the peer's tokens are
accepted by jotkit. Keys cross over as JWK (RFC 7517) and PEM, both ways. The matrix is
written to docs/interop.md; any FAIL fails the suite.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from jotkit.jwa import CONTENT_ENCRYPTIONS, JWS_ALGORITHMS, KEY_MANAGEMENT

from ._cases import ENCRYPTIONS, JWE_CASES, JWS_CASES
from ._matrix import DOCUMENT, SECTION_PEERS, Matrix
from ._model import FAIL, OK, UNSUPPORTED, Cell

pytestmark = pytest.mark.interop


def _failures(cells: Iterable[Cell]) -> list[str]:
    problems = []
    for cell in cells:
        where = f"{cell.section} {' '.join(cell.row)} [{cell.direction}]"
        if cell.status == FAIL:
            problems.append(f"{where}: {cell.detail}")
        elif cell.status == UNSUPPORTED and not cell.detail:
            problems.append(f"{where}: unsupported without the peer's reason")
    return problems


class TestTokensAndKeysCrossOver:
    """Each peer, each section: no FAIL, and every 'unsupported' carries the peer's reason."""

    @pytest.mark.parametrize("peer", SECTION_PEERS["JWS"])
    def test_jws(self, matrix: Matrix, peer: str) -> None:
        """Every JWS algorithm: jotkit's tokens verify in the peer, and the peer's in jotkit."""
        problems = _failures(matrix.cells("JWS", peer))
        assert not problems, "\n".join(problems)

    @pytest.mark.parametrize("peer", SECTION_PEERS["JWE"])
    def test_jwe(self, matrix: Matrix, peer: str) -> None:
        """Every JWE alg x enc: jotkit's tokens decrypt in the peer, and the peer's in jotkit."""
        problems = _failures(matrix.cells("JWE", peer))
        assert not problems, "\n".join(problems)

    @pytest.mark.parametrize("peer", SECTION_PEERS["Keys"])
    def test_keys(self, matrix: Matrix, peer: str) -> None:
        """Every key type as JWK and PEM: each side imports the other's export unchanged."""
        problems = _failures(matrix.cells("Keys", peer))
        assert not problems, "\n".join(problems)


# What every peer must support: a peer "unsupported" here means a broken harness.
_BASELINE: dict[str, list[tuple[str, ...]]] = {
    "JWS": [("HS256", "oct-256"), ("RS256", "RSA-2048"), ("ES256", "P-256")],
    "JWE": [("RSA-OAEP", "RSA-2048", "A128GCM"), ("A128KW", "oct-128", "A128CBC-HS256")],
    "Keys": [("RSA-2048", "JWK"), ("P-256", "PEM")],
}


@pytest.mark.parametrize("section", sorted(_BASELINE))
def test_baseline_works_with_every_peer(matrix: Matrix, section: str) -> None:
    """The algorithms every peer implements come out ``ok`` both ways (a harness check)."""
    for peer in SECTION_PEERS[section]:
        statuses = {
            (cell.row, cell.direction): cell.status
            for cell in matrix.cells(section, peer)
            if cell.row in _BASELINE[section]
        }
        assert len(statuses) == 2 * len(_BASELINE[section]), peer
        assert set(statuses.values()) == {OK}, (peer, statuses)


def test_cases_cover_every_algorithm() -> None:
    """The matrix rows cover every algorithm in jotkit's tables, and every ECDH curve."""
    assert {case.alg for case in JWS_CASES} == set(JWS_ALGORITHMS)
    assert {case.kind for case in JWS_CASES if case.alg == "EdDSA"} == {"Ed25519", "Ed448"}
    assert {case.alg for case in JWE_CASES} == set(KEY_MANAGEMENT)
    assert set(ENCRYPTIONS) == set(CONTENT_ENCRYPTIONS)
    pairs = {(case.alg, case.enc) for case in JWE_CASES}
    assert pairs == {(alg, enc) for alg in KEY_MANAGEMENT for enc in CONTENT_ENCRYPTIONS}
    curves = {case.kind for case in JWE_CASES if case.alg.startswith("ECDH-ES")}
    assert curves == {"P-256", "P-384", "P-521", "X25519", "X448"}


def test_matrix_document(matrix: Matrix) -> None:
    """docs/interop.md holds the current matrix, and the matrix has no FAIL."""
    document = matrix.document()
    assert document == matrix.document(), "rendering must be deterministic"
    assert "(missing)" not in document, "every row needs a result for every peer"
    current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.is_file() else None
    if document != current:
        DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
        DOCUMENT.write_text(document, encoding="utf-8")
    problems = _failures(matrix.everything())
    assert not problems, "\n".join(problems)
