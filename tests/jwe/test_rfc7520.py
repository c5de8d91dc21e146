"""RFC 7520 section 5 (JOSE cookbook JWE examples) and section 6 (nesting).

Every serialization of every example decrypts. The deterministic examples are also
reproduced byte for byte with the example's CEK, IV, ephemeral key and key-wrap IV
injected through the test-only ``_fixed`` hook; 5.1, 5.2 and 5.13 use RSA encryption,
whose randomness cannot be injected, so they are only decrypted.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit.errors import AlgorithmNotAllowedError
from jotkit.jwe import decrypt_compact, decrypt_json
from jotkit.jwk import Key, KeySet
from jotkit.jws import verify_compact
from tests._vectors import load_json
from tests.jwe._cookbook import SERIALIZATIONS, Example, example_paths, section

PATHS = example_paths()
CASES = [
    pytest.param(path, ser, id=f"{section(path)}-{ser}")
    for path in PATHS
    for ser in SERIALIZATIONS
    if ser in load_json(path)["output"]
]
REPRODUCIBLE = {"5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9", "5.10", "5.11", "5.12"}


def _decrypt(example: Example, serialization: str, key: Key | bytes | KeySet) -> Any:
    output = example.output[serialization]
    if serialization == "compact":
        return decrypt_compact(output, key, algorithms=example.algs, encryptions=[example.enc])
    return decrypt_json(output, key, algorithms=example.algs, encryptions=[example.enc])


def test_counts() -> None:
    """13 examples with 34 serialized outputs, as the vectors' README says."""
    assert len(PATHS) == 13
    assert len(CASES) == 34


class TestDecrypt:
    """Every serialization of every example decrypts to the example's plaintext."""

    @pytest.mark.parametrize(("path", "serialization"), CASES)
    def test_decrypts(self, path: str, serialization: str) -> None:
        """Decrypt with each recipient's key; the result names that recipient."""
        example = Example(path)
        for index, key in enumerate(example.decryption_keys()):
            result = _decrypt(example, serialization, key)
            assert result.plaintext == example.plaintext
            assert result.header["enc"] == example.enc
            assert result.header["alg"] == example.algs[index]
            if serialization != "compact":
                assert result.recipient == index

    def test_multiple_recipients_with_key_set(self) -> None:
        """5.13 with all three keys in a set: the first recipient's key is selected by kid."""
        example = Example(PATHS[12])
        keys = KeySet([k for k in example.decryption_keys() if isinstance(k, Key)])
        result = _decrypt(example, "json", keys)
        assert result.plaintext == example.plaintext
        assert result.recipient == 0
        assert result.header["cty"] == "text/plain"

    def test_rsa1_5_needs_opt_in(self) -> None:
        """5.1 (RSA1_5) is refused unless RSA1_5 is named in algorithms."""
        example = Example(PATHS[0])
        with pytest.raises(AlgorithmNotAllowedError):
            decrypt_compact(
                example.output["compact"],
                example.decryption_keys()[0],
                algorithms=["RSA-OAEP", "RSA-OAEP-256"],
                encryptions=[example.enc],
            )


REPRO_PATHS = [pytest.param(p, id=section(p)) for p in PATHS if section(p) in REPRODUCIBLE]
REPRO_COMPACT = [
    pytest.param(p, id=section(p))
    for p in PATHS
    if section(p) in REPRODUCIBLE and "compact" in load_json(p)["output"]
]


class TestReproduce:
    """The deterministic examples, reproduced byte for byte."""

    @pytest.mark.parametrize("path", REPRO_COMPACT)
    def test_compact(self, path: str) -> None:
        """Compact output equals the RFC's (5.10-5.12 use JSON-only features)."""
        example = Example(path)
        assert example.reproduce_compact() == example.output["compact"]

    @pytest.mark.parametrize("path", REPRO_PATHS)
    def test_flattened(self, path: str) -> None:
        """Flattened JSON output equals the RFC's."""
        example = Example(path)
        assert example.reproduce_json(flattened=True) == example.output["json_flat"]

    @pytest.mark.parametrize("path", REPRO_PATHS)
    def test_general(self, path: str) -> None:
        """General JSON output equals the RFC's.

        For ``dir`` and ``ECDH-ES`` (5.5, 5.6) the RFC prints the general form without a
        ``recipients`` member, since the single recipient has neither header nor encrypted
        key; RFC 7516 7.2.1 requires the member, so jotkit writes ``[{}]`` there.
        """
        example = Example(path)
        expected = dict(example.output["json"])
        if "recipients" not in expected:
            expected["recipients"] = [{}]
        assert example.reproduce_json(flattened=False) == expected


NESTING = load_json("ietf-jose-cookbook/6.nesting_signatures_and_encryption.json")


class TestNesting:
    """RFC 7520 section 6: a PS256 JWT inside RSA-OAEP/A128GCM."""

    @pytest.mark.parametrize("serialization", SERIALIZATIONS)
    def test_decrypt_then_verify(self, serialization: str) -> None:
        """The outer JWE decrypts to the inner JWS, which verifies with jotkit.jws."""
        encrypt, sign = NESTING["encrypt"], NESTING["sign"]
        key = Key.from_jwk(encrypt["input"]["key"])
        output = encrypt["output"][serialization]
        if serialization == "compact":
            result: Any = decrypt_compact(
                output, key, algorithms=["RSA-OAEP"], encryptions=["A128GCM"]
            )
        else:
            result = decrypt_json(output, key, algorithms=["RSA-OAEP"], encryptions=["A128GCM"])
        assert result.header["cty"] == "JWT"
        assert result.plaintext.decode() == sign["output"]["compact"]
        verifier = Key.from_jwk(sign["input"]["key"]).public()
        verified = verify_compact(result.plaintext, verifier, algorithms=["PS256"])
        assert verified.payload == sign["input"]["payload"].encode()
