"""Properties of JWE decryption (RFC 7516) on hostile input, with hypothesis.

``decrypt_compact`` and ``decrypt_json`` either decrypt a genuine token or raise a
:class:`~jotkit.errors.JotkitError` subclass; never another exception, never a hang,
and any change to a genuine token makes it fail (the AEAD tag covers the protected
header, IV and ciphertext; the encrypted key and unprotected members decide the CEK).
Argument types follow the rules stated in :mod:`.test_properties_jws`.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import x25519
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jotkit import Key, KeySet, jwe
from jotkit._b64 import b64decode
from jotkit.errors import JotkitError, MalformedJWEError

from ._forge import b64, b64json, ec_key, rejects, rsa_key
from ._strategies import jose_headers, json_values, mutations, surrogate_text

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PLAINTEXT = b'{"sub":"alice"}'
ALGS = [
    "dir",
    "A128KW",
    "A128GCMKW",
    "RSA-OAEP-256",
    "RSA1_5",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "PBES2-HS256+A128KW",
]
ENCS = ["A128GCM", "A128CBC-HS256", "A256GCM"]


@cache
def _x25519() -> x25519.X25519PrivateKey:
    return x25519.X25519PrivateKey.generate()


@cache
def _cases() -> tuple[tuple[str, Key], ...]:
    """(token, key) for one genuine token per key-management family."""
    dir_gcm = Key.from_secret(bytes(range(16)), kid="dir")
    dir_cbc = Key.from_secret(bytes(range(32)), kid="dir-cbc")
    kw = Key.from_secret(bytes(range(16, 32)), kid="kw")
    rsa = Key.from_cryptography(rsa_key(), kid="rsa")
    ec = Key.from_cryptography(ec_key("P-256", 2), kid="ec")
    okp = Key.from_cryptography(_x25519(), kid="okp")
    password = Key.from_secret(b"a long enough password for pbes2", kid="pw", allow_weak=False)
    plans: list[tuple[Key, str, str, dict[str, Any], str | None]] = [
        (dir_gcm, "dir", "A128GCM", {}, None),
        (dir_cbc, "dir", "A128CBC-HS256", {}, "DEF"),
        (kw, "A128KW", "A256GCM", {}, None),
        (kw, "A128GCMKW", "A128CBC-HS256", {}, None),
        (rsa, "RSA-OAEP-256", "A128GCM", {}, None),
        (rsa, "RSA1_5", "A128CBC-HS256", {}, None),
        (ec, "ECDH-ES", "A128GCM", {}, None),
        (okp, "ECDH-ES+A128KW", "A128GCM", {}, None),
        (password, "PBES2-HS256+A128KW", "A128GCM", {"p2c": 1000}, None),
    ]
    cases = []
    for key, alg, enc, headers, zip_ in plans:
        target: Any = key if key.kty == "oct" else key.public()
        token = jwe.encrypt_compact(
            PLAINTEXT, target, alg=alg, enc=enc, headers=headers or None, zip=zip_
        )
        cases.append((token, key))
    return tuple(cases)


def _decrypt(token: Any, key: Any = None) -> Any:
    return jwe.decrypt_compact(
        token, key if key is not None else _keyset(), algorithms=ALGS, encryptions=ENCS
    )


@cache
def _keyset() -> KeySet:
    return KeySet({key.kid: key for _, key in _cases()}.values())


def _never_accepts(call: Any, *args: Any, **kwargs: Any) -> None:
    try:
        result = call(*args, **kwargs)
    except JotkitError:
        return
    raise AssertionError(f"ACCEPTED: {result!r}")


CASE_IDS = [
    "dir-gcm",
    "dir-cbc-zip",
    "a128kw",
    "gcmkw",
    "rsa-oaep",
    "rsa1_5",
    "ecdh-es",
    "ecdh-x25519-kw",
    "pbes2",
]


class TestGenuine:
    """Controls: each genuine token decrypts, by its own key and through the key set."""

    @pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
    def test_control(self, index: int) -> None:
        """Decrypts with its key and with the set (selected by kid)."""
        token, key = _cases()[index]
        assert _decrypt(token, key).plaintext == PLAINTEXT
        assert _decrypt(token).plaintext == PLAINTEXT


class TestArbitraryInput:
    """Random text, bytes and headers are rejected with JotkitError."""

    @FAST
    @given(token=surrogate_text)
    def test_text(self, token: str) -> None:
        """Any text."""
        _never_accepts(_decrypt, token)

    @FAST
    @given(token=st.binary(max_size=300))
    def test_bytes(self, token: bytes) -> None:
        """Any bytes."""
        _never_accepts(_decrypt, token)

    @FAST
    @given(header=jose_headers, parts=st.lists(st.binary(max_size=40), min_size=4, max_size=4))
    def test_json_headers(self, header: dict[str, Any], parts: list[bytes]) -> None:
        """Arbitrary JSON headers with random key, IV, ciphertext and tag."""
        token = ".".join([b64json(header), *(b64(p) for p in parts)])
        _never_accepts(_decrypt, token)


class TestMutations:
    """Any change to a genuine token makes it fail with a JotkitError."""

    @settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), index=st.integers(0, len(CASE_IDS) - 1), own_key=st.booleans())
    def test_compact(self, data: st.DataObject, index: int, own_key: bool) -> None:
        """One mutation of a genuine compact JWE never decrypts."""
        token, key = _cases()[index]
        mutated = data.draw(mutations(lambda: token))
        _never_accepts(_decrypt, mutated, key if own_key else None)

    @FAST
    @given(
        data=st.data(),
        field=st.sampled_from(["protected", "encrypted_key", "iv", "ciphertext", "tag"]),
        index=st.sampled_from([0, 2, 4, 6]),
    )
    def test_json(self, data: st.DataObject, field: str, index: int) -> None:
        """A mutated member of the flattened JSON form of a genuine token."""
        token, key = _cases()[index]
        names = ["protected", "encrypted_key", "iv", "ciphertext", "tag"]
        obj = dict(zip(names, token.split("."), strict=True))
        value = data.draw(mutations(lambda: obj[field]))
        _never_accepts(
            jwe.decrypt_json, {**obj, field: value}, key, algorithms=ALGS, encryptions=ENCS
        )


class TestJSONSerialization:
    """decrypt_json takes any parsed JSON value as hostile data."""

    @FAST
    @given(value=json_values)
    def test_any_json_value(self, value: Any) -> None:
        """Any JSON value."""
        _never_accepts(jwe.decrypt_json, value, _keyset(), algorithms=ALGS, encryptions=ENCS)

    @FAST
    @given(
        protected=jose_headers.map(b64json) | json_values,
        unprotected=jose_headers | json_values,
        recipients=st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "header": jose_headers | json_values,
                    "encrypted_key": st.binary(max_size=40).map(b64) | json_values,
                },
            ),
            max_size=3,
        ),
        rest=st.lists(st.binary(max_size=40).map(b64) | json_values, min_size=3, max_size=3),
        general=st.booleans(),
    )
    # Found by this property: a list as the protected enc (TypeError in the enc check).
    @example(
        protected=b64json({"enc": []}),
        unprotected={},
        recipients=[],
        rest=["", "", ""],
        general=False,
    )
    def test_structured(
        self,
        protected: Any,
        unprotected: Any,
        recipients: list[dict[str, Any]],
        rest: list[Any],
        general: bool,
    ) -> None:
        """General or flattened objects with random headers and members."""
        obj: dict[str, Any] = {"protected": protected, "unprotected": unprotected}
        obj.update(zip(["iv", "ciphertext", "tag"], rest, strict=True))
        if general:
            obj["recipients"] = recipients
        elif recipients:
            obj.update(recipients[0])
        _never_accepts(jwe.decrypt_json, obj, _keyset(), algorithms=ALGS, encryptions=ENCS)


class TestUnprotectedHeaders:
    """Unprotected members are attacker-controlled even on a genuine token."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        unprotected=jose_headers | json_values,
        header=jose_headers | json_values,
        index=st.sampled_from([0, 2, 6]),
        keep=st.sets(st.sampled_from(["alg", "enc", "kid", "epk"])),
    )
    # Found by this property: a list as a per-recipient enc.
    @example(unprotected={}, header={"enc": []}, index=0, keep=set())
    def test_hostile_unprotected_members(
        self, unprotected: Any, header: Any, index: int, keep: set[str]
    ) -> None:
        """A genuine token's JSON form, members moved out of the protected header and random
        shared and per-recipient headers added."""
        token, key = _cases()[index]
        names = ["protected", "encrypted_key", "iv", "ciphertext", "tag"]
        obj: dict[str, Any] = dict(zip(names, token.split("."), strict=True))
        original = json.loads(b64decode(obj["protected"]))
        obj["protected"] = b64json({k: v for k, v in original.items() if k in keep})
        obj.update(unprotected=unprotected, header=header)
        try:
            result = jwe.decrypt_json(obj, key, algorithms=ALGS, encryptions=ENCS)
        except JotkitError:
            return
        # Only harmless extra members can leave the token decryptable.
        assert result.plaintext == PLAINTEXT

    @pytest.mark.parametrize("where", ["protected", "unprotected", "header"])
    def test_regression_unhashable_enc(self, where: str) -> None:
        """Found by these properties: a list as enc, in any of the three headers."""
        token, key = _cases()[0]
        names = ["protected", "encrypted_key", "iv", "ciphertext", "tag"]
        obj: dict[str, Any] = dict(zip(names, token.split("."), strict=True))
        obj["protected"] = b64json({"alg": "dir"})
        if where == "protected":
            obj["protected"] = b64json({"alg": "dir", "enc": ["A128GCM"]})
        else:
            obj[where] = {"enc": ["A128GCM"]}
        rejects(MalformedJWEError, jwe.decrypt_json, obj, key, algorithms=ALGS, encryptions=ENCS)


class TestCallerMistakes:
    """Wrongly typed arguments from the caller raise TypeError or ValueError."""

    @pytest.mark.parametrize(
        ("algorithms", "encryptions", "error"),
        [
            ("dir", ENCS, TypeError),
            (ALGS, "A128GCM", TypeError),
            ([], ENCS, ValueError),
            (ALGS, [], ValueError),
            (["none"], ENCS, ValueError),
            (ALGS, ["A128gcm"], ValueError),
        ],
    )
    def test_allow_lists(self, algorithms: Any, encryptions: Any, error: type[Exception]) -> None:
        """Bad allow-lists are refused before the token is read."""
        token, key = _cases()[0]
        with pytest.raises(error):
            jwe.decrypt_compact(token, key, algorithms=algorithms, encryptions=encryptions)
