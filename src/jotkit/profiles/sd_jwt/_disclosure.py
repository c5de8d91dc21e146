"""Disclosures and their digests (RFC 9901 sections 4.2 and 4.2.3).

A Disclosure is the base64url (no padding) of the UTF-8 JSON array ``[salt, name,
value]`` (an object member) or ``[salt, value]`` (an array element). Its digest is the
base64url of a hash over the Disclosure's ASCII text *as transmitted*: a verifier never
re-encodes a Disclosure, so any JSON spelling an issuer chose is accepted and no two
spellings can share a digest. Issuance writes the array the way the RFC's generated
examples do (``json.dumps`` defaults: ``", "`` and ``": "`` separators, non-ASCII as
``\\u`` escapes), so that the fixed values of the RFC come out byte for byte; the
hand-written example of section 4.2.1 spells ``ö`` in UTF-8, which ``utf8=True`` gives.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Collection
from typing import Any, Final

from ... import _json
from ..._b64 import b64decode, b64encode_str
from ..._limits import Limits
from ...errors import DisclosureError

__all__ = [
    "DEFAULT_SD_ALG",
    "HASHES",
    "SD",
    "Digester",
    "decode_disclosure",
    "encode_disclosure",
    "hash_for",
    "new_salt",
]

#: ``_sd_alg`` values understood (IANA "Named Information Hash Algorithm" names).
HASHES: Final[dict[str, Callable[[bytes], Any]]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
#: Section 4.1.1: without ``_sd_alg`` the digests are SHA-256.
DEFAULT_SD_ALG: Final = "sha-256"

Digester = Callable[[str], str]

# The RFC's generated examples: json.dumps defaults, without NaN.
_ENCODER = json.JSONEncoder(allow_nan=False)
_UTF8_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


class SD:
    """Marks an object member's value or an array element as selectively disclosable.

    ``{"given_name": SD("John"), "nationalities": [SD("DE"), "FR"]}``; the value may
    itself hold ``SD`` markers (recursive disclosures, RFC 9901 section 6.3).
    """

    __slots__ = ("value",)
    value: Any

    def __init__(self, value: Any) -> None:
        if isinstance(value, SD):
            raise TypeError("SD(SD(...)) marks nothing more than SD(...)")
        self.value = value

    def __repr__(self) -> str:
        return f"SD({self.value!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SD) and other.value == self.value

    __hash__: None = None  # type: ignore[assignment]  # equal by value, so unhashable


def _digester(function: Callable[[bytes], Any]) -> Digester:
    def digest(disclosure: str) -> str:
        return b64encode_str(function(disclosure.encode("ascii")).digest())

    return digest


_DIGESTERS: Final = {name: _digester(function) for name, function in HASHES.items()}


def hash_for(sd_alg: object, allowed: Collection[str] = HASHES.keys()) -> Digester:
    """The digest function of an ``_sd_alg``.

    Raises:
        DisclosureError: an ``_sd_alg`` that is not understood or not in ``allowed``
            (section 7.1 step 3).
    """
    digest = _DIGESTERS.get(sd_alg) if isinstance(sd_alg, str) else None
    if digest is None or sd_alg not in allowed:
        raise DisclosureError(
            f"_sd_alg {sd_alg!r} is not understood or not allowed "
            f"(accepted: {', '.join(sorted(allowed))})"
        )
    return digest


def new_salt() -> str:
    """128 random bits, base64url (section 9.3 asks for at least 128)."""
    return secrets.token_urlsafe(16)


def encode_disclosure(items: list[Any], *, utf8: bool = False) -> str:
    """The Disclosure for ``[salt, name, value]`` or ``[salt, value]``.

    Raises:
        TypeError: a value that is not JSON (NaN included).
    """
    try:
        text = (_UTF8_ENCODER if utf8 else _ENCODER).encode(items)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"a selectively disclosable value is not JSON: {exc}") from None
    return b64encode_str(text.encode("utf-8"))


def decode_disclosure(text: str, index: int, limits: Limits) -> list[Any]:
    """Parse Disclosure number ``index`` (0-based, in presentation order) to its array.

    Raises:
        DisclosureError: not base64url of a JSON array of two or three elements whose
            salt is a string (section 7.1 step 3 and 4).
        ExceededLimitError: nested deeper than ``limits.max_depth``.
    """
    try:
        raw = b64decode(text, DisclosureError)
        items = _json.loads(
            raw, max_size=limits.max_token_size, max_depth=limits.max_depth, error=DisclosureError
        )
    except DisclosureError as exc:
        raise DisclosureError(f"disclosure {index}: {exc.message}") from None
    if type(items) is not list or len(items) not in (2, 3):
        raise DisclosureError(
            f"disclosure {index} is not a JSON array of [salt, name, value] or [salt, value]"
        )
    if type(items[0]) is not str:
        raise DisclosureError(f"disclosure {index}: the salt must be a string")
    if len(items) == 3 and type(items[1]) is not str:
        raise DisclosureError(f"disclosure {index}: the claim name must be a string")
    return items
