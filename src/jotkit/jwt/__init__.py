"""JSON Web Token (RFC 7519) with the best current practices of RFC 8725.

``encode`` / ``decode`` (one call verifies the signature AND validates the claims),
``decode_complete`` (with the header and key), ``Verifier`` (pre-bound, the server fast
path), encrypted JWTs (``encrypt`` / ``decrypt``), nested JWTs (``encode_nested`` /
``decode_nested``), unsecured JWTs (``encode_unsecured`` / ``decode_unsecured``, the
only code that touches ``alg: none``) and ``unverified`` for debugging.
"""

from __future__ import annotations

from ._decode import decode, decode_complete
from ._encode import encode
from ._encrypted import decrypt, encrypt
from ._nested import decode_nested, encode_nested
from ._numeric import Now
from ._policy import ClaimsPolicy
from ._result import DecodedJWT, UnverifiedJWT
from ._unsecured import decode_unsecured, encode_unsecured
from ._unverified import unverified
from ._verifier import Verifier

__all__ = [
    "ClaimsPolicy",
    "DecodedJWT",
    "Now",
    "UnverifiedJWT",
    "Verifier",
    "decode",
    "decode_complete",
    "decode_nested",
    "decode_unsecured",
    "decrypt",
    "encode",
    "encode_nested",
    "encode_unsecured",
    "encrypt",
    "unverified",
]
