"""Replay the saved fuzz inputs (``fuzz/regressions/<target>/``) through their harnesses.

Each file is an input that once broke a harness, or an edge case worth pinning. A
harness's ``check`` raises when jotkit lets anything but a ``JotkitError`` escape, or
accepts what it must not (see ``fuzz/__init__.py`` for the invariant).
"""

from __future__ import annotations

import base64
import datetime
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fuzz.targets import NAMES, available, load

from jotkit import Key, KeySet, jws
from jotkit.errors import InvalidKeyError, JotkitError
from jotkit.jwa import JWS_ALGORITHMS
from tests._guards import hang_guard

REGRESSIONS = Path(__file__).resolve().parents[2] / "fuzz" / "regressions"


def _cases(root: Path) -> list[tuple[str, Path]]:
    return [
        (target, path)
        for target in NAMES
        if (root / target).is_dir()
        for path in sorted((root / target).iterdir())
        if path.is_file()
    ]


CASES = _cases(REGRESSIONS)


class TestReplay:
    """Saved inputs through the harness of their target."""

    @pytest.mark.parametrize(("target", "path"), CASES, ids=[f"{t}/{p.name}" for t, p in CASES])
    def test_replay(self, target: str, path: Path) -> None:
        """A saved input raises nothing but JotkitError, quickly, and meets the oracles."""
        if not available(target):
            pytest.skip(f"jotkit has no {target} layer in this checkout")
        with hang_guard():
            load(target).check(path.read_bytes())

    def test_every_target_has_inputs(self) -> None:
        """No target's replay is empty."""
        assert {target for target, _ in CASES} == set(NAMES)


def _certificate_of_version(version: int) -> bytes:
    """A self-signed P-256 certificate (DER) whose version field says ``version``."""
    private = ec.derive_private_key(7, ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fuzz")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).serial_number(1)
    builder = builder.public_key(private.public_key()).not_valid_before(start)
    builder = builder.not_valid_after(start + datetime.timedelta(days=1))
    der = builder.sign(private, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    v3 = b"\xa0\x03\x02\x01\x02"  # [0] EXPLICIT INTEGER 2 (v3), first in TBSCertificate
    assert der.count(v3) == 1
    return der.replace(v3, v3[:-1] + bytes([version]))


class TestFindings:
    """The bugs fuzzing found, pinned where they were fixed."""

    def test_certificate_of_unknown_version(self) -> None:
        """x509.InvalidVersion (not a ValueError) becomes InvalidKeyError in every import."""
        der = _certificate_of_version(28)
        public = Key.from_cryptography(ec.derive_private_key(7, ec.SECP256R1()).public_key())
        pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der)
        pem += b"-----END CERTIFICATE-----\n"
        with pytest.raises(InvalidKeyError):
            Key.from_jwk({**public.to_jwk(), "x5c": [base64.b64encode(der).decode()]})
        with pytest.raises(InvalidKeyError):
            Key.from_der(der)
        with pytest.raises(InvalidKeyError):
            Key.from_pem(pem)
        with pytest.raises(InvalidKeyError):  # certificate-shaped: never an HMAC secret
            Key.from_secret(der)

    def test_find_by_alg_with_key_ops_excluding_the_operation(self) -> None:
        """KeySet.find(alg=) skips a key whose key_ops forbid it (was a KeyError)."""
        jwk = {"kty": "oct", "k": "A" * 43, "key_ops": ["wrapKey"]}
        keys = KeySet.from_jwks({"keys": [jwk]})
        assert keys.find(alg="HS256") == []
        assert keys.find(alg="A256KW") == list(keys)

    def test_problem_for_an_operation_the_algorithm_lacks(self) -> None:
        """Asking a key about an op the alg does not define gives an error, not a crash."""
        key = Key.from_jwk({"kty": "oct", "k": "A" * 43, "key_ops": ["sign"]})
        assert isinstance(key.problem("encrypt", JWS_ALGORITHMS["HS256"]), InvalidKeyError)

    @pytest.mark.parametrize("member", [b'"\\ud800"', b"NaN"], ids=["lone-surrogate-escape", "nan"])
    def test_verify_json_measures_any_unprotected_header(self, member: bytes) -> None:
        """Sizing the unprotected header takes what JSON yields (was a UnicodeEncodeError)."""
        token = b'{"payload":"e30","protected":"eyJhbGciOiJIUzI1NiJ9","header":{"x":%b},' % member
        token += b'"signature":"AAAA"}'
        mapping = json.loads(token)
        for form in (token, mapping):
            with pytest.raises(JotkitError):
                jws.verify_json(form, Key.from_secret(b"k" * 32), algorithms=["HS256"])
