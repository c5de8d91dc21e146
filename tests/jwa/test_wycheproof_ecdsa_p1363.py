"""Wycheproof ECDSA P1363 verification vectors through the JWS ES* table entries.

JWS carries ECDSA signatures as raw R||S (RFC 7518 3.4), exactly IEEE P1363: these
files test edge values of r and s (CVE-2022-21449), wrong lengths and the curve orders.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit._b64 import b64encode_str
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key
from tests._vectors import load_json

FILES = {
    "ES256": "wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json",
    "ES384": "wycheproof/testvectors_v1/ecdsa_secp384r1_sha384_p1363_test.json",
    "ES512": "wycheproof/testvectors_v1/ecdsa_secp521r1_sha512_p1363_test.json",
    "ES256K": "wycheproof/testvectors_v1/ecdsa_secp256k1_sha256_p1363_test.json",
}


_CURVES = {"ES256": ("P-256", 32), "ES384": ("P-384", 48), "ES512": ("P-521", 66)}
_CURVES["ES256K"] = ("secp256k1", 32)


def _jwk(alg: str, uncompressed: str) -> dict[str, str]:
    """The JWK of an uncompressed SEC1 point (04 || x || y)."""
    crv, size = _CURVES[alg]
    point = bytes.fromhex(uncompressed)
    assert point[0] == 4
    assert len(point) == 1 + 2 * size
    x, y = point[1 : 1 + size], point[1 + size :]
    return {"kty": "EC", "crv": crv, "x": b64encode_str(x), "y": b64encode_str(y)}


def _cases() -> list[Any]:
    cases = []
    for alg, path in FILES.items():
        for group in load_json(path)["testGroups"]:
            jwk = _jwk(alg, group["publicKey"]["uncompressed"])
            for test in group["tests"]:
                cases.append(
                    pytest.param(
                        alg, jwk, test, id=f"{alg}-tc{test['tcId']}-{test['comment'][:40]}"
                    )
                )
    return cases


CASES = _cases()


class TestWycheproofP1363:
    """Every case's outcome matches its label (the files have no 'acceptable' cases)."""

    def test_case_count(self) -> None:
        """All four files are read: 262 + 280 + 318 + 252 cases."""
        assert len(CASES) == 1112

    @pytest.mark.parametrize(("alg", "jwk", "test"), CASES)
    def test_case(self, alg: str, jwk: dict[str, str], test: dict[str, Any]) -> None:
        """A valid signature verifies; an invalid one does not (and nothing raises)."""
        key = Key.from_jwk(jwk)
        ok = JWS_ALGORITHMS[alg].verify(
            key.public_crypto, bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
        )
        assert ok is (test["result"] == "valid")
