"""The vocabulary of the interop suite: requests to a peer, its outcomes, matrix cells.

A peer is another JOSE implementation. Every peer answers a batch of requests at once
(the Node peer runs one process per batch), and says for each failure whether it is its
own "not supported" error. How failures become matrix cells is up to :mod:`._runner`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

__all__ = [
    "FAIL",
    "OK",
    "PEER_TO_JOTKIT",
    "TO_PEER",
    "UNSUPPORTED",
    "Cell",
    "GenerateRequest",
    "ImportRequest",
    "Outcome",
    "Peer",
    "Request",
    "TokenOp",
    "TokenRequest",
    "describe",
    "describe_error",
    "material",
]

OK = "ok"
UNSUPPORTED = "unsupported"
FAIL = "FAIL"

#: jotkit made the token (or exported the key) and the peer accepted it.
TO_PEER = "jotkit → peer"
#: the peer made the token (or exported the key) and jotkit accepted it.
PEER_TO_JOTKIT = "peer → jotkit"

TokenOp = Literal["sign", "verify", "encrypt", "decrypt"]


@dataclass(frozen=True)
class TokenRequest:
    """Make a compact token (sign/encrypt) or read one (verify/decrypt) with a JWK."""

    op: TokenOp
    alg: str
    enc: str | None
    jwk: Mapping[str, Any]
    data: bytes  # the payload to sign or encrypt, or the token to verify or decrypt


@dataclass(frozen=True)
class ImportRequest:
    """Import a key exported by jotkit and export it again in the peer's own JWK."""

    kind: str
    fmt: Literal["jwk", "pem"]
    private: bool
    key: Mapping[str, Any] | bytes  # a JWK, or PEM (PKCS#8 or SubjectPublicKeyInfo)


@dataclass(frozen=True)
class GenerateRequest:
    """Generate a key of ``kind`` in the peer and export it as JWK and (if any) PEM."""

    kind: str


Request = TokenRequest | ImportRequest | GenerateRequest


@dataclass(frozen=True)
class Outcome:
    """What a peer did with one request.

    ``value``: the token or payload (bytes) of a token request, or a mapping of exported
    keys (``jwk``, ``public_jwk``, ``pkcs8``, ``spki``) of a key request.
    """

    value: bytes | Mapping[str, Any] | None = None
    error: str = ""
    unsupported: bool = False

    @property
    def ok(self) -> bool:
        """Whether the peer did the operation."""
        return not self.error


class Peer(Protocol):
    """Another JOSE implementation, driven in batches."""

    @property
    def name(self) -> str: ...

    def run(self, requests: Sequence[Request]) -> list[Outcome]: ...


@dataclass(frozen=True, order=True)
class Cell:
    """One entry of the matrix: a peer, a row, a direction, and what happened."""

    section: str  # "JWS", "JWE" or "Keys"
    row: tuple[str, ...]  # (alg, key) for JWS, (alg, key, enc) for JWE, (key, format) for Keys
    peer: str
    direction: str  # TO_PEER or PEER_TO_JOTKIT
    status: str  # OK, UNSUPPORTED or FAIL
    detail: str = ""  # the peer's reason for UNSUPPORTED, what went wrong for FAIL


_JSONISH = re.compile(r"\{.*\}|\[.*\]", re.DOTALL)
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def describe(exc: BaseException) -> str:
    """A short, deterministic description of an error, free of key material."""
    return describe_error(type(exc).__name__, str(exc))


def describe_error(name: str, message: str) -> str:
    """``name: message``, shortened, with JSON-ish parts and object addresses removed.

    Some libraries put the whole JWK (private members included) or object addresses into
    their messages: neither may reach a committed document, and both change per run.
    """
    lines = message.strip().splitlines()
    first = _ADDRESS.sub("", _JSONISH.sub("{...}", lines[0] if lines else ""))
    text = f"{name}: {first}" if first else name
    return text if len(text) <= 160 else text[:157] + "..."


#: The members that make up the key itself, per kty (metadata like kid/use is not compared).
_MATERIAL = {
    "RSA": ("kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"),
    "EC": ("kty", "crv", "x", "y", "d"),
    "OKP": ("kty", "crv", "x", "d"),
    "oct": ("kty", "k"),
}


def material(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The key-material members of a JWK, for comparing two exports of the same key."""
    names = _MATERIAL.get(str(jwk.get("kty")), ("kty",))
    return {name: jwk[name] for name in names if name in jwk}
