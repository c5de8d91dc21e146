"""Wycheproof ``json_web_key_test.json``: key sets (RFC 7517 section 5), checked by a JWS.

Each group gives a key set (``public`` and/or ``private``); the token must verify with
it (valid) or be rejected (invalid). The set is imported with ``KeySet.from_jwks`` and
the token verified with its own alg as the allow-list, so only the key set can refuse it.
Both sets of a group are tried when both are given.

Every invalid case is pinned to the error jotkit raises and why (:data:`REJECTIONS`), so
a case rejected for the wrong reason fails too. No label here disagrees with the RFCs:
the ROCA case (tc7, README defect 3) is rejected by jotkit's ROCA fingerprint check.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from jotkit._b64 import b64decode
from jotkit.errors import (
    AlgorithmNotAllowedError,
    InvalidKeyError,
    InvalidSignatureError,
    JotkitError,
    MultipleKeysMatchedError,
)
from jotkit.jwk import KeySet
from jotkit.jws import verify_compact
from tests._vectors import load_json

_FILE = "wycheproof/testvectors_v1/json_web_key_test.json"


class Rejection(NamedTuple):
    """How jotkit refuses an invalid case: the error, a message pattern, and why."""

    raises: type[JotkitError]
    match: str
    reason: str


_SHORT = "an HMAC secret shorter than the hash output is a weak key (RFC 7518 3.2, DESIGN 3.2)"
_EMPTY = "an empty oct secret is refused on import (DESIGN 3.2)"
_BOUND = "the key's own 'alg' names another algorithm (RFC 7517 4.4, RFC 8725 3.1)"
_MODIFIED = "the key material is inconsistent, so the key does not import (RFC 7518 6.2)"

#: tcId of every invalid case -> how jotkit rejects it.
REJECTIONS: dict[int, Rejection] = {
    1: Rejection(
        InvalidKeyError,
        "must not mix",
        "MixedKeySet: an oct secret beside a public EC key; a set holding public keys is "
        "meant to be published, and a secret published with it forges HS256 tokens",
    ),
    3: Rejection(InvalidSignatureError, "signature verification failed", "the MAC was modified"),
    4: Rejection(
        InvalidKeyError,
        "base64url",
        "DuplicateKid: the second key's 'k' has non-zero trailing bits, so strict base64url "
        "(DESIGN 3.5) refuses the set before the duplicate kid matters; with that fixed, the "
        "ambiguous kid is refused at selection (TestDuplicateKid)",
    ),
    6: Rejection(AlgorithmNotAllowedError, "RSA1_5", "an RSA1_5 encryption key, not RS256"),
    7: Rejection(
        InvalidKeyError,
        "ROCA",
        "the modulus has the ROCA fingerprint (CVE-2017-15361): its factors can be computed",
    ),
    8: Rejection(InvalidKeyError, "2048", "RSA under 2048 bits is a weak key (DESIGN 3.2)"),
    9: Rejection(InvalidKeyError, "exponent", "e = 1 makes a signature equal its message"),
    10: Rejection(InvalidKeyError, "at least 256 bits", _SHORT),
    11: Rejection(InvalidKeyError, "at least 384 bits", _SHORT),
    12: Rejection(InvalidKeyError, "at least 512 bits", _SHORT),
    16: Rejection(InvalidKeyError, "empty", _EMPTY),
    17: Rejection(InvalidKeyError, "empty", _EMPTY),
    18: Rejection(InvalidKeyError, "empty", _EMPTY),
    19: Rejection(AlgorithmNotAllowedError, "ES521", _BOUND + "; ES521 is not a JWA name"),
    20: Rejection(AlgorithmNotAllowedError, "ES224", _BOUND + "; ES224 is not a JWA name"),
    21: Rejection(InvalidKeyError, "use", "the key's use is 'enc', not 'sig' (RFC 7517 4.2)"),
    22: Rejection(InvalidKeyError, "not on the curve", "invalid-curve point: " + _MODIFIED),
    23: Rejection(InvalidKeyError, "48 bytes", "P-256 coordinates on a P-384 key: " + _MODIFIED),
    24: Rejection(InvalidKeyError, "'n'", "EC members under kty RSA: " + _MODIFIED),
    25: Rejection(AlgorithmNotAllowedError, "A256GCM", "an AES-GCM key used for HS256: " + _BOUND),
    26: Rejection(AlgorithmNotAllowedError, "A256KW", "an AES-KW key used for HS256: " + _BOUND),
}


def _cases() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    data = load_json(_FILE)
    return [(group, case) for group in data["testGroups"] for case in group["tests"]]


def _token_alg(token: str) -> str:
    alg: str = json.loads(b64decode(token.split(".")[0]))["alg"]
    return alg


def _verify(jwks: dict[str, Any], token: str, *, strict: bool = True) -> Any:
    # strict: the pinned reason is the key's own; by default the invalid key is skipped
    # (KeySet.skipped) and the token then finds no key, refused all the same.
    keys = KeySet.from_jwks(jwks, strict=strict)
    return verify_compact(token, keys, algorithms=[_token_alg(token)])


def _keysets(group: dict[str, Any]) -> list[dict[str, Any]]:
    return [group[name] for name in ("public", "private") if name in group]


def test_every_case_is_collected() -> None:
    """26 cases, 5 valid; every invalid one has a documented rejection."""
    cases = _cases()
    assert len(cases) == load_json(_FILE)["numberOfTests"] == 26
    invalid = {case["tcId"] for _, case in cases if case["result"] == "invalid"}
    assert len(cases) - len(invalid) == 5
    assert invalid == set(REJECTIONS)


@pytest.mark.parametrize(
    ("group", "case"),
    [pytest.param(g, c, id=f"tc{c['tcId']}-{c['comment']}") for g, c in _cases()],
)
def test_case(group: dict[str, Any], case: dict[str, Any]) -> None:
    """Valid: verifies with every given key set. Invalid: rejected for the pinned reason."""
    for jwks in _keysets(group):
        if case["result"] == "valid":
            assert _verify(jwks, case["jws"]).payload == b64decode(case["jws"].split(".")[1])
            continue
        rejection = REJECTIONS[case["tcId"]]
        with pytest.raises(rejection.raises, match=rejection.match):
            _verify(jwks, case["jws"])


class TestDuplicateKid:
    """tc4 without its base64 defect: two keys share a kid, and jotkit never tries both."""

    def _jwks(self) -> dict[str, Any]:
        group = next(g for g, c in _cases() if c["tcId"] == 4)
        jwks: dict[str, Any] = json.loads(json.dumps(group["private"]))
        assert jwks["keys"][1]["k"].endswith("Bingge")
        jwks["keys"][1]["k"] = jwks["keys"][1]["k"][:-1] + "c"  # clear the 2 trailing bits
        return jwks

    def test_ambiguous_kid_is_refused(self) -> None:
        """Both keys fit HS256 under the token's kid: MultipleKeysMatchedError."""
        token = next(c["jws"] for _, c in _cases() if c["tcId"] == 4)
        with pytest.raises(MultipleKeysMatchedError):
            _verify(self._jwks(), token)

    def test_shared_kid_across_key_types_is_fine(self) -> None:
        """RFC 7520 4.8 shares a kid between RSA and EC keys: fit tells them apart."""
        cookbook = load_json("ietf-jose-cookbook/jws/4_8.multiple_signatures.json")
        keys = KeySet.from_jwks({"keys": cookbook["input"]["key"][:2]})
        assert len(keys.find(kid="bilbo.baggins@hobbiton.example")) == 2


class TestMixedKeySet:
    """Which mixtures jotkit refuses on import (tc1 and its neighbours)."""

    def _keys(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        mixed = next(g for g, c in _cases() if c["tcId"] == 1)["private"]["keys"]
        ec_private = next(g for g, c in _cases() if c["tcId"] == 21)["private"]["keys"][0]
        return mixed[0], mixed[1], {**ec_private, "use": "sig", "kid": "ec-private"}

    def test_secret_beside_public_key(self) -> None:
        """An oct secret with a public key (tc1) is refused."""
        secret, public, _ = self._keys()
        with pytest.raises(InvalidKeyError, match="must not mix"):
            KeySet.from_jwks({"keys": [secret, public]})

    def test_private_beside_public_key(self) -> None:
        """A private key published beside public keys is refused too."""
        _, public, private = self._keys()
        with pytest.raises(InvalidKeyError, match="must not mix"):
            KeySet.from_jwks({"keys": [public, {**private, "kid": "other"}]})

    def test_all_secret_sets_are_fine(self) -> None:
        """Secrets and private keys together (a decryptor's key store) import."""
        secret, _, private = self._keys()
        assert len(KeySet.from_jwks({"keys": [secret, private]})) == 2
