"""Hypothesis strategies for hostile input: JSON values, JOSE headers, token mutations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from jotkit._b64 import b64decode
from jotkit.errors import MalformedError

from ._forge import b64

__all__ = [
    "B64_ALPHABET",
    "jose_headers",
    "json_values",
    "mutate",
    "mutations",
    "surrogate_text",
]

B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

#: Any text, including lone surrogates (what ``surrogateescape`` decoding produces).
surrogate_text = st.text(st.characters(codec=None, exclude_categories=()))

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)

#: Any JSON value (bounded in size).
json_values: st.SearchStrategy[Any] = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)

_NAMES = [
    "alg",
    "enc",
    "kid",
    "typ",
    "cty",
    "crit",
    "b64",
    "zip",
    "jwk",
    "jku",
    "x5u",
    "x5c",
    "epk",
    "apu",
    "apv",
    "iv",
    "tag",
    "p2s",
    "p2c",
    "x5t",
    "x5t#S256",
]
_ALGS = [
    "HS256",
    "HS384",
    "ES256",
    "RS256",
    "PS256",
    "EdDSA",
    "none",
    "None",
    "hs256",
    "",
    "dir",
    "A128KW",
    "A128GCMKW",
    "RSA-OAEP",
    "RSA1_5",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "PBES2-HS256+A128KW",
]
_ENCS = ["A128GCM", "A256GCM", "A128CBC-HS256", "A256CBC-HS512", "a128gcm", ""]

#: Header objects mixing registered members with plausible and arbitrary values.
jose_headers: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "alg": st.sampled_from(_ALGS) | json_values,
        "enc": st.sampled_from(_ENCS) | json_values,
        "kid": st.text(max_size=10) | json_values,
        "crit": st.lists(st.sampled_from(["b64", "exp", "x"]), max_size=3) | json_values,
        "b64": st.booleans() | json_values,
        "zip": st.sampled_from(["DEF", "def"]) | json_values,
        "p2c": st.integers(min_value=-10, max_value=10**12) | json_values,
        "p2s": st.sampled_from(["", b64(b"12345678"), "AA=="]) | json_values,
        "iv": st.sampled_from([b64(bytes(12)), ""]) | json_values,
        "tag": st.sampled_from([b64(bytes(16)), ""]) | json_values,
        "epk": json_values,
        "jwk": json_values,
        "typ": st.sampled_from(["JWT", "at+jwt"]) | json_values,
    },
)
_extra_members = st.dictionaries(
    st.sampled_from(_NAMES) | st.text(max_size=6), json_values, max_size=2
)
jose_headers = st.builds(lambda base, extra: {**extra, **base}, jose_headers, _extra_members)


def _flip_decoded(segment: str, index: int, bit: int) -> str:
    """Flip one bit of a segment's decoded bytes and re-encode (keeps it canonical)."""
    try:
        raw = bytearray(b64decode(segment))
    except MalformedError:
        return segment + "A"
    if not raw:
        return b64(bytes([1 << bit]))
    raw[index % len(raw)] ^= 1 << bit
    return b64(bytes(raw))


#: A hypothesis draw function: ``st.data().draw`` or a composite's ``draw``.
Draw = Callable[[st.SearchStrategy[Any]], Any]


def mutate(token: str, draw: Draw) -> str:
    """Apply one random mutation to a dotted token (compact JWS or JWE)."""
    parts = token.split(".")
    kind = draw(
        st.sampled_from(["flip", "replace", "delete", "insert", "swap", "drop", "dup", "truncate"])
    )
    if kind == "flip":
        which = draw(st.integers(0, len(parts) - 1))
        parts[which] = _flip_decoded(
            parts[which], draw(st.integers(0, 10**6)), draw(st.integers(0, 7))
        )
        return ".".join(parts)
    if kind == "swap" and len(parts) > 1:
        i, j = draw(st.integers(0, len(parts) - 1)), draw(st.integers(0, len(parts) - 1))
        parts[i], parts[j] = parts[j], parts[i]
        return ".".join(parts)
    if kind == "drop":
        del parts[draw(st.integers(0, len(parts) - 1))]
        return ".".join(parts)
    if kind == "dup":
        which = draw(st.integers(0, len(parts) - 1))
        parts.insert(which, parts[which])
        return ".".join(parts)
    at = draw(st.integers(0, max(len(token) - 1, 0)))
    char: str = draw(st.sampled_from(B64_ALPHABET + ".=+/ \n\x00é") | st.characters())
    if kind == "replace":
        return token[:at] + char + token[at + 1 :]
    if kind == "delete":
        return token[:at] + token[at + 1 :]
    if kind == "insert":
        return token[:at] + char + token[at:]
    return token[:at]


def mutations(valid: Callable[[], str]) -> st.SearchStrategy[str]:
    """Strategy of mutated variants of ``valid()``'s token (never the token itself)."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        token = valid()
        mutated = mutate(token, draw)
        return mutated if mutated != token else token + "A"

    return build()
