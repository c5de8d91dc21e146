"""Harness: the JWE parsers (``jwe.decrypt_compact`` and ``jwe.decrypt_json``, RFC 7516).

Each input is decrypted as bytes, as text and (JSON serialization) as the dict the
standard library parses from it, three ways: with the fixed ``dir`` key; with a key set
of an A128KW key and P-256 and X25519 keys (ECDH-ES: the ``epk`` checks); and with a
password (PBES2, ``p2c`` capped at its default).

To get past the tag check, an input is also used as ``header JSON \\n plaintext`` fields:
the harness encrypts the plaintext under the header exactly as given (deflating it when
the header says ``zip: DEF``) with the ``dir`` key, so fuzzed headers reach everything
that runs after decryption. Likewise a JSON input whose ``ciphertext`` is ``"ENCRYPT!"``
is encrypted for its (dict) ``protected`` header.

Oracle: what decrypts with the ``dir`` key is the plaintext the harness encrypted.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any

from jotkit import jwe
from jotkit._b64 import b64encode, b64encode_str
from jotkit.errors import JotkitError
from jotkit.jwa import CONTENT_ENCRYPTIONS
from jotkit.jwe._zip import deflate

from ._common import Seed, Target, expect, lenient_json, split_fields, stable_bytes, text_of
from ._keys import DIR_KEY, DIR_SECRET, EC_PRIVATE, JWE_KEYS, KW_KEY, X25519_PRIVATE

__all__ = ["TARGET", "check"]

_DIR_ENCS = ["A256GCM", "A128CBC-HS256"]
_KEYSET_ALGS = ["A128KW", "A128GCMKW", "ECDH-ES", "ECDH-ES+A128KW"]
_ALL_ENCS = list(CONTENT_ENCRYPTIONS)
_PASSWORD = b"jotkit fuzzing password"
_PBES2 = ["PBES2-HS256+A128KW"]
_PLACEHOLDER = "ENCRYPT!"
_JSON_PLAINTEXT = b"fuzz plaintext"

# (key, algorithms, encryptions) for each pass.
_PASSES: tuple[tuple[Any, list[str], list[str]], ...] = (
    (DIR_KEY, ["dir"], _DIR_ENCS),
    (JWE_KEYS, _KEYSET_ALGS, _ALL_ENCS),
    (_PASSWORD, _PBES2, _ALL_ENCS),
)


def _decrypt_compact(token: str | bytes, expected: bytes | None = None) -> None:
    for index, (key, algorithms, encryptions) in enumerate(_PASSES):
        try:
            result = jwe.decrypt_compact(token, key, algorithms=algorithms, encryptions=encryptions)
        except JotkitError:
            continue
        expect(result.header.get("alg") in algorithms, "accepted an alg outside the list")
        if index == 0 and expected is not None:
            expect(result.plaintext == expected, "decrypted to another plaintext")


def _decrypt_json(value: Mapping[str, Any] | str | bytes, expected: bytes | None = None) -> None:
    for index, (key, algorithms, encryptions) in enumerate(_PASSES):
        try:
            result = jwe.decrypt_json(value, key, algorithms=algorithms, encryptions=encryptions)
        except JotkitError:
            continue
        expect(result.header.get("alg") in algorithms, "accepted an alg outside the list")
        if index == 0 and expected is not None:
            expect(result.plaintext == expected, "decrypted to another plaintext")


def _seal(header: Any, protected_b64: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, ...]:
    """Encrypt with the dir key for the header's ``enc``: (iv, ciphertext, tag)."""
    enc = header.get("enc") if isinstance(header, dict) else None
    content = CONTENT_ENCRYPTIONS.get(enc if isinstance(enc, str) else "", None)
    if content is None or content.cek_bits != len(DIR_SECRET) * 8:
        content = CONTENT_ENCRYPTIONS["A256GCM"]
    if isinstance(header, dict) and header.get("zip") == "DEF":
        plaintext = deflate(plaintext)
    iv = stable_bytes(protected_b64 + plaintext, content.iv_bytes)
    ciphertext, tag = content.encrypt(DIR_SECRET, iv, plaintext, aad)
    return iv, ciphertext, tag


def _sealed_compact(fields: list[bytes]) -> str:
    head = b64encode(fields[0])
    header = lenient_json(text_of(fields[0]))
    iv, ciphertext, tag = _seal(header, head, fields[1], head)
    parts = (head, b"", b64encode(iv), b64encode(ciphertext), b64encode(tag))
    return b".".join(parts).decode("ascii")


def _fill(obj: dict[str, Any]) -> bool:
    """Turn a template into a JWE JSON object in place; return whether to use it."""
    protected = obj.get("protected")
    if isinstance(protected, dict):
        obj["protected"] = b64encode_str(json.dumps(protected).encode())
    if obj.get("ciphertext") != _PLACEHOLDER or not isinstance(obj.get("protected"), str):
        return isinstance(protected, dict)
    protected_b64 = obj["protected"].encode("utf-8", "surrogatepass")
    aad = obj.get("aad")
    extra = aad.encode("utf-8", "surrogatepass") if isinstance(aad, str) else None
    full_aad = protected_b64 if extra is None else protected_b64 + b"." + extra
    header = protected if isinstance(protected, dict) else {}
    iv, ciphertext, tag = _seal(header, protected_b64, _JSON_PLAINTEXT, full_aad)
    obj.update(iv=b64encode_str(iv), ciphertext=b64encode_str(ciphertext), tag=b64encode_str(tag))
    return True


