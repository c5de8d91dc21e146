"""Properties of JWS verification (RFC 7515) on hostile input, with hypothesis.

Whatever the input, ``verify_compact`` and ``verify_json`` either verify a genuine token
or raise a :class:`~jotkit.errors.JotkitError` subclass: never another exception, never
a hang, and never acceptance of a changed token (strict base64url makes every change
visible to the signature).

Which exception for which mistake, precisely:

- an untrusted token given as ``str``, ``bytes`` or ``bytearray`` -> ``JotkitError``;
- a compact token of any other Python type -> ``TypeError`` (the caller's mistake);
- a JSON serialization given as any parsed-JSON value (dict, list, number, None) ->
  ``JotkitError``, since it is data that came from outside;
- a wrongly typed ``key``, ``algorithms`` or ``limits`` -> ``TypeError``/``ValueError``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jotkit import Key, KeySet, jws
from jotkit.errors import JotkitError, MalformedJWSError

from ._forge import SECRET, b64, b64json, ec_key, ed25519_key, hs_sign, hs_token, rsa_key
from ._strategies import jose_headers, json_values, mutations, surrogate_text

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLAIMS = b'{"sub":"alice","n":1}'
ALL = ["HS256", "HS384", "ES256", "RS256", "PS256", "EdDSA"]


def _keys() -> KeySet:
    return KeySet(
        [
            Key.from_secret(SECRET, kid="hs"),
            Key.from_cryptography(ec_key().public_key(), kid="es"),
            Key.from_cryptography(rsa_key().public_key(), kid="rs"),
            Key.from_cryptography(ed25519_key().public_key(), kid="ed"),
        ]
    )


def _never_accepts(call: Any, *args: Any, **kwargs: Any) -> None:
    """Run ``call``: it must raise a JotkitError (anything else fails the example)."""
    try:
        result = call(*args, **kwargs)
    except JotkitError:
        return
    raise AssertionError(f"ACCEPTED: {result!r}")


def _valid_tokens() -> list[str]:
    es = jws.sign_compact(CLAIMS, Key.from_cryptography(ec_key(), kid="es"), alg="ES256")
    ed = jws.sign_compact(CLAIMS, Key.from_cryptography(ed25519_key(), kid="ed"), alg="EdDSA")
    rs = jws.sign_compact(CLAIMS, Key.from_cryptography(rsa_key(), kid="rs"), alg="PS256")
    hs = hs_token({"alg": "HS256", "kid": "hs"}, CLAIMS)
    head = b64json({"alg": "HS256", "kid": "hs", "b64": False, "crit": ["b64"]})
    unencoded = (
        head + "." + CLAIMS.decode() + "." + b64(hs_sign(SECRET, head + "." + CLAIMS.decode()))
    )
    return [es, ed, rs, hs, unencoded]


VALID = _valid_tokens()


class TestArbitraryInput:
    """Random text and bytes are rejected with JotkitError."""

    @FAST
    @given(token=surrogate_text)
    def test_text(self, token: str) -> None:
        """Any text, lone surrogates included."""
        _never_accepts(jws.verify_compact, token, _keys(), algorithms=ALL)

    @FAST
    @given(token=st.binary(max_size=300))
    def test_bytes(self, token: bytes) -> None:
        """Any bytes."""
        _never_accepts(jws.verify_compact, token, SECRET, algorithms=["HS256"])

    @FAST
    @given(parts=st.lists(st.binary(max_size=60), min_size=1, max_size=6))
    def test_dotted_base64(self, parts: list[bytes]) -> None:
        """Well-encoded segments of random bytes, any count."""
        _never_accepts(jws.verify_compact, ".".join(b64(p) for p in parts), _keys(), algorithms=ALL)

    @FAST
    @given(header=jose_headers, payload=st.binary(max_size=40), signature=st.binary(max_size=80))
    def test_json_headers(self, header: dict[str, Any], payload: bytes, signature: bytes) -> None:
        """Arbitrary JSON headers over arbitrary payloads and signatures."""
        token = b64json(header) + "." + b64(payload) + "." + b64(signature)
        _never_accepts(jws.verify_compact, token, _keys(), algorithms=ALL)

    @FAST
    @given(header=jose_headers, payload=st.binary(max_size=40))
    def test_json_headers_correct_mac(self, header: dict[str, Any], payload: bytes) -> None:
        """Arbitrary headers with a correct HS256 MAC: verifies only if alg is HS256."""
        token = hs_token(header, payload)
        try:
            result = jws.verify_compact(token, SECRET, algorithms=["HS256"])
        except JotkitError:
            return
        assert header.get("alg") == "HS256"
        assert result.payload == payload or header.get("b64") is False


class TestMutations:
    """Any change to a genuine token makes it fail, with a JotkitError."""

    @pytest.mark.parametrize("index", range(len(VALID)), ids=["es", "ed", "ps", "hs", "b64false"])
    def test_control(self, index: int) -> None:
        """Control: the genuine tokens verify."""
        assert jws.verify_compact(VALID[index], _keys(), algorithms=ALL).payload == CLAIMS

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data(), index=st.integers(0, len(VALID) - 1))
    def test_compact(self, data: st.DataObject, index: int) -> None:
        """One mutation of a valid compact JWS never verifies."""
        token = data.draw(mutations(lambda: VALID[index]))
        _never_accepts(jws.verify_compact, token, _keys(), algorithms=ALL)

    @FAST
    @given(data=st.data(), field=st.sampled_from(["protected", "payload", "signature"]))
    def test_json(self, data: st.DataObject, field: str) -> None:
        """A mutated protected header, payload or signature in a flattened JWS."""
        head, body, sig = VALID[0].split(".")
        obj: dict[str, Any] = {"protected": head, "payload": body, "signature": sig}
        value = data.draw(mutations(lambda: obj[field]))
        _never_accepts(jws.verify_json, {**obj, field: value}, _keys(), algorithms=ALL)


class TestJSONSerialization:
    """verify_json takes any parsed JSON value as hostile data."""

    @FAST
    @given(value=json_values)
    def test_any_json_value(self, value: Any) -> None:
        """Any JSON value as the serialization object."""
        _never_accepts(jws.verify_json, value, _keys(), algorithms=ALL)

    @FAST
    @given(
        signatures=st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "protected": jose_headers.map(b64json) | json_values,
                    "header": jose_headers | json_values,
                    "signature": st.binary(max_size=70).map(b64) | json_values,
                },
            ),
            max_size=4,
        ),
        payload=st.binary(max_size=30).map(b64) | json_values,
        general=st.booleans(),
    )
    def test_structured(
        self, signatures: list[dict[str, Any]], payload: Any, general: bool
    ) -> None:
        """General or flattened objects with random headers and signatures."""
        obj: dict[str, Any] = {"payload": payload}
        if general:
            obj["signatures"] = signatures
        elif signatures:
            obj.update(signatures[0])
        _never_accepts(jws.verify_json, obj, _keys(), algorithms=ALL)

    @FAST
    @given(text=surrogate_text | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
    def test_text(self, text: str) -> None:
        """Arbitrary text as a JSON serialization."""
        _never_accepts(jws.verify_json, text, _keys(), algorithms=ALL)


class TestCallerMistakes:
    """Wrongly typed arguments from the caller raise TypeError or ValueError."""

    @pytest.mark.parametrize(
        "token", [None, 1, 1.5, ["a.b.c"], {"a": 1}, memoryview(b"a.b.c")], ids=repr
    )
    def test_compact_token_type(self, token: Any) -> None:
        """verify_compact needs str or bytes; a token of another type is untrusted
        input, refused with a MalformedJWSError."""
        with pytest.raises(MalformedJWSError):
            jws.verify_compact(token, SECRET, algorithms=["HS256"])

    @pytest.mark.parametrize(
        ("algorithms", "error"),
        [
            ("HS256", TypeError),
            ([], ValueError),
            (["none"], ValueError),
            (["XS256"], ValueError),
            (None, ValueError),
        ],
        ids=repr,
    )
    def test_algorithms(self, algorithms: Any, error: type[Exception]) -> None:
        """A bad allow-list is refused before the token is read."""
        with pytest.raises(error):
            jws.verify_compact(VALID[3], SECRET, algorithms=algorithms)

    @pytest.mark.parametrize("key", [None, 1, "secret", ec_key().public_key()], ids=repr)
    def test_key_type(self, key: Any) -> None:
        """A key that is not a Key, KeySet, bytes or callable: TypeError."""
        with pytest.raises(TypeError):
            jws.verify_compact(VALID[3], key, algorithms=["HS256"])
