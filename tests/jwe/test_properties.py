"""Hypothesis properties: round trips, tamper evidence, and only JotkitError on junk."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jotkit.errors import JotkitError
from jotkit.jwe import decrypt_compact, decrypt_json, encrypt_compact
from jotkit.jwk import Key

KEYS = {
    ("dir", "A128GCM"): Key.generate("A128GCM"),
    ("A128KW", "A128CBC-HS256"): Key.generate("A128KW"),
    ("A256GCMKW", "A256GCM"): Key.generate("A256GCMKW"),
}
PAIRS = sorted(KEYS)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


@pytest.mark.parametrize(("alg", "enc"), PAIRS)
@settings(max_examples=40, deadline=None)
@given(plaintext=st.binary(max_size=300), use_zip=st.booleans())
def test_round_trip(alg: str, enc: str, plaintext: bytes, use_zip: bool) -> None:
    """Any plaintext comes back unchanged."""
    key = KEYS[(alg, enc)]
    token = encrypt_compact(plaintext, key, alg=alg, enc=enc, zip="DEF" if use_zip else None)
    result = decrypt_compact(token, key, algorithms=[alg], encryptions=[enc])
    assert result.plaintext == plaintext


@pytest.mark.parametrize(("alg", "enc"), PAIRS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_single_change_is_rejected(alg: str, enc: str, data: st.DataObject) -> None:
    """Replacing any one character of a token makes it fail, with a JotkitError."""
    key = KEYS[(alg, enc)]
    token = encrypt_compact(b"the eagles are coming", key, alg=alg, enc=enc)
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != token[index]))
    altered = token[:index] + replacement + token[index + 1 :]
    with pytest.raises(JotkitError):
        decrypt_compact(altered, key, algorithms=[alg], encryptions=[enc])


@settings(max_examples=200, deadline=None)
@given(junk=st.one_of(st.text(alphabet=ALPHABET, max_size=200), st.binary(max_size=200)))
def test_junk_raises_only_jotkit_errors(junk: str | bytes) -> None:
    """Whatever string or bytes are given, only JotkitError comes out."""
    key = KEYS[("dir", "A128GCM")]
    with pytest.raises(JotkitError):
        decrypt_compact(junk, key, algorithms=["dir"], encryptions=["A128GCM"])


@settings(max_examples=100, deadline=None)
@given(
    junk=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=12), children, max_size=6)
        ),
        max_leaves=20,
    )
)
def test_json_junk_raises_only_jotkit_errors(junk: object) -> None:
    """Any JSON value given to decrypt_json raises only JotkitError."""
    key = KEYS[("dir", "A128GCM")]
    with pytest.raises(JotkitError):
        decrypt_json(junk, key, algorithms=["dir"], encryptions=["A128GCM"])  # type: ignore[arg-type]