def check(data: bytes) -> None:
    """Decrypt ``data`` as compact and JSON tokens, then as sealed fields and templates."""
    text = text_of(data)
    for token in (data, text):
        _decrypt_compact(token)
        _decrypt_json(token)
    parsed = lenient_json(text)
    if isinstance(parsed, dict):
        _decrypt_json(copy.deepcopy(parsed))
        if _fill(parsed):
            _decrypt_json(parsed, _JSON_PLAINTEXT)
            _decrypt_json(json.dumps(parsed), _JSON_PLAINTEXT)
    fields = split_fields(data, 2)
    if fields is not None:
        _decrypt_compact(_sealed_compact(fields), fields[1])


def seeds() -> Iterator[Seed]:
    """Valid tokens for each pass, and header/plaintext fields and templates."""
    plaintext = b'{"sub":"fuzz"}'
    yield "dir-gcm", jwe.encrypt_compact(plaintext, DIR_KEY, alg="dir", enc="A256GCM").encode()
    yield (
        "dir-cbc-zip",
        jwe.encrypt_compact(plaintext, DIR_KEY, alg="dir", enc="A128CBC-HS256", zip="DEF").encode(),
    )
    yield "a128kw", jwe.encrypt_compact(plaintext, KW_KEY, alg="A128KW", enc="A128GCM").encode()
    yield (
        "a128gcmkw",
        jwe.encrypt_compact(plaintext, KW_KEY, alg="A128GCMKW", enc="A192GCM").encode(),
    )
    yield (
        "ecdh-es-p256",
        jwe.encrypt_compact(plaintext, EC_PRIVATE.public(), alg="ECDH-ES", enc="A128GCM").encode(),
    )
    yield (
        "ecdh-es-x25519-kw",
        jwe.encrypt_compact(
            plaintext, X25519_PRIVATE.public(), alg="ECDH-ES+A128KW", enc="A256GCM"
        ).encode(),
    )
    yield (
        "pbes2",
        jwe.encrypt_compact(
            plaintext, _PASSWORD, alg=_PBES2[0], enc="A128GCM", headers={"p2c": 1000}
        ).encode(),
    )
    recipients = [
        jwe.Recipient(KW_KEY, "A128KW"),
        jwe.Recipient(EC_PRIVATE.public(), "ECDH-ES+A128KW"),
    ]
    yield (
        "json-general",
        json.dumps(jwe.encrypt_json(plaintext, recipients, enc="A128GCM")).encode(),
    )
    yield (
        "json-dir",
        json.dumps(
            jwe.encrypt_json(plaintext, [jwe.Recipient(DIR_KEY, "dir")], enc="A256GCM")
        ).encode(),
    )
    yield "fields-dir", b'{"alg":"dir","enc":"A256GCM"}\n' + plaintext
    yield "fields-zip", b'{"alg":"dir","enc":"A128CBC-HS256","zip":"DEF"}\n' + plaintext
    yield "fields-crit", b'{"alg":"dir","enc":"A256GCM","crit":["x"],"x":1}\nx'
    epk = EC_PRIVATE.public().to_jwk()
    yield (
        "fields-epk",
        b'{"alg":"ECDH-ES","enc":"A128GCM","epk":' + json.dumps(epk).encode() + b"}\nx",
    )
    yield (
        "fields-p2c",
        b'{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAAAAAAAAA","p2c":1000000}\nx',
    )
    yield (
        "template",
        json.dumps(
            {
                "protected": {"alg": "dir", "enc": "A256GCM"},
                "ciphertext": _PLACEHOLDER,
                "aad": "YWFk",
            }
        ).encode(),
    )
    yield (
        "template-zip",
        json.dumps(
            {
                "protected": {"enc": "A128CBC-HS256", "zip": "DEF"},
                "unprotected": {"alg": "dir"},
                "ciphertext": _PLACEHOLDER,
            }
        ).encode(),
    )


TARGET = Target(
    name="jwe",
    check=check,
    seeds=seeds,
    dictionary=(
        b".",
        b"\n",
        b'"alg"',
        b'"enc"',
        b'"zip"',
        b'"DEF"',
        b'"dir"',
        b'"A256GCM"',
        b'"A128CBC-HS256"',
        b'"A128KW"',
        b'"ECDH-ES"',
        b'"epk"',
        b'"crv"',
        b'"P-256"',
        b'"X25519"',
        b'"p2s"',
        b'"p2c"',
        b'"crit"',
        b'"protected"',
        b'"unprotected"',
        b'"recipients"',
        b'"encrypted_key"',
        b'"ciphertext"',
        b'"ENCRYPT!"',
        b'"iv"',
        b'"tag"',
        b'"aad"',
    ),
)
