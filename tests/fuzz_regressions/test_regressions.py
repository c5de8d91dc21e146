"""Replay the saved fuzz inputs (``fuzz/regressions/<target>/``) through their harnesses.

Each file is an input that once broke a harness, or an edge case worth pinning. A
harness's ``check`` raises when jotkit lets anything but a ``JotkitError`` escape, or
accepts what it must not (see ``fuzz/__init__.py`` for the invariant).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fuzz.targets import NAMES, available, load

from jotkit import Key, KeySet, jws
from jotkit.errors import InvalidKeyError, JotkitError
from jotkit.jwa import JWS_ALGORITHMS

REGRESSIONS = Path(__file__).resolve().parents[2] / "fuzz" / "regressions"
#: No saved input may take longer than this: a slower one is a denial of service.
MAX_SECONDS = 5.0


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
        started = time.monotonic()
        load(target).check(path.read_bytes())
        elapsed = time.monotonic() - started
        assert elapsed < MAX_SECONDS, f"{path.name} took {elapsed:.1f} s"

    def test_every_target_has_inputs(self) -> None:
        """No target's replay is empty."""
        assert {target for target, _ in CASES} == set(NAMES)


class TestFindings:
    """The bugs fuzzing found, pinned where they were fixed."""

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
