"""sd-jwt, the SD-JWT reference implementation (RFC 9901's example generator): a column
for the SD-JWT row only (``benchmarks/_sd_jwt.py``); it has no plain JWS or JWT API."""

from __future__ import annotations

from ._base import Library

__all__ = ["SdJwt"]


class SdJwt(Library):
    """sd-jwt adapter: every generic operation is unsupported."""

    name = "sd-jwt"
    dist = "sd-jwt"
    import_stmt = "import sd_jwt.verifier"
