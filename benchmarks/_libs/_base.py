"""The interface every benchmarked library (and the floor) implements.

A method returns the callable that the harness times, built from pre-loaded inputs so
that only the per-token work is measured. A library that cannot do an operation raises
:class:`Unsupported`; the harness then prints "n/a" in that cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._fixtures import Fixtures

__all__ = ["Decoder", "Decrypter", "Encoder", "Library", "Unsupported"]

#: Makes one token from the fixtures' claims.
Encoder = Callable[[], str]
#: Verifies one token and validates its claims; returns the claims.
Decoder = Callable[[str], dict[str, Any]]
#: Decrypts one JWE compact token; returns the plaintext.
Decrypter = Callable[[str], bytes]


class Unsupported(Exception):
    """The library has no way to do this operation (or not yet)."""


class Library:
    """Base adapter: every operation unsupported until a subclass says otherwise."""

    #: Column title.
    name = "?"
    #: Distribution name for the version line in RESULTS.md (empty: none).
    dist = ""
    #: Statement timed by the import-time row, in a fresh interpreter.
    import_stmt = ""

    def __init__(self, fx: Fixtures) -> None:
        self.fx = fx

    def encoder(self, alg: str, pem: bool) -> Encoder:
        """Sign the standard claims with ``alg``; ``pem``: load the key from PEM each call."""
        raise Unsupported(f"{alg} not supported")

    def decoder(self, alg: str, pem: bool) -> Decoder:
        """Verify and validate (alg, iss, aud, exp); ``pem``: load the key each call."""
        raise Unsupported(f"{alg} not supported")

    def jwks_decoder(self) -> Decoder:
        """Like :meth:`decoder` for RS256, with the key selected by ``kid`` from a JWKS."""
        raise Unsupported("no key set support")

    def encrypter(self, alg: str, enc: str) -> Encoder:
        """JWE compact encryption of the fixtures' plaintext."""
        raise Unsupported("no JWE")

    def decrypter(self, alg: str, enc: str) -> Decrypter:
        """JWE compact decryption allowing only ``alg`` and ``enc``."""
        raise Unsupported("no JWE")

    def pem_importer(self, kty: str) -> Callable[[], object]:
        """Parse the private PEM of the ``kty`` key into the library's key object."""
        raise Unsupported("no PEM import")

    def verifier(self, alg: str, cache: bool) -> Decoder:
        """A pre-bound verifier; peers have none, so their plain decoder stands in."""
        if cache:
            raise Unsupported("no token cache")
        return self.decoder(alg, pem=False)
