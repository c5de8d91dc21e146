"""A token of the wrong Python type is untrusted input, not a caller's mistake (issue 9).

A JSON body ``{"token": 123}`` chooses the token's type as much as its text, so every
entry point that takes a token raises a ``MalformedError`` subclass of its layer for
``None``, numbers, lists, dicts (where a dict is not a serialization) and ``memoryview``,
never a ``TypeError``: ``except JotkitError`` still means "reject". ``str``, ``bytes``
and ``bytearray`` stay accepted. ``memoryview`` is refused rather than read as bytes:
accepting one more buffer type would only widen what a parser must get right, and no
web framework hands a request body over as one.

Each wrong-typed value wraps a valid token where it can (``memoryview`` of its bytes,
``[token]``, ``{"token": token}``), so only the type can be the reason for the refusal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from jotkit import Key, jwe, jws, jwt
from jotkit.errors import (
    JotkitError,
    MalformedError,
    MalformedJWEError,
    MalformedJWSError,
    MalformedJWTError,
)

HS = Key.from_secret(b"s" * 32, kid="hs")
AES = Key.generate("A128KW", kid="aes")
PASSWORD = b"a password long enough"
CLAIMS = {"sub": "alice"}
ALGS: dict[str, Any] = {"algorithms": ["A128KW"], "encryptions": ["A128GCM"]}


def _jws_json() -> str:
    return json.dumps(jws.sign_json(b"hello", [jws.Signer(HS, "HS256")]))


def _jwe_json() -> str:
    return json.dumps(jwe.encrypt_json(b"hello", [jwe.Recipient(AES, "A128KW")], enc="A128GCM"))


def _jwe_compact() -> str:
    return jwe.encrypt_compact(b"hello", AES, alg="A128KW", enc="A128GCM")


class EntryPoint:
    """A function taking a token, a valid token for it, and the error class it must raise."""

    def __init__(
        self,
        name: str,
        call: Callable[[Any], object],
        make: Callable[[], str],
        error: type[MalformedError],
        *,
        json_serialization: bool = False,
    ) -> None:
        self.name, self.call, self.make, self.error = name, call, make, error
        self.json_serialization = json_serialization


ENTRY_POINTS = [
    EntryPoint(
        "jwt.unverified",
        jwt.unverified,
        lambda: jwt.encode(CLAIMS, HS, alg="HS256"),
        MalformedJWTError,
    ),
    EntryPoint(
        "jwt.decode_unsecured",
        jwt.decode_unsecured,
        lambda: jwt.encode_unsecured(CLAIMS),
        MalformedJWTError,
    ),
    EntryPoint(
        "jwt.decrypt",
        lambda token: jwt.decrypt(token, AES, key_algorithms=["A128KW"], encryptions=["A128GCM"]),
        lambda: jwt.encrypt(CLAIMS, AES, key_alg="A128KW", enc="A128GCM"),
        MalformedJWTError,
    ),
    EntryPoint(
        "jwt.decode_nested",
        lambda token: jwt.decode_nested(
            token,
            AES,
            HS,
            algorithms=["HS256"],
            key_algorithms=["A128KW"],
            encryptions=["A128GCM"],
        ),
        lambda: jwt.encode_nested(CLAIMS, HS, AES, alg="HS256", key_alg="A128KW", enc="A128GCM"),
        MalformedJWTError,
    ),
    EntryPoint(
        "jws.verify_json",
        lambda token: jws.verify_json(token, HS, algorithms=["HS256"]),
        _jws_json,
        MalformedJWSError,
        json_serialization=True,
    ),
    EntryPoint(
        "jwe.decrypt_compact",
        lambda token: jwe.decrypt_compact(token, AES, **ALGS),
        _jwe_compact,
        MalformedJWEError,
    ),
    EntryPoint(
        "jwe.CompactDecrypter.decrypt",
        jwe.CompactDecrypter(AES, **ALGS).decrypt,
        _jwe_compact,
        MalformedJWEError,
    ),
    EntryPoint(
        "jwe.decrypt_key",
        lambda token: jwe.decrypt_key(token, PASSWORD),
        lambda: jwe.encrypt_key(HS, PASSWORD, p2c=1000),
        MalformedJWEError,
    ),
    EntryPoint(
        "jwe.decrypt_json",
        lambda token: jwe.decrypt_json(token, AES, **ALGS),
        _jwe_json,
        MalformedJWEError,
        json_serialization=True,
    ),
]

#: How a valid token is turned into a value of the wrong type.
WRONG_TYPES: dict[str, Callable[[str], object]] = {
    "None": lambda token: None,
    "int": lambda token: 123,
    "float": lambda token: 1.5,
    "bool": lambda token: True,
    "list": lambda token: [token],
    "dict": lambda token: {"token": token},
    "memoryview": lambda token: memoryview(token.encode("ascii")),
    "tuple": lambda token: tuple(token.split(".")),
}
#: Accepted types, each holding the valid token.
RIGHT_TYPES: dict[str, Callable[[str], object]] = {
    "str": lambda token: token,
    "bytes": lambda token: token.encode("ascii"),
    "bytearray": lambda token: bytearray(token.encode("ascii")),
}

_ENTRY_IDS = [entry.name for entry in ENTRY_POINTS]
# A dict is what a JSON serialization is: for those its members are checked instead.
_WRONG_CASES = [
    pytest.param(entry, wrong, id=f"{entry.name}-{wrong}")
    for entry in ENTRY_POINTS
    for wrong in WRONG_TYPES
    if not (wrong == "dict" and entry.json_serialization)
]
_JSON_ENTRY_POINTS = [entry for entry in ENTRY_POINTS if entry.json_serialization]


class TestTokenTypes:
    """Every token-taking entry point of jwt (but decode/Verifier), jws JSON and jwe."""

    @pytest.mark.parametrize(("entry", "wrong"), _WRONG_CASES)
    def test_wrong_type_is_malformed(self, entry: EntryPoint, wrong: str) -> None:
        """A token of another type raises the layer's MalformedError, never TypeError."""
        value = WRONG_TYPES[wrong](entry.make())
        with pytest.raises(entry.error) as caught:
            entry.call(value)
        assert isinstance(caught.value, JotkitError)
        assert type(value).__name__ in str(caught.value)

    @pytest.mark.parametrize("entry", ENTRY_POINTS, ids=_ENTRY_IDS)
    @pytest.mark.parametrize("right", list(RIGHT_TYPES), ids=list(RIGHT_TYPES))
    def test_right_types_accepted(self, entry: EntryPoint, right: str) -> None:
        """str, bytes and bytearray holding the same valid token all succeed."""
        assert entry.call(RIGHT_TYPES[right](entry.make())) is not None

    @pytest.mark.parametrize("entry", _JSON_ENTRY_POINTS, ids=lambda e: e.name)
    def test_dict_member_of_wrong_type(self, entry: EntryPoint) -> None:
        """For the JSON serializations, a dict with a wrongly typed member is malformed."""
        obj = json.loads(entry.make())
        obj["ciphertext" if "ciphertext" in obj else "payload"] = 123
        with pytest.raises(entry.error):
            entry.call(obj)
